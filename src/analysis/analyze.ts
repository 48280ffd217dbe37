import type { Topology } from '../model/topology.js';
import { proposeFixes, type FixProposals } from './fixes/propose.js';
import { analyzeImplicitDestinations, analyzeReachability, indexTopology } from './reachability/engine.js';
import { reconcileDescriptions } from './reachability/drift.js';
import type { PathResult } from './reachability/path.js';
import { RULES, type Finding } from './rules/index.js';
import type { Unresolved } from './rules/rule.js';
import { ruleSettings, type RuleSetting } from './rule-settings.js';

export interface Analysis extends FixProposals {
  /** Declared and inferred dependencies. */
  readonly paths: readonly PathResult[];
  /** Every service's implicit destinations: the internet, Google APIs, its VPC's private ranges. */
  readonly implicit: readonly PathResult[];
  readonly findings: readonly Finding[];
}

/** Everything `check` computes from a model: paths, rule findings and verified fixes. Pure. */
export function analyzeTopology(
  topology: Topology,
  secretValues: ReadonlyMap<string, string> = new Map(),
  options: {
    readonly fixes?: boolean;
    readonly unresolved?: readonly Unresolved[];
    /** Trace each service's implicit destinations (internet, Google APIs, private ranges). @default true */
    readonly implicit?: boolean;
    /** Which rules run, at which severity, with which options. @default every rule, as documented */
    readonly rules?: ReadonlyMap<string, RuleSetting>;
  } = {},
): Analysis {
  const index = indexTopology(topology);
  const drift = topology.drift ?? [];
  const paths = reconcileDescriptions(index, drift, analyzeReachability(index));
  const implicit = options.implicit === false ? [] : reconcileDescriptions(index, drift, analyzeImplicitDestinations(index));
  const unresolved = options.unresolved ?? [];
  const settings = options.rules ?? ruleSettings();
  const context = { topology, paths, implicitPaths: implicit, unresolved, secretValues };
  const findings = RULES.flatMap((rule) => {
    const setting = settings.get(rule.id);
    if (setting?.enabled === false) return [];
    const found = rule.check(context, setting?.options ?? {});
    const severity = setting?.severity;
    return severity === undefined ? found : found.map((f) => ({ ...f, severity }));
  });
  // diff compares verdicts and findings only: proposing (and verifying) fixes is check's job.
  return { paths, implicit, findings, ...(options.fixes === false ? { fixes: [], rejected: [] } : proposeFixes(topology, paths)) };
}
