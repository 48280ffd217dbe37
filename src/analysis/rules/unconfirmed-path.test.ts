import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRuleFixture } from '../../../test/harness/rule-fixture.js';
import { unconfirmedPath } from './unconfirmed-path.js';

it('reports exactly the UNDETERMINED and AMBIGUOUS paths, as warnings', () => {
  const findings = checkRuleFixture(unconfirmedPath, 'unknowns.yaml');
  assert.deepEqual(
    findings.map((f) => [f.key, f.severity, /is (UNDETERMINED|AMBIGUOUS)/.exec(f.message)?.[1]]).sort(),
    [
      ['half-allowed→partner', 'warning', 'AMBIGUOUS'],
      ['secret-url→cache', 'warning', 'UNDETERMINED'],
      ['unknown-egress→partner', 'warning', 'UNDETERMINED'],
    ],
  );
  // Passing: half-allowed → public-api (NAT reaches it; no allow-list).
});
