import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeResource as resource, fragmentOf } from './map-testing.js';
import { terraformFragment } from './resources.js';

const SELF = 'https://www.googleapis.com/compute/v1/projects/acme';
const vpc = () => resource('google_compute_network.vpc[0]', { name: 'vpc' }, { line: 3 });

describe('terraformFragment', () => {
  it('takes project and region from the provider, keeps the reader notes first, and leaves out empty collections', () => {
    const fragment = terraformFragment('infra', 'terraform-hcl', { resources: [vpc()], provider: { project: 'acme' }, notes: ['module "x" not fetched'] }, () => undefined);
    assert.deepEqual(fragment.data, { project: 'acme', networks: [{ name: 'vpc' }] });
    assert.deepEqual(fragment.notes, ['module "x" not fetched']);
    assert.equal(fragment.format, 'terraform-hcl');
  });

  it('resolves positions only when asked, from the nearest recorded value', () => {
    const network = vpc();
    const subnet = resource('google_compute_subnetwork.app', { name: 'app', network: `${SELF}/global/networks/vpc`, ip_cidr_range: '10.0.0.0/24' }, { line: 9 });
    const fragment = fragmentOf([network, subnet]);
    assert.equal(network.locateCalls + subnet.locateCalls, 0);
    assert.deepEqual(fragment.locate(['networks', 0, 'subnets', 0, 'cidr']), { file: 'main.tf', line: 9, column: 2 });
    assert.deepEqual(fragment.locate(['networks', 0, 'subnets', 0, 'privateGoogleAccess']), { file: 'main.tf', line: 9, column: 1 });
    assert.deepEqual(fragment.locate(['networks', 0]), { file: 'main.tf', line: 3, column: 1 });
    assert.equal(subnet.locateCalls, 2);
  });

  it('passes line text through', () => {
    const fragment = terraformFragment('infra', 'terraform-hcl', { resources: [], provider: {}, notes: [] }, (file, line) => `${file}:${line}`);
    assert.equal(fragment.lineText('infra/main.tf', 4), 'infra/main.tf:4');
  });
});

describe('terraformFragment: references and names', () => {
  it('names an unknown network by the resource its expression refers to, with or without an index', () => {
    const subnet = resource(
      'google_compute_subnetwork.app',
      { name: 'app', ip_cidr_range: '10.0.0.0/24', region: 'europe-west1' },
      { unknown: { network: 'known after apply (google_compute_subnetwork.app.network)' }, refs: { network: ['google_compute_network.vpc'] } },
    );
    assert.deepEqual(fragmentOf([vpc(), subnet]).data.networks, [{ name: 'vpc', subnets: [{ name: 'app', region: 'europe-west1', cidr: '10.0.0.0/24' }] }]);
  });

  it('leaves out an entity whose network cannot be named, and says why', () => {
    const subnet = resource('google_compute_subnetwork.app', { name: 'app', ip_cidr_range: '10.0.0.0/24' }, { unknown: { network: 'known after apply (google_compute_subnetwork.app.network)' } });
    const fragment = fragmentOf([subnet]);
    assert.equal(fragment.data.networks, undefined);
    assert.deepEqual(fragment.notes, ['subnet app: left out: known after apply (google_compute_subnetwork.app.network)']);
  });

  it('keeps a resource whose own name is unknown, named by its address, and references to it agree', () => {
    const network = resource('google_compute_network.x', {}, { unknown: { name: 'var.name has no value' } });
    const subnet = resource(
      'google_compute_subnetwork.app',
      { name: 'app', ip_cidr_range: '10.0.0.0/24', region: 'europe-west1' },
      { unknown: { network: 'known after apply (google_compute_network.x.id)' }, refs: { network: ['google_compute_network.x'] } },
    );
    const fragment = fragmentOf([network, subnet]);
    assert.deepEqual(fragment.data.networks, [{ name: 'google_compute_network.x', subnets: [{ name: 'app', region: 'europe-west1', cidr: '10.0.0.0/24' }] }]);
    assert.deepEqual(fragment.notes, ['google_compute_network.x: name is not known (var.name has no value); named by its Terraform address']);
  });

  it('converts strings to the type the provider schema gives an argument ("true" for a bool, "2" for a number)', () => {
    const subnet = resource('google_compute_subnetwork.app', { name: 'app', network: 'vpc', ip_cidr_range: '10.0.0.0/24', private_ip_google_access: 'true' });
    const connector = resource('google_vpc_access_connector.c', { name: 'c', network: 'vpc', ip_cidr_range: '10.8.0.0/28', min_instances: '2', max_instances: '4' });
    const fragment = fragmentOf([vpc(), subnet, connector]);
    assert.equal(fragment.data.networks?.[0]?.subnets?.[0]?.privateGoogleAccess, true);
    assert.deepEqual([fragment.data.connectors?.[0]?.minInstances, fragment.data.connectors?.[0]?.maxInstances], [2, 4]);
  });

  it('creates the network an entity names when no network resource declares it', () => {
    const router = resource('google_compute_router.r', { name: 'r', network: 'default', region: 'europe-west1' }, { line: 7 });
    const fragment = fragmentOf([router]);
    assert.deepEqual(fragment.data.networks, [{ name: 'default', routers: [{ name: 'r', region: 'europe-west1' }] }]);
    assert.deepEqual(fragment.locate(['networks', 0]), { file: 'main.tf', line: 7, column: 2 });
  });

  it('omits an unknown region silently when the provider has one, and makes it unknown otherwise', () => {
    const router = () => resource('google_compute_router.r', { name: 'r', network: 'vpc' }, { unknown: { region: 'known after apply (google_compute_router.r.region)' } });
    assert.deepEqual(fragmentOf([router()]).notes, []);
    // With no region from the provider, the router's region is unknown, with its cause.
    const alone = fragmentOf([router()], {});
    assert.deepEqual(alone.notes, []);
    assert.equal(alone.data.networks?.[0]?.routers?.[0]?.region, 'unknown');
    assert.equal(alone.unknownReason(['networks', 0, 'routers', 0, 'region']), 'known after apply (google_compute_router.r.region)');
    const unset = fragmentOf([resource('google_compute_router.r', { name: 'r', network: 'vpc' })], {});
    assert.equal(unset.data.networks?.[0]?.routers?.[0]?.region, undefined, 'a top-level region from another input still applies');
    assert.equal(unset.unknownReason(['networks', 0, 'routers', 0, 'region']), "neither google_compute_router.r.region nor the google provider's region is set");
  });
});

describe('terraformFragment: Cloud NAT', () => {
  const router = () => resource('google_compute_router.r', { name: 'r', network: 'vpc', region: 'europe-west1' });

  it('lists the subnets whose primary range is translated, and manual IPs as address names or literal IPs', () => {
    const nat = resource('google_compute_router_nat.n', {
      name: 'n',
      router: 'r',
      region: 'europe-west1',
      source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [
        { name: `${SELF}/regions/europe-west1/subnetworks/app`, source_ip_ranges_to_nat: ['PRIMARY_IP_RANGE'] },
        { name: `${SELF}/regions/europe-west1/subnetworks/pods`, source_ip_ranges_to_nat: ['LIST_OF_SECONDARY_IP_RANGES'] },
      ],
      nat_ip_allocate_option: 'MANUAL_ONLY',
      nat_ips: ['203.0.113.9', `${SELF}/regions/europe-west1/addresses/nat-b`],
    });
    const nats = fragmentOf([router(), nat]).data.networks?.[0]?.routers?.[0]?.nats;
    assert.deepEqual(nats, [{ name: 'n', subnets: ['app'], natIps: ['203.0.113.9', 'nat-b'] }]);
  });

  it('keeps manual NAT IPs that cannot be named as unknown', () => {
    const nat = resource(
      'google_compute_router_nat.n',
      { name: 'n', router: 'r', source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES', nat_ip_allocate_option: 'MANUAL_ONLY', nat_ips: [null] },
      { unknown: { 'nat_ips[0]': 'known after apply (google_compute_router_nat.n.nat_ips[0])' } },
    );
    const fragment = fragmentOf([router(), nat]);
    assert.deepEqual(fragment.data.networks?.[0]?.routers?.[0]?.nats, [{ name: 'n', subnets: 'all', natIps: 'unknown' }]);
    assert.equal(fragment.unknownReason(['networks', 0, 'routers', 0, 'nats', 0, 'natIps']), 'known after apply (google_compute_router_nat.n.nat_ips[0])');
  });

  it('takes unknown NAT IPs from the addresses the expression refers to', () => {
    const nat = resource(
      'google_compute_router_nat.n',
      { name: 'n', router: 'r', source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', nat_ip_allocate_option: 'MANUAL_ONLY' },
      { unknown: { nat_ips: 'known after apply' }, refs: { nat_ips: ['google_compute_address.a', 'google_compute_address.b'] } },
    );
    const addresses = ['a', 'b'].map((n) => resource(`google_compute_address.${n}`, { name: `nat-${n}` }, { unknown: { address: 'known after apply' } }));
    const fragment = fragmentOf([router(), nat, ...addresses]);
    assert.deepEqual(fragment.data.networks?.[0]?.routers?.[0]?.nats?.[0]?.natIps, ['nat-a', 'nat-b']);
    assert.deepEqual(fragment.data.addresses, [
      { name: 'nat-a', address: 'unknown' },
      { name: 'nat-b', address: 'unknown' },
    ]);
  });

  it('leaves out a NAT whose router is not in the input', () => {
    const nat = resource('google_compute_router_nat.n', { name: 'n', router: 'elsewhere', source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES' });
    assert.deepEqual(fragmentOf([nat]).notes, ['nat n: left out: its router "elsewhere" is not in the input']);
  });
});

describe('terraformFragment: private services access', () => {
  const range = (values: Record<string, unknown>, unknown?: Record<string, string>) =>
    resource('google_compute_global_address.psa', { name: 'psa', purpose: 'VPC_PEERING', prefix_length: 20, ...values }, { unknown });
  const connection = resource('google_service_networking_connection.c', { network: 'projects/acme/global/networks/vpc', reserved_peering_ranges: ['psa'] });

  it('gives the allocated range as address/prefix_length', () => {
    assert.deepEqual(fragmentOf([range({ address: '10.64.0.0' }), connection]).data.networks, [{ name: 'vpc', privateServicesAccess: { ranges: ['10.64.0.0/20'] } }]);
  });

  it('makes the ranges unknown while Google is still to choose the address', () => {
    const fragment = fragmentOf([range({}, { address: 'known after apply (google_compute_global_address.psa.address)' }), connection]);
    assert.deepEqual(fragment.data.networks, [{ name: 'vpc', privateServicesAccess: { ranges: 'unknown' } }]);
    assert.equal(fragment.unknownReason(['networks', 0, 'privateServicesAccess', 'ranges']), 'known after apply (google_compute_global_address.psa.address)');
  });

  it('makes the ranges unknown when a reserved range is not in the input', () => {
    const fragment = fragmentOf([connection]);
    assert.equal(fragment.unknownReason(['networks', 0, 'privateServicesAccess', 'ranges']), 'the reserved range "psa" is not a VPC_PEERING google_compute_global_address in the input');
  });
});

describe('terraformFragment: firewall rules', () => {
  const rule = (values: Record<string, unknown>) => resource(`google_compute_firewall.${String(values.name)}`, { network: 'vpc', priority: 1000, ...values });

  it('keeps the TCP part of each rule, with every port when a block lists none', () => {
    const fragment = fragmentOf([
      rule({ name: 'deny-all', direction: 'EGRESS', deny: [{ protocol: 'all', ports: [] }], destination_ranges: ['0.0.0.0/0'], priority: 65534 }),
      rule({ name: 'dns', direction: 'EGRESS', allow: [{ protocol: 'udp', ports: ['53'] }] }),
      rule({ name: 'web', allow: [{ protocol: 'tcp', ports: ['443', '8000-8100'] }, { protocol: 'icmp' }], target_tags: [] }),
    ]);
    assert.deepEqual(fragment.data.networks?.[0]?.firewall, [
      { name: 'deny-all', direction: 'egress', action: 'deny', priority: 65534, destinationRanges: ['0.0.0.0/0'] },
      // No direction: the API's default, INGRESS.
      { name: 'web', direction: 'ingress', action: 'allow', priority: 1000, ports: [443, '8000-8100'] },
    ]);
  });

  it('leaves out rules that target service accounts, and says so', () => {
    const fragment = fragmentOf([rule({ name: 'sa', direction: 'EGRESS', deny: [{ protocol: 'tcp' }], target_service_accounts: ['run@acme.iam.gserviceaccount.com'] })]);
    assert.equal(fragment.data.networks, undefined);
    assert.deepEqual(fragment.notes, ['firewall sa: left out: it targets service accounts, which the topology does not model']);
  });
});
