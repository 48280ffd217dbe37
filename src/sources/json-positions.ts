/**
 * Where each value of a JSON text starts, for `locate`: one pass over text that JSON.parse has
 * already accepted, kept in typed arrays (about 25 bytes per value) instead of a tree of objects.
 * A 10 MB topology's position tree took 0.43 s and hundreds of megabytes as jsonc-parser nodes;
 * this takes a few dozen milliseconds and a few megabytes.
 *
 * Only for valid JSON: the text is not checked again (syntax errors are jsonc-parser's job).
 */
import type { KeyPath } from './document.js';
import { Int32List, jsonStringEnd } from './text-scan.js';

const SCALAR = 0;
const OBJECT = 1;
const ARRAY = 2;
/** Set on a member whose key has a backslash escape: compared decoded. */
const ESCAPED_KEY = 4;


export class JsonPositions {
  private constructor(
    private readonly text: string,
    /** Per value, in document order (the root is 0): its first character's offset. */
    private readonly start: Int32Array,
    /** Per value: the offset of its key's opening quote, or -1 outside an object. */
    private readonly keyStart: Int32Array,
    /** Per value: the offset of its key's closing quote. */
    private readonly keyEnd: Int32Array,
    /** Per value: SCALAR, OBJECT or ARRAY, with ESCAPED_KEY. */
    private readonly kind: Uint8Array,
    /** Per value: where its children start in `children`; they end where the next value's start. */
    private readonly firstChild: Int32Array,
    private readonly children: Int32Array,
  ) {}

  static build(text: string): JsonPositions {
    const estimate = Math.ceil(text.length / 16);
    const start = new Int32List(estimate);
    const keyStart = new Int32List(estimate);
    const keyEnd = new Int32List(estimate);
    const parent = new Int32List(estimate);
    const kinds: number[] = [];
    const stack: number[] = [];
    // In an object, strings alternate: a key, then (after `:`) a value.
    let pendingKeyStart = -1;
    let pendingKeyEnd = -1;
    let pendingEscaped = false;
    const add = (at: number, kind: number): number => {
      const id = start.length;
      start.push(at);
      keyStart.push(pendingKeyStart);
      keyEnd.push(pendingKeyEnd);
      parent.push(stack.length === 0 ? -1 : (stack[stack.length - 1] ?? -1));
      kinds.push(kind | (pendingEscaped ? ESCAPED_KEY : 0));
      pendingKeyStart = -1;
      pendingKeyEnd = -1;
      pendingEscaped = false;
      return id;
    };
    const inObject = (): boolean => stack.length > 0 && ((kinds[stack[stack.length - 1] ?? 0] ?? 0) & 3) === OBJECT;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        const end = jsonStringEnd(text, i);
        if (inObject() && pendingKeyStart < 0) {
          pendingKeyStart = i;
          pendingKeyEnd = end;
          pendingEscaped = false;
          for (let k = i + 1; k < end; k++) {
            if (text.charCodeAt(k) === 0x5c) {
              pendingEscaped = true;
              break;
            }
          }
        } else add(i, SCALAR);
        i = end + 1;
      } else if (c === 0x7b || c === 0x5b) {
        stack.push(add(i, c === 0x7b ? OBJECT : ARRAY));
        i++;
      } else if (c === 0x7d || c === 0x5d) {
        stack.pop();
        i++;
      } else if (c === 0x2c || c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
      } else {
        // A number, true, false or null: up to the next delimiter.
        add(i, SCALAR);
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
          i++;
        }
      }
    }
    // Children grouped by parent, in document order (ids are in document order).
    const count = start.length;
    const firstChild = new Int32Array(count + 1);
    for (let id = 1; id < count; id++) {
      const p = parent.data[id] ?? -1;
      if (p >= 0) firstChild[p + 1] = (firstChild[p + 1] ?? 0) + 1;
    }
    for (let id = 0; id < count; id++) firstChild[id + 1] = (firstChild[id + 1] ?? 0) + (firstChild[id] ?? 0);
    const children = new Int32Array(Math.max(0, count - 1));
    const filled = firstChild.slice(0, count);
    for (let id = 1; id < count; id++) {
      const p = parent.data[id] ?? -1;
      if (p < 0) continue;
      const slot = filled[p] ?? 0;
      children[slot] = id;
      filled[p] = slot + 1;
    }
    return new JsonPositions(text, start.data.subarray(0, count), keyStart.data.subarray(0, count), keyEnd.data.subarray(0, count), Uint8Array.from(kinds), firstChild, children);
  }

  /**
   * The offset of the value at `path` (of its key, with `key`, when its parent is an object); when
   * the path does not exist, of its nearest existing ancestor. Undefined for an empty text.
   */
  locate(path: KeyPath, options?: { key?: boolean }): number | undefined {
    if (this.start.length === 0) return undefined;
    let node = 0;
    let found = path.length === 0;
    for (const [depth, segment] of path.entries()) {
      const child = this.child(node, segment);
      if (child === undefined) break;
      node = child;
      found = depth === path.length - 1;
    }
    if (found && options?.key && (this.keyStart[node] ?? -1) >= 0) return this.keyStart[node];
    return this.start[node];
  }

  private child(node: number, segment: string | number): number | undefined {
    const kind = (this.kind[node] ?? 0) & 3;
    const from = this.firstChild[node] ?? 0;
    const to = this.firstChild[node + 1] ?? from;
    if (kind === ARRAY) {
      if (typeof segment !== 'number' || !Number.isInteger(segment) || segment < 0 || from + segment >= to) return undefined;
      return this.children[from + segment];
    }
    if (kind !== OBJECT) return undefined;
    const name = String(segment);
    // The last of equal keys wins, as in JSON.parse.
    let match: number | undefined;
    for (let k = from; k < to; k++) {
      const id = this.children[k] ?? 0;
      if (this.keyIs(id, name)) match = id;
    }
    return match;
  }

  private keyIs(id: number, name: string): boolean {
    const ks = this.keyStart[id] ?? -1;
    const ke = this.keyEnd[id] ?? -1;
    if (ks < 0) return false;
    if (((this.kind[id] ?? 0) & ESCAPED_KEY) !== 0) return (JSON.parse(this.text.slice(ks, ke + 1)) as string) === name;
    return ke - ks - 1 === name.length && this.text.startsWith(name, ks + 1);
  }
}
