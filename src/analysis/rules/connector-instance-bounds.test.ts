import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { connectorInstanceBounds } from './connector-instance-bounds.js';

describe('connector-instance-bounds', () => {
  const findings = checkRuleFixture(connectorInstanceBounds, 'instance-counts.yaml');

  it('flags exactly the bounds each connector breaks', () => {
    assert.deepEqual(severityByKey(findings), {
      'connector:too-few:minInstances': 'warning',
      'connector:too-many:maxInstances': 'warning',
      'connector:flat:order': 'warning',
      'connector:inverted:minInstances': 'warning',
      'connector:inverted:order': 'warning',
    });
  });

  it('gives the accepted range and the fix', () => {
    assert.equal(
      findings.find((f) => f.key === 'connector:too-many:maxInstances')?.message,
      'connector too-many has maxInstances 20, outside the accepted 3–10: set it to 10 or less (`connectors update` can only raise these values, so lowering one means recreating the connector).',
    );
    assert.deepEqual(findings.find((f) => f.key === 'connector:flat:order')?.origin.path, ['connectors', 4, 'maxInstances']);
  });
});
