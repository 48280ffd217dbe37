import type { Rule } from './rule.js';

const ID = 'serverless-neg-health-check';

export const serverlessNegHealthCheck: Rule = {
  id: ID,
  title: 'A health check is attached to a backend service with serverless NEG backends',
  category: 'configuration',
  severity: 'critical',
  rationale:
    'Load balancer health checks are not supported with serverless NEGs: the Compute API rejects a backend service that has a serverless NEG backend and a health check ("A backend service cannot have a healthcheck with Serverless network endpoint group backends."), so the load balancer cannot be created or updated as written.',
  sources: [
    'https://cloud.google.com/load-balancing/docs/negs/serverless-neg-concepts#backend-service-limitations',
    'https://github.com/hashicorp/terraform-provider-google/issues/7311',
    'https://github.com/terraform-google-modules/terraform-google-lb-http/issues/149',
    'https://cloud.google.com/run/docs/configuring/healthchecks',
    'https://cloud.google.com/run/docs/configuring/configure-service-health',
  ],
  check({ topology }) {
    return topology.loadBalancers.flatMap((lb) => {
      const serverless = lb.backends.filter((b) => b.serverlessNeg).map((b) => b.service);
      if (lb.healthCheck === undefined || serverless.length === 0) return [];
      return [
        {
          ruleId: ID,
          key: `loadBalancer:${lb.name}`,
          severity: 'critical' as const,
          message: `load balancer ${lb.name} attaches health check ${lb.healthCheck} to a backend service with serverless NEG backends (${serverless.join(', ')}): the API rejects this, so the load balancer cannot be created or updated. Remove the health check; Cloud Run checks its instances with the service's own startup and liveness probes, and for multi-region failover use Cloud Run service health (readiness probes).`,
          origin: { ...lb.origin, path: [...lb.origin.path, 'healthCheck'] },
        },
      ];
    });
  },
};
