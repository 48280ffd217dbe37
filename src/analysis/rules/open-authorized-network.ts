import type { Rule } from './rule.js';

export const openAuthorizedNetwork: Rule = {
  id: 'open-authorized-network',
  title: 'A database admits connections from the whole internet',
  category: 'security',
  severity: 'critical',
  rationale:
    'An authorized network of 0.0.0.0/0 exposes the database\'s public IP to every address on the internet, leaving passwords as the only defence. It is never a fix for a connectivity problem: use the Cloud SQL connection (IAM-authorized), a private IP, or a Cloud NAT static IP.',
  sources: ['https://cloud.google.com/sql/docs/postgres/authorize-networks'],
  check({ topology }) {
    return [...topology.databases.values()].flatMap((db) =>
      db.authorizedNetworks
        .filter((a) => a.cidr.prefix === 0)
        .map((a) => ({
          ruleId: 'open-authorized-network',
          key: `database:${db.name}:${a.cidr.text}`,
          severity: 'critical' as const,
          message: `database ${db.name} authorizes ${a.cidr.text}${a.name ? ` ("${a.name}")` : ''}: its public IP accepts connections from anywhere`,
          origin: a.origin,
        })),
    );
  },
};
