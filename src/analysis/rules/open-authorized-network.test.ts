import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRuleFixture } from '../../../test/harness/rule-fixture.js';
import { openAuthorizedNetwork } from './open-authorized-network.js';

it('reports exactly the 0.0.0.0/0 authorized networks, as critical, at their line', () => {
  const findings = checkRuleFixture(openAuthorizedNetwork, 'databases.yaml');
  assert.deepEqual(findings.map((f) => [f.key, f.severity]), [['database:open:0.0.0.0/0', 'critical']]);
  assert.deepEqual(findings[0]?.origin.path, ['databases', 0, 'authorizedNetworks', 0]);
  // Passing: the office range on both databases; the private-only database.
});
