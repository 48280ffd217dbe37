import type { Rule } from './rule.js';

export const sslNotRequired: Rule = {
  id: 'ssl-not-required',
  title: 'A database accepts unencrypted connections on its public IP',
  category: 'security',
  severity: 'warning',
  rationale:
    'Authorized networks admit direct connections to a Cloud SQL public IP, outside the Cloud SQL Auth Proxy and the connector libraries, which encrypt on their own. Without "require SSL" such a client may connect in plain text over the internet, exposing its password and every query. The finding is critical when an authorized network is 0.0.0.0/0 (open-authorized-network reports the open range itself). Require SSL/TLS on the instance, or connect through the Cloud SQL connection or a private IP and drop the authorized networks.',
  sources: ['https://cloud.google.com/sql/docs/postgres/connect-run', 'https://cloud.google.com/sql/docs/postgres/authorize-networks'],
  check({ topology }) {
    return [...topology.databases.values()]
      // Authorized networks only exist with a public IP; an unknown one is taken to be there.
      .filter((db) => db.publicIp !== null && db.authorizedNetworks.length > 0 && !db.requireSsl)
      .map((db) => {
        const open = db.authorizedNetworks.some((a) => a.cidr.prefix === 0);
        const ranges = db.authorizedNetworks.map((a) => a.cidr.text).join(', ');
        return {
          ruleId: 'ssl-not-required',
          key: `database:${db.name}`,
          severity: open ? ('critical' as const) : ('warning' as const),
          message: `database ${db.name} does not require SSL and authorizes ${ranges} on its public IP: ${open ? 'anyone on the internet' : 'clients there'} can connect without encryption. Set requireSsl: true.`,
          origin: db.origin,
        };
      });
  },
};
