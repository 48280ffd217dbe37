import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { startupTimeoutBudget } from './startup-timeout-budget.js';

describe('startup-timeout-budget', () => {
  const findings = checkRuleFixture(startupTimeoutBudget, 'connect-retries-against-probes.yaml');
  const message = (key: string) => findings.find((f) => f.key === key)?.message ?? '';

  it('flags exactly the waits that outlive the startup probe, the request timeout or a load balancer', () => {
    assert.deepEqual(severityByKey(findings), {
      'backend→postgres': 'critical',
      'api→postgres': 'critical',
      'api→postgres:request-timeout': 'warning',
      'api→billing': 'warning',
      'jobs→postgres': 'critical',
      'worker→redis:request-timeout': 'warning',
      'loadBalancer:internal→backend': 'warning',
    });
  });

  it('states both forms of the incident with their numbers', () => {
    assert.match(
      message('backend→postgres'),
      /^backend → postgres: connect timeout 25 s × 3 attempts \(retries 2\) \+ 2 × 1 s backoff = 77 s before giving up, but the startup probe fails the instance after 30 s \(initialDelaySeconds 0 \+ failureThreshold 3 × periodSeconds 10\)\. .* Use connectTimeoutSeconds ≤ 9 with 3 attempts/,
    );
    assert.match(message('api→postgres'), /= 303 s before giving up, but the startup probe fails the instance after 240 s \(Cloud Run's default TCP startup probe, 240 s\)/);
    assert.match(message('api→postgres:request-timeout'), /303 s before giving up, longer than the service's request timeout of 300 s/);
    assert.match(message('jobs→postgres'), /after 480 s \(initialDelaySeconds 300 \+ failureThreshold 3 × periodSeconds 100, capped at 240 s each\)/);
    assert.match(message('loadBalancer:internal→backend'), /after 30 s, but the service allows 300 s/);
  });

  it('honours backoffSeconds', () => {
    // With 0 s between attempts, billing's 60 s × 4 = 240 s fits the default probe exactly.
    assert.equal(severityByKey(checkRuleFixture(startupTimeoutBudget, 'connect-retries-against-probes.yaml', { backoffSeconds: 0 }))['api→billing'], undefined);
  });
});
