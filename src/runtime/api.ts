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
