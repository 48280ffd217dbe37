import { redactUrlPasswords } from '../../model/redact.js';
import type { CodeToken, StringPart } from './code-lexer.js';
import { normalizePieces, text, unknownPiece, type Piece, type Word } from './words.js';

/** What a name holds at a point of the script: literal text, or something not evaluated here. */
export type Binding = { readonly kind: 'literal'; readonly pieces: readonly Piece[] } | { readonly kind: 'other'; readonly why?: string };

export interface CodeScope {
  readonly file: string;
  /** The script's text, to quote an expression back in a reason. */
  readonly source: string;
  readonly names: ReadonlyMap<string, Binding>;
}

const SHOWN = 40;

/**
 * The value of `operand + operand …` where each operand is a string literal, an f-string or
 * template literal, a number or a name; adjacent Python string literals join too. Undefined for
 * any other expression (a call, an index, a conditional): those are left to run time.
 */
export function concatenation(tokens: readonly CodeToken[], scope: CodeScope): Piece[] | undefined {
  const pieces: Piece[] = [];
  let expectOperand = true;
  for (const token of tokens) {
    if (!expectOperand && token.kind === 'punct' && token.text === '+') {
      expectOperand = true;
      continue;
    }
    // Python joins adjacent literals ("a" "b"); elsewhere two operands in a row are not a sum.
    const adjacentString = !expectOperand && token.kind === 'string' && pieces.length > 0;
    if (!expectOperand && !adjacentString) return undefined;
    if (token.kind === 'string') pieces.push(...partsToPieces(token.parts, scope));
    else if (token.kind === 'name') pieces.push(...resolveName(token.text, scope));
    else if (token.kind === 'number') pieces.push(text(token.text));
    else return undefined;
    expectOperand = false;
  }
  return expectOperand ? undefined : normalizePieces(pieces);
}

/** A list element as a gcloud word: its literal value, or one unknown piece quoting the expression. */
export function elementWord(tokens: readonly CodeToken[], scope: CodeScope): Word | undefined {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const pieces = concatenation(tokens, scope) ?? [unknownPiece(shorten(scope.source.slice(first.start, last.end)), 'which is an expression evaluated at run time')];
  return { pieces, at: first.at };
}

function resolveName(name: string, scope: CodeScope): readonly Piece[] {
  const binding = scope.names.get(name);
  if (binding?.kind === 'literal') return binding.pieces;
  return [unknownPiece(name, binding?.why ?? `which is not assigned a literal in ${scope.file}`)];
}

/** A string's parts as pieces; a placeholder that is a plain name resolves like the name. */
function partsToPieces(parts: readonly StringPart[], scope: CodeScope): Piece[] {
  return parts.flatMap((part): readonly Piece[] => {
    if (part.kind === 'text') return [text(part.text)];
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part.source)) return resolveName(part.source, scope);
    return [unknownPiece(`{${shorten(part.source)}}`, 'which is a placeholder evaluated at run time')];
  });
}

/** Script text quoted in a reason: one line, passwords redacted before it is cut (a cut could drop the `@` that marks one). */
function shorten(source: string): string {
  const oneLine = redactUrlPasswords(source.replace(/\s+/g, ' ').trim());
  return oneLine.length <= SHOWN ? oneLine : `${oneLine.slice(0, SHOWN - 1)}…`;
}
