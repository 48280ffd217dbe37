import type { Position } from '../document.js';
import { Blocks, type Block, type Branch } from './branches.js';
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
  /** Block ids shared by the scripts of one file (every Makefile recipe line is a shell of its own). */
  readonly blocks?: Blocks;
  /** The blocks around the whole text: a Makefile rule, a CI job or step. */
  readonly branch?: Branch;
}

interface CommandWord {
  readonly word: Word;
  readonly assignment: Assignment | undefined;
}

/** An open block: a compound command's body or arm, or (`chained`) the rest of an `&&`/`||` list. */
interface OpenBlock {
  readonly block: Block;
  readonly chained: boolean;
}

/** Words that open a compound command whose body runs only sometimes (or, for `{`, a function body). */
const OPENERS = new Set(['if', 'while', 'until', 'for', 'select', 'case', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
/** Words that start another arm of the `if` they are in. */
const ARMS = new Set(['else', 'elif']);
/** Words that stand before a command without being it. */
const PREFIXES = new Set(['!', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'exec', 'command', 'sudo', '{', '}', 'fi', 'done']);
const DECLARATIONS = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);
const LIST_OPERATORS: readonly ShellOperator[] = ['&&', '||'];

/**
 * Every gcloud command line in a shell script, with `$VAR` expanded where the script assigned a
 * literal earlier (`VAR=…`, `export VAR=…`). An assignment made only under a condition (inside
 * `if`/`case`/a loop/a function, or beside `&&`/`||`) makes the variable unknown rather than
 * picking one branch. Each command says which blocks it is in (an `if` or `case` arm, a loop, a
 * `{ … }` function body, the part of a list after `&&`/`||`, a command sent to the background).
 */
export function shellInvocations(mapped: MappedText, options: ShellOptions): Invocation[] {
  const variables = new Map<string, readonly Piece[]>(options.variables ?? []);
  const lexer = new ShellLexer(mapped, {
    file: options.file,
    outer: options.outer,
    variable: (name) => variables.get(name),
    fail: (index, message) => options.fail(mapped.positionAt(index), message),
  });
  const blocks = options.blocks ?? new Blocks();
  const invocations: Invocation[] = [];
  const open: OpenBlock[] = [];
  let depth = 0;
  let before: ShellOperator = 'newline';
  let words: CommandWord[] = [];

  const endChain = (): void => {
    while (open[open.length - 1]?.chained === true) open.pop();
  };
  const nextArm = (): void => {
    endChain();
    const arm = open.pop();
    open.push({ block: blocks.open(arm?.block.detached ?? false), chained: false });
  };

  const record = (command: readonly CommandWord[], start: number, conditional: boolean, background: boolean): void => {
    let i = start;
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
      const branch = [...(options.branch ?? []), ...open.map((o) => o.block), ...(background ? [blocks.open(true)] : [])];
      // Prefix assignments (`CLOUDSDK_CORE_PROJECT=p gcloud …`) reach this command only.
      invocations.push({ words: command.slice(i).map((w) => w.word), env: new Map([...variables, ...prefix.map((a) => [a.name, a.value] as const)]), branch });
    }
  };

  const finish = (after: ShellOperator): void => {
    const command = words;
    words = [];
    const conditional = depth > 0 || LIST_OPERATORS.includes(before) || LIST_OPERATORS.includes(after);
    // After `&&` or `||` a command runs only as the one before it turns out.
    if (LIST_OPERATORS.includes(before)) open.push({ block: blocks.open(), chained: true });
    before = after;
    let i = 0;
    for (let w = wordText(command[i]); w !== undefined; w = wordText(command[++i])) {
      if (OPENERS.has(w)) {
        depth++;
        open.push({ block: blocks.open(w === '{'), chained: false });
      } else if (CLOSERS.has(w)) {
        depth = Math.max(0, depth - 1);
        endChain();
        open.pop();
      } else if (ARMS.has(w)) nextArm();
      if (!PREFIXES.has(w)) break;
    }
    record(command, i, conditional, after === '&');
    // `;;` ends an arm of a `case`.
    if (after === ';;') nextArm();
    if (!LIST_OPERATORS.includes(after)) endChain();
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
