import type { Position } from '../document.js';
import type { Branch } from './branches.js';

/**
 * Words of a gcloud command line, whatever the script language: shell words, list elements of a
 * Python or JavaScript argument list, Cloud Build `args`. A word is literal text except where the
 * script leaves a part to run time (`$EGRESS`, `{name}` in an f-string): that part is an unknown
 * piece that says what it is and why it is not known, so a finding can say
 * "--vpc-egress is given by $EGRESS, which is not set in deploy.sh".
 */
export type Piece = TextPiece | UnknownPiece;

export interface TextPiece {
  readonly kind: 'text';
  readonly text: string;
}

export interface UnknownPiece {
  readonly kind: 'unknown';
  /** How the script writes it: `$EGRESS`, `${{ secrets.URL }}`, `egress`. */
  readonly source: string;
  /** Why its value is not known, as a relative clause: `which is not set in deploy.sh`. */
  readonly why: string;
}

export interface Word {
  readonly pieces: readonly Piece[];
  /** Where the word starts in the file. */
  readonly at: Position;
}

/** One gcloud command line as a script runs it: `words[0]` is the gcloud executable. */
export interface Invocation {
  readonly words: readonly Word[];
  /** Variables the script sets before it (for CLOUDSDK_CORE_PROJECT and friends). */
  readonly env: ReadonlyMap<string, readonly Piece[]>;
  /** The blocks of the script around the command (an `if` arm, a function body); absent at the top level. */
  readonly branch?: Branch;
}

export const text = (value: string): TextPiece => ({ kind: 'text', text: value });

export const unknownPiece = (source: string, why: string): UnknownPiece => ({ kind: 'unknown', source, why });

/** Joins adjacent text pieces and drops empty ones. */
export function normalizePieces(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (piece.kind === 'text' && piece.text === '') continue;
    if (piece.kind === 'text' && last?.kind === 'text') out[out.length - 1] = text(last.text + piece.text);
    else out.push(piece);
  }
  return out;
}

/** The word's text when every piece of it is literal. */
export function literalText(pieces: readonly Piece[]): string | undefined {
  let out = '';
  for (const piece of pieces) {
    if (piece.kind === 'unknown') return undefined;
    out += piece.text;
  }
  return out;
}

export function firstUnknown(pieces: readonly Piece[]): UnknownPiece | undefined {
  return pieces.find((p): p is UnknownPiece => p.kind === 'unknown');
}

/** `$EGRESS, which is not set in deploy.sh`: what a note or reason says about an unknown piece. */
export function describeUnknown(piece: UnknownPiece): string {
  return `${piece.source}, ${piece.why}`;
}

/** The pieces after the first `count` characters of literal text (`NAME=` of an assignment, `--flag=` of a flag). */
export function dropPrefix(pieces: readonly Piece[], count: number): Piece[] {
  let skip = count;
  const out: Piece[] = [];
  for (const piece of pieces) {
    if (skip > 0 && piece.kind === 'text') {
      const cut = Math.min(skip, piece.text.length);
      skip -= cut;
      if (cut < piece.text.length) out.push(text(piece.text.slice(cut)));
    } else out.push(piece);
  }
  return out;
}

/** Splits pieces at every occurrence of `delimiter` in their text; unknown pieces stay whole. */
export function splitPieces(pieces: readonly Piece[], delimiter: string): Piece[][] {
  const items: Piece[][] = [[]];
  for (const piece of pieces) {
    if (piece.kind === 'unknown') {
      items[items.length - 1]?.push(piece);
      continue;
    }
    piece.text.split(delimiter).forEach((part, i) => {
      if (i > 0) items.push([]);
      items[items.length - 1]?.push(text(part));
    });
  }
  return items.map(normalizePieces);
}

/**
 * Text with the file position of each of its characters, so a word read from a YAML block
 * scalar or a decoded string still points at its line and column in the file.
 */
export interface MappedText {
  readonly text: string;
  positionAt(index: number): Position;
}

/** A whole file: positions from its line starts. */
export function mapFile(source: string): MappedText {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    text: source,
    positionAt(index) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] ?? 0) <= index) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: index - (starts[lo] ?? 0) + 1 };
    },
  };
}

/** Builds a MappedText character by character (decoded strings, YAML scalars, Makefile recipes). */
export class MappedTextBuilder {
  #text = '';
  readonly #lines: number[] = [];
  readonly #columns: number[] = [];

  /** Appends `value`, its first character at `start`; later characters follow on the same line. */
  append(value: string, start: Position): void {
    for (let i = 0; i < value.length; i++) this.#push(value.charAt(i), { line: start.line, column: start.column + i });
  }

  /** Appends one character (or a decoded escape) that came from `at`. */
  appendAt(value: string, at: Position): void {
    for (const char of value) this.#push(char, at);
  }

  get length(): number {
    return this.#text.length;
  }

  build(): MappedText {
    const text = this.#text;
    const lines = [...this.#lines];
    const columns = [...this.#columns];
    const last: Position = { line: lines[lines.length - 1] ?? 1, column: (columns[columns.length - 1] ?? 0) + 1 };
    return {
      text,
      positionAt: (index) => (index < lines.length ? { line: lines[index] ?? 1, column: columns[index] ?? 1 } : last),
    };
  }

  #push(char: string, at: Position): void {
    this.#text += char;
    for (let i = 0; i < char.length; i++) {
      this.#lines.push(at.line);
      this.#columns.push(at.column);
    }
  }
}
