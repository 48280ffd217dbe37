import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture } from '../../../test/harness/rule-fixture.js';
import { serverlessNegHealthCheck } from './serverless-neg-health-check.js';

describe('serverless-neg-health-check', () => {
  const findings = checkRuleFixture(serverlessNegHealthCheck, 'health-checks-on-backends.yaml');

  it('flags exactly the load balancer with a health check on serverless NEGs', () => {
    assert.deepEqual(
      findings.map((f) => [f.key, f.severity]),
      [['loadBalancer:public', 'critical']],
    );
  });

  it('says to remove it and what to use instead, at the health check line', () => {
    assert.match(findings[0]?.message ?? '', /^load balancer public attaches health check http-200 to a backend service with serverless NEG backends \(web, api\): the API rejects this/);
    assert.match(findings[0]?.message ?? '', /Remove the health check; Cloud Run checks its instances with the service's own startup and liveness probes/);
    assert.deepEqual(findings[0]?.origin.path, ['loadBalancers', 0, 'healthCheck']);
  });
});
