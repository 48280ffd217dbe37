import { redactUrlPasswords } from '../../model/redact.js';
import { normalizePieces, text, unknownPiece, type Piece } from './words.js';

/** What an expansion needs from the script around it. */
export interface ExpansionScope {
  /** The value of a variable the script sets earlier, or undefined when it does not. */
  variable(name: string): readonly Piece[] | undefined;
  /** The file, for reasons ("which is not set in deploy.sh"). */
  readonly file: string;
  /** Throws an InputError at the character `index` of the text. */
  fail(index: number, message: string): never;
}

export interface Expansion {
  /** Index just after the expansion. */
  readonly end: number;
  readonly pieces: readonly Piece[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SHOWN = 40;

/**
 * Expands the `$…` at `dollar`, whose name or bracket starts at `start` (after one `$`, or after
 * `$$` in a Makefile recipe). Only what the file itself sets is known: a variable the script does
 * not assign may come from the environment, so it is unknown, never guessed.
 */
export function expandDollar(source: string, dollar: number, start: number, scope: ExpansionScope): Expansion {
  const next = source.charAt(start);
  if (next === '(') {
    const arithmetic = source.charAt(start + 1) === '(';
    const end = closingParen(source, start, scope);
    const why = arithmetic ? 'an arithmetic expansion, evaluated at run time' : 'the output of a command, known only at run time';
    return { end, pieces: [unknownPiece(shorten(source.slice(dollar, end)), `which is ${why}`)] };
  }
  if (next === '{') return expandBraced(source, dollar, start, scope);
  NAME.lastIndex = start;
  const name = NAME.exec(source)?.[0];
  if (name !== undefined) return { end: start + name.length, pieces: variablePieces(name, `$${name}`, scope) };
  if (/[0-9@*]/.test(next)) {
    return { end: start + 1, pieces: [unknownPiece(`$${next}`, 'which is an argument the script is given at run time')] };
  }
  if (/[#?$!-]/.test(next)) return { end: start + 1, pieces: [unknownPiece(`$${next}`, 'which is known only at run time')] };
  // A `$` before anything else is a literal dollar sign.
  return { end: start, pieces: [text('$')] };
}

function variablePieces(name: string, shown: string, scope: ExpansionScope): readonly Piece[] {
  return scope.variable(name) ?? [unknownPiece(shown, `which is not set in ${scope.file}`)];
}

/** `${NAME}`, `${NAME:-default}`; any other operator is left to run time. */
function expandBraced(source: string, dollar: number, start: number, scope: ExpansionScope): Expansion {
  let depth = 0;
  let end = start;
  for (; end < source.length; end++) {
    const char = source.charAt(end);
    if (char === '\\') end++;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) break;
  }
  if (end >= source.length) scope.fail(dollar, 'unterminated ${…}; expected a closing }');
  const inner = source.slice(start + 1, end);
  const shown = source.slice(dollar, end + 1);
  const after = end + 1;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) return { end: after, pieces: variablePieces(inner, shown, scope) };
  if (/^[0-9@*]$/.test(inner)) return { end: after, pieces: [unknownPiece(shown, 'which is an argument the script is given at run time')] };
  const withDefault = /^([A-Za-z_][A-Za-z0-9_]*)(:?)[-=](.*)$/s.exec(inner);
  if (withDefault) {
    const [, name = '', colon, fallback = ''] = withDefault;
    const value = scope.variable(name);
    const empty = value !== undefined && normalizePieces(value).length === 0;
    if (value !== undefined && !(colon === ':' && empty)) return { end: after, pieces: value };
    if (value !== undefined) return { end: after, pieces: [text(fallback)] };
    return { end: after, pieces: [unknownPiece(shown, `which is not set in ${scope.file} (its default applies only when the environment does not set it)`)] };
  }
  return { end: after, pieces: [unknownPiece(shorten(shown), 'which is an expansion evaluated at run time')] };
}

/** Index after the `)` that closes the `(` at `open`, skipping quoted text and nested parentheses. */
function closingParen(source: string, open: number, scope: ExpansionScope): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source.charAt(i);
    if (char === '\\') i++;
    else if (char === "'") i = closingQuote(source, i, "'", scope);
    else if (char === '"') i = closingQuote(source, i, '"', scope);
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i + 1;
  }
  return scope.fail(open - 1, 'unterminated $(…); expected a closing )');
}

/** Index after the backtick that closes the one at `open`. */
export function closingBacktick(source: string, open: number, scope: ExpansionScope): number {
  for (let i = open + 1; i < source.length; i++) {
    const char = source.charAt(i);
    if (char === '\\') i++;
    else if (char === '`') return i + 1;
  }
  return scope.fail(open, 'unterminated `…` command substitution; expected a closing `');
}

/** `$'…'` (bash ANSI-C quoting): backslash escapes, no expansion. */
export function ansiCQuoted(source: string, dollar: number, scope: ExpansionScope): { readonly end: number; readonly text: string } {
  const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
  let out = '';
  for (let i = dollar + 2; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === "'") return { end: i + 1, text: out };
    if (c === '\\') {
      const next = source.charAt(++i);
      out += escapes[next] ?? `\\${next}`;
    } else out += c;
  }
  return scope.fail(dollar, "unterminated $'…' quote; expected a closing '");
}

function closingQuote(source: string, open: number, quote: string, scope: ExpansionScope): number {
  for (let i = open + 1; i < source.length; i++) {
    const char = source.charAt(i);
    if (char === '\\' && quote === '"') i++;
    else if (char === quote) return i;
  }
  return scope.fail(open, `unterminated ${quote === "'" ? 'single' : 'double'} quote; expected a closing ${quote}`);
}

/** Script text quoted in a reason: one line, passwords redacted before it is cut (a cut could drop the `@` that marks one). */
function shorten(shown: string): string {
  const oneLine = redactUrlPasswords(shown.replace(/\s+/g, ' '));
  return oneLine.length <= SHOWN ? oneLine : `${oneLine.slice(0, SHOWN - 1)}…`;
}
