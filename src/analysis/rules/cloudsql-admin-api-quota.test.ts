import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture } from '../../../test/harness/rule-fixture.js';
import { cloudsqlAdminApiQuota } from './cloudsql-admin-api-quota.js';

describe('cloudsql-admin-api-quota', () => {
  it('flags the project when the estimate exceeds the assumed quota, blaming the largest user', () => {
    const findings = checkRuleFixture(cloudsqlAdminApiQuota, 'mounts-times-instances.yaml');
    assert.deepEqual(
      findings.map((f) => [f.key, f.severity, f.service]),
      [['project:shop', 'warning', 'backend']],
    );
    assert.match(findings[0]?.message ?? '', /about 200 Cloud SQL Admin API quota units \(2 × Cloud SQL mounts × max instances: backend 2 × 2 × 40 = 160; worker 2 × 1 × 20 = 40\), above the assumed quota of 180; the default quota is unconfirmed/);
    assert.deepEqual(findings[0]?.origin.path, ['services', 0, 'cloudSqlInstances']);
  });

  it('is silent at or under the threshold', () => {
    assert.deepEqual(checkRuleFixture(cloudsqlAdminApiQuota, 'mounts-times-instances.yaml', { quotaThreshold: 200 }), []);
  });
});
