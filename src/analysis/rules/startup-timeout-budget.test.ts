import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { defaultOptions, type Finding, type RuleOptionValue } from './rule.js';
import { startupTimeoutBudget } from './startup-timeout-budget.js';

function check(fixture: string, overrides: Record<string, RuleOptionValue> = {}): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/startup-timeout-budget/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return startupTimeoutBudget.check(context, { ...defaultOptions(startupTimeoutBudget), ...overrides });
}

const keyed = (findings: readonly Finding[]) => Object.fromEntries(findings.map((f) => [f.key, f.severity]));

describe('startup-timeout-budget', () => {
  const findings = check('connect-retries-against-probes.yaml');
  const message = (key: string) => findings.find((f) => f.key === key)?.message ?? '';

  it('flags exactly the waits that outlive the startup probe, the request timeout or a load balancer', () => {
    assert.deepEqual(keyed(findings), {
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
    assert.equal(keyed(check('connect-retries-against-probes.yaml', { backoffSeconds: 0 }))['api→billing'], undefined);
  });
});
