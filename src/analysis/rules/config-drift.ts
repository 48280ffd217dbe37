import type { Rule } from './rule.js';

export const configDrift: Rule = {
  id: 'config-drift',
  title: 'Two inputs describe one service differently',
  category: 'configuration',
  severity: 'warning',
  rationale:
    'When a Terraform file says private-ranges-only and a redeploy script says all-traffic, whichever ran last decides what is deployed: the incident\'s outage was exactly such a second description. Each description is analysed; where their verdicts differ the path is AMBIGUOUS. The finding is critical when one description leaves a critical dependency unreachable that another reaches.',
  sources: ['https://cloud.google.com/network-intelligence-center/docs/connectivity-tests/concepts/overview'],
  check({ topology, paths, implicitPaths }) {
    return (topology.drift ?? []).map((d) => {
      const diverging = [...paths, ...implicitPaths].filter((p) => p.service === d.service && p.descriptions !== undefined);
      const critical = diverging.some((p) => p.destination === 'dependency' && p.critical !== false && p.descriptions?.some((x) => x.verdict === 'UNREACHABLE'));
      const values = d.descriptions
        .map((desc) => desc.differences.map((x) => `${x.attribute} = ${x.display} (${x.origin.file})`).join(', '))
        .join(' vs ');
      const effect = diverging.length > 0 ? ` Verdicts differ for ${diverging.map((p) => p.dependency).join(', ')}: AMBIGUOUS.` : ' Their verdicts agree.';
      return {
        ruleId: 'config-drift',
        key: `service:${d.service}`,
        severity: critical ? 'critical' : 'warning',
        message: `${d.descriptions.length} inputs describe service ${d.service} differently — ${values}.${effect} Make one of them the source of truth.`,
        origin: d.descriptions[1]?.differences[0]?.origin ?? d.descriptions[0]?.service.origin ?? { file: '', path: [] },
        service: d.service,
      };
    });
  },
};
