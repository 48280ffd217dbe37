import type { Position } from '../document.js';
import type { MappedText } from './words.js';

export type Language = 'python' | 'javascript';

/** Literal text, or a placeholder (`{name}` in an f-string, `${name}` in a template literal). */
export type StringPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'expr'; readonly source: string };

interface TokenSpan {
  readonly at: Position;
  readonly endLine: number;
  /** Offsets of the token in the text, for quoting an expression back to the user. */
  readonly start: number;
  readonly end: number;
}

export type CodeToken =
  | (TokenSpan & { readonly kind: 'string'; readonly parts: readonly StringPart[] })
  | (TokenSpan & { readonly kind: 'name' | 'number' | 'punct'; readonly text: string });

const PUNCT = ['...', '===', '!==', '**=', '//=', '==', '!=', '<=', '>=', '=>', '+=', '-=', '*=', '/=', '%=', '**', '&&', '||', '??', '?.', ':=', '->'];
const PY_PREFIX = /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '`': '`', '\n': '' };
/** After these a `/` starts a regular expression literal, not a division. */
const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^', '=>', '&&', '||', '??', '==', '===', '!=', '!==', 'return', 'typeof']);

/**
 * A small tokenizer for Python and JavaScript/TypeScript: string literals (decoded, with their
 * placeholders), names, numbers and punctuation; comments dropped. Enough to find argument lists;
 * nothing is evaluated.
 */
export function tokenizeCode(mapped: MappedText, language: Language, fail: (at: Position, message: string) => never): CodeToken[] {
  const s = mapped.text;
  const tokens: CodeToken[] = [];
  const at = (index: number): Position => mapped.positionAt(index);
  const push = (kind: 'name' | 'number' | 'punct', start: number, end: number): void => {
    tokens.push({ kind, text: s.slice(start, end), at: at(start), endLine: at(Math.max(start, end - 1)).line, start, end });
  };
  let i = s.startsWith('#!') ? s.indexOf('\n') : 0;
  if (i === -1) i = s.length;
  while (i < s.length) {
    const c = s.charAt(i);
    const rest2 = s.slice(i, i + 2);
    if (/\s/.test(c)) i++;
    else if ((language === 'python' && c === '#') || (language === 'javascript' && rest2 === '//')) i = lineEnd(s, i);
    else if (language === 'javascript' && rest2 === '/*') {
      const end = s.indexOf('*/', i + 2);
      i = end === -1 ? s.length : end + 2;
    } else if (/[A-Za-z_$]/.test(c)) {
      let end = i + 1;
      while (end < s.length && /[A-Za-z0-9_$]/.test(s.charAt(end))) end++;
      const word = s.slice(i, end);
      if (language === 'python' && PY_PREFIX.test(word) && /['"]/.test(s.charAt(end))) {
        i = readString(end, word.toLowerCase());
      } else {
        push('name', i, end);
        i = end;
      }
    } else if (/[0-9]/.test(c)) {
      let end = i + 1;
      while (end < s.length && /[0-9A-Za-z_.]/.test(s.charAt(end))) end++;
      push('number', i, end);
      i = end;
    } else if (c === '"' || c === "'" || (c === '`' && language === 'javascript')) {
      i = readString(i, '');
    } else if (language === 'javascript' && c === '/' && startsRegex(tokens[tokens.length - 1])) {
      i = skipRegex(s, i);
    } else {
      const op = PUNCT.find((p) => s.startsWith(p, i)) ?? c;
      push('punct', i, i + op.length);
      i += op.length;
    }
  }
  return tokens;

  /** Reads the string whose opening quote is at `open` (after a Python prefix such as `f` or `rb`). */
  function readString(open: number, prefix: string): number {
    const start = open - prefix.length;
    const quote = s.charAt(open);
    const triple = language === 'python' && s.startsWith(quote.repeat(3), open);
    const template = quote === '`' || prefix.includes('f');
    const raw = prefix.includes('r');
    const close = triple ? quote.repeat(3) : quote;
    const parts: StringPart[] = [];
    let buffer = '';
    let i = open + close.length;
    for (;;) {
      if (i >= s.length || (!triple && quote !== '`' && s.charAt(i) === '\n')) {
        const what = triple ? `a closing ${close}` : quote === '`' ? 'a closing `' : `a closing ${quote} on the same line`;
        return fail(at(start), `unterminated string; expected ${what}`);
      }
      if (s.startsWith(close, i)) break;
      const c = s.charAt(i);
      if (c === '\\') {
        const next = s.charAt(i + 1);
        buffer += raw ? c + next : decodeEscape(s, i, language);
        i += escapeLength(s, i, raw);
      } else if (template && (quote === '`' ? s.startsWith('${', i) : c === '{' && s.charAt(i + 1) !== '{')) {
        const from = quote === '`' ? i + 2 : i + 1;
        const end = closingBrace(from);
        if (buffer !== '') parts.push({ kind: 'text', text: buffer });
        buffer = '';
        parts.push({ kind: 'expr', source: s.slice(from, end).trim() });
        i = end + 1;
      } else if (template && quote !== '`' && (rest(i) === '{{' || rest(i) === '}}')) {
        buffer += c;
        i += 2;
      } else {
        buffer += c;
        i++;
      }
    }
    if (buffer !== '' || parts.length === 0) parts.push({ kind: 'text', text: buffer });
    const end = i + close.length;
    tokens.push({ kind: 'string', parts, at: at(start), endLine: at(end - 1).line, start, end });
    return end;
  }

  function rest(index: number): string {
    return s.slice(index, index + 2);
  }

  /** Index of the `}` that closes a placeholder opened just before `from`. */
  function closingBrace(from: number): number {
    let depth = 1;
    for (let i = from; i < s.length; i++) {
      const c = s.charAt(i);
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i;
    }
    return fail(at(from - 1), 'unterminated placeholder; expected a closing }');
  }
}

function lineEnd(s: string, i: number): number {
  const end = s.indexOf('\n', i);
  return end === -1 ? s.length : end;
}

function decodeEscape(s: string, i: number, language: Language): string {
  const next = s.charAt(i + 1);
  if (next === 'x') return String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
  if (next === 'u' && s.charAt(i + 2) === '{') return String.fromCodePoint(parseInt(s.slice(i + 3, s.indexOf('}', i)), 16));
  if (next === 'u') return String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
  // Python keeps the backslash of an unknown escape; JavaScript drops it.
  return ESCAPES[next] ?? (language === 'python' ? `\\${next}` : next);
}

function escapeLength(s: string, i: number, raw: boolean): number {
  const next = s.charAt(i + 1);
  if (raw) return 2;
  if (next === 'x') return 4;
  if (next === 'u' && s.charAt(i + 2) === '{') return s.indexOf('}', i) - i + 1;
  if (next === 'u') return 6;
  return 2;
}

function startsRegex(previous: CodeToken | undefined): boolean {
  return previous === undefined || (previous.kind !== 'string' && previous.kind !== 'number' && REGEX_AFTER.has(previous.text));
}

/** Skips a regular expression literal (`/…/flags`); a `/` with no closing one on its line is division. */
function skipRegex(s: string, open: number): number {
  let inClass = false;
  for (let i = open + 1; i < s.length && s.charAt(i) !== '\n'; i++) {
    const c = s.charAt(i);
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let end = i + 1;
      while (/[a-z]/.test(s.charAt(end))) end++;
      return end;
    }
  }
  return open + 1;
}
