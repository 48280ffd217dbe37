import type { Position } from '../document.js';
import { ShellLexer, type Assignment, type OuterExpansion, type ShellOperator } from './shell-lexer.js';
import { literalText, unknownPiece, type Invocation, type MappedText, type Piece, type Word } from './words.js';

export interface ShellOptions {
  /** The file, for reasons and errors. */
  readonly file: string;
  /** Variables set before the script runs: GitHub `env:`, GitLab `variables:`, Dockerfile `ENV`. */
  readonly variables?: ReadonlyMap<string, readonly Piece[]>;
  /** Substitution done before the shell reads the text (Makefile, Cloud Build, GitHub Actions). */
  readonly outer?: OuterExpansion;
  /** Throws an InputError at a position of the file. */
  readonly fail: (at: Position, message: string) => never;
}

interface CommandWord {
  readonly word: Word;
  readonly assignment: Assignment | undefined;
}

/** Words that open a compound command whose body runs only sometimes (or, for `{`, a function body). */
const OPENERS = new Set(['if', 'while', 'until', 'for', 'select', 'case', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
/** Words that stand before a command without being it. */
const PREFIXES = new Set(['!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'exec', 'command', 'sudo', '{', '}', 'fi', 'done']);
const DECLARATIONS = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);

/**
 * Every gcloud command line in a shell script, with `$VAR` expanded where the script assigned a
 * literal earlier (`VAR=…`, `export VAR=…`). An assignment made only under a condition (inside
 * `if`/`case`/a loop/a function, or beside `&&`/`||`) makes the variable unknown rather than
 * picking one branch.
 */
export function shellInvocations(mapped: MappedText, options: ShellOptions): Invocation[] {
  const variables = new Map<string, readonly Piece[]>(options.variables ?? []);
  const lexer = new ShellLexer(mapped, {
    file: options.file,
    outer: options.outer,
    variable: (name) => variables.get(name),
    fail: (index, message) => options.fail(mapped.positionAt(index), message),
  });
  const invocations: Invocation[] = [];
  let depth = 0;
  let before: ShellOperator = 'newline';
  let words: CommandWord[] = [];

  const finish = (after: ShellOperator): void => {
    const command = words;
    words = [];
    const conditional = depth > 0 || ['&&', '||'].includes(before) || ['&&', '||'].includes(after);
    before = after;
    let i = 0;
    for (let w = wordText(command[i]); w !== undefined; w = wordText(command[++i])) {
      if (OPENERS.has(w)) depth++;
      else if (CLOSERS.has(w)) depth = Math.max(0, depth - 1);
      if (!PREFIXES.has(w)) break;
    }
    const assign = (a: Assignment): void => {
      const previous = variables.get(a.name);
      const same = previous !== undefined && literalText(previous) !== undefined && literalText(previous) === literalText(a.value);
      variables.set(a.name, !conditional || same ? a.value : [unknownPiece(`$${a.name}`, `which ${options.file} sets only under a condition`)]);
    };
    const prefix: Assignment[] = [];
    for (; command[i]?.assignment !== undefined; i++) prefix.push(command[i]?.assignment as Assignment);
    if (i === command.length) {
      prefix.forEach(assign);
      return;
    }
    const name = wordText(command[i]) ?? '';
    if (DECLARATIONS.has(name)) {
      for (const w of command.slice(i + 1)) if (w.assignment !== undefined) assign(w.assignment);
      return;
    }
    if (name === 'gcloud' || name.endsWith('/gcloud')) {
      // Prefix assignments (`CLOUDSDK_CORE_PROJECT=p gcloud …`) reach this command only.
      invocations.push({ words: command.slice(i).map((w) => w.word), env: new Map([...variables, ...prefix.map((a) => [a.name, a.value] as const)]) });
    }
  };

  for (let token = lexer.next(); token !== undefined; token = lexer.next()) {
    if (token.kind === 'word') words.push(token);
    else finish(token.op);
  }
  finish('newline');
  return invocations;
}

function wordText(w: CommandWord | undefined): string | undefined {
  return w === undefined ? undefined : literalText(w.word.pieces);
}
