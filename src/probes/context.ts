import { lookup, Resolver } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { ProbeFailure, type PhaseName, type PhaseTiming } from './outcome.js';

/** Raised inside a probe when its deadline passes. */
export class DeadlineReached extends Error {
  override name = 'DeadlineReached' as const;
}

/**
 * What a probe runs with: the deadline's signal, phase timing, and a record of whether a
 * connection was established (which decides TIMEOUT_CONNECT versus TIMEOUT).
 */
export class ProbeContext {
  readonly signal: AbortSignal;
  readonly phases: PhaseTiming[] = [];
  readonly info: Record<string, string | number> = {};
  connected = false;
  readonly #cleanups: (() => void)[] = [];

  readonly #dnsServers: readonly string[] | undefined;

  constructor(signal: AbortSignal, dnsServers?: readonly string[]) {
    this.signal = signal;
    this.#dnsServers = dnsServers;
  }

  /**
   * Resolves a name to IPv4/IPv6 addresses: through the system resolver (getaddrinfo, as clients
   * do), or through the given DNS servers when the probe was told to use them.
   */
  async resolve(host: string): Promise<string[]> {
    if (!this.#dnsServers) return (await lookup(host, { all: true })).map((a) => a.address);
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([...this.#dnsServers]);
    this.defer(() => {
      resolver.cancel();
    });
    return resolver.resolve4(host);
  }

  /** Times `run` as one phase, listed in the order phases start; recorded as failed if it throws. */
  async phase<T>(name: PhaseName, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const slot = this.phases.length;
    this.phases.push({ phase: name, ms: 0, ok: false });
    const record = (ok: boolean): void => {
      this.phases[slot] = { phase: name, ms: round(performance.now() - start), ok };
    };
    try {
      const value = await this.race(run());
      record(true);
      return value;
    } catch (error: unknown) {
      record(false);
      throw error;
    }
  }

  /** Rejects with DeadlineReached as soon as the signal aborts; the listener is always removed. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(new DeadlineReached());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        reject(new DeadlineReached());
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Registers something to release when the probe ends, whatever the outcome. */
  defer(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  release(): void {
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // Releasing must never mask the probe's outcome.
      }
    }
  }

  fail(outcome: ProbeFailure['outcome'], message: string): never {
    throw new ProbeFailure(outcome, message);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
