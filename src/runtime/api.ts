import type { Server } from 'node:http';
import type { CheckEvent, Disposable, Mode, ModeChangeEvent, PhaseEndEvent, Snapshot } from './types.js';

/**
 * A running service's lifeline: phased startup, availability mode, background checks and
 * shutdown. Endpoints and metrics read `snapshot()`, never the dependencies themselves.
 */
export interface Lifeline {
  /**
   * Runs every phase in dependency order. Always resolves with startup complete: phases whose
   * dependencies are down are deferred (and run when they return), never skipped silently.
   */
  start(): Promise<Snapshot>;
  /** The cached state: O(1), never touches a dependency. */
  snapshot(): Snapshot;
  readonly mode: Mode;
  /** Runs every check now (single-flight per dependency) and waits for them. */
  checkNow(): Promise<void>;
  /**
   * A failure the application itself saw on a dependency (a query that lost its connection, a
   * breaker of its own that opened): the dependency is down at once, so readiness reacts now
   * rather than at the next check; a real check follows and brings it back when it answers.
   */
  reportFailure(dependency: string, error: unknown): void;
  /**
   * Reports every `error` event of an emitter (a `pg.Pool`, an ioredis client) as a failure of the
   * dependency. Dispose to stop.
   *
   * @example
   * lifeline.watch('database', pool); // pool.on('error') → database down at once
   */
  watch(dependency: string, emitter: { on(event: 'error', listener: (error: unknown) => void): unknown; off(event: 'error', listener: (error: unknown) => void): unknown }): Disposable;
  /** Servers to close (stop accepting) during shutdown, after the drain delay. */
  attachServer(server: Server): void;
  /**
   * Shutdown: readiness false → drain delay → attached servers stop accepting → phases stop in
   * reverse order; all within the budget. Idempotent.
   */
  stop(): Promise<void>;
  /** SIGTERM/SIGINT run stop() then exit 0; a second signal exits 1 at once. */
  installSignalHandlers(): Disposable;
  onModeChange(listener: (event: ModeChangeEvent) => void): Disposable;
  onPhaseEnd(listener: (event: PhaseEndEvent) => void): Disposable;
  onCheck(listener: (event: CheckEvent) => void): Disposable;
}
