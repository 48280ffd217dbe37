import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { connectorThroughput } from './connector-throughput.js';

describe('connector-throughput', () => {
  const findings = checkRuleFixture(connectorThroughput, 'peaks-against-capacity.yaml');

  it('flags exactly the connectors whose peak exceeds or crowds their capacity', () => {
    assert.deepEqual(severityByKey(findings), {
      'connector:saturated': 'critical',
      'connector:busy': 'warning',
      'connector:overstated': 'critical',
    });
  });

  it('gives the numbers, the users and the fixes', () => {
    assert.equal(
      findings.find((f) => f.key === 'connector:saturated')?.message,
      "connector saturated is expected to carry 450 Mbps at peak, above its estimated capacity of 300 Mbps: 3 × e2-micro at ~100 Mbps each (an estimate from Google's published range), shared by backend, worker. Traffic beyond it is slowed or times out. Raise maxInstances (up to 10; connectors never scale back in), or use machine type e2-standard-4, or move the services to Direct VPC egress.",
    );
    assert.match(findings.find((f) => f.key === 'connector:busy')?.message ?? '', /450 Mbps at peak, 90% of its estimated capacity of 500 Mbps \(warning above 80%\): 10 × f1-micro/);
    assert.match(findings.find((f) => f.key === 'connector:overstated')?.message ?? '', /maxInstances 12 counts as 10/);
  });

  it('honours warningPercent', () => {
    assert.deepEqual(severityByKey(checkRuleFixture(connectorThroughput, 'peaks-against-capacity.yaml', { warningPercent: 95 })), {
      'connector:saturated': 'critical',
      'connector:overstated': 'critical',
    });
  });
});
