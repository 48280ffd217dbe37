import { unjudgedBy } from '../reachability/unknowns.js';
import type { Rule } from './rule.js';
import { describeFailure } from './unreachable-dependency.js';

export const unconfirmedPath: Rule = {
  id: 'unconfirmed-path',
  title: 'Reachability cannot be confirmed from the configuration',
  category: 'reachability',
  severity: 'warning',
  rationale:
    'An UNDETERMINED path rests on platform behaviour that is not documented (whether Private Google Access covers a connector\'s hidden subnet, say) or on addresses nobody can know in advance (auto-allocated NAT IPs against an allow-list); an AMBIGUOUS one works for some connections and not others (e.g. only some NAT IPs are allow-listed). Either can fail in production. A path left undetermined by a value the configuration does not give is the `incomplete` rule\'s.',
  sources: ['https://cloud.google.com/network-intelligence-center/docs/connectivity-tests/concepts/overview'],
  check({ paths, implicitPaths }) {
    return [...paths, ...implicitPaths]
      .filter((p) => p.verdict === 'AMBIGUOUS' || (p.verdict === 'UNDETERMINED' && unjudgedBy(p) === undefined))
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
