/** Things to undo at the end of a benchmark, newest first; runs once, even when called again (e.g. by a signal). */
export class Cleanup {
  readonly #steps: { readonly what: string; readonly undo: () => Promise<unknown> }[] = [];
  #done: Promise<string[]> | undefined;

  add(what: string, undo: () => Promise<unknown>): void {
    this.#steps.unshift({ what, undo });
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: cleaning up`);
    void this.run().finally(() => process.exit(130));
  };

  /** On SIGINT or SIGTERM: undo everything, then exit 130 (until run() is called). */
  undoOnSignals(): void {
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  /** Runs every step (all of them, whatever fails) and resolves with what could not be undone. */
  run(): Promise<string[]> {
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    this.#done ??= (async () => {
      const outcomes = await Promise.allSettled(this.#steps.map((s) => s.undo()));
      return outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${this.#steps[i]?.what ?? '?'}: ${o.reason instanceof Error ? o.reason.message : String(o.reason)}`] : []));
    })();
    return this.#done;
  }
}
