import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { secretReferenceMissing as rule, secretRefKey } from './secret-reference-missing.js';

describe(rule.id, () => {
  const topology = loadRuleFixture(rule.id, 'references');
  const findings = runRule(rule, topology);

  it('fails exactly the references to undeclared secrets, env and mounted alike', () => {
    assert.deepEqual(keySeverityLines(findings), [
      'api:env:SIGNING_KEY critical',
      'worker:env:WEBHOOK_TOKEN critical',
      'worker:mount:/secrets/stripe/key critical',
    ]);
  });

  it('passes exactly the references to declared secrets, including the other-project form', () => {
    const all = topology.services.flatMap((s) => s.secretRefs.map((r) => secretRefKey(s, r)));
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(
      all.filter((k) => !failing.has(k)),
      ['api:env:DATABASE_URL', 'api:mount:/secrets/signing/key', 'api:env:REPLICA_DATABASE_URL'],
    );
  });

  it('names the secret and what happens, and points at the reference', () => {
    const typo = findings.find((f) => f.key === 'api:env:SIGNING_KEY');
    assert.ok(typo);
    assert.match(typo.message, /secret "signing-keys" as env SIGNING_KEY, but no secret "signing-keys" is declared: instances will not start/);
    assert.deepEqual(typo.origin.path, ['services', 0, 'secrets', 1]);
    assert.equal(typo.service, 'api');
    assert.match(findings.find((f) => f.key === 'worker:mount:/secrets/stripe/key')?.message ?? '', /reading the file will fail/);
  });

  it('when no input describes any secret, a reference is not judged: a warning that makes the run INCOMPLETE, not a critical', () => {
    const [finding, ...rest] = runRule(rule, loadRuleFixture(rule.id, 'none-described'));
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding.unjudged, true);
    assert.match(finding.message, /no input describes Secret Manager secrets: whether "db-url" exists is not judged \(if it does not, instances will not start\)/);
  });
});

