import type { DependencyState, Mode, ModeKind, ModeReason, PhaseState, Policy } from './types.js';

/** Readiness per mode unless the policy says otherwise: never ready while a critical dependency is down. */
export const DEFAULT_READY: Readonly<Record<ModeKind, boolean>> = { FULL: true, DEGRADED: true, READ_ONLY: false, EMERGENCY: false };

/**
 * The mode follows from the dependencies and phases: a critical dependency down, a phase needing
 * one that has not run yet, or a phase that failed for reasons of its own (nothing declares it
 * optional) gives the policy's mode; an optional dependency down or a phase deferred on one gives
 * DEGRADED; otherwise FULL.
 */
export function computeMode(
  policy: Policy,
  dependencies: readonly DependencyState[],
  phases: readonly PhaseState[],
  since: (subject: string) => number,
  startupComplete = true,
): Mode {
  const reasons: ModeReason[] = [];
  let critical = false;
  for (const dep of dependencies) {
    if (dep.status !== 'down') continue;
    critical ||= dep.critical;
    reasons.push({ kind: 'dependency-down', subject: dep.name, message: `${dep.critical ? 'critical' : 'optional'} dependency ${dep.name} is down: ${dep.lastError ?? 'no answer'}`, since: since(dep.name) });
  }
  for (const phase of phases) {
    // After startup, a critical phase still running is a recovery in progress: not yet FULL.
    if (startupComplete && phase.critical && (phase.status === 'running' || phase.status === 'pending')) {
      critical = true;
      reasons.push({ kind: 'phase-deferred', subject: phase.name, message: `phase ${phase.name} is starting again`, since: since(phase.name) });
      continue;
    }
    if (phase.status === 'deferred' || phase.status === 'skipped') {
      // Until a phase that needs a critical dependency has run, the service cannot do what that
      // dependency is for, even if the dependency itself is back.
      critical ||= phase.critical;
      reasons.push({ kind: 'phase-deferred', subject: phase.name, message: `phase ${phase.name} ${phase.status}: ${phase.reason ?? ''}`, since: since(phase.name) });
    } else if (phase.status === 'failed') {
      critical = true;
      reasons.push({ kind: 'phase-failed', subject: phase.name, message: `phase ${phase.name} failed: ${phase.reason ?? ''}`, since: since(phase.name) });
    }
  }
  if (reasons.length === 0) return { kind: 'FULL' };
  if (critical) return { kind: policy.whenCriticalDown, reasons };
  return { kind: 'DEGRADED', reasons };
}

/** Two modes are the same when their kind and the subjects of their reasons are. */
export function sameMode(a: Mode, b: Mode): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'FULL' || b.kind === 'FULL') return true;
  const key = (m: Exclude<Mode, { kind: 'FULL' }>) => m.reasons.map((r) => `${r.kind}:${r.subject}`).sort().join(',');
  return key(a) === key(b);
}
