import type { CodeToken, Language } from './code-lexer.js';

/** A parameter some call in the file passes explicitly, so its default is not the value it has. */
export interface PassedParameter {
  readonly fn: string;
  readonly line: number;
}

const isPunct = (t: CodeToken | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;

/**
 * Parameters of the file's functions (`def f(…)`, `function f(…)`) that a call in the same file
 * passes, by position or by keyword, keyed by parameter name. A default such as
 * `egress="private-ranges-only"` is only the value when no call overrides it: a call
 * `deploy(egress="all-traffic")` makes it unknown rather than wrong.
 */
export function passedParameters(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, language: Language): Map<string, PassedParameter> {
  const keyword = language === 'python' ? 'def' : 'function';
  const functions = new Map<string, string[]>();
  tokens.forEach((t, i) => {
    const name = tokens[i + 1];
    const close = partner.get(i + 2);
    if (t.kind === 'name' && t.text === keyword && name?.kind === 'name' && isPunct(tokens[i + 2], '(') && close !== undefined) {
      const params = splitArguments(tokens, partner, i + 2, close).map((arg) => {
        const first = arg.find((a) => a.kind === 'name');
        return first?.kind === 'name' ? first.text : '';
      });
      // A method's `self`/`cls` is passed by the call's receiver, not in its parentheses.
      functions.set(name.text, params[0] === 'self' || params[0] === 'cls' ? params.slice(1) : params);
    }
  });
  const passed = new Map<string, PassedParameter>();
  tokens.forEach((t, i) => {
    const params = t.kind === 'name' ? functions.get(t.text) : undefined;
    const close = partner.get(i + 1);
    const before = tokens[i - 1];
    if (params === undefined || t.kind !== 'name' || close === undefined || !isPunct(tokens[i + 1], '(') || (before?.kind === 'name' && before.text === keyword)) return;
    const args = splitArguments(tokens, partner, i + 1, close);
    const pass = (param: string | undefined): void => {
      if (param !== undefined && !passed.has(param)) passed.set(param, { fn: t.text, line: t.at.line });
    };
    let position = 0;
    for (const arg of args) {
      const [head, next] = arg;
      if (isPunct(head, '*') || isPunct(head, '**') || isPunct(head, '...')) params.forEach(pass);
      else if (head?.kind === 'name' && isPunct(next, '=')) pass(head.text);
      else pass(params[position++]);
    }
  });
  return passed;
}

/** The comma-separated arguments between the parentheses at `open` and `close`. */
function splitArguments(tokens: readonly CodeToken[], partner: ReadonlyMap<number, number>, open: number, close: number): CodeToken[][] {
  const args: CodeToken[][] = [];
  let current: CodeToken[] = [];
  for (let j = open + 1; j < close; j++) {
    const t = tokens[j];
    if (t === undefined) break;
    if (isPunct(t, ',')) {
      if (current.length > 0) args.push(current);
      current = [];
      continue;
    }
    current.push(t);
    const jump = partner.get(j);
    if (jump !== undefined) j = jump;
  }
  if (current.length > 0) args.push(current);
  return args;
}
