/**
 * Large YAML topologies read with js-yaml, which builds plain data about ten times faster than the
 * `yaml` package composes a document model (a 7.5 MB file: about 0.3 s against 3 s), with each
 * node's position taken from js-yaml's parse events into typed arrays.
 *
 * Only where both libraries give the same data: one document, YAML 1.2's core schema, no aliases,
 * no directives, no byte-order mark, no plain scalar that js-yaml reads as a number where YAML 1.2 core would not
 * (`0b101`, `1_000`). Anything else, and every syntax error, returns undefined, and the caller
 * reads the file with the `yaml` package as before (same values, same messages). The `yaml`
 * document model is still what fixes are written with (comments and layout kept).
 */
import yaml from 'js-yaml';
import type { KeyPath } from './document.js';
import { Int32List } from './text-scan.js';

const SCALAR = 0;
const MAP = 1;
const SEQ = 2;

// YAML 1.2 core schema numbers (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;


/**
 * Whether YAML 1.2's core schema reads the plain scalar `raw` as the number js-yaml gave (it does
 * not for `0b101`, and it keeps the sign of `-0`).
 */
function sameNumber(raw: string, value: number): boolean {
  if (!CORE_NUMBER.test(raw)) return false;
  if (/^0[ox]/.test(raw) || /inf|nan/i.test(raw)) return true;
  return Object.is(Number(raw), value);
}

/**
 * A YAML node's extent: from its first character to past the last character of its content (a
 * block collection's ends with its last child's, not with comments after it).
 */
export interface YamlSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: 'map' | 'seq' | 'scalar';
  readonly flow: boolean;
  /** The document's top level. */
  readonly root: boolean;
}

/** `end` moved back over blanks, not before `start`. */
export function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text.charAt(e - 1))) e--;
  return e;
}

/** Where every node of a YAML document starts, for `locate` (see {@link readYamlFast}). */
export class YamlPositions {
  constructor(
    private readonly text: string,
    private readonly root: number,
    private readonly start: Int32Array,
    /** Per node: where js-yaml closed it (past trailing blanks, and comments after a block). */
    private readonly end: Int32Array,
    private readonly kind: Uint8Array,
    /** Per node: where its children start in `children`; they end where the next node's start. */
    private readonly firstChild: Int32Array,
    private readonly children: Int32Array,
    /** The value of each scalar node (keys are compared by it). */
    private readonly scalars: readonly unknown[],
  ) {}

  /**
   * The offset of the node at `path` (of its key, with `key`, in a mapping); when the path does not
   * exist, of its nearest existing ancestor.
   */
  locate(path: KeyPath, options?: { key?: boolean }): number | undefined {
    let node = this.root;
    let keyNode: number | undefined;
    for (const [depth, segment] of path.entries()) {
      const found = this.child(node, segment);
      if (found === undefined) {
        keyNode = undefined;
        break;
      }
      node = found.value;
      keyNode = depth === path.length - 1 ? found.key : undefined;
    }
    if (options?.key && keyNode !== undefined) return this.start[keyNode];
    return this.start[node];
  }

  /** Where the node at `path` starts and where its content ends (see {@link YamlSpan}); undefined when the path does not exist. */
  span(path: KeyPath): YamlSpan | undefined {
    let node = this.root;
    for (const segment of path) {
      const found = this.child(node, segment);
      if (found === undefined) return undefined;
      node = found.value;
    }
    const start = this.start[node] ?? 0;
    const kind = this.kind[node] === MAP ? 'map' : this.kind[node] === SEQ ? 'seq' : 'scalar';
    const c = this.text.charAt(start);
    const flow = kind !== 'scalar' && (c === '{' || c === '[');
    return { start, end: this.contentEnd(node), kind, flow, root: node === this.root };
  }

  /** Past the last character of a node's content: a block collection's is its last child's. */
  private contentEnd(node: number): number {
    for (let at = node; ; ) {
      const kind = this.kind[at];
      const c = this.text.charAt(this.start[at] ?? 0);
      const from = this.firstChild[at] ?? 0;
      const to = this.firstChild[at + 1] ?? from;
      if (kind === SCALAR || c === '{' || c === '[' || to === from) return trimEnd(this.text, this.start[at] ?? 0, this.end[at] ?? 0);
      at = this.children[to - 1] ?? at;
    }
  }

  private child(node: number, segment: string | number): { value: number; key: number | undefined } | undefined {
    const kind = this.kind[node];
    const from = this.firstChild[node] ?? 0;
    const to = this.firstChild[node + 1] ?? from;
    if (kind === SEQ) {
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || from + segment >= to) return undefined;
      const value = this.children[from + segment];
      return value === undefined ? undefined : { value, key: undefined };
    }
    if (kind !== MAP) return undefined;
    // Keys compare as the yaml package compares them: by their value, strictly (a plain `1:` key is the number 1).
    for (let k = from; k + 1 < to; k += 2) {
      const key = this.children[k] ?? 0;
      if (this.scalars[key] === segment) return { value: this.children[k + 1] ?? 0, key };
    }
    return undefined;
  }
}

/**
 * The plain value of a one-document YAML text and its node positions, or undefined where this
 * reader does not apply (see the module comment): then the `yaml` package reads it.
 */
export function readYamlFast(text: string): { value: unknown; positions: YamlPositions } | undefined {
  // A directive changes the schema; js-yaml drops a byte-order mark, which would shift every position.
  if (/^%/m.test(text) || text.charCodeAt(0) === 0xfeff) return undefined;
  const estimate = Math.ceil(text.length / 12);
  const start = new Int32List(estimate);
  const end = new Int32List(estimate);
  const parent = new Int32List(estimate);
  const kinds: number[] = [];
  const scalars: unknown[] = [];
  /** A wrapper node standing for its only child (js-yaml composes some nodes twice). */
  const forward = new Map<number, number>();
  interface Open {
    readonly id: number;
    children: number;
    only: number;
    onlyResult: unknown;
  }
  const stack: Open[] = [];
  const seen = { unsupported: false };

  /** The first character of a node's content from where js-yaml opened it: past blanks, comments, anchors and tags. */
  const contentStart = (at: number, end: number): number => {
    let i = at;
    for (;;) {
      while (i < end && /\s/.test(text.charAt(i))) i++;
      const c = text.charAt(i);
      if (c === '#' && (i === 0 || /\s/.test(text.charAt(i - 1)))) {
        const eol = text.indexOf('\n', i);
        i = eol < 0 ? text.length : eol;
        continue;
      }
      if ((c === '&' || c === '!') && i < end) {
        while (i < end && !/\s/.test(text.charAt(i))) i++;
        continue;
      }
      return i;
    }
  };

  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (seen.unsupported) return;
    if (event === 'open') {
      const id = start.push(state.position);
      end.push(state.position);
      parent.push(stack.length === 0 ? -1 : (stack[stack.length - 1]?.id ?? -1));
      kinds.push(SCALAR);
      stack.push({ id, children: 0, only: -1, onlyResult: undefined });
      return;
    }
    const open = stack.pop();
    if (!open) return;
    const { id } = open;
    const result = state.result;
    const opened = start.data[id] ?? 0;
    const at = contentStart(opened, state.position);
    // An empty node (`key:` with nothing after) is where js-yaml opened it, as the yaml package places it.
    start.data[id] = at >= state.position ? opened : at;
    end.data[id] = at >= state.position ? opened : state.position;
    if (text.charAt(at) === '*' && at < state.position) seen.unsupported = true;
    if (Array.isArray(result)) kinds[id] = SEQ;
    else if (typeof result === 'object' && result !== null) kinds[id] = MAP;
    else {
      scalars[id] = result;
      if (typeof result === 'number' && !sameNumber(text.slice(at, state.position).trim(), result)) seen.unsupported = true;
    }
    if (open.children === 1 && open.onlyResult === result) forward.set(id, open.only);
    const up = stack[stack.length - 1];
    if (up) {
      up.children++;
      up.only = id;
      up.onlyResult = result;
    }
  };

  let value: unknown;
  try {
    value = yaml.load(text, { schema: yaml.CORE_SCHEMA, json: false, listener });
  } catch {
    return undefined;
  }
  if (seen.unsupported || value === null || value === undefined || start.length === 0) return undefined;

  const count = start.length;
  const resolve = (id: number): number => {
    let at = id;
    for (let next = forward.get(at); next !== undefined; next = forward.get(at)) at = next;
    return at;
  };
  // Children grouped by parent in document order; a wrapper's child is listed in the wrapper's place.
  const isWrapped = (id: number): boolean => {
    const p = parent.data[id] ?? -1;
    return p >= 0 && forward.get(p) === id;
  };
  const firstChild = new Int32Array(count + 1);
  for (let id = 0; id < count; id++) {
    const p = parent.data[id] ?? -1;
    if (p >= 0 && !isWrapped(id)) firstChild[p + 1] = (firstChild[p + 1] ?? 0) + 1;
  }
  for (let id = 0; id < count; id++) firstChild[id + 1] = (firstChild[id + 1] ?? 0) + (firstChild[id] ?? 0);
  const children = new Int32Array(firstChild[count] ?? 0);
  const filled = firstChild.slice(0, count);
  for (let id = 0; id < count; id++) {
    const p = parent.data[id] ?? -1;
    if (p < 0 || isWrapped(id)) continue;
    const slot = filled[p] ?? 0;
    children[slot] = resolve(id);
    filled[p] = slot + 1;
  }
  const kind = Uint8Array.from(kinds);
  // A mapping lists its keys and values alternately: an odd count means the events were not understood.
  for (let id = 0; id < count; id++) {
    if (kind[id] === MAP && forward.get(id) === undefined && ((firstChild[id + 1] ?? 0) - (firstChild[id] ?? 0)) % 2 !== 0) return undefined;
  }
  return { value, positions: new YamlPositions(text, resolve(0), start.data.subarray(0, count), end.data.subarray(0, count), kind, firstChild, children, scalars) };
}
