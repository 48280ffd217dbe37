/** Things to undo at the end of a benchmark, newest first; runs once, even when called again (e.g. by a signal). */
export class Cleanup {
  readonly #steps: { readonly what: string; readonly undo: () => Promise<unknown> }[] = [];
  #done: Promise<string[]> | undefined;

  add(what: string, undo: () => Promise<unknown>): void {
    this.#steps.unshift({ what, undo });
  }

  /** Runs every step (all of them, whatever fails) and resolves with what could not be undone. */
  run(): Promise<string[]> {
    this.#done ??= (async () => {
      const outcomes = await Promise.allSettled(this.#steps.map((s) => s.undo()));
      return outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${this.#steps[i]?.what ?? '?'}: ${o.reason instanceof Error ? o.reason.message : String(o.reason)}`] : []));
    })();
    return this.#done;
  }
}
