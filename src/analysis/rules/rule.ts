import type { Origin, Topology } from '../../model/topology.js';
import type { PathResult } from '../reachability/path.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly origin: Origin;
  readonly service?: string;
  readonly dependency?: string;
}

/** What every rule sees: the model and the reachability results. Rules neither read files nor print. */
export interface RuleContext {
  readonly topology: Topology;
  readonly paths: readonly PathResult[];
}

export interface Rule {
  /** Stable id, equal to the rule's file name. */
  readonly id: string;
  readonly title: string;
  readonly category: 'reachability' | 'capacity' | 'timeouts' | 'secrets' | 'security' | 'configuration';
  /** The severity of a typical finding; a rule may lower it (e.g. for a non-critical dependency). */
  readonly severity: Severity;
  readonly rationale: string;
  readonly sources: readonly string[];
  check(context: RuleContext): Finding[];
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };
