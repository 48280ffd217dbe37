import type { Position } from '../document.js';
import { ansiCQuoted, closingBacktick, expandDollar, type ExpansionScope } from './shell-expansion.js';
import { dropPrefix, normalizePieces, text, unknownPiece, type MappedText, type Piece, type Word } from './words.js';

export type ShellOperator = '&&' | '||' | ';' | ';;' | '|' | '&' | '(' | ')' | 'newline';

export type ShellToken =
  | { readonly kind: 'word'; readonly word: Word; readonly assignment: Assignment | undefined }
  | { readonly kind: 'operator'; readonly op: ShellOperator; readonly at: Position };

/** `NAME=value` at the start of a word; whether it assigns depends on where the word stands. */
export interface Assignment {
  readonly name: string;
  readonly value: readonly Piece[];
}

/**
 * Text substituted before the shell reads the script: `$(VAR)` in a Makefile recipe, `$_VAR` in
 * Cloud Build args, `${{ env.X }}` in a GitHub Actions `run:` block. Called at every `$`, in every
 * quoting context (make and the CI runners do not know shell quotes). `dollar: true` means the
 * text is an escaped `$` the shell then expands (`$$VAR`).
 */
export type OuterExpansion = (source: string, index: number) => { readonly end: number; readonly pieces: readonly Piece[] } | { readonly end: number; readonly dollar: true } | undefined;

export interface LexerScope extends ExpansionScope {
  readonly outer?: OuterExpansion | undefined;
}

const OPERATORS = ['&&', '||', ';;', '|&', '&>>', '&>', '>>', '>&', '<&', '<>', '>|', '<<<', '<<-', '<<', ';', '|', '&', '(', ')', '<', '>'] as const;
const BREAK = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '(', ')', '<', '>']);
const ASSIGNMENT = /[A-Za-z_][A-Za-z0-9_]*=/y;
/** A file descriptor number before a redirection (`2>&1`). */
const FD = /\d*/y;

/**
 * A POSIX-shell tokenizer good enough for deploy scripts: quotes, backslash-newline continuations,
 * comments, `$VAR` expansion, operators, redirections (dropped with their target) and here-documents
 * (skipped). It yields one token at a time so the caller can record `VAR=value` assignments before
 * the words after them are expanded.
 */
export class ShellLexer {
  readonly #source: string;
  readonly #mapped: MappedText;
  readonly #scope: LexerScope;
  #i = 0;
  readonly #queue: ShellToken[] = [];
  #pieces: Piece[] = [];
  #start: number | undefined;
  #assignment: { name: string; from: number } | undefined;
  #dropNext = false;
  readonly #heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(mapped: MappedText, scope: LexerScope) {
    this.#mapped = mapped;
    this.#source = mapped.text;
    this.#scope = scope;
  }

  next(): ShellToken | undefined {
    while (this.#queue.length === 0 && this.#i < this.#source.length) this.#step();
    if (this.#queue.length === 0) this.#endWord();
    return this.#queue.shift();
  }

  #step(): void {
    const s = this.#source;
    const c = s.charAt(this.#i);
    if (c === '\n') {
      this.#endWord();
      this.#queue.push({ kind: 'operator', op: 'newline', at: this.#at(this.#i) });
      this.#i++;
      this.#skipHeredocBodies();
    } else if (c === ' ' || c === '\t' || c === '\r') {
      this.#endWord();
      this.#i++;
    } else if (c === '#' && this.#start === undefined) {
      while (this.#i < s.length && s.charAt(this.#i) !== '\n') this.#i++;
    } else if (c === '\\') {
      if (s.charAt(this.#i + 1) !== '\n') this.#add(this.#i, [text(s.charAt(this.#i + 1))]);
      this.#i += 2;
    } else if (c === "'") this.#singleQuoted();
    else if (c === '"') this.#doubleQuoted();
    else if (c === '$' || c === '`') this.#expansion(true);
    else if (BREAK.has(c) || (this.#start === undefined && /^\d+[<>]/.test(s.slice(this.#i, this.#i + 4)))) this.#operator();
    else {
      if (this.#start === undefined) this.#begin(this.#i);
      this.#add(this.#i, [text(c)]);
      this.#i++;
    }
  }

  #begin(index: number): void {
    this.#start = index;
    ASSIGNMENT.lastIndex = index;
    const match = ASSIGNMENT.exec(this.#source);
    if (match) this.#assignment = { name: match[0].slice(0, -1), from: match[0].length };
  }

  #add(index: number, pieces: readonly Piece[]): void {
    if (this.#start === undefined) this.#begin(index);
    this.#pieces.push(...pieces);
  }

  #endWord(): void {
    if (this.#start === undefined) return;
    const pieces = normalizePieces(this.#pieces);
    const word: Word = { pieces, at: this.#at(this.#start) };
    const assignment = this.#assignment === undefined ? undefined : { name: this.#assignment.name, value: dropPrefix(pieces, this.#assignment.from) };
    this.#pieces = [];
    this.#start = undefined;
    this.#assignment = undefined;
    if (this.#dropNext) this.#dropNext = false;
    else this.#queue.push({ kind: 'word', word, assignment });
  }

  #operator(): void {
    const s = this.#source;
    FD.lastIndex = this.#i;
    const fd = FD.exec(s)?.[0] ?? '';
    const op = OPERATORS.find((o) => s.startsWith(o, this.#i + fd.length)) ?? s.charAt(this.#i);
    this.#endWord();
    const at = this.#at(this.#i);
    this.#i += fd.length + op.length;
    if (op === '<<' || op === '<<-') {
      this.#heredoc(op === '<<-');
      return;
    }
    if (/[<>]/.test(op)) {
      this.#dropNext = true;
      return;
    }
    const normalized = op === '|&' ? '|' : op;
    this.#queue.push({ kind: 'operator', op: normalized as ShellOperator, at });
  }

  #singleQuoted(): void {
    const open = this.#i;
    if (this.#start === undefined) this.#begin(open);
    for (let i = open + 1; i < this.#source.length; ) {
      const c = this.#source.charAt(i);
      if (c === "'") {
        this.#i = i + 1;
        return;
      }
      const outer = c === '$' ? this.#scope.outer?.(this.#source, i) : undefined;
      if (outer !== undefined) {
        // Inside single quotes the shell expands nothing: an escaped `$$` stays one `$`.
        this.#add(i, 'pieces' in outer ? outer.pieces : [text('$')]);
        i = outer.end;
      } else {
        this.#add(i, [text(c)]);
        i++;
      }
    }
    this.#scope.fail(open, "unterminated single quote; expected a closing ' before the end of the script");
  }

  #doubleQuoted(): void {
    const open = this.#i;
    if (this.#start === undefined) this.#begin(open);
    this.#i++;
    while (this.#i < this.#source.length) {
      const c = this.#source.charAt(this.#i);
      if (c === '"') {
        this.#i++;
        return;
      }
      if (c === '\\' && /[$`"\\\n]/.test(this.#source.charAt(this.#i + 1))) {
        if (this.#source.charAt(this.#i + 1) !== '\n') this.#add(this.#i, [text(this.#source.charAt(this.#i + 1))]);
        this.#i += 2;
      } else if (c === '$' || c === '`') this.#expansion(false);
      else {
        this.#add(this.#i, [text(c)]);
        this.#i++;
      }
    }
    this.#scope.fail(open, 'unterminated double quote; expected a closing " before the end of the script');
  }

  /** `$…` or a backtick substitution at the cursor; unquoted results are split into words at blanks. */
  #expansion(unquoted: boolean): void {
    const s = this.#source;
    const start = this.#i;
    let pieces: readonly Piece[];
    const outer = s.charAt(start) === '$' ? this.#scope.outer?.(s, start) : undefined;
    if (s.charAt(start) === '`') {
      this.#i = closingBacktick(s, start, this.#scope);
      pieces = [unknownPiece('`…`', 'which is the output of a command, known only at run time')];
    } else if (outer !== undefined && 'pieces' in outer) {
      this.#i = outer.end;
      pieces = outer.pieces;
    } else if (outer === undefined && unquoted && s.charAt(start + 1) === "'") {
      const quoted = ansiCQuoted(s, start, this.#scope);
      this.#i = quoted.end;
      this.#add(start, [text(quoted.text)]);
      return;
    } else {
      const expansion = expandDollar(s, start, outer === undefined ? start + 1 : outer.end, this.#scope);
      this.#i = Math.max(expansion.end, start + 1);
      pieces = expansion.pieces;
    }
    if (!unquoted || this.#assignment !== undefined) {
      this.#add(start, pieces);
      return;
    }
    for (const piece of pieces) {
      if (piece.kind === 'unknown') {
        this.#add(start, [piece]);
        continue;
      }
      piece.text.split(/([ \t\n]+)/).forEach((part, n) => {
        if (n % 2 === 1) this.#endWord();
        else if (part !== '') this.#add(start, [text(part)]);
      });
    }
  }

  #heredoc(stripTabs: boolean): void {
    const s = this.#source;
    while (s.charAt(this.#i) === ' ' || s.charAt(this.#i) === '\t') this.#i++;
    const raw = /^[^\s;&|()<>]+/.exec(s.slice(this.#i))?.[0] ?? '';
    this.#i += raw.length;
    this.#heredocs.push({ delimiter: raw.replace(/['"\\]/g, ''), stripTabs });
  }

  #skipHeredocBodies(): void {
    while (this.#heredocs.length > 0) {
      const { delimiter, stripTabs } = this.#heredocs.shift() ?? { delimiter: '', stripTabs: false };
      while (this.#i < this.#source.length) {
        const end = this.#source.indexOf('\n', this.#i);
        const line = this.#source.slice(this.#i, end === -1 ? undefined : end).replace(/\r$/, '');
        this.#i = end === -1 ? this.#source.length : end + 1;
        if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
      }
    }
  }

  #at(index: number): Position {
    return this.#mapped.positionAt(index);
  }
}
