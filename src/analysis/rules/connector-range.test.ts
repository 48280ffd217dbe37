import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, loadRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { invalidConnectorRange } from '../reachability/connector-range.js';
import { connectorRange } from './connector-range.js';

describe('connector-range', () => {
  const findings = checkRuleFixture(connectorRange, 'ranges-in-a-network.yaml');

  it('flags exactly the overlapping and wrongly sized ranges', () => {
    assert.deepEqual(severityByKey(findings), {
      'connector:on-main:overlaps:subnet:main': 'critical',
      'connector:on-psa:overlaps:private-services-access:10.20.0.0/16': 'critical',
      'connector:twin-a:overlaps:connector:twin-b': 'critical',
      'connector:wide:size': 'critical',
      'connector:named-wide:size': 'critical',
    });
  });

  it('names both ranges and the fix, at the line to change', () => {
    const main = findings.find((f) => f.key === 'connector:on-main:overlaps:subnet:main');
    assert.equal(
      main?.message,
      "connector on-main's range 10.10.0.16/28 overlaps subnet main (10.10.0.0/24) in network vpc: a connector's /28 must not overlap any range in use, so it cannot be created. Choose an unused /28 for it.",
    );
    assert.deepEqual(main.origin.path, ['connectors', 1, 'ipCidrRange']);
    assert.match(findings.find((f) => f.key === 'connector:twin-a:overlaps:connector:twin-b')?.message ?? '', /^connector twin-a's range 10\.8\.0\.32\/28 overlaps connector twin-b's range/);
    assert.match(findings.find((f) => f.key === 'connector:named-wide:size')?.message ?? '', /uses subnet wide-conn-subnet \(10\.8\.2\.0\/27\), a \/27, but a connector needs exactly a \/28 \(16 addresses\), so it cannot be created/);
  });

  it('flags exactly the connectors the reachability engine cannot route through', () => {
    const topology = loadRuleFixture('connector-range', 'ranges-in-a-network.yaml');
    const rejected = [...topology.connectors.values()].filter((c) => invalidConnectorRange(topology, c, topology.networks.get(c.network)) !== undefined).map((c) => c.name);
    const flagged = new Set(findings.map((f) => /^connector ([\w-]+)/.exec(f.message)?.[1]));
    assert.deepEqual(rejected.sort(), [...flagged].sort());
    assert.deepEqual(rejected.sort(), ['named-wide', 'on-main', 'on-psa', 'twin-a', 'wide']);
  });
});
