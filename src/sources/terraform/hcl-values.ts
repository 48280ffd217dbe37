/**
 * Values of evaluated HCL: strings, numbers, bools, null, lists (arrays), objects and maps (plain
 * objects), and two kinds Terraform has and JSON does not:
 * - {@link UnknownValue}: not known before apply, or not evaluated — with why, and what it names;
 * - {@link ObjectReference}: a resource or module call used as a whole (`google_redis_instance.cache`),
 *   whose attributes are looked up when read.
 * An unknown can sit inside a known list or object (`{ a = 1, b = <unknown> }`), as in Terraform.
 */
export class UnknownValue {
  readonly reason: string;
  readonly refs: readonly string[];

  constructor(reason: string, refs: readonly string[] = []) {
    this.reason = reason;
    this.refs = refs;
  }
}

export class ObjectReference {
  /** e.g. `google_redis_instance.cache` or `module.net`. */
  readonly address: string;
  /**
   * True when it stands for instances whose number is not known (read as one): an index selects
   * one of them. Otherwise it is one object, and `["name"]` reads an attribute, as `.name` does.
   */
  readonly standsForInstances: boolean;
  readonly #attribute: (name: string) => { readonly value: unknown; readonly refs: readonly string[] };

  constructor(address: string, attribute: (name: string) => { readonly value: unknown; readonly refs: readonly string[] }, standsForInstances = false) {
    this.address = address;
    this.#attribute = attribute;
    this.standsForInstances = standsForInstances;
  }

  attribute(name: string): { readonly value: unknown; readonly refs: readonly string[] } {
    return this.#attribute(name);
  }
}

/** Thrown for what Terraform reports as an error (wrong type, missing key); `try` and `can` catch it. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError' as const;
}

export type Plain = string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;

export const isUnknown = (value: unknown): value is UnknownValue => value instanceof UnknownValue;

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UnknownValue) && !(value instanceof ObjectReference);
}

/** The first unknown anywhere inside a value (a whole resource used as a value counts as one). */
export function firstUnknown(value: unknown): UnknownValue | undefined {
  if (value instanceof UnknownValue) return value;
  if (value instanceof ObjectReference) return new UnknownValue(`${value.address} used as a whole value is known only after apply`, [value.address]);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  } else if (isRecord(value)) {
    for (const item of Object.values(value)) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  }
  return undefined;
}

/** Terraform's type names, for errors. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof ObjectReference) return 'object';
  if (isRecord(value)) return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** Terraform converts between primitive types where the text allows: `"8080"` is a number, `3` a string. */
export function toStringValue(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  throw new EvaluationError(`${what}: a ${typeName(value)} is not a string`);
}

export function toNumberValue(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  // The value itself is not quoted: it may be a secret.
  throw new EvaluationError(`${what}: ${typeof value === 'string' ? 'a string that does not read as a number' : `a ${typeName(value)}`} is not a number`);
}

export function toBoolValue(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new EvaluationError(`${what}: a ${typeName(value)} is not a bool`);
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/** Lists, sets and tuples are arrays; a map or object's values in key order (Terraform iterates maps by key). */
export function elementsOf(value: unknown, what: string): { readonly key: string | number; readonly value: unknown }[] {
  if (Array.isArray(value)) return value.map((item: unknown, i) => ({ key: i, value: item }));
  if (isRecord(value)) return sortedKeys(value).map((key) => ({ key, value: value[key] }));
  throw new EvaluationError(`${what}: a ${typeName(value)} is not a collection`);
}

export function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Terraform's `==`: same type and same value, collections compared element by element. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item: unknown, i) => valuesEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && valuesEqual(a[k], b[k]));
  }
  return a === b;
}

/** Every string inside a value (list elements, object values), for registering a sensitive one. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (isRecord(value)) for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}
