import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { defaultOptions, type Finding } from './rule.js';
import { serverlessNegHealthCheck } from './serverless-neg-health-check.js';

function check(fixture: string): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/serverless-neg-health-check/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return serverlessNegHealthCheck.check(context, defaultOptions(serverlessNegHealthCheck));
}

describe('serverless-neg-health-check', () => {
  const findings = check('health-checks-on-backends.yaml');

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
