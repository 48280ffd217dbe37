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
export function analyzeTopology(topology: Topology, secretValues: ReadonlyMap<string, string> = new Map()): Analysis {
  const paths = analyzeReachability(indexTopology(topology));
  const findings = RULES.flatMap((rule) => rule.check({ topology, paths, secretValues }, defaultOptions(rule)));
  return { paths, findings, ...proposeFixes(topology, paths) };
}
