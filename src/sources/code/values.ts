import type { KeyPath, Position } from '../document.js';
import { describeUnknown, firstUnknown, literalText, normalizePieces, text, unknownPiece, type Piece, type UnknownPiece } from '../gcloud/words.js';

/**
 * A value a deploy script builds, as far as reading it without running it can tell: literals,
 * dict/object literals, lists, and strings assembled from constants (f-strings, template
 * literals, `+`). What only running the script would give (an environment variable, an argument,
 * the result of a call) is an unknown that says what it is and why, like an unknown shell word.
 * Every value keeps where it was written.
 */
export type CodeValue = CodeString | CodeNumber | CodeBoolean | CodeNull | CodeObject | CodeList | CodeUnknown;

export interface CodeString {
  readonly kind: 'string';
  readonly pieces: readonly Piece[];
  readonly at: Position;
}

export interface CodeNumber {
  readonly kind: 'number';
  readonly value: number;
  readonly at: Position;
}

export interface CodeBoolean {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly at: Position;
}

export interface CodeNull {
  readonly kind: 'null';
  readonly at: Position;
}

export interface CodeEntry {
  readonly key: string;
  readonly keyAt: Position;
  readonly value: CodeValue;
}

export interface CodeObject {
  readonly kind: 'object';
  readonly entries: readonly CodeEntry[];
  readonly at: Position;
  /** The literal (or constructor call) it was written as: one body read once, however many names it has. */
  readonly node: number;
  /**
   * Set when the object is fields set on a value only known at run time (a service read from the
   * API, then changed): the unknown it was built on. Only its entries are known.
   */
  readonly partialOf?: CodeUnknown;
}

export interface CodeList {
  readonly kind: 'list';
  readonly items: readonly CodeValue[];
  readonly at: Position;
}

export interface CodeUnknown {
  readonly kind: 'unknown';
  readonly piece: UnknownPiece;
  readonly at: Position;
  /** When it is the result of a call: the call (its arguments may name the service it reads). */
  readonly call?: { readonly callee: string; readonly args: readonly CodeValue[]; readonly keywords: ReadonlyMap<string, CodeValue> };
}

export const codeString = (value: string, at: Position): CodeString => ({ kind: 'string', pieces: [text(value)], at });

export const codeUnknown = (source: string, why: string, at: Position): CodeUnknown => ({ kind: 'unknown', piece: unknownPiece(source, why), at });

/** The pieces a value contributes to a string it is part of (`f"{x}"`, `` `${x}` ``, `a + x`). */
export function piecesOf(value: CodeValue, source: string): Piece[] {
  switch (value.kind) {
    case 'string':
      return [...value.pieces];
    case 'number':
      return [text(String(value.value))];
    case 'boolean':
      return [text(String(value.value))];
    case 'null':
      return [text('None')];
    case 'unknown':
      return [value.piece];
    default:
      return [unknownPiece(source, `which is a ${value.kind === 'object' ? 'mapping' : 'list'}, not text`)];
  }
}

/** Longer than this, an assembled string is not kept (a string doubled forty times is 2^40 characters). */
const MAX_STRING = 1_000_000;
const MAX_PIECES = 10_000;

/** Joins values into one string value (a concatenation), at `at`. */
export function joinStrings(parts: readonly Piece[][], at: Position): CodeString {
  const pieces = parts.flat();
  const length = pieces.reduce((n, p) => n + (p.kind === 'text' ? p.text.length : 0), 0);
  if (length > MAX_STRING || pieces.length > MAX_PIECES) return { kind: 'string', pieces: [unknownPiece('a string', `which is longer than ${MAX_STRING.toLocaleString('en')} characters once assembled`)], at };
  return { kind: 'string', pieces: normalizePieces(pieces), at };
}

/** The literal text of a string value, when every part of it is known. */
export function literalOf(value: CodeValue | undefined): string | undefined {
  return value?.kind === 'string' ? literalText(value.pieces) : undefined;
}

/** The entry `key` of an object value. */
export function entryOf(value: CodeValue | undefined, key: string): CodeEntry | undefined {
  return value?.kind === 'object' ? [...value.entries].reverse().find((e) => e.key === key) : undefined;
}

/**
 * A value the reader cannot know, standing where it was written in the plain data a document
 * reader walks: the Cloud Run readers see it instead of a string and say the value is unknown.
 */
export class UnknownValue {
  constructor(
    readonly reason: string,
    readonly at: Position,
  ) {}
}

/** More values than this in one body is no deploy script's: its expansion is refused. */
export const MAX_PLAIN_VALUES = 100_000;

/** A body that expands to more than {@link MAX_PLAIN_VALUES} values, where it starts. */
export class PlainValueTooLarge extends Error {
  constructor(readonly at: Position) {
    super(`this Cloud Run body expands to more than ${MAX_PLAIN_VALUES.toLocaleString('en')} values (names referring to names); it is not read`);
  }
}

/** Proto field names a JSON body may spell in snake case (`vpc_access`): the REST JSON mapping accepts both. */
const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** Maps whose keys are data (annotation and label names, env names in a dict), never renamed. */
const DATA_KEYS = new Set(['annotations', 'labels']);

const camel = (key: string): string => (SNAKE.test(key) ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key);

/**
 * The plain data of a value, as a JSON or YAML reader would give it: keys in the API's lowerCamel
 * spelling, unknowns as {@link UnknownValue}, a string with an unknown part unknown as a whole.
 */
export function plainOf(value: CodeValue, inData = false, budget = { left: MAX_PLAIN_VALUES }): unknown {
  // A list a name refers to twice, nested forty times, is a value of 2^40 items: refused.
  if (--budget.left < 0) throw new PlainValueTooLarge(value.at);
  switch (value.kind) {
    case 'string': {
      const literal = literalText(value.pieces);
      const unknown = firstUnknown(value.pieces);
      return literal ?? new UnknownValue(unknown === undefined ? 'not known' : describeUnknown(unknown), value.at);
    }
    case 'number':
    case 'boolean':
      return value.value;
    case 'null':
      return null;
    case 'unknown':
      return new UnknownValue(describeUnknown(value.piece), value.at);
    case 'list':
      return value.items.map((item) => plainOf(item, false, budget));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of value.entries) {
        const key = inData ? entry.key : camel(entry.key);
        out[key] = plainOf(entry.value, DATA_KEYS.has(key), budget);
      }
      return out;
    }
    default: {
      const unreachable: never = value;
      return unreachable;
    }
  }
}

/**
 * The position of the value at `path` of {@link plainOf}'s data (with `key`, of its key); the
 * nearest existing ancestor's when the path does not exist.
 */
export function locateIn(root: CodeValue, path: KeyPath, options?: { readonly key?: boolean }): Position {
  let node: CodeValue = root;
  let inData = false;
  for (const [i, segment] of path.entries()) {
    if (node.kind === 'object' && typeof segment === 'string') {
      const entry = [...node.entries].reverse().find((e) => (inData ? e.key : camel(e.key)) === segment);
      if (entry === undefined) return node.at;
      if (i === path.length - 1 && options?.key === true) return entry.keyAt;
      inData = DATA_KEYS.has(segment);
      node = entry.value;
    } else if (node.kind === 'list' && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return node.at;
      node = item;
      inData = false;
    } else return node.at;
  }
  return node.at;
}

/**
 * `value` with `path` set to `field` (`body["template"]["vpcAccess"] = {...}`): objects are
 * copied, never changed, so a value shared by two names stays as each saw it. A path through an
 * unknown (the service a script read from the API) makes a partial object of the fields set.
 */
export function withPath(value: CodeValue, path: readonly { readonly key: string; readonly at: Position }[], field: CodeValue, node: number): CodeValue {
  const [head, ...rest] = path;
  if (head === undefined) return field;
  const base: CodeObject =
    value.kind === 'object'
      ? value
      : { kind: 'object', entries: [], at: value.at, node, ...(value.kind === 'unknown' ? { partialOf: value } : {}) };
  const existing = [...base.entries].reverse().find((e) => e.key === head.key)?.value;
  const inner = existing ?? ({ kind: 'object', entries: [], at: head.at, node: node * 2, ...(base.partialOf !== undefined ? { partialOf: base.partialOf } : {}) } satisfies CodeObject);
  const entries = [...base.entries.filter((e) => e.key !== head.key), { key: head.key, keyAt: head.at, value: withPath(inner, rest, field, node * 2) }];
  return { ...base, entries };
}

/**
 * `"{}/{name}".format(a, name=b)` and `"%s/%(name)s" % (a, b)`: the template's literal text with each
 * field replaced by the pieces of its argument. Undefined when the template is not literal or uses
 * what is not read here (format specs, `{0.attr}`, `%d` with a width), so the caller says unknown.
 *
 * @example
 * formatTemplate('projects/{}/services/{}', [codeString('acme', at), codeString('api', at)], new Map(), 'brace', at);
 * // the string value projects/acme/services/api
 */
export function formatTemplate(template: CodeValue, args: readonly CodeValue[], keywords: ReadonlyMap<string, CodeValue>, style: 'brace' | 'percent', at: Position): CodeString | undefined {
  const text = literalOf(template);
  if (text === undefined) return undefined;
  const parts: Piece[][] = [];
  let next = 0;
  const field = /\{\{|\}\}|\{([^{}]*)\}|%%|%(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?([sdr])/g;
  let last = 0;
  for (let m = field.exec(text); m !== null; m = field.exec(text)) {
    parts.push([{ kind: 'text', text: text.slice(last, m.index) }]);
    last = m.index + m[0].length;
    const whole = m[0];
    if (whole === '{{' || whole === '}}' || whole === '%%') {
      parts.push([{ kind: 'text', text: whole.charAt(0) }]);
      continue;
    }
    if ((style === 'brace') !== whole.startsWith('{')) {
      parts.push([{ kind: 'text', text: whole }]);
      continue;
    }
    const name = style === 'brace' ? (m[1] ?? '') : (m[2] ?? '');
    let value: CodeValue | undefined;
    if (name === '') value = args[next++];
    else if (/^\d+$/.test(name)) value = args[Number(name)];
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) value = keywords.get(name);
    if (value === undefined) return undefined;
    parts.push(piecesOf(value, whole));
  }
  parts.push([{ kind: 'text', text: text.slice(last) }]);
  return joinStrings(parts, at);
}

