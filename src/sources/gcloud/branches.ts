/**
 * Where a command stands in a script's control flow, so two commands that set the same attribute
 * can be told apart: one that surely runs after the other replaces its value (gcloud's own
 * semantics), while commands in different branches leave the attribute unknown.
 *
 * A block is a part of the script that runs only sometimes: one arm of an `if` or `case`, a loop
 * body, what follows `&&` or `||`, a CI step with a condition. A detached block runs at a time the
 * script does not fix: a function body (run when called), a CI job, a Makefile rule, a command
 * sent to the background.
 */
export interface Block {
  readonly id: number;
  readonly detached: boolean;
}

/** The blocks around a command, outermost first; empty at the top level of the script. */
export type Branch = readonly Block[];

/** Hands out block ids, unique within one script. */
export class Blocks {
  #next = 1;

  open(detached = false): Block {
    return { id: this.#next++, detached };
  }
}

/**
 * Whether a command in `later` (further down the script) runs after a command in `earlier`
 * whenever that one runs: `later` is the same block or one around it, and no function body or
 * other detached block lies between them (a function may be called after the command below it).
 *
 * @example
 * const blocks = new Blocks();
 * const then = blocks.open();
 * runsAfter([], [then]); // true: a top-level command after the `fi`
 * runsAfter([then], []); // false: the `then` arm may not run
 */
export function runsAfter(later: Branch, earlier: Branch): boolean {
  if (later.length > earlier.length) return false;
  if (!later.every((block, i) => earlier[i]?.id === block.id)) return false;
  return earlier.slice(later.length).every((block) => !block.detached);
}
