import type { Topology } from '../model/topology.js';
import { proposeFixes, type FixProposals } from './fixes/propose.js';
import { analyzeReachability, indexTopology } from './reachability/engine.js';
import type { PathResult } from './reachability/path.js';
import { RULES, type Finding } from './rules/index.js';
import { defaultOptions } from './rules/rule.js';

export interface Analysis extends FixProposals {
  readonly paths: readonly PathResult[];
  readonly findings: readonly Finding[];
}

/** Everything `check` computes from a model: paths, rule findings and verified fixes. Pure. */
export function analyzeTopology(topology: Topology, secretValues: ReadonlyMap<string, string> = new Map(), options: { readonly fixes?: boolean } = {}): Analysis {
  const paths = analyzeReachability(indexTopology(topology));
  const findings = RULES.flatMap((rule) => rule.check({ topology, paths, secretValues }, defaultOptions(rule)));
  // diff compares verdicts and findings only: proposing (and verifying) fixes is check's job.
  return { paths, findings, ...(options.fixes === false ? { fixes: [], rejected: [] } : proposeFixes(topology, paths)) };
}
