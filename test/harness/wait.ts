import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link pollUntil}. */
export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** The message of the error thrown on timeout, given the last error `attempt` threw (if any). */
  readonly describeFailure: (lastError: unknown) => string;
  /** Checked before each attempt: a string returned here fails the wait at once with that message. */
  readonly abortIf?: () => string | undefined;
}

/**
 * Calls `attempt` every `intervalMs` until it returns a value other than `undefined`, and
 * resolves with that value. Errors thrown by `attempt` count as "not yet".
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown = undefined;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort !== undefined) throw new Error(abort);
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new Error(options.describeFailure(lastError));
    await sleep(options.intervalMs ?? 100);
  }
}

/** Describes a caught value in one line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}
