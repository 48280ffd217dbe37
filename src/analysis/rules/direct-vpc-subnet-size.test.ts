import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { directVpcSubnetSize } from './direct-vpc-subnet-size.js';

describe('direct-vpc-subnet-size', () => {
  const findings = checkRuleFixture(directVpcSubnetSize, 'subnets-and-instances.yaml');

  it('flags exactly the subnets that are too small or too full', () => {
    assert.deepEqual(severityByKey(findings), {
      'subnet:vpc/run-small:size': 'warning',
      'subnet:vpc/run-shared:addresses': 'warning',
      'subnet:edge/edge:size': 'warning',
      'subnet:edge/edge:addresses': 'warning',
    });
  });

  it('sums the services sharing a subnet and names the size that fits', () => {
    assert.equal(
      findings.find((f) => f.key === 'subnet:vpc/run-shared:addresses')?.message,
      'subnet run-shared (10.42.0.0/26) of network vpc has 60 usable addresses, but Direct VPC egress needs about 80 at full scale (about 2 per instance: orders 2 × 20 + payments 2 × 20), more while scaled-down instances still hold theirs: it runs out before the services reach their max instances. Use a /25 or larger subnet, or lower maxInstances.',
    );
    assert.match(findings.find((f) => f.key === 'subnet:vpc/run-small:size')?.message ?? '', /is a \/27, but Direct VPC egress \(used by tiny\) needs a \/26 or larger/);
    assert.deepEqual(findings[0]?.origin.path, ['networks', 0, 'subnets', 0, 'cidr']);
  });
});
