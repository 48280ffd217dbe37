/** Key paths of a parsed value, for tests that locate every node of a document. */
export type ValuePath = (string | number)[];

/** Every path of a parsed JSON or YAML value, the root included, in document order. */
export function valuePaths(value: unknown, prefix: ValuePath = [], out: ValuePath[] = []): ValuePath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => valuePaths(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) valuePaths(v, [...prefix, k], out);
  return out;
}
