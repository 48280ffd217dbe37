import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import type { Lifeline } from './api.js';
import type { BreakerState, Disposable, ModeKind } from './types.js';

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * The registry to register in; pass your app's registry to serve everything from one /metrics.
   * @default a new Registry, used by this lifeline alone
   */
  readonly registry?: Registry<RegistryContentType>;
  /** Prepended to every metric name. @default 'lifeline_' */
  readonly prefix?: string;
  /**
   * Also register prom-client's default process metrics (CPU, memory, event loop, GC), unprefixed
   * so that standard dashboards find them, and labelled with `service`.
   * @default false
   */
  readonly defaultMetrics?: boolean;
}

/**
 * A lifeline's Prometheus metrics. Event-fed metrics (phases, checks) count from creation on;
 * state metrics (mode, breaker, seconds since the last good check) are read from `snapshot()`
 * when the registry is collected, so a scrape never touches a dependency.
 */
export interface Metrics extends Disposable {
  readonly registry: Registry<RegistryContentType>;
  /** The Content-Type to serve `text()` with. */
  readonly contentType: string;
  /**
   * The registry in the Prometheus text format.
   * @example
   * res.setHeader('Content-Type', metrics.contentType).end(await metrics.text());
   */
  text(): Promise<string>;
  /**
   * Unsubscribes the event listeners and removes this lifeline's metrics (and the default
   * metrics it registered) from the registry, so a new `createMetrics` may use the same registry
   * and prefix. Idempotent.
   * @example
   * metrics.dispose();
   */
  dispose(): void;
}

const defaults: Required<Omit<MetricsOptions, 'registry'>> = {
  prefix: 'lifeline_',
  defaultMetrics: false,
};

// The order a dashboard lists modes in; `satisfies` makes a new mode kind a compile error here.
const MODE_KINDS = Object.keys({ FULL: 0, DEGRADED: 1, READ_ONLY: 2, EMERGENCY: 3 } satisfies Record<ModeKind, number>);

/**
 * The `breaker_state` gauge's value: 0 closed, 1 half-open, 2 open — ordered by severity, so
 * `max by (dependency)` and `> 0` alerts read naturally.
 */
export function breakerStateValue(state: BreakerState): 0 | 1 | 2 {
  switch (state) {
    case 'closed':
      return 0;
    case 'half-open':
      return 1;
    case 'open':
      return 2;
    default: {
      const unknown: never = state;
      throw new TypeError(`Unknown breaker state ${String(unknown)}: expected closed, half-open or open.`);
    }
  }
}

/**
 * Registers a lifeline's metrics (every one labelled `service`, names prefixed `lifeline_`):
 * - `phase_duration_seconds{phase}` (gauge): duration of the phase's last run.
 * - `phase_outcomes_total{phase,status}` (counter): phase ends by status (done, failed, deferred…).
 * - `mode{mode}` (gauge): 1 for the current mode, 0 for the other three.
 * - `check_duration_seconds{dependency,outcome}` (histogram): check latency, outcome `ok`/`fail`.
 * - `checks_total{dependency,outcome}` (counter): checks by outcome `ok`/`fail`.
 * - `breaker_state{dependency}` (gauge): 0 closed, 1 half-open, 2 open.
 * - `seconds_since_last_ok{dependency}` (gauge): since the last successful check; `+Inf` when
 *   there has never been one, so `> 60` alerts fire for a dependency that was never up instead of
 *   the series being absent (which `absent()` alone would have to catch).
 *
 * @example
 * const metrics = createMetrics(lifeline);
 * const health = createHealthHandler(lifeline, { metrics }); // serves GET /metrics too
 */
export function createMetrics(lifeline: Lifeline, options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? defaults.prefix;
  const defaultMetrics = options.defaultMetrics ?? defaults.defaultMetrics;
  const registry = options.registry ?? new Registry();
  if (!/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw new TypeError(`\`prefix\` ${JSON.stringify(prefix)} is not a valid start of a Prometheus metric name: use letters, digits, '_' and ':' (not starting with a digit), e.g. 'lifeline_'.`);
  }
  const name = (suffix: string): string => `${prefix}${suffix}`;
  const ownNames = ['phase_duration_seconds', 'phase_outcomes_total', 'mode', 'check_duration_seconds', 'checks_total', 'breaker_state', 'seconds_since_last_ok'].map(name);
  const taken = ownNames.filter((n) => registry.getSingleMetric(n) !== undefined);
  if (taken.length > 0) {
    throw new Error(`Metrics ${taken.join(', ')} are already registered in this registry: dispose() the previous createMetrics() or pass a different \`prefix\`.`);
  }

  const service = lifeline.snapshot().service;
  const registers = [registry];

  const phaseDuration = new Gauge({ name: name('phase_duration_seconds'), help: 'Duration of the last run of each startup phase.', labelNames: ['service', 'phase'], registers });
  const phaseOutcomes = new Counter({ name: name('phase_outcomes_total'), help: 'Phase ends by status.', labelNames: ['service', 'phase', 'status'], registers });
  new Gauge({
    name: name('mode'),
    help: 'Availability mode: 1 for the current mode, 0 for the others.',
    labelNames: ['service', 'mode'],
    registers,
    collect() {
      const current = lifeline.snapshot().mode.kind;
      for (const mode of MODE_KINDS) this.set({ service, mode }, mode === current ? 1 : 0);
    },
  });
  const checkDuration = new Histogram({ name: name('check_duration_seconds'), help: 'Dependency check latency.', labelNames: ['service', 'dependency', 'outcome'], registers });
  const checks = new Counter({ name: name('checks_total'), help: 'Dependency checks by outcome (ok or fail).', labelNames: ['service', 'dependency', 'outcome'], registers });
  new Gauge({
    name: name('breaker_state'),
    help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.',
    labelNames: ['service', 'dependency'],
    registers,
    collect() {
      for (const dependency of lifeline.snapshot().dependencies) this.set({ service, dependency: dependency.name }, breakerStateValue(dependency.breaker));
    },
  });
  new Gauge({
    name: name('seconds_since_last_ok'),
    help: 'Seconds since the last successful check per dependency; +Inf if none has succeeded yet.',
    labelNames: ['service', 'dependency'],
    registers,
    collect() {
      const now = Date.now();
      for (const dependency of lifeline.snapshot().dependencies) {
        const seconds = dependency.lastOkAt === undefined ? Infinity : Math.max(0, now - dependency.lastOkAt) / 1000;
        this.set({ service, dependency: dependency.name }, seconds);
      }
    },
  });

  const subscriptions: Disposable[] = [
    lifeline.onPhaseEnd((event) => {
      phaseDuration.set({ service, phase: event.phase }, event.durationMs / 1000);
      phaseOutcomes.inc({ service, phase: event.phase, status: event.status });
    }),
    lifeline.onCheck((event) => {
      const outcome = event.outcome.ok ? 'ok' : 'fail';
      checkDuration.observe({ service, dependency: event.dependency, outcome }, event.outcome.latencyMs / 1000);
      checks.inc({ service, dependency: event.dependency, outcome });
    }),
  ];

  // Default metrics register under names prom-client chooses; remember them to remove on dispose.
  const before = new Set(registry.getMetricsAsArray().map((m) => m.name));
  if (defaultMetrics) collectDefaultMetrics({ register: registry, labels: { service } });
  const defaultNames = registry.getMetricsAsArray().map((m) => m.name).filter((n) => !before.has(n));

  let disposed = false;
  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const subscription of subscriptions) subscription.dispose();
      for (const n of [...ownNames, ...defaultNames]) registry.removeSingleMetric(n);
    },
  };
}
