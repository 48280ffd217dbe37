import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { defaultOptions } from './rule.js';
import { secretRefKey } from './secret-reference-missing.js';
import { secretVersion as rule } from './secret-version.js';

describe(rule.id, () => {
  const topology = loadRuleFixture(rule.id, 'versions');

  it('has the documented default: latest on env vars is flagged', () => {
    assert.deepEqual(defaultOptions(rule), { allowLatestInEnv: false });
  });

  it('fails exactly the unlisted versions (critical) and latest on env vars (warning)', () => {
    assert.deepEqual(keySeverityLines(runRule(rule, topology)), [
      'api:env:OLD_DATABASE_URL critical',
      'api:env:SESSION_KEY warning',
      'api:mount:/secrets/db/url critical',
      'worker:env:SESSION_KEY warning',
    ]);
  });

  it('passes exactly listed versions, latest on mounts, unlisted-version secrets and undeclared secrets', () => {
    const all = topology.services.flatMap((s) => s.secretRefs.map((r) => secretRefKey(s, r)));
    const failing = new Set(runRule(rule, topology).map((f) => f.key));
    assert.deepEqual(
      all.filter((k) => !failing.has(k)),
      ['api:env:DATABASE_URL', 'api:mount:/secrets/session/key', 'worker:env:LEGACY_TOKEN', 'worker:env:MISSING'],
    );
  });

  it('accepts latest on env vars when the option says it is deliberate', () => {
    assert.deepEqual(keySeverityLines(runRule(rule, topology, { overrides: { allowLatestInEnv: true } })), ['api:env:OLD_DATABASE_URL critical', 'api:mount:/secrets/db/url critical']);
  });

  it('says which versions exist and what to do', () => {
    const findings = runRule(rule, topology);
    assert.match(findings.find((f) => f.key === 'api:env:OLD_DATABASE_URL')?.message ?? '', /version 1 .* not listed \(enabled: 2, 3\): instances will not start/);
    assert.match(findings.find((f) => f.key === 'api:env:SESSION_KEY')?.message ?? '', /Pin a version \(listed: 1\), or mount the secret as a file/);
  });
});
