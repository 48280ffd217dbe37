import { performance } from 'node:perf_hooks';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { redactUrlPasswords } from '../model/redact.js';
import { classifySocketError, errorText } from '../probes/outcome.js';
import { runProbe } from '../probes/run.js';
import type { BreakerState, CheckOutcome, CheckSpec, DependencySpec } from './types.js';

/** Characters of a failure's message an endpoint may show. */
const MAX_FAILURE_TEXT = 200;

/**
 * A failure as the endpoints and metrics may show it: its outcome (REFUSED, RESET, TLS_FAILED…,
 * else FAILED) and the message, redacted and cut short — never a client library's text as is.
 * Lifeline's own probe failures already read `OUTCOME: detail`.
 */
export function failureText(error: unknown): string {
  const text = redactUrlPasswords(errorText(error));
  const outcome = classifySocketError(error);
  const known = /^[A-Z_]+: /.test(text) && outcome === undefined;
  const shown = known ? text : `${outcome ?? 'FAILED'}: ${text}`;
  return shown.length > MAX_FAILURE_TEXT ? `${shown.slice(0, MAX_FAILURE_TEXT - 1)}…` : shown;
}

/** One dependency's check: a real round trip with a deadline, behind a circuit breaker. */
export class DependencyCheck {
  readonly name: string;
  readonly spec: DependencySpec;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #timeoutMs: number;
  #inFlight: Promise<CheckOutcome> | undefined;
  readonly #controllers = new Set<AbortController>();

  constructor(name: string, spec: DependencySpec, breaker: { threshold: number; halfOpenAfterMs: number }) {
    this.name = name;
    this.spec = spec;
    this.#timeoutMs = spec.timeoutMs ?? 2000;
    this.#breaker = circuitBreaker(handleAll, { halfOpenAfter: breaker.halfOpenAfterMs, breaker: new ConsecutiveBreaker(breaker.threshold) });
  }

  get breakerState(): BreakerState {
    switch (this.#breaker.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Closed:
        return 'closed';
    }
  }

  /** Runs the check, or joins the one already in flight (single-flight). */
  run(): Promise<CheckOutcome> {
    this.#inFlight ??= this.#execute().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Aborts checks in flight (shutdown). */
  abort(): void {
    for (const controller of this.#controllers) controller.abort();
  }

  async #execute(): Promise<CheckOutcome> {
    const start = performance.now();
    const latency = (): number => Math.round((performance.now() - start) * 10) / 10;
    try {
      const detail = await this.#breaker.execute(() => this.#roundTrip());
      return { ok: true, latencyMs: latency(), ...(detail !== undefined ? { detail } : {}) };
    } catch (error: unknown) {
      if (error instanceof BrokenCircuitError) return { ok: false, latencyMs: latency(), error: 'circuit open: check skipped until the breaker half-opens', skipped: true };
      return { ok: false, latencyMs: latency(), error: failureText(error) };
    }
  }

  async #roundTrip(): Promise<string | undefined> {
    const check: CheckSpec = this.spec.check;
    const controller = new AbortController();
    this.#controllers.add(controller);
    try {
      if (typeof check !== 'function') {
        const result = await runProbe(check, { deadlineMs: this.#timeoutMs, signal: controller.signal });
        if (result.outcome !== 'OK') throw new Error(`${result.outcome}: ${result.detail}`);
        return result.detail;
      }
      const timer = setTimeout(() => {
        controller.abort();
      }, this.#timeoutMs);
      try {
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => {
            reject(new Error(`TIMEOUT: no answer within ${this.#timeoutMs} ms`));
          };
          controller.signal.addEventListener('abort', onAbort, { once: true });
          check(controller.signal).then(
            () => {
              controller.signal.removeEventListener('abort', onAbort);
              resolve();
            },
            (error: unknown) => {
              controller.signal.removeEventListener('abort', onAbort);
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        });
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    } finally {
      this.#controllers.delete(controller);
    }
  }
}
