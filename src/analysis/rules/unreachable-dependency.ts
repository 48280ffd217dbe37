import { FACTS } from '../reachability/facts.js';
import type { PathResult } from '../reachability/path.js';
import type { Rule } from './rule.js';

/** The hop that decided a failed path, described for one line of a finding. */
export function describeFailure(path: PathResult): string {
  const hop = path.hops.find((h) => h.outcome === 'drop') ?? path.hops.find((h) => h.outcome === 'undetermined') ?? path.hops.find((h) => h.outcome === 'ambiguous');
  if (!hop) return path.verdict;
  const confidence = hop.confidence === 'assumed' ? ` (assumed: ${hop.fact ? FACTS[hop.fact].statement : 'unconfirmed'})` : '';
  return `${path.cause ?? path.verdict} at ${hop.step}: ${hop.detail}${confidence}`;
}

export const unreachableDependency: Rule = {
  id: 'unreachable-dependency',
  title: 'A service cannot reach a dependency',
  category: 'reachability',
  severity: 'critical',
  rationale:
    'A dependency the configuration cannot reach fails at run time: connections time out or are refused. A critical dependency (or one whose criticality is not declared) makes the service fail to start or serve.',
  sources: [FACTS['all-traffic-needs-nat'].source, FACTS['vpc-needs-connector'].source],
  check({ paths }) {
    return paths
      .filter((p) => p.verdict === 'UNREACHABLE')
      .map((p) => ({
        ruleId: 'unreachable-dependency',
        key: `${p.service}→${p.dependency}`,
        severity: p.critical === false ? 'warning' : 'critical',
        message: `${p.service} cannot reach ${p.dependency} (${p.target})${p.critical === undefined ? ' [criticality not declared: treated as critical]' : ''}: ${describeFailure(p)}`,
        origin: p.blame,
        service: p.service,
        dependency: p.dependency,
      }));
  },
};
