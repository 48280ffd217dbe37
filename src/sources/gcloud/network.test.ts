import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Fragment } from '../fragment.js';
import { importGcloudScript } from './script.js';

const read = (script: string): Fragment => importGcloudScript('net.sh', script);
const setup = (): Fragment => importGcloudScript('network-setup.sh', readFileSync(fileURLToPath(new URL('../../../../test/fixtures/import/gcloud/network-setup.sh', import.meta.url)), 'utf8'));

describe('gcloud compute: networks, subnets, routers and Cloud NAT', () => {
  it('builds the network with its subnet, router and NAT from the setup script', () => {
    const fragment = setup();
    assert.deepEqual(fragment.data.networks, [
      {
        name: 'vpc',
        subnets: [{ name: 'run-subnet', cidr: '10.10.0.0/24', region: 'europe-west1', privateGoogleAccess: true }],
        routers: [{ name: 'egress-router', region: 'europe-west1', nats: [{ name: 'egress-nat', subnets: ['run-subnet'], natIps: ['nat-ip-1', 'nat-ip-2'] }] }],
      },
    ]);
    assert.deepEqual(fragment.locate(['networks', 0]), { file: 'network-setup.sh', line: 5, column: 1 });
    assert.deepEqual(fragment.locate(['networks', 0, 'subnets', 0, 'privateGoogleAccess']), { file: 'network-setup.sh', line: 7, column: 24 });
    assert.deepEqual(fragment.locate(['networks', 0, 'routers', 0, 'nats', 0, 'subnets']), { file: 'network-setup.sh', line: 13, column: 3 });
    assert.deepEqual(fragment.notes, []);
  });

  it('reads the reserved addresses the NAT uses; Google picks their IPs unless --addresses says', () => {
    const fragment = setup();
    assert.deepEqual(fragment.data.addresses, [
      { name: 'nat-ip-1', region: 'europe-west1', address: 'unknown' },
      { name: 'nat-ip-2', region: 'europe-west1', address: 'unknown' },
    ]);
    assert.equal(fragment.unknownReason(['addresses', 1, 'address']), 'allocated by Google: `gcloud compute addresses create` names no --addresses');
    assert.deepEqual(fragment.locate(['addresses', 1]), { file: 'network-setup.sh', line: 10, column: 42 });
    const explicit = read('gcloud config set compute/region us-east1\ngcloud compute addresses create a b --addresses=203.0.113.10,203.0.113.11\ngcloud compute addresses create lb --global\ngcloud compute addresses create internal --subnet=s1\n');
    assert.deepEqual(explicit.data.addresses, [
      { name: 'a', region: 'us-east1', address: '203.0.113.10' },
      { name: 'b', region: 'us-east1', address: '203.0.113.11' },
      { name: 'lb', address: 'unknown' },
    ]);
  });

  it('does not place a NAT whose router was not created in the script, and says why', () => {
    const fragment = read('gcloud compute routers nats create nat1 --router=shared-router --region=europe-west1 --nat-all-subnet-ip-ranges\n');
    assert.deepEqual(fragment.data, {});
    assert.deepEqual(fragment.notes, [
      "Cloud NAT nat1 on router shared-router: not imported: the router's network is not known (no `gcloud compute routers create shared-router --network …` in net.sh)",
      'net.sh: none of its 1 gcloud command(s) configures Cloud Run, Cloud SQL, Serverless VPC Access or the network',
    ]);
  });

  it('reads NAT IPs given by a variable as unknown, and primary-range coverage as all subnets', () => {
    const fragment = read('gcloud compute routers create r --network=vpc --region=europe-west1\ngcloud compute routers nats create n --router=r --nat-primary-subnet-ip-ranges --nat-external-ip-pool=$NAT_IPS\n');
    assert.deepEqual(fragment.data.networks, [{ name: 'vpc', routers: [{ name: 'r', region: 'europe-west1', nats: [{ name: 'n', subnets: 'all', natIps: 'unknown' }] }] }]);
    assert.equal(fragment.unknownReason(['networks', 0, 'routers', 0, 'nats', 0, 'natIps']), '--nat-external-ip-pool is given by $NAT_IPS, which is not set in net.sh');
  });

  it('notes an auto-mode network and a subnet update it cannot place', () => {
    const fragment = read('gcloud compute networks create legacy\ngcloud compute networks subnets update elsewhere --region=europe-west1 --no-enable-private-ip-google-access\n');
    assert.deepEqual(fragment.data, { networks: [{ name: 'legacy' }] });
    assert.deepEqual(fragment.notes, [
      'networks[legacy]: auto mode creates a subnet in every region; those subnets are not imported',
      'subnet elsewhere: gcloud compute networks subnets update changes a subnet whose network is not known in net.sh; not imported',
    ]);
  });
});

describe('gcloud compute networks vpc-access connectors', () => {
  it('reads create from the setup script', () => {
    assert.deepEqual(setup().data.connectors, [{ name: 'run-egress', region: 'europe-west1', ipCidrRange: '10.8.0.0/28', network: 'vpc', minInstances: 2, maxInstances: 4, machineType: 'e2-micro' }]);
  });

  it("uses gcloud's default network for --range, a created subnet's network for --subnet, and update changes only what it names", () => {
    const script = [
      'gcloud compute networks subnets create conn-subnet --network=vpc --range=10.9.0.0/28 --region=europe-west1',
      'gcloud compute networks vpc-access connectors create a --region=europe-west1 --range=10.8.0.0/28',
      'gcloud compute networks vpc-access connectors create b --region=europe-west1 --subnet=conn-subnet',
      'gcloud compute networks vpc-access connectors update a --region=europe-west1 --max-instances=7',
      'gcloud compute networks vpc-access connectors update c --region=europe-west1 --max-instances=3',
      '',
    ].join('\n');
    const fragment = read(script);
    assert.deepEqual(fragment.data.connectors, [
      { name: 'a', region: 'europe-west1', ipCidrRange: '10.8.0.0/28', network: 'default', maxInstances: 7 },
      { name: 'b', region: 'europe-west1', subnet: 'conn-subnet', network: 'vpc' },
    ]);
    assert.deepEqual(fragment.locate(['connectors', 0, 'network']), { file: 'net.sh', line: 2, column: 1 });
    assert.deepEqual(fragment.notes, ['connectors[c]: not imported: its network is not known (no --network, and no subnet created in net.sh says which)']);
  });

  it('refuses a bad instance count at the value', () => {
    assert.throws(() => read('gcloud compute networks vpc-access connectors create a --network=vpc --range=10.8.0.0/28 --min-instances=two\n'), {
      message: 'net.sh:1:90: error: --min-instances: expected a whole number of instances, got "two"',
    });
  });
});
