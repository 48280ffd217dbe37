/**
 * Oracle Net connect descriptors, `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))…)`,
 * read structurally: a parameter is `(NAME=value)` or `(NAME=(…)(…))`, nested to any depth
 * the grammar allows. A small recursive-descent parser, bounded in depth, with the offset of
 * the first thing it did not expect.
 */

export interface TnsParameter {
  /** Upper case, as Oracle compares them. */
  readonly name: string;
  /** The value of a `(NAME=value)` leaf; undefined for a parameter with nested ones. */
  readonly value: string | undefined;
  readonly children: readonly TnsParameter[];
}

export class TnsSyntaxError extends Error {
  override name = 'TnsSyntaxError' as const;
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`expected ${expected} at character ${offset + 1}`);
  }
}

// Real descriptors nest four or five levels (DESCRIPTION_LIST > DESCRIPTION > ADDRESS_LIST > ADDRESS).
const MAX_DEPTH = 16;

/** Parses one descriptor (or several side by side); throws `TnsSyntaxError`. */
export function parseTnsDescriptor(text: string): readonly TnsParameter[] {
  let pos = 0;
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  const expect = (char: string): void => {
    skipSpace();
    if (text[pos] !== char) throw new TnsSyntaxError(pos, `"${char}"`);
    pos++;
  };
  const parameter = (depth: number): TnsParameter => {
    if (depth > MAX_DEPTH) throw new TnsSyntaxError(pos, `at most ${MAX_DEPTH} levels of parentheses`);
    expect('(');
    skipSpace();
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9_.-]/.test(text[pos] ?? '')) pos++;
    if (pos === start) throw new TnsSyntaxError(pos, 'a parameter name');
    const name = text.slice(start, pos).toUpperCase();
    expect('=');
    skipSpace();
    if (text[pos] === '(') {
      const children: TnsParameter[] = [];
      while (text[pos] === '(') {
        children.push(parameter(depth + 1));
        skipSpace();
      }
      expect(')');
      return { name, value: undefined, children };
    }
    const value = scalar();
    expect(')');
    return { name, value, children: [] };
  };
  const scalar = (): string => {
    if (text[pos] === '"') {
      const end = text.indexOf('"', pos + 1);
      if (end < 0) throw new TnsSyntaxError(text.length, 'a closing \'"\'');
      const quoted = text.slice(pos + 1, end);
      pos = end + 1;
      return quoted;
    }
    const start = pos;
    while (pos < text.length && text[pos] !== ')' && text[pos] !== '(') pos++;
    return text.slice(start, pos).trim();
  };

  const parameters: TnsParameter[] = [];
  skipSpace();
  while (pos < text.length) {
    parameters.push(parameter(1));
    skipSpace();
  }
  if (parameters.length === 0) throw new TnsSyntaxError(0, '"("');
  return parameters;
}

/** A network address of a descriptor: where the client connects. */
export interface TnsAddress {
  readonly protocol: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
}

/** Every `ADDRESS` in the descriptors, in the order the client tries them. */
export function tnsAddresses(parameters: readonly TnsParameter[]): readonly TnsAddress[] {
  const found: TnsAddress[] = [];
  const visit = (p: TnsParameter): void => {
    if (p.name === 'ADDRESS') {
      const leaf = (name: string): string | undefined => p.children.find((c) => c.name === name)?.value;
      const port = leaf('PORT');
      found.push({ protocol: (leaf('PROTOCOL') ?? 'TCP').toUpperCase(), host: leaf('HOST')?.toLowerCase(), port: port !== undefined && /^\d{1,5}$/.test(port) ? Number(port) : undefined });
      return;
    }
    p.children.forEach(visit);
  };
  parameters.forEach(visit);
  return found;
}
