/**
 * lifeline/runtime: phased startup, availability modes, health endpoints and metrics for Node
 * services. Every public export is named here.
 */
export { createLifeline } from './lifeline.js';
export type { Lifeline } from './api.js';
export { createHealthHandler } from './health.js';
export { expressHealth, fastifyHealth, startHealthServer } from './adapters.js';
export { createMetrics } from './metrics.js';
export { DEFAULT_READY } from './mode.js';
export type {
  BreakerSpec,
  BreakerState,
  CheckEvent,
  CheckOutcome,
  CheckSpec,
  DependencySpec,
  DependencyState,
  DependencyStatus,
  Disposable,
  LifelineOptions,
  Mode,
  ModeChangeEvent,
  ModeKind,
  ModeReason,
  PhaseContext,
  PhaseEndEvent,
  PhaseSpec,
  PhaseState,
  PhaseStatus,
  Policy,
  RetrySpec,
  ShutdownSpec,
  Snapshot,
} from './types.js';
// Probe specs double as checks.
export type { ProbeSpec } from '../probes/run.js';
