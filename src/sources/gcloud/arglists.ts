import type { Position } from '../document.js';
import { codeBranches } from './code-blocks.js';
import { tokenizeCode, type CodeToken, type Language } from './code-lexer.js';
import { concatenation, elementWord, type Binding, type CodeScope } from './code-values.js';
import { passedParameters } from './parameters.js';
import { literalText, unknownPiece, type Invocation, type MappedText, type Word } from './words.js';

export interface CodeOptions {
  readonly file: string;
  readonly language: Language;
  /** What was skipped (arguments inserted or added by expressions), for the report. */
  readonly notes: string[];
  readonly fail: (at: Position, message: string) => never;
}

/** A list the script builds; continuations (`+=`, `extend`, `push`) add to the same object. */
interface ArgList {
  readonly words: Word[];
}

const isPunct = (t: CodeToken | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'return', 'function']);
const STATEMENT_END = new Set([';', ',', ')', ']', '}']);

/**
 * Every gcloud argument list in a Python or JavaScript/TypeScript script: a list literal whose
 * first element is "gcloud" (`subprocess.run(["gcloud", …])`), or the list passed after "gcloud"
 * (`execFile('gcloud', [...])`, `spawn("gcloud", args)`), including what `cmd += […]`,
 * `cmd.extend([…])`, `args.push(…)` and `cmd + […]` add to it. Names resolve to the literal last
 * assigned to them before the list (or a parameter's literal default); nothing is executed.
 * Each command is placed in the blocks around the list (an `if` arm, a function body).
 */
export function codeInvocations(mapped: MappedText, options: CodeOptions): Invocation[] {
  const tokens = tokenizeCode(mapped, options.language, options.fail);
  const partner = matchBrackets(tokens);
  const names = new Map<string, Binding>();
  const lists = new Map<string, ArgList>();
  const scope: CodeScope = { file: options.file, source: mapped.text, names };
  const handled = new Set<number>();
  const found: { order: number; prefix: readonly Word[]; list: ArgList }[] = [];
  /** Lists assigned to names; the ones that start with "gcloud" once the script is read are commands. */
  const assigned: { order: number; list: ArgList }[] = [];
  /** Per open `(` or `{`: a call's arguments (where `name=value` passes a keyword), parameters (defaults), or a block. */
  const scopes: ('call' | 'parameters' | 'block')[] = [];
  const passed = passedParameters(tokens, partner, options.language);

  const isGcloud = (word: Word | undefined): boolean => {
    const value = word === undefined ? undefined : literalText(word.pieces);
    return value === 'gcloud' || value?.endsWith('/gcloud') === true;
  };

  /** The elements between the brackets at `open` and its partner. */
  const elements = (open: number, close: number): Word[] => {
    const words: Word[] = [];
    let from = open + 1;
    for (let j = open + 1; j <= close; j++) {
      const t = tokens[j];
      const jump = partner.get(j);
      if (jump !== undefined && j !== close) {
        j = jump;
        continue;
      }
      if (j === close || isPunct(t, ',')) {
        words.push(...element(tokens.slice(from, j)));
        from = j + 1;
      }
    }
    return words;
  };

  const element = (slice: readonly CodeToken[]): Word[] => {
    const [head, name] = slice;
    if ((isPunct(head, '*') || isPunct(head, '...')) && name?.kind === 'name' && slice.length === 2) {
      const spread = lists.get(name.text);
      if (spread !== undefined) return [...spread.words];
      // Kept as one unknown word, so the command reader notes it only if this list is a gcloud command.
      const shown = `${isPunct(head, '*') ? '*' : '...'}${name.text}`;
      return [{ pieces: [unknownPiece(shown, `which adds arguments that are not a literal list in ${options.file}`)], at: head?.at ?? name.at }];
    }
    const word = elementWord(slice, scope);
    return word === undefined ? [] : [word];
  };

  /** `[…] + other + […]` from `start` to `end` (exclusive): the words, or undefined if not all lists. */
  const listExpression = (start: number, end: number): Word[] | undefined => {
    const words: Word[] = [];
    for (let j = start; j < end; j++) {
      const t = tokens[j];
      const close = partner.get(j);
      if (isPunct(t, '[') && close !== undefined) {
        handled.add(j);
        words.push(...elements(j, close));
        j = close;
      } else if (t?.kind === 'name' && lists.has(t.text)) words.push(...(lists.get(t.text)?.words ?? []));
      else return undefined;
      if (j + 1 < end && !isPunct(tokens[++j], '+')) return undefined;
    }
    return words;
  };

  const assign = (i: number, name: string, valueIndex: number): void => {
    const end = statementEnd(tokens, partner, valueIndex);
    const value = tokens.slice(valueIndex, end);
    const existing = lists.get(name);
    // `cmd = cmd + [...]` extends the list in place, so it stays one command.
    if (existing !== undefined && value[0]?.kind === 'name' && value[0].text === name && isPunct(value[1], '+')) {
      const more = listExpression(valueIndex + 2, end);
      if (more !== undefined) return void existing.words.push(...more);
    }
    const words = listExpression(valueIndex, end);
    if (words !== undefined) {
      const list = { words };
      lists.set(name, list);
      names.set(name, { kind: 'other' });
      assigned.push({ order: i, list });
      return;
    }
    lists.delete(name);
    const pieces = concatenation(value, scope);
    names.set(name, pieces === undefined ? { kind: 'other' } : { kind: 'literal', pieces });
  };

  const extend = (i: number, name: string): void => {
    const list = lists.get(name);
    if (list === undefined) return;
    const next = tokens[i + 1];
    if (isPunct(next, '+=') || isPunct(next, '+')) {
      // `cmd += [...]`, and `run(cmd + [...])`, whose result is the command that runs.
      const more = listExpression(i + 2, statementEnd(tokens, partner, i + 2));
      if (more !== undefined) list.words.push(...more);
      else if (isGcloud(list.words[0])) options.notes.push(`${options.file}:${next?.at.line ?? 0}: what is added to ${name} is not a literal list; those gcloud arguments are not imported`);
      return;
    }
    const method = tokens[i + 2];
    const open = i + 3;
    const close = partner.get(open);
    if (!isPunct(next, '.') || method?.kind !== 'name' || !isPunct(tokens[open], '(') || close === undefined) return;
    if (method.text === 'extend') list.words.push(...(listExpression(open + 1, close) ?? []));
    else if (method.text === 'append' || method.text === 'push') list.words.push(...elements(open, close));
    else if ((method.text === 'insert' || method.text === 'unshift') && isGcloud(list.words[0])) {
      options.notes.push(`${options.file}:${method.at.line}: ${name}.${method.text}(…) is not followed; the arguments it inserts are not imported`);
    }
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) break;
    if (isPunct(t, '(')) scopes.push(isParameterList(tokens, partner, i, options.language) ? 'parameters' : 'call');
    else if (isPunct(t, '{')) scopes.push('block');
    else if (isPunct(t, ')') || isPunct(t, '}')) scopes.pop();
    else if (t.kind === 'name') {
      const valueIndex = assignmentValue(tokens, i);
      const scope = scopes[scopes.length - 1];
      const call = passed.get(t.text);
      if (valueIndex !== undefined && scope === 'parameters' && call !== undefined) {
        names.set(t.text, { kind: 'other', why: `which ${options.file} passes to ${call.fn}() on line ${call.line}, so its default is not the value` });
        lists.delete(t.text);
      } else if (valueIndex !== undefined && scope !== 'call' && !isPunct(tokens[i - 1], '.')) assign(i, t.text, valueIndex);
      else extend(i, t.text);
    } else if (isPunct(t, '[') && !handled.has(i)) {
      const close = partner.get(i);
      if (close === undefined) {
        if (isGcloud(elementWord(tokens.slice(i + 1, i + 2), scope))) options.fail(t.at, 'unclosed [; expected ] to end the gcloud argument list');
        continue;
      }
      const words = listExpression(i, statementEnd(tokens, partner, i));
      const list = { words: words ?? elements(i, close) };
      if (!isGcloud(list.words[0])) continue;
      found.push({ order: i, prefix: [], list });
      if (words === undefined && isPunct(tokens[close + 1], '+')) {
        options.notes.push(`${options.file}:${t.at.line}: what is added to the gcloud list with + is not a literal list; those arguments are not imported`);
      }
    }
    const callee = t.kind === 'string' || t.kind === 'name' ? elementWord([t], scope) : undefined;
    if (isGcloud(callee) && callee !== undefined && isPunct(tokens[i - 1], '(') && isPunct(tokens[i + 1], ',')) {
      const arg = tokens[i + 2];
      const close = partner.get(i + 2);
      if (isPunct(arg, '[') && close !== undefined) {
        handled.add(i + 2);
        found.push({ order: i, prefix: [callee], list: { words: elements(i + 2, close) } });
      } else if (arg?.kind === 'name' && lists.has(arg.text)) {
        found.push({ order: i, prefix: [callee], list: lists.get(arg.text) ?? { words: [] } });
      }
    }
  }
  for (const { order, list } of assigned) if (isGcloud(list.words[0])) found.push({ order, prefix: [], list });
  const branches = codeBranches(tokens, partner, options.language);
  return found.sort((a, b) => a.order - b.order).map((f) => ({ words: [...f.prefix, ...f.list.words], env: new Map(), branch: branches[f.order] ?? [] }));
}

/** Pairs every opening bracket with its closing one. */
function matchBrackets(tokens: readonly CodeToken[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: number[] = [];
  const opening: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct') return;
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(i);
    const open = opening[t.text];
    if (open !== undefined) {
      const top = stack[stack.length - 1];
      if (top !== undefined && isPunct(tokens[top], open)) {
        stack.pop();
        pairs.set(top, i);
      }
    }
  });
  return pairs;
}

/** For `name = …` or `name: Type = …` (an annotated parameter or variable), the index of the value. */
function assignmentValue(tokens: readonly CodeToken[], i: number): number | undefined {
  const name = tokens[i];
  if (name === undefined) return undefined;
  if (isPunct(tokens[i + 1], '=')) return i + 2;
  if (!isPunct(tokens[i + 1], ':')) return undefined;
  const previous = tokens[i - 1];
  const declares = previous === undefined || previous.endLine < name.at.line || isPunct(previous, '(') || isPunct(previous, ',') || (previous.kind === 'name' && ['const', 'let', 'var'].includes(previous.text));
  if (!declares) return undefined;
  for (let j = i + 2; j < i + 12; j++) {
    const t = tokens[j];
    // A type may hold brackets (`string[]`, `Array<string>`), not the end of a statement.
    if (t === undefined || t.at.line !== name.at.line || (t.kind === 'punct' && STATEMENT_END.has(t.text) && t.text !== ']')) return undefined;
    if (isPunct(t, '=')) return j + 1;
  }
  return undefined;
}

/** Where the expression starting at `from` ends: a `;`, `,` or closing bracket, or a new line. */
function statementEnd(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, from: number): number {
  for (let j = from; j < tokens.length; j++) {
    const t = tokens[j];
    const previous = tokens[j - 1];
    if (t === undefined) break;
    if (j > from && previous !== undefined && t.at.line > previous.endLine && !isPunct(t, '+') && !isPunct(previous, '+')) return j;
    if (t.kind === 'punct' && STATEMENT_END.has(t.text)) return j;
    const close = partner.get(j);
    if (close !== undefined) j = close;
  }
  return tokens.length;
}

/** Whether the `(` at `i` opens a function's parameters (where `name = "x"` is a default, not a keyword argument). */
function isParameterList(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, i: number, language: Language): boolean {
  const before = tokens[i - 1];
  const twoBefore = tokens[i - 2];
  if (language === 'python') return twoBefore?.kind === 'name' && twoBefore.text === 'def';
  if (before?.kind === 'name' && (before.text === 'function' || (twoBefore?.kind === 'name' && twoBefore.text === 'function'))) return true;
  const close = partner.get(i);
  const after = close === undefined ? undefined : tokens[close + 1];
  if (isPunct(after, '=>')) return true;
  return isPunct(after, '{') && before?.kind === 'name' && !CONTROL.has(before.text);
}
