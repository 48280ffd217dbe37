import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { incomplete } from './incomplete.js';

it('one unjudged finding per unknown value, naming every path it leaves undetermined', () => {
  const findings = runRule(incomplete, loadRuleFixture('incomplete', 'unknowns.yaml'));
  assert.deepEqual(
    findings.map((f) => [f.key, f.severity, f.unjudged]).sort(),
    [
      ['connector:ghost', 'warning', true],
      ['service:secret-url.dependency:cache', 'warning', true],
      ['service:unknown-egress.egress', 'warning', true],
    ],
  );
  const ghost = findings.find((f) => f.key === 'connector:ghost');
  assert.match(ghost?.message ?? '', /^connector ghost is not described in the configuration: 2 path\(s\) of 1 service\(s\) cannot be judged: missing-connector → internet, missing-connector → google-apis\./);
  // Passing: settled (every value known), and unknown-egress's implicit paths (both egress modes agree).
  assert.ok(!findings.some((f) => f.message.includes('settled')));
});

it('parts of the inputs left out of the model are not judged either', () => {
  const unresolved = [{ key: 'input:infra:module "nat"', subject: 'module "nat" (infra)', reason: 'source "terraform-google-modules/cloud-nat/google" not fetched', origin: { file: 'infra', path: [] } }];
  const findings = runRule(incomplete, loadRuleFixture('incomplete', 'unknowns.yaml'), { unresolved });
  const found = findings.find((f) => f.key === 'input:infra:module "nat"');
  assert.ok(found);
  assert.equal(found.unjudged, true);
  assert.match(found.message, /^module "nat" \(infra\): source "terraform-google-modules\/cloud-nat\/google" not fetched\./);
});
