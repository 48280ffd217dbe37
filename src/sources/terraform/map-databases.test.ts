import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeResource as resource, fragmentOf } from './map-testing.js';

const sql = (values: Record<string, unknown>, unknown?: Record<string, string>) =>
  resource('google_sql_database_instance.db', { name: 'db', region: 'europe-west1', database_version: 'POSTGRES_15', ...values }, { unknown });

describe('terraformFragment: Cloud SQL', () => {
  it('has no public IP when ipv4 is disabled and no private IP without a private network', () => {
    const fragment = fragmentOf([sql({ database_version: 'MYSQL_8_0', settings: [{ tier: 'db-f1-micro', ip_configuration: [{ ipv4_enabled: false }] }] })]);
    assert.deepEqual(fragment.data.databases, [{ name: 'db', region: 'europe-west1', engine: 'mysql', ipv4Enabled: false, publicIp: null, privateIp: null, tier: 'db-f1-micro' }]);
  });

  it('does not call a Private Service Connect instance unreachable: its address is unknown, and says why', () => {
    const fragment = fragmentOf([sql({ settings: [{ ip_configuration: [{ ipv4_enabled: false, psc_config: [{ psc_enabled: true }] }] }] })]);
    const [db] = fragment.data.databases ?? [];
    assert.deepEqual([db?.publicIp, db?.privateIp], [null, 'unknown']);
    assert.match(fragment.unknownReason(['databases', 0, 'privateIp']) ?? '', /Private Service Connect endpoint \(psc_config.psc_enabled\), which Lifeline does not model/);
    const off = fragmentOf([sql({ settings: [{ ip_configuration: [{ ipv4_enabled: false, psc_config: [{ psc_enabled: false }] }] }] })]);
    assert.equal(off.data.databases?.[0]?.privateIp, null);
  });

  it('keeps Google-assigned addresses that the input does not hold (HCL) as unknown', () => {
    const fragment = fragmentOf([sql({ settings: [{ ip_configuration: [{ private_network: 'projects/acme/global/networks/vpc', require_ssl: true }] }] })]);
    assert.deepEqual(fragment.data.databases, [
      { name: 'db', region: 'europe-west1', engine: 'postgres', ipv4Enabled: true, publicIp: 'unknown', privateIp: 'unknown', privateNetwork: 'vpc', requireSsl: true },
    ]);
    assert.equal(fragment.unknownReason(['databases', 0, 'publicIp']), 'google_sql_database_instance.db.public_ip_address is assigned by Google and is not in the input');
  });

  it('ipv4_enabled, true when absent, says there is a public IP even while its address is not known', () => {
    const absent = fragmentOf([sql({})]);
    const [db] = absent.data.databases ?? [];
    assert.deepEqual([db?.ipv4Enabled, db?.publicIp], [true, 'unknown']);
    const unknown = fragmentOf([sql({ settings: [{ ip_configuration: [{}] }] }, { 'settings[0].ip_configuration[0].ipv4_enabled': 'known after apply' })]);
    assert.equal(unknown.data.databases?.[0]?.ipv4Enabled, undefined, 'an unknown ipv4_enabled says nothing');
  });

  it('builds the connection name from the instance project and region when it is known only after apply', () => {
    const fragment = fragmentOf([sql({ project: 'acme-prod', public_ip_address: '34.1.2.3' }, { connection_name: 'known after apply' })]);
    assert.equal(fragment.data.databases?.[0]?.connectionName, 'acme-prod:europe-west1:db');
  });

  it('reads ssl_mode, authorized networks, flags and a NEVER activation policy', () => {
    const fragment = fragmentOf([
      sql({
        public_ip_address: '34.1.2.3',
        settings: [
          {
            activation_policy: 'NEVER',
            database_flags: [{ name: 'max_connections', value: '500' }],
            ip_configuration: [{ ssl_mode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED', authorized_networks: [{ name: 'anywhere', value: '0.0.0.0/0' }, { value: '192.0.2.1' }] }],
          },
        ],
      }),
    ]);
    assert.deepEqual(fragment.data.databases, [
      {
        name: 'db',
        region: 'europe-west1',
        engine: 'postgres',
        ipv4Enabled: true,
        publicIp: '34.1.2.3',
        privateIp: null,
        requireSsl: false,
        authorizedNetworks: [{ name: 'anywhere', cidr: '0.0.0.0/0' }, { cidr: '192.0.2.1/32' }],
        flags: { max_connections: '500' },
        state: 'STOPPED',
      },
    ]);
  });

  it('makes the public IP unknown when whether it exists is unknown', () => {
    const fragment = fragmentOf([sql({ settings: [{ ip_configuration: [{}] }] }, { 'settings[0].ip_configuration[0].ipv4_enabled': 'unresolved: var.public' })]);
    assert.equal(fragment.data.databases?.[0]?.publicIp, 'unknown');
    assert.equal(fragment.unknownReason(['databases', 0, 'publicIp']), 'unresolved: var.public');
  });
});

describe('terraformFragment: Memorystore for Redis', () => {
  it('reads the instance, its network by name, and keeps an unassigned host as unknown', () => {
    const redis = resource('google_redis_instance.cache', {
      name: 'cache',
      region: 'europe-west1',
      authorized_network: 'projects/acme/global/networks/vpc',
      connect_mode: 'DIRECT_PEERING',
      auth_enabled: false,
      transit_encryption_mode: 'DISABLED',
    });
    const fragment = fragmentOf([redis]);
    assert.deepEqual(fragment.data.caches, [
      { name: 'cache', host: 'unknown', region: 'europe-west1', authorizedNetwork: 'vpc', connectMode: 'DIRECT_PEERING', authEnabled: false, transitEncryption: 'DISABLED' },
    ]);
    assert.equal(fragment.unknownReason(['caches', 0, 'host']), 'google_redis_instance.cache.host is assigned by Google and is not in the input');
  });

  it("reads a DIRECT_PEERING instance's reserved range; a private services access range name is left out", () => {
    const withRange = (mode: string, range: string) => fragmentOf([resource('google_redis_instance.cache', { name: 'cache', region: 'europe-west1', connect_mode: mode, reserved_ip_range: range })]).data.caches?.[0]?.reservedIpRange;
    assert.equal(withRange('DIRECT_PEERING', '10.0.0.0/29'), '10.0.0.0/29');
    assert.equal(withRange('PRIVATE_SERVICE_ACCESS', 'google-managed-services-vpc'), undefined);
  });
});

describe('terraformFragment: Secret Manager', () => {
  const secret = resource('google_secret_manager_secret.s', { secret_id: 'api-key', name: 'projects/1/secrets/api-key' });
  const version = (name: string, values: Record<string, unknown>) => resource(`google_secret_manager_secret_version.${name}`, { secret: 'projects/1/secrets/api-key', ...values });

  it('lists the enabled versions', () => {
    const fragment = fragmentOf([secret, version('v1', { enabled: false, version: '1' }), version('v2', { enabled: true, name: 'projects/1/secrets/api-key/versions/2' })]);
    assert.deepEqual(fragment.data.secrets, [{ name: 'api-key', versions: ['2'] }]);
  });

  it('makes the versions unknown when Terraform manages none of them', () => {
    const fragment = fragmentOf([secret]);
    assert.deepEqual(fragment.data.secrets, [{ name: 'api-key', versions: 'unknown' }]);
    assert.equal(fragment.unknownReason(['secrets', 0, 'versions']), 'no google_secret_manager_secret_version for it in the input; versions added outside Terraform are not visible');
  });

  it('adds a secret that only a version names', () => {
    const fragment = fragmentOf([resource('google_secret_manager_secret_version.v', { secret: 'projects/1/secrets/other', version: '7' }, { line: 12 })]);
    assert.deepEqual(fragment.data.secrets, [{ name: 'other', versions: ['7'] }]);
    assert.deepEqual(fragment.locate(['secrets', 0]), { file: 'main.tf', line: 12, column: 2 });
  });
});

describe('terraformFragment: Serverless VPC Access connectors', () => {
  it('takes the network of the named subnet a connector uses', () => {
    const subnet = resource('google_compute_subnetwork.c', { name: 'connector', network: 'vpc', ip_cidr_range: '10.8.0.0/28' });
    const connector = resource('google_vpc_access_connector.c', { name: 'c', region: 'europe-west1', subnet: [{ name: 'connector' }], machine_type: 'e2-micro', state: 'ERROR' });
    assert.deepEqual(fragmentOf([subnet, connector]).data.connectors, [{ name: 'c', region: 'europe-west1', network: 'vpc', subnet: 'connector', machineType: 'e2-micro', state: 'ERROR' }]);
  });
});
