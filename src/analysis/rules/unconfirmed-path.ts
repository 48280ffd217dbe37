import type { Rule } from './rule.js';
import { describeFailure } from './unreachable-dependency.js';

export const unconfirmedPath: Rule = {
  id: 'unconfirmed-path',
  title: 'Reachability cannot be confirmed from the configuration',
  category: 'reachability',
  severity: 'warning',
  rationale:
    'An UNDETERMINED path rests on a value the configuration does not give (unknown until apply, or not described); an AMBIGUOUS one works for some connections and not others (e.g. only some NAT IPs are allow-listed). Either can fail in production.',
  sources: ['https://cloud.google.com/network-intelligence-center/docs/connectivity-tests/concepts/overview'],
  check({ paths }) {
    return paths
      .filter((p) => p.verdict === 'UNDETERMINED' || p.verdict === 'AMBIGUOUS')
      .map((p) => ({
        ruleId: 'unconfirmed-path',
        key: `${p.service}→${p.dependency}`,
        severity: 'warning',
        message: `${p.service} → ${p.dependency} (${p.target}) is ${p.verdict}: ${describeFailure(p)}`,
        origin: p.blame,
        service: p.service,
        dependency: p.dependency,
      }));
  },
};
