import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRuleFixture } from '../../../test/harness/rule-fixture.js';
import { unreachableDependency } from './unreachable-dependency.js';

it('reports exactly the unreachable paths, critical unless declared non-critical', () => {
  const findings = checkRuleFixture(unreachableDependency, 'criticality.yaml');
  assert.deepEqual(
    findings.map((f) => [f.key, f.severity]).sort(),
    [
      ['checkout→analytics', 'warning'],
      ['checkout→payments', 'critical'],
      // Inferred: criticality not declared, so treated as critical, and the message says so.
      ['emails→mail-api', 'critical'],
    ],
  );
  // Passing: checkout → sessions (private, through the VPC), reports → analytics (its own path).
  assert.match(findings.find((f) => f.key === 'emails→mail-api')?.message ?? '', /criticality not declared/);
  assert.ok(findings.every((f) => f.message.includes('NO_EXTERNAL_ADDRESS')));
});
