import type { Lifeline } from '../../src/runtime/api.js';
import type { CheckEvent, DependencyState, Disposable, ModeChangeEvent, PhaseEndEvent, PhaseState, Snapshot } from '../../src/runtime/types.js';

/**
 * A hand-made Lifeline for tests of what reads one (health endpoints, adapters, metrics), not of
 * the lifecycle itself. It owns the only path to a dependency (`checkNow`/`start`) and counts its
 * calls, so a test can prove that readers never take it.
 */
export function createLifelineDouble(options: { phases?: readonly PhaseState[] } = {}) {
  const healthy = (): Snapshot => {
    const now = Date.now();
    const up = (name: string, critical: boolean): DependencyState => ({
      name,
      critical,
      status: 'up',
      latencyMs: 3,
      lastError: undefined,
      checkedAt: now,
      lastOkAt: now,
      breaker: 'closed',
      consecutiveFailures: 0,
    });
    return {
      service: 'orders',
      mode: { kind: 'FULL' },
      ready: true,
      startupComplete: true,
      shuttingDown: false,
      phases: options.phases ?? [{ name: 'migrate', critical: true, status: 'done', reason: undefined, durationMs: 120, attempts: 1 }],
      dependencies: [up('database', true), up('cache', false)],
      at: now,
    };
  };
  let current = healthy();
  const calls = { snapshot: 0, check: 0 };
  const check = (): Promise<void> => {
    calls.check += 1;
    return Promise.resolve();
  };
  const listeners = { mode: new Set<(e: ModeChangeEvent) => void>(), phase: new Set<(e: PhaseEndEvent) => void>(), check: new Set<(e: CheckEvent) => void>() };
  const subscribe = <E>(set: Set<(event: E) => void>, listener: (event: E) => void): Disposable => {
    set.add(listener);
    return { dispose: () => set.delete(listener) };
  };
  const lifeline: Lifeline = {
    start: async () => {
      await check();
      return current;
    },
    snapshot: () => {
      calls.snapshot += 1;
      return current;
    },
    get mode() {
      return current.mode;
    },
    checkNow: check,
    attachServer: () => {
      throw new Error('readers of a lifeline must not attach servers');
    },
    reportFailure: () => {
      throw new Error('readers of a lifeline must not report failures');
    },
    watch: () => {
      throw new Error('readers of a lifeline must not watch emitters');
    },
    stop: () => Promise.resolve(),
    installSignalHandlers: () => ({ dispose: () => undefined }),
    onModeChange: (listener) => subscribe(listeners.mode, listener),
    onPhaseEnd: (listener) => subscribe(listeners.phase, listener),
    onCheck: (listener) => subscribe(listeners.check, listener),
  };
  return {
    lifeline,
    calls,
    listenerCount: () => listeners.mode.size + listeners.phase.size + listeners.check.size,
    /** Back to a healthy snapshot taken now, with the call counts at zero. */
    reset() {
      current = healthy();
      calls.snapshot = 0;
      calls.check = 0;
    },
    set(next: Partial<Snapshot>) {
      current = { ...current, ...next };
    },
    setDependency(name: string, next: Partial<DependencyState>) {
      current = { ...current, dependencies: current.dependencies.map((d) => (d.name === name ? { ...d, ...next } : d)) };
    },
    phaseEnd(event: PhaseEndEvent) {
      for (const listener of listeners.phase) listener(event);
    },
    check(event: CheckEvent) {
      for (const listener of listeners.check) listener(event);
    },
  };
}

export type LifelineDouble = ReturnType<typeof createLifelineDouble>;
