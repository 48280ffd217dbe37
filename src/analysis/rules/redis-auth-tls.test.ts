import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { redisAuthTls as rule } from './redis-auth-tls.js';

describe(rule.id, () => {
  const topology = loadRuleFixture(rule.id, 'caches');
  const findings = runRule(rule, topology);

  it('fails exactly: no AUTH (warning); no TLS (info over direct peering, warning over a shared PSA peering)', () => {
    assert.deepEqual(keySeverityLines(findings), [
      'cache:auth-no-tls-direct:tls info',
      'cache:auth-no-tls-shared:tls warning',
      'cache:tls-no-auth:auth warning',
      'cache:wide-open:auth warning',
      'cache:wide-open:tls info',
    ]);
  });

  it('passes exactly the checks each cache meets', () => {
    const all = [...topology.caches.keys()].flatMap((name) => [`cache:${name}:auth`, `cache:${name}:tls`]);
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(
      all.filter((k) => !failing.has(k)),
      ['cache:locked-down:auth', 'cache:locked-down:tls', 'cache:auth-no-tls-direct:auth', 'cache:auth-no-tls-shared:auth', 'cache:tls-no-auth:tls'],
    );
  });

  it('says what to change and warns that TLS blocks plain clients', () => {
    assert.match(findings.find((f) => f.key === 'cache:wide-open:auth')?.message ?? '', /Enable AUTH \(authEnabled: true\)/);
    assert.match(findings.find((f) => f.key === 'cache:auth-no-tls-shared:tls')?.message ?? '', /private services access peering .*: the AUTH string and data travel in clear.*rediss:\/\//);
  });
});
