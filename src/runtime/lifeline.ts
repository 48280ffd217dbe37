import type { Server } from 'node:http';
import { ExponentialBackoff, TimeoutStrategy, handleAll, retry, timeout, wrap } from 'cockatiel';
import { redactUrlPasswords } from '../model/redact.js';
import type { Lifeline } from './api.js';
import { DependencyCheck, failureText } from './checks.js';
import { DEFAULT_READY, computeMode, sameMode } from './mode.js';
import type {
  CheckEvent,
  DependencyState,
  Disposable,
  LifelineOptions,
  Mode,
  ModeChangeEvent,
  PhaseEndEvent,
  PhaseSpec,
  PhaseState,
  PhaseStatus,
  Snapshot,
} from './types.js';

const DEFAULTS = {
  checkIntervalMs: 5000,
  breakerThreshold: 3,
  halfOpenAfterMs: 10_000,
  drainMs: 2000,
  budgetMs: 8000,
  phaseTimeoutMs: 10_000,
  retryAttempts: 3,
  retryInitialDelayMs: 200,
  retryMaxDelayMs: 5000,
} as const satisfies Record<string, number>;

type Listener<T> = (event: T) => void;

class Emitter<T> {
  readonly #listeners = new Set<Listener<T>>();
  on(listener: Listener<T>): Disposable {
    this.#listeners.add(listener);
    return {
      dispose: () => {
        this.#listeners.delete(listener);
      },
    };
  }
  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must never break the lifecycle.
      }
    }
  }
}

/** Checks the options up front: every mistake named, in the option's own words. */
function validate(options: LifelineOptions): void {
  // Checked at run time too: JavaScript callers have no compiler to stop them.
  const whenCriticalDown: unknown = options.policy.whenCriticalDown;
  if (whenCriticalDown !== 'READ_ONLY' && whenCriticalDown !== 'EMERGENCY') {
    throw new TypeError('`policy.whenCriticalDown` must be "READ_ONLY" or "EMERGENCY": it has no default');
  }
  for (const [name, dep] of Object.entries(options.dependencies)) {
    if (typeof dep.critical !== 'boolean') throw new TypeError(`\`dependencies.${name}.critical\` must be true or false: it has no default`);
  }
  const names = new Set<string>();
  for (const phase of options.phases) {
    if (names.has(phase.name)) throw new TypeError(`phase \`${phase.name}\` is declared twice`);
    names.add(phase.name);
  }
  for (const phase of options.phases) {
    for (const before of phase.after ?? []) if (!names.has(before)) throw new TypeError(`phase \`${phase.name}\` runs after \`${before}\`, which is not a phase`);
    for (const dep of phase.dependencies ?? []) if (!(dep in options.dependencies)) throw new TypeError(`phase \`${phase.name}\` needs dependency \`${dep}\`, which is not declared`);
  }
  topologicalOrder(options.phases);
}

function topologicalOrder(phases: readonly PhaseSpec[]): PhaseSpec[] {
  const byName = new Map(phases.map((p) => [p.name, p]));
  const order: PhaseSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (phase: PhaseSpec, trail: string[]): void => {
    if (state.get(phase.name) === 'done') return;
    if (state.get(phase.name) === 'visiting') throw new TypeError(`phases form a cycle: ${[...trail, phase.name].join(' → ')}`);
    state.set(phase.name, 'visiting');
    for (const before of phase.after ?? []) {
      const prerequisite = byName.get(before);
      if (prerequisite) visit(prerequisite, [...trail, phase.name]);
    }
    state.set(phase.name, 'done');
    order.push(phase);
  };
  for (const phase of phases) visit(phase, []);
  return order;
}

interface PhaseRecord {
  readonly spec: PhaseSpec;
  state: PhaseState;
  /** Its start() resolved at least once (even after a timeout gave up on it): it must be stopped. */
  started: boolean;
}

/**
 * Creates a service's lifeline.
 * @example
 * const life = createLifeline({
 *   service: 'backend',
 *   policy: { whenCriticalDown: 'EMERGENCY' },
 *   dependencies: { database: { critical: true, check: { protocol: 'postgres', host: '/cloudsql/p:r:i', user, password } } },
 *   phases: [{ name: 'database', dependencies: ['database'], start: () => pool.connect() }],
 * });
 * await life.start(); // always reaches startup complete
 */
export function createLifeline(options: LifelineOptions): Lifeline {
  validate(options);
  const interval = options.checkIntervalMs ?? DEFAULTS.checkIntervalMs;
  const ready = { ...DEFAULT_READY, ...options.policy.ready };
  const drainMs = options.shutdown?.drainMs ?? DEFAULTS.drainMs;
  const budgetMs = options.shutdown?.budgetMs ?? DEFAULTS.budgetMs;
  const checks = new Map(
    Object.entries(options.dependencies).map(([name, spec]) => [
      name,
      new DependencyCheck(name, spec, { threshold: options.breaker?.threshold ?? DEFAULTS.breakerThreshold, halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? DEFAULTS.halfOpenAfterMs }),
    ]),
  );
  const dependencyStates = new Map<string, DependencyState>(
    [...checks.values()].map((c) => [c.name, { name: c.name, critical: c.spec.critical, status: 'unknown', latencyMs: undefined, lastError: undefined, checkedAt: undefined, lastOkAt: undefined, breaker: 'closed', consecutiveFailures: 0 }]),
  );
  const order = topologicalOrder(options.phases);
  const criticalPhases = new Set<string>();
  for (const spec of order) {
    const needsCritical = (spec.dependencies ?? []).some((d) => options.dependencies[d]?.critical === true);
    if (needsCritical || (spec.after ?? []).some((a) => criticalPhases.has(a))) criticalPhases.add(spec.name);
  }
  const phases = new Map<string, PhaseRecord>(
    order.map((spec) => [spec.name, { spec, started: false, state: { name: spec.name, critical: criticalPhases.has(spec.name), status: 'pending', reason: undefined, durationMs: undefined, attempts: 0 } }]),
  );
  let updatedAt = Date.now();
  const touch = (): void => {
    updatedAt = Date.now();
  };
  const since = new Map<string, number>();
  const modeEvents = new Emitter<ModeChangeEvent>();
  const phaseEvents = new Emitter<PhaseEndEvent>();
  const checkEvents = new Emitter<CheckEvent>();
  const servers: Server[] = [];
  const lifetime = new AbortController();
  let mode: Mode = { kind: 'FULL' };
  let startupComplete = false;
  let shuttingDown = false;
  let loopTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let starting: Promise<void> | undefined;
  const startsInFlight = new Set<Promise<void>>();
  /** Phases in the order their start() began (a phase retried after deferral appears once more). */
  const startOrder: PhaseRecord[] = [];

  const snapshot = (): Snapshot => ({
    service: options.service,
    mode,
    ready: startupComplete && !shuttingDown && ready[mode.kind],
    startupComplete,
    shuttingDown,
    phases: [...phases.values()].map((p) => p.state),
    dependencies: [...dependencyStates.values()],
    at: updatedAt,
  });

  const refreshMode = (): void => {
    touch();
    const next = computeMode(options.policy, [...dependencyStates.values()], [...phases.values()].map((p) => p.state), (subject) => since.get(subject) ?? Date.now(), startupComplete);
    if (!sameMode(mode, next)) {
      const from = mode;
      mode = next;
      modeEvents.emit({ from, to: next });
    } else mode = next;
  };

  const setPhase = (record: PhaseRecord, status: PhaseStatus, reason: string | undefined, durationMs?: number): void => {
    const previous = record.state;
    if (previous.status !== status) since.set(record.spec.name, Date.now());
    record.state = { ...previous, status, reason: reason === undefined ? undefined : redactUrlPasswords(reason), durationMs: durationMs ?? previous.durationMs };
    // A phase that stays deferred round after round is one event, not one per check interval.
    const changed = previous.status !== status || previous.reason !== record.state.reason || status === 'done' || status === 'failed';
    if (changed && status !== 'running' && status !== 'pending') phaseEvents.emit({ phase: record.spec.name, status, durationMs: durationMs ?? 0, reason: record.state.reason });
  };

  // One state update and one event per real round trip, however many callers join it.
  const checking = new Map<string, Promise<void>>();
  const check = (name: string): Promise<void> => {
    let run = checking.get(name);
    if (!run) {
      run = recordCheck(name).finally(() => {
        checking.delete(name);
      });
      checking.set(name, run);
    }
    return run;
  };

  const recordCheck = async (name: string): Promise<void> => {
    const dependency = checks.get(name);
    if (!dependency) return;
    const outcome = await dependency.run();
    const old = dependencyStates.get(name);
    if (!old) return;
    const status = outcome.ok ? 'up' : 'down';
    if (old.status !== status) since.set(name, Date.now());
    const now = Date.now();
    dependencyStates.set(name, {
      ...old,
      status,
      latencyMs: outcome.latencyMs,
      // While the breaker is open no check runs: the last real error stays the truth.
      lastError: outcome.ok ? old.lastError : outcome.skipped ? (old.lastError ?? outcome.error) : outcome.error,
      checkedAt: now,
      lastOkAt: outcome.ok ? now : old.lastOkAt,
      breaker: dependency.breakerState,
      consecutiveFailures: outcome.ok ? 0 : old.consecutiveFailures + 1,
    });
    touch();
    checkEvents.emit({ dependency: name, outcome, breaker: dependency.breakerState });
  };

  /**
   * A failure the application saw itself (a pool's `error` event, a query that lost its
   * connection): the dependency is down now, not at the next check. A real check follows, after
   * any already in flight, and brings it back if the failure has passed.
   */
  const reportFailure = (name: string, error: unknown): void => {
    const old = dependencyStates.get(name);
    if (!old || shuttingDown) return;
    if (old.status !== 'down') since.set(name, Date.now());
    dependencyStates.set(name, { ...old, status: 'down', lastError: failureText(error ?? 'failure reported by the application'), checkedAt: Date.now(), consecutiveFailures: old.consecutiveFailures + 1 });
    refreshMode();
    void (checking.get(name) ?? Promise.resolve())
      .then(() => check(name))
      .then(refreshMode, () => undefined);
  };

  const checkAll = async (): Promise<void> => {
    await Promise.all([...checks.keys()].map(check));
    refreshMode();
  };

  /** Runs one phase if it can run now; records why not otherwise. */
  const runPhase = async (record: PhaseRecord): Promise<void> => {
    const spec = record.spec;
    const waiting = (spec.after ?? []).map((n) => phases.get(n)).filter((p): p is PhaseRecord => p !== undefined && p.state.status !== 'done');
    if (waiting.length > 0) {
      setPhase(record, 'skipped', `waits for phase ${waiting.map((p) => `${p.spec.name} (${p.state.status})`).join(', ')}`);
      return;
    }
    const needed = spec.dependencies ?? [];
    // The states are fresh: start() and every recovery round check all dependencies just before
    // running phases. Checking again here would pay a black-holed dependency's timeout twice.
    const down = needed.map((n) => dependencyStates.get(n)).filter((d): d is DependencyState => d?.status === 'down');
    if (down.length > 0) {
      setPhase(record, 'deferred', `runs when ${down.map((d) => `${d.name} (${d.lastError ?? 'down'})`).join(', ')} ${down.length === 1 ? 'returns' : 'return'}`);
      return;
    }
    setPhase(record, 'running', undefined);
    startOrder.push(record);
    const started = Date.now();
    const policy = wrap(
      retry(handleAll, {
        maxAttempts: spec.retry?.maxAttempts ?? DEFAULTS.retryAttempts,
        backoff: new ExponentialBackoff({ initialDelay: spec.retry?.initialDelayMs ?? DEFAULTS.retryInitialDelayMs, maxDelay: spec.retry?.maxDelayMs ?? DEFAULTS.retryMaxDelayMs }),
      }),
      timeout(spec.timeoutMs ?? DEFAULTS.phaseTimeoutMs, TimeoutStrategy.Aggressive),
    );
    let attempts = 0;
    try {
      await policy.execute(async ({ signal }) => {
        attempts++;
        // The user's own promise, tracked apart from the policy's: a start that ignores the
        // signal and completes after a timeout or shutdown still gets stopped.
        const attempt = Promise.resolve().then(() => spec.start({ signal, mode }));
        const tracked = attempt.then(() => {
          record.started = true;
        });
        startsInFlight.add(tracked);
        void tracked.catch(() => undefined).finally(() => startsInFlight.delete(tracked));
        await attempt;
      }, lifetime.signal);
      record.state = { ...record.state, attempts: record.state.attempts + attempts };
      setPhase(record, 'done', undefined, Date.now() - started);
    } catch (error: unknown) {
      record.state = { ...record.state, attempts: record.state.attempts + attempts };
      const message = error instanceof Error ? error.message : String(error);
      // A phase that failed because a dependency went down waits for it; otherwise it failed.
      await Promise.all(needed.map(check));
      const nowDown = needed.filter((n) => dependencyStates.get(n)?.status === 'down');
      if (nowDown.length > 0) setPhase(record, 'deferred', `failed (${message}) while ${nowDown.join(', ')} is down; runs when it returns`, Date.now() - started);
      else setPhase(record, 'failed', `${message} after ${attempts} attempt(s)`, Date.now() - started);
    }
  };

  /** Runs every phase that has not run, in dependency order, independent ones in parallel. */
  const runPending = async (): Promise<void> => {
    const runs = new Map<string, Promise<void>>();
    for (const record of phases.values()) {
      if (record.state.status === 'done' || record.state.status === 'stopped') continue;
      const prerequisites = (record.spec.after ?? []).map((n) => runs.get(n)).filter((p): p is Promise<void> => p !== undefined);
      runs.set(record.spec.name, Promise.all(prerequisites).then(() => (shuttingDown ? undefined : runPhase(record))));
    }
    await Promise.all(runs.values());
    refreshMode();
  };

  /** After a check round: anything deferred whose dependencies returned runs now (single-flight). */
  const reconcile = (): Promise<void> => {
    reconciling ??= (async () => {
      try {
        const pending = [...phases.values()].some((p) => p.state.status !== 'done' && p.state.status !== 'stopped');
        if (pending && !shuttingDown) await runPending();
        refreshMode();
      } finally {
        reconciling = undefined;
      }
    })();
    return reconciling;
  };

  // The check loop never waits for phase recovery (which may retry for a long time): the next
  // round is scheduled as soon as this round's checks are in, and recovery runs beside it.
  const schedule = (): void => {
    if (shuttingDown) return;
    loopTimer = setTimeout(() => {
      void checkAll()
        .then(() => {
          void reconcile().catch(() => undefined);
        })
        .finally(schedule);
    }, interval);
    loopTimer.unref();
  };

  const lifeline: Lifeline = {
    async start() {
      // Every dependency gets a real status before startup completes, including those no phase
      // needs: readiness must not claim ready while an unchecked critical dependency is down.
      starting = (async () => {
        await Promise.all([...checks.keys()].map(check));
        await runPending();
      })();
      await starting;
      startupComplete = true;
      refreshMode();
      schedule();
      return snapshot();
    },
    snapshot,
    get mode() {
      return mode;
    },
    async checkNow() {
      await checkAll();
      await reconcile();
    },
    reportFailure(dependency, error) {
      if (!checks.has(dependency)) throw new RangeError(`reportFailure: no dependency named ${JSON.stringify(dependency)}`);
      reportFailure(dependency, error);
    },
    watch(dependency, emitter) {
      if (!checks.has(dependency)) throw new RangeError(`watch: no dependency named ${JSON.stringify(dependency)}`);
      const listener = (error: unknown): void => {
        reportFailure(dependency, error);
      };
      emitter.on('error', listener);
      return {
        dispose() {
          emitter.off('error', listener);
        },
      };
    },
    attachServer(server) {
      servers.push(server);
    },
    stop() {
      stopping ??= (async () => {
        const deadline = Date.now() + budgetMs;
        const remaining = (): number => Math.max(0, deadline - Date.now());
        shuttingDown = true; // readiness is now false
        if (loopTimer) clearTimeout(loopTimer);
        await sleep(Math.min(drainMs, remaining()));
        await Promise.all(
          servers.map(
            (server) =>
              new Promise<void>((resolve) => {
                const giveUp = setTimeout(resolve, remaining());
                server.close(() => {
                  clearTimeout(giveUp);
                  resolve();
                });
                server.closeIdleConnections();
              }),
          ),
        );
        lifetime.abort();
        for (const dependency of checks.values()) dependency.abort();
        // Phases still starting (at boot or in recovery) finish or give up before teardown, so a
        // phase that completes late is still stopped.
        await withDeadline(Promise.allSettled([starting, reconciling, ...startsInFlight]), remaining());
        // Reverse order of start, which deferral and parallel phases can make differ from the
        // declaration order.
        for (const record of [...startOrder].reverse()) {
          if (!record.started || record.state.status === 'stopped') continue;
          const stop = record.spec.stop;
          if (stop) await withDeadline(Promise.resolve().then(stop), remaining()).catch(() => undefined);
          setPhase(record, 'stopped', undefined);
        }
      })();
      return stopping;
    },
    installSignalHandlers() {
      let signalled = false;
      const onSignal = (): void => {
        if (signalled) process.exit(1);
        signalled = true;
        void lifeline.stop().then(() => process.exit(0));
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      return {
        dispose: () => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
        },
      };
    },
    onModeChange: (listener) => modeEvents.on(listener),
    onPhaseEnd: (listener) => phaseEvents.on(listener),
    onCheck: (listener) => checkEvents.on(listener),
  };
  return lifeline;
}

// Not unref'd: an awaited shutdown must finish even when nothing else keeps the process alive.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  return Promise.race([promise, expiry]).finally(() => {
    clearTimeout(timer);
  });
}
