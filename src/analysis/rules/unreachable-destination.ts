import { FACTS } from '../reachability/facts.js';
import { GOOGLE_APIS, INTERNET } from '../reachability/implicit.js';
import type { PathResult } from '../reachability/path.js';
import { decisiveHop } from '../reachability/unknowns.js';
import type { Finding, Rule } from './rule.js';

/** What losing an implicit destination means, whichever dependency meets it first. */
function consequence(name: string): string {
  if (name === INTERNET) return 'Any public dependency (a SaaS API, a database on a public IP, a webhook) will time out';
  if (name === GOOGLE_APIS) return 'Every Google API call (Cloud SQL Admin for /cloudsql sockets, Secret Manager, Cloud Storage, Pub/Sub, client libraries) will time out';
  return 'Any dependency in that range will fail to connect';
}

export const unreachableDestination: Rule = {
  id: 'unreachable-destination',
  title: "A service's traffic cannot reach a whole class of destinations",
  category: 'reachability',
  severity: 'warning',
  rationale:
    "Every service's egress is judged, dependencies declared or not: the public internet, Google APIs and each private range its VPC routes to. When one of them is unreachable (all traffic enters a VPC that has no Cloud NAT, say), the next dependency added there fails in production although nothing changed in its own configuration. The finding is latent (a warning) until a dependency relies on the destination, then critical.",
  sources: [FACTS['all-traffic-needs-nat'].source, FACTS['private-google-access'].source],
  check({ paths, implicitPaths }) {
    const reliance = new Map<string, PathResult[]>();
    for (const p of paths) {
      if (p.verdict !== 'UNREACHABLE') continue;
      for (const name of p.reliesOn) {
        const key = `${p.service}→${name}`;
        reliance.set(key, [...(reliance.get(key) ?? []), p]);
      }
    }
    return implicitPaths
      .filter((p) => p.verdict === 'UNREACHABLE')
      .map((p): Finding => {
        const key = `${p.service}→${p.dependency}`;
        const relying = reliance.get(key) ?? [];
        const critical = relying.some((d) => d.critical !== false);
        const hop = decisiveHop(p);
        const relied = relying.length > 0 ? ` Relied on by: ${relying.map((d) => d.dependency).join(', ')}.` : ' No dependency declared there yet: latent.';
        return {
          ruleId: 'unreachable-destination',
          key,
          severity: critical ? 'critical' : 'warning',
          message: `${p.service} cannot reach ${p.dependency} (${p.target}): ${p.cause ?? p.verdict}${hop ? ` at ${hop.step}: ${hop.detail}` : ''}. ${consequence(p.dependency)}.${relied}`,
          origin: p.blame,
          service: p.service,
          dependency: p.dependency,
        };
      });
  },
};
