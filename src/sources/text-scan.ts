/** Small pieces shared by the one-pass readers of JSON and YAML text (json-positions, yaml-fast, document). */

/** A growable list of 32-bit integers: per-node tables of a large document without an object per node. */
export class Int32List {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  /** Appends `value`; returns its index. */
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

/**
 * The offset of the quote that closes the JSON string opening at `quote`, in text JSON.parse has
 * accepted (a quote after an odd number of backslashes is escaped). String bodies are skipped with
 * indexOf, not character by character.
 */
export function jsonStringEnd(text: string, quote: number): number {
  let end = text.indexOf('"', quote + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}
