import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRuleFixture, keySeverityLines } from '../../../test/harness/rule-fixture.js';
import { unreachableDestination } from './unreachable-destination.js';

it('an unreachable implicit destination is latent until a critical dependency relies on it', () => {
  const findings = checkRuleFixture(unreachableDestination, 'latent.yaml');
  assert.deepEqual(keySeverityLines(findings), ['latent→internet warning', 'optional→internet warning', 'relied→internet critical']);
  const latent = findings.find((f) => f.key === 'latent→internet');
  assert.match(latent?.message ?? '', /no Cloud NAT in network bare-vpc \(europe-west1\) covers subnet bare-subnet/);
  assert.match(latent?.message ?? '', /Any public dependency .* will time out\. No dependency declared there yet: latent\./);
  assert.match(findings.find((f) => f.key === 'relied→internet')?.message ?? '', /Relied on by: payments\./);
  // Passing: private (private-ranges-only uses Cloud Run's own internet path), natted (its NAT
  // covers the subnet), and every google-apis path (the subnet has Private Google Access).
});
