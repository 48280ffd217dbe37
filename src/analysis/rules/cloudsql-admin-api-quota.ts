import { numberOption, type RuleOption, type Rule, type RuleOptionValue } from './rule.js';

const ID = 'cloudsql-admin-api-quota';

const OPTIONS = {
  quotaThreshold: {
    default: 180,
    description:
      'The Cloud SQL Admin API quota to compare the estimate with. Unconfirmed: Google documents no default (fact cloudsql-admin-api-quota, docs/facts.md); 180 per minute per user is the limit users report hitting. Set it to the quota shown for sqladmin.googleapis.com in your project.',
  },
} as const satisfies Readonly<Record<string, RuleOption>>;

const option = (options: Readonly<Record<string, RuleOptionValue>>, name: keyof typeof OPTIONS): number => numberOption(ID, OPTIONS, options, name);

export const cloudsqlAdminApiQuota: Rule = {
  id: ID,
  title: 'Built-in Cloud SQL connections may exhaust the Cloud SQL Admin API quota',
  category: 'capacity',
  severity: 'warning',
  rationale:
    'The built-in Cloud SQL connection calls the Cloud SQL Admin API; Google estimates the quota used at about 2 × the Cloud SQL instances configured × the Cloud Run instances running, and says to control it by capping max instances. Once the project is over quota, new connections fail until it resets.',
  sources: ['https://cloud.google.com/sql/docs/postgres/connect-run', 'https://github.com/GoogleCloudPlatform/cloud-sql-go-connector/issues/413'],
  facts: ['cloudsql-admin-api-quota'],
  options: OPTIONS,
  check({ topology }, options) {
    const quota = option(options, 'quotaThreshold');
    const users = topology.services
      .map((service) => ({ service, mounts: new Set(service.cloudSqlInstances).size }))
      .filter((u) => u.mounts > 0)
      .map((u) => ({ ...u, calls: 2 * u.mounts * u.service.maxInstances }));
    const total = users.reduce((sum, u) => sum + u.calls, 0);
    const largest = [...users].sort((a, b) => b.calls - a.calls)[0];
    if (!largest || total <= quota) return [];
    const breakdown = users.map((u) => `${u.service.name} 2 × ${u.mounts} × ${u.service.maxInstances} = ${u.calls}`).join('; ');
    return [
      {
        ruleId: ID,
        key: `project:${topology.project ?? '(default)'}`,
        severity: 'warning',
        message: `at full scale the built-in Cloud SQL connections use about ${total} Cloud SQL Admin API quota units (2 × Cloud SQL mounts × max instances: ${breakdown}), above the assumed quota of ${quota}; the default quota is unconfirmed, so check the sqladmin.googleapis.com quotas of the project. Over quota, new connections fail. Cap maxInstances (largest: ${largest.service.name}), remove mounts a service does not use, or request a higher quota.`,
        origin: { ...largest.service.origin, path: [...largest.service.origin.path, 'cloudSqlInstances'] },
        service: largest.service.name,
      },
    ];
  },
};
