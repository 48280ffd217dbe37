import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { cloudsqlAdminApiQuota } from './cloudsql-admin-api-quota.js';
import { defaultOptions, type Finding, type RuleOptionValue } from './rule.js';

function check(fixture: string, overrides: Record<string, RuleOptionValue> = {}): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/cloudsql-admin-api-quota/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return cloudsqlAdminApiQuota.check(context, { ...defaultOptions(cloudsqlAdminApiQuota), ...overrides });
}

describe('cloudsql-admin-api-quota', () => {
  it('flags the project when the estimate exceeds the assumed quota, blaming the largest user', () => {
    const findings = check('mounts-times-instances.yaml');
    assert.deepEqual(
      findings.map((f) => [f.key, f.severity, f.service]),
      [['project:shop', 'warning', 'backend']],
    );
    assert.match(findings[0]?.message ?? '', /about 200 Cloud SQL Admin API quota units \(2 × Cloud SQL mounts × max instances: backend 2 × 2 × 40 = 160; worker 2 × 1 × 20 = 40\), above the assumed quota of 180; the default quota is unconfirmed/);
    assert.deepEqual(findings[0]?.origin.path, ['services', 0, 'cloudSqlInstances']);
  });

  it('is silent at or under the threshold', () => {
    assert.deepEqual(check('mounts-times-instances.yaml', { quotaThreshold: 200 }), []);
  });
});
