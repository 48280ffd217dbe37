import type { KeyPath, Position } from '../document.js';

/**
 * Where the attributes and blocks of an HCL file are written. hcl2json gives values but no
 * positions, so this scanner walks the text once and keeps only the structure: each body's
 * attributes (`name =`) and blocks (`type "label" {`), with the position of their first token.
 * Expressions are skipped, respecting strings, templates, heredocs, brackets and comments
 * (HCL native syntax: github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md). The text has already
 * been accepted by hcl2json, so the scanner never has to report syntax errors.
 */
export type BodyItem = AttributeOutline | BlockOutline;

export interface AttributeOutline {
  readonly kind: 'attribute';
  readonly name: string;
  readonly at: Position;
}

export interface BlockOutline {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly at: Position;
  readonly body: readonly BodyItem[];
}

/** The outline of a whole file: its top-level attributes and blocks. */
export function outlineHcl(text: string): readonly BodyItem[] {
  return new OutlineScanner(text).body();
}

/**
 * The position of the value at `path` inside a block body, where `path` follows hcl2json's shape:
 * nested blocks are lists (`['template', 0, 'vpc_access', 0, 'egress']`). Stops at the nearest
 * item it can find (an attribute holding an object or list answers for everything inside it).
 */
export function locateInBody(block: BlockOutline, path: KeyPath): Position {
  let body = block.body;
  let found = block.at;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (typeof segment !== 'string') break;
    const items = body.filter((item) => (item.kind === 'attribute' ? item.name : item.type) === segment);
    const first = items[0];
    if (first === undefined) break;
    if (first.kind === 'attribute') return first.at;
    const next = path[i + 1];
    const index = typeof next === 'number' ? next : 0;
    const chosen = items[index];
    if (chosen?.kind !== 'block') break;
    found = chosen.at;
    body = chosen.body;
    if (typeof next === 'number') i++;
  }
  return found;
}

/** The blocks of `items` of one type whose labels are exactly `labels`, in file order. */
export function blocksNamed(items: readonly BodyItem[], type: string, labels: readonly string[]): BlockOutline[] {
  return items.filter(
    (item): item is BlockOutline => item.kind === 'block' && item.type === type && item.labels.length === labels.length && item.labels.every((l, i) => l === labels[i]),
  );
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_-]/;

class OutlineScanner {
  readonly #text: string;
  readonly #lineStarts: number[] = [0];
  #i = 0;

  constructor(text: string) {
    this.#text = text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
  }

  /** Items until the `}` closing the current body (not consumed) or the end of the text. */
  body(): BodyItem[] {
    const items: BodyItem[] = [];
    for (;;) {
      this.#skipTrivia(true);
      const c = this.#peek();
      if (c === undefined || c === '}') return items;
      if (!IDENTIFIER_START.test(c)) {
        this.#skipLine();
        continue;
      }
      const at = this.#position(this.#i);
      const name = this.#identifier();
      this.#skipTrivia(false);
      if (this.#peek() === '=' && this.#text[this.#i + 1] !== '=') {
        this.#i++;
        this.#skipExpression(false);
        items.push({ kind: 'attribute', name, at });
        continue;
      }
      const block = this.#blockAfterType(name, at);
      if (block) items.push(block);
      else this.#skipLine();
    }
  }

  #blockAfterType(type: string, at: Position): BlockOutline | undefined {
    const labels: string[] = [];
    for (;;) {
      const c = this.#peek();
      if (c === '"') labels.push(this.#quotedLabel());
      else if (c !== undefined && IDENTIFIER_START.test(c)) labels.push(this.#identifier());
      else break;
      this.#skipTrivia(false);
    }
    if (this.#peek() !== '{') return undefined;
    this.#i++;
    const body = this.body();
    if (this.#peek() === '}') this.#i++;
    return { kind: 'block', type, labels, at, body };
  }

  #peek(): string | undefined {
    return this.#text[this.#i];
  }

  #position(offset: number): Position {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.#lineStarts[lo] ?? 0) + 1 };
  }

  #identifier(): string {
    const start = this.#i;
    while (this.#i < this.#text.length && IDENTIFIER_PART.test(this.#text[this.#i] ?? '')) this.#i++;
    return this.#text.slice(start, this.#i);
  }

  #quotedLabel(): string {
    const start = this.#i + 1;
    this.#skipQuoted();
    return this.#text.slice(start, this.#i - 1).replace(/\\(.)/g, '$1');
  }

  #skipLine(): void {
    const end = this.#text.indexOf('\n', this.#i);
    this.#i = end === -1 ? this.#text.length : end + 1;
  }

  /** Spaces and comments; newlines too when `newlines` (between items, not inside one). */
  #skipTrivia(newlines: boolean): void {
    for (;;) {
      const c = this.#peek();
      const next = this.#text[this.#i + 1];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.#i++;
      else if (c === '#' || (c === '/' && next === '/')) this.#skipToNewline();
      else if (c === '/' && next === '*') this.#skipBlockComment();
      else return;
    }
  }

  #skipToNewline(): void {
    const end = this.#text.indexOf('\n', this.#i);
    this.#i = end === -1 ? this.#text.length : end;
  }

  #skipBlockComment(): void {
    const end = this.#text.indexOf('*/', this.#i + 2);
    this.#i = end === -1 ? this.#text.length : end + 2;
  }

  /**
   * Skips an expression. An attribute's value ends at a newline outside brackets (or at the `}` of
   * a one-line block); a template interpolation (`inTemplate`) ends at its closing `}`, consumed.
   */
  #skipExpression(inTemplate: boolean): void {
    let depth = 0;
    while (this.#i < this.#text.length) {
      const c = this.#text[this.#i] ?? '';
      const next = this.#text[this.#i + 1];
      if (c === '\n' && depth === 0 && !inTemplate) return;
      if (c === '"') this.#skipQuoted();
      else if (c === '<' && next === '<' && this.#skipHeredoc()) continue;
      else if (c === '#' || (c === '/' && next === '/')) this.#skipToNewline();
      else if (c === '/' && next === '*') this.#skipBlockComment();
      else if (c === '(' || c === '[' || c === '{') {
        depth++;
        this.#i++;
      } else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) {
          if (inTemplate && c === '}') this.#i++;
          return;
        }
        depth--;
        this.#i++;
      } else this.#i++;
    }
  }

  /** From an opening quote to just past the closing one, skipping `${…}` and `%{…}` inside. */
  #skipQuoted(): void {
    this.#i++;
    while (this.#i < this.#text.length) {
      const c = this.#text[this.#i];
      const next = this.#text[this.#i + 1];
      if (c === '\\') this.#i += 2;
      else if (c === '"') {
        this.#i++;
        return;
      } else if ((c === '$' || c === '%') && next === c) this.#i += 2;
      else if ((c === '$' || c === '%') && next === '{') {
        this.#i += 2;
        this.#skipExpression(true);
      } else if (c === '\n') return;
      else this.#i++;
    }
  }

  /** `<<EOT` or `<<-EOT` up to the end of the line holding the closing marker; false if not a heredoc. */
  #skipHeredoc(): boolean {
    const match = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.#text.slice(this.#i, this.#i + 256));
    if (!match) return false;
    const marker = match[1] ?? '';
    let lineStart = this.#i + match[0].length;
    while (lineStart < this.#text.length) {
      const end = this.#text.indexOf('\n', lineStart);
      const lineEnd = end === -1 ? this.#text.length : end;
      if (this.#text.slice(lineStart, lineEnd).trim() === marker) {
        this.#i = lineEnd;
        return true;
      }
      lineStart = lineEnd + 1;
    }
    this.#i = this.#text.length;
    return true;
  }
}
