import type { ProbeSpec } from '../probes/run.js';

/** Something to unsubscribe from. Event registrations return one. */
export interface Disposable {
  dispose(): void;
}

/** Why the service is not FULL: each reason names its dependency or phase. */
export interface ModeReason {
  readonly kind: 'dependency-down' | 'phase-deferred' | 'phase-failed';
  /** The dependency or phase concerned. */
  readonly subject: string;
  readonly message: string;
  /** Since when (epoch ms). */
  readonly since: number;
}

/**
 * The availability mode: a discriminated union carrying its own reasons.
 * - FULL: everything up.
 * - DEGRADED: an optional dependency is down (or a phase that needs one is deferred).
 * - READ_ONLY / EMERGENCY: a critical dependency is down; which one is the service's policy.
 */
export type Mode =
  | { readonly kind: 'FULL' }
  | { readonly kind: 'DEGRADED'; readonly reasons: readonly ModeReason[] }
  | { readonly kind: 'READ_ONLY'; readonly reasons: readonly ModeReason[] }
  | { readonly kind: 'EMERGENCY'; readonly reasons: readonly ModeReason[] };

export type ModeKind = Mode['kind'];

/** The result of one dependency check: a real round trip, never a "connected" flag. */
export type CheckOutcome =
  | { readonly ok: true; readonly latencyMs: number; readonly detail?: string }
  | { readonly ok: false; readonly latencyMs: number; readonly error: string; /** The breaker was open: no round trip was made. */ readonly skipped?: boolean };

/** A check: a probe spec (see lifeline's probes) or a function doing a real round trip. */
export type CheckSpec = ProbeSpec | ((signal: AbortSignal) => Promise<void>);

export interface DependencySpec {
  /**
   * Whether the service can serve without it. Required: there is no safe default.
   */
  readonly critical: boolean;
  readonly check: CheckSpec;
  /** Deadline of one check. @default 2000 */
  readonly timeoutMs?: number;
}

export interface RetrySpec {
  /** Attempts after the first. @default 3 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly initialDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
}

export interface PhaseContext {
  readonly signal: AbortSignal;
  /** The mode when the phase runs. */
  readonly mode: Mode;
}

export interface PhaseSpec {
  readonly name: string;
  /** Phases that must have run first. */
  readonly after?: readonly string[];
  /** Dependencies this phase needs up; if one is down the phase is deferred until it returns. */
  readonly dependencies?: readonly string[];
  readonly start: (context: PhaseContext) => Promise<void> | void;
  readonly stop?: () => Promise<void> | void;
  /** @default 10000 */
  readonly timeoutMs?: number;
  readonly retry?: RetrySpec;
}

export interface Policy {
  /** The mode when a critical dependency is down. Required: there is no safe default. */
  readonly whenCriticalDown: 'READ_ONLY' | 'EMERGENCY';
  /**
   * Whether /health/ready answers 200 in each mode.
   * @default { FULL: true, DEGRADED: true, READ_ONLY: false, EMERGENCY: false }
   */
  readonly ready?: Partial<Readonly<Record<ModeKind, boolean>>>;
}

export interface BreakerSpec {
  /** Consecutive failed checks that open the breaker. @default 3 */
  readonly threshold?: number;
  /** How long it stays open before one trial check (half-open). @default 10000 */
  readonly halfOpenAfterMs?: number;
}

export interface ShutdownSpec {
  /** Time between readiness going false and the server closing. @default 2000 */
  readonly drainMs?: number;
  /** Everything must be done within this. @default 8000 (Cloud Run sends SIGKILL 10 s after SIGTERM) */
  readonly budgetMs?: number;
}

export interface LifelineOptions {
  /** The service's name, for metrics labels and health output. */
  readonly service: string;
  readonly dependencies: Readonly<Record<string, DependencySpec>>;
  readonly phases: readonly PhaseSpec[];
  readonly policy: Policy;
  /** Background check interval. @default 5000 */
  readonly checkIntervalMs?: number;
  readonly breaker?: BreakerSpec;
  readonly shutdown?: ShutdownSpec;
}

export type DependencyStatus = 'unknown' | 'up' | 'down';
export type BreakerState = 'closed' | 'open' | 'half-open';

/** The cached truth about one dependency, as the health endpoints serve it. */
export interface DependencyState {
  readonly name: string;
  readonly critical: boolean;
  readonly status: DependencyStatus;
  readonly latencyMs: number | undefined;
  readonly lastError: string | undefined;
  /** When the last check finished (epoch ms). */
  readonly checkedAt: number | undefined;
  /** When the last successful check finished (epoch ms). */
  readonly lastOkAt: number | undefined;
  readonly breaker: BreakerState;
  readonly consecutiveFailures: number;
}

export type PhaseStatus = 'pending' | 'running' | 'done' | 'deferred' | 'skipped' | 'failed' | 'stopped';

export interface PhaseState {
  readonly name: string;
  /** Whether it needs a critical dependency, itself or through the phases it runs after. */
  readonly critical: boolean;
  readonly status: PhaseStatus;
  /** Why a phase is deferred, skipped or failed. */
  readonly reason: string | undefined;
  readonly durationMs: number | undefined;
  readonly attempts: number;
}

/** Everything the endpoints and metrics read: one immutable snapshot. */
export interface Snapshot {
  readonly service: string;
  readonly mode: Mode;
  readonly ready: boolean;
  readonly startupComplete: boolean;
  readonly shuttingDown: boolean;
  readonly phases: readonly PhaseState[];
  readonly dependencies: readonly DependencyState[];
  /** When this state was last updated (epoch ms): its age is how stale the answers are. */
  readonly at: number;
}

export interface PhaseEndEvent {
  readonly phase: string;
  readonly status: PhaseStatus;
  readonly durationMs: number;
  readonly reason: string | undefined;
}

export interface CheckEvent {
  readonly dependency: string;
  readonly outcome: CheckOutcome;
  readonly breaker: BreakerState;
}

export interface ModeChangeEvent {
  readonly from: Mode;
  readonly to: Mode;
}
