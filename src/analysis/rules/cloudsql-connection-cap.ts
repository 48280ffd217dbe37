import type { Rule } from './rule.js';

const ID = 'cloudsql-connection-cap';

// Cloud Run allows each instance at most 100 connections to a Cloud SQL database over the
// built-in connection (fact cloudsql-instance-connection-limit).
const CAP_PER_INSTANCE = 100;

export const cloudsqlConnectionCap: Rule = {
  id: ID,
  title: 'A pool is larger than the built-in Cloud SQL connection allows per instance',
  category: 'capacity',
  severity: 'warning',
  rationale:
    'Over the built-in Cloud SQL connection (/cloudsql socket) each Cloud Run instance may hold at most 100 connections to a database. A pool whose size plus overflow exceeds that fails to open its last connections under load, however large max_connections is.',
  sources: ['https://cloud.google.com/sql/docs/postgres/connect-run'],
  facts: ['cloudsql-instance-connection-limit'],
  check({ topology }) {
    return topology.services.flatMap((service) =>
      service.dependencies.flatMap((dependency) => {
        const target = dependency.target;
        if (target.kind !== 'cloudsql-socket' || dependency.poolSize === undefined) return [];
        const overflow = dependency.maxOverflow ?? 0;
        const perInstance = dependency.poolSize + overflow;
        if (perInstance <= CAP_PER_INSTANCE) return [];
        const pool = dependency.maxOverflow === undefined ? `poolSize ${dependency.poolSize}` : `poolSize ${dependency.poolSize} + maxOverflow ${overflow} = ${perInstance}`;
        return [
          {
            ruleId: ID,
            key: `${service.name}→${dependency.name}`,
            severity: 'warning' as const,
            message: `${service.name} → ${dependency.name} may open ${pool} connections per instance to ${target.connectionName} over the built-in Cloud SQL connection, which allows each instance at most ${CAP_PER_INSTANCE}: the last ${perInstance - CAP_PER_INSTANCE} fail under load. Keep poolSize + maxOverflow at ${CAP_PER_INSTANCE} or less and scale out with instances instead.`,
            origin: dependency.origin,
            service: service.name,
            dependency: dependency.name,
          },
        ];
      }),
    );
  },
};
