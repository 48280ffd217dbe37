import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { secretInPlainEnv as rule } from './secret-in-plain-env.js';

describe(rule.id, () => {
  const topology = loadRuleFixture(rule.id, 'env');
  const findings = runRule(rule, topology);

  it('fails exactly the secret-named values and the URLs carrying a password', () => {
    assert.deepEqual(keySeverityLines(findings), [
      'api:env:DATABASE_URL warning',
      'api:env:JWT_SECRET warning',
      'api:env:STRIPE_API_KEY warning',
      'worker:env:CACHE_URL warning',
    ]);
  });

  it('passes exactly the look-alikes: no password, numbers, booleans, paths, names, empty values, placeholders', () => {
    const all = topology.services.flatMap((s) => s.env.map((v) => `${s.name}:env:${v.name}`));
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(all.filter((k) => !failing.has(k)), [
      'api:env:REDIS_URL',
      'api:env:PUBLIC_BASE_URL',
      'api:env:TOKEN_TTL_SECONDS',
      'api:env:REQUIRE_PASSWORD',
      'api:env:DB_PASSWORD_FILE',
      'api:env:API_KEY_SECRET_NAME',
      'api:env:SMTP_PASSWORD',
      'api:env:ADMIN_TOKEN',
      'worker:env:LOG_LEVEL',
    ]);
  });

  it('tells the user to use a Secret Manager reference and never prints the value', () => {
    for (const f of findings) {
      assert.match(f.message, /store it in Secret Manager and reference it/);
      for (const secret of ['Sup3rS3cretPw', 'sk_live', 'TopSecretValue123', 'hunter2', 'R3disPassw0rd', '10.0.0.5', '***']) {
        assert.ok(!f.message.includes(secret), `${f.key} message shows part of the value: ${f.message}`);
      }
    }
    assert.deepEqual(findings.find((f) => f.key === 'worker:env:CACHE_URL')?.origin.path, ['services', 1, 'env', 'CACHE_URL']);
  });
});
