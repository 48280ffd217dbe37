import { Blocks, type Block, type Branch } from './branches.js';
import type { CodeToken, Language } from './code-lexer.js';

const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);
/** Python statements whose suite runs only sometimes, or (detached) when it is called. */
const PY_CONDITIONAL = new Set(['if', 'elif', 'else', 'for', 'while', 'except', 'case']);
const PY_DETACHED = new Set(['def', 'class']);
/** Python statements whose suite runs whenever the statement does. */
const PY_PLAIN = new Set(['try', 'finally', 'with', 'match']);
/** Words and operators that make part of a statement run only sometimes: `a if c else b`, `c and f()`, `c ? f() : g()`. */
const PY_CONDITIONS = new Set(['if', 'and', 'or']);
const JS_CONDITIONS = new Set(['?', '&&', '||', '??']);
/** JavaScript statements whose braced body runs only sometimes. */
const JS_CONDITIONAL = new Set(['if', 'for', 'while', 'switch', 'catch']);
/** JavaScript statements whose body may be one statement without braces. */
const JS_BRACELESS = new Set(['if', 'for', 'while']);

const isPunct = (t: CodeToken | undefined, ...texts: string[]): boolean => t?.kind === 'punct' && texts.includes(t.text);
const isName = (t: CodeToken | undefined, names: ReadonlySet<string>): boolean => t?.kind === 'name' && names.has(t.text);

/**
 * The blocks around every token of a Python or JavaScript/TypeScript file, so the importer knows
 * which gcloud commands surely run one after the other. Python's blocks are indented suites,
 * JavaScript's are braces (and the body of an `if`, `else` or loop written without them); a
 * function body is detached (it runs when called). A statement with a conditional expression
 * (`a if c else b`, `c and f()`, `c ? f() : g()`, `c && f()`) is a block of its own.
 */
export function codeBranches(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, language: Language): Branch[] {
  const blocks = new Blocks();
  const { branches, statements } = language === 'python' ? pythonBlocks(tokens, blocks) : javascriptBlocks(tokens, partner, blocks);
  const conditions = language === 'python' ? PY_CONDITIONS : JS_CONDITIONS;
  const conditional = new Set<number>();
  tokens.forEach((t, i) => {
    const statement = statements[i];
    const counts = language === 'python' ? t.kind === 'name' : t.kind === 'punct';
    if (statement !== undefined && counts && 'text' in t && conditions.has(t.text)) conditional.add(statement);
  });
  // Two commands in one such statement may each run without the other: every token is a block of its own.
  return tokens.map((_, i) => {
    const around = branches[i] ?? [];
    return conditional.has(statements[i] ?? -1) ? [...around, blocks.open()] : around;
  });
}

interface Blocked {
  /** The blocks around each token. */
  readonly branches: Branch[];
  /** Per token, the statement it belongs to (the index of its first token); undefined for a Python header. */
  readonly statements: (number | undefined)[];
}

/** Python: a suite is the lines indented under a header (`if …:`, `def …:`); a header's inline body is in its suite. */
function pythonBlocks(tokens: readonly CodeToken[], blocks: Blocks): Blocked {
  const branches: Branch[] = [];
  const statements: (number | undefined)[] = [];
  const suites: { indent: number; block: Block | undefined }[] = [];
  let depth = 0;
  let branch: Branch = [];
  let statement: number | undefined;
  tokens.forEach((t, i) => {
    const previous = tokens[i - 1];
    const newLine = previous === undefined || previous.endLine < t.at.line;
    if (depth === 0 && (newLine || isPunct(previous, ';'))) {
      if (newLine) while ((suites[suites.length - 1]?.indent ?? -1) >= t.at.column) suites.pop();
      const keyword = t.kind === 'name' && t.text === 'async' ? tokens[i + 1] : t;
      const header = keyword?.kind === 'name' && (PY_CONDITIONAL.has(keyword.text) || PY_DETACHED.has(keyword.text) || PY_PLAIN.has(keyword.text));
      if (header) {
        const block = PY_PLAIN.has(keyword.text) ? undefined : blocks.open(PY_DETACHED.has(keyword.text));
        suites.push({ indent: t.at.column, block });
      }
      branch = suites.flatMap((s) => (s.block === undefined ? [] : [s.block]));
      statement = header ? undefined : i;
    }
    if (t.kind === 'punct' && OPENING.has(t.text)) depth++;
    else if (t.kind === 'punct' && CLOSING.has(t.text)) depth = Math.max(0, depth - 1);
    branches.push(branch);
    statements.push(statement);
  });
  return { branches, statements };
}

/** An open JavaScript block: a braced body up to its `}`, or a body without braces up to the end of its statement. */
interface JsBlock {
  readonly end: number;
  block: Block | undefined;
  readonly isSwitch: boolean;
  statement: number | undefined;
  /** Open `(` and `[` in this block: a statement starts only outside them. */
  parens: number;
}

/** JavaScript/TypeScript: braced bodies by what stands before the `{`, and bodies without braces. */
function javascriptBlocks(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, blocks: Blocks): Blocked {
  const opener = new Map<number, number>();
  for (const [open, close] of partner) opener.set(close, open);
  const branches: Branch[] = [];
  const statements: (number | undefined)[] = [];
  const top: JsBlock = { end: tokens.length, block: undefined, isSwitch: false, statement: undefined, parens: 0 };
  const stack: JsBlock[] = [top];
  const current = (): JsBlock => stack[stack.length - 1] ?? top;
  const branch = (): Branch => stack.flatMap((s) => (s.block === undefined ? [] : [s.block]));

  tokens.forEach((t, i) => {
    while (stack.length > 1 && current().end < i) stack.pop();
    const previous = tokens[i - 1];
    const head = current();
    if (head.parens === 0 && startsStatement(previous, t)) head.statement = i;
    if (head.isSwitch && head.parens === 0 && t.kind === 'name' && (t.text === 'case' || t.text === 'default')) head.block = blocks.open();
    const bodyStart = previous !== undefined && !isPunct(t, '{') && bracelessHead(tokens, opener, i - 1);
    if (bodyStart) {
      stack.push({ end: bodyEnd(tokens, partner, i), block: blocks.open(), isSwitch: false, statement: i, parens: 0 });
    }
    const close = isPunct(t, '{') ? partner.get(i) : undefined;
    branches.push(branch());
    statements.push(current().statement);
    if (close !== undefined) {
      const kind = braceKind(tokens, opener, i);
      stack.push({ end: close, block: kind === 'plain' ? undefined : blocks.open(kind === 'detached'), isSwitch: kind === 'switch', statement: undefined, parens: 0 });
    } else if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) current().parens++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) current().parens = Math.max(0, current().parens - 1);
  });
  return { branches, statements };
}

/** Whether `t` starts a statement: after `;`, a brace, or at a line break that does not continue an expression. */
function startsStatement(previous: CodeToken | undefined, t: CodeToken): boolean {
  if (previous === undefined || isPunct(previous, ';', '{', '}')) return true;
  if (previous.endLine >= t.at.line) return false;
  const previousEnds = previous.kind !== 'punct' || isPunct(previous, ')', ']');
  return previousEnds && t.kind !== 'punct';
}

/** Whether the token at `i` ends the head of a statement whose body may go without braces: `if (…)`, `for (…)`, `while (…)`, `else`. */
function bracelessHead(tokens: readonly CodeToken[], opener: ReadonlyMap<number, number>, i: number): boolean {
  const t = tokens[i];
  if (t?.kind === 'name' && t.text === 'else') return true;
  const open = isPunct(t, ')') ? opener.get(i) : undefined;
  return open !== undefined && isName(tokens[open - 1], JS_BRACELESS) && !isPunct(tokens[open - 2], '.');
}

/** What a `{` opens: a body that runs only sometimes, a function body, a `switch`, or a plain block (or an object). */
function braceKind(tokens: readonly CodeToken[], opener: ReadonlyMap<number, number>, i: number): 'conditional' | 'detached' | 'switch' | 'plain' {
  const previous = tokens[i - 1];
  if (isPunct(previous, '=>')) return 'detached';
  if (previous?.kind === 'name' && (previous.text === 'else' || previous.text === 'do')) return 'conditional';
  const paren = isPunct(previous, ')') ? i - 1 : returnTypeStart(tokens, i);
  const open = paren === undefined ? undefined : opener.get(paren);
  if (open === undefined) return 'plain';
  const keyword = tokens[open - 1];
  if (keyword?.kind === 'name' && keyword.text === 'switch') return 'switch';
  // `f(…) {`, `function (…) {`, a method: a function body.
  return isName(keyword, JS_CONDITIONAL) ? 'conditional' : 'detached';
}

/** For `f(…): Type {` (TypeScript), the index of the `)` before the return type. */
function returnTypeStart(tokens: readonly CodeToken[], brace: number): number | undefined {
  for (let j = brace - 1; j > 0 && j > brace - 16; j--) {
    const t = tokens[j];
    if (isPunct(t, ':') && isPunct(tokens[j - 1], ')')) return j - 1;
    if (t === undefined || isPunct(t, ';', '{', '}', '=', ')', '(')) return undefined;
  }
  return undefined;
}

/** The last token of a statement without braces that starts at `from`: up to a `;`, or a line break that ends it. */
function bodyEnd(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, from: number): number {
  for (let j = from; j < tokens.length; j++) {
    const t = tokens[j];
    if (t === undefined || isPunct(t, ';')) return j;
    if (isPunct(t, '}', ')', ']')) return j - 1;
    const close = partner.get(j);
    if (close !== undefined) j = close;
    const next = tokens[j + 1];
    const last = tokens[j];
    if (next !== undefined && last !== undefined && last.endLine < next.at.line && startsStatement(last, next) && !(next.kind === 'name' && next.text === 'else')) return j;
  }
  return tokens.length - 1;
}
