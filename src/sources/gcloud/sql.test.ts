import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fragment } from '../fragment.js';
import { importGcloudScript } from './script.js';

const read = (script: string): Fragment => importGcloudScript('db.sh', script);

describe('gcloud sql instances create', () => {
  it('reads engine, tier, region, private network, authorized networks and SSL; a created instance has a public IP unless told otherwise', () => {
    const fragment = read('gcloud sql instances create main --database-version=POSTGRES_16 --tier db-g1-small --region europe-west1 \\\n  --network=projects/p/global/networks/vpc --authorized-networks=203.0.113.7,198.51.100.0/24 --ssl-mode=ENCRYPTED_ONLY\n');
    assert.deepEqual(fragment.data.databases, [
      {
        name: 'main',
        engine: 'postgres',
        tier: 'db-g1-small',
        region: 'europe-west1',
        privateNetwork: 'vpc',
        privateIp: 'unknown',
        ipv4Enabled: true,
        publicIp: 'unknown',
        requireSsl: true,
        authorizedNetworks: [{ cidr: '203.0.113.7/32' }, { cidr: '198.51.100.0/24' }],
      },
    ]);
    assert.equal(fragment.unknownReason(['databases', 0, 'publicIp']), '`gcloud sql instances create` assigns a public IP unless --no-assign-ip; its address is allocated by Google');
    assert.equal(fragment.unknownReason(['databases', 0, 'privateIp']), 'allocated by Google when `gcloud sql instances create` gives the instance a private IP on vpc');
    assert.deepEqual(fragment.locate(['databases', 0, 'publicIp']), { file: 'db.sh', line: 1, column: 1 });
    assert.deepEqual(fragment.locate(['databases', 0, 'privateIp']), { file: 'db.sh', line: 2, column: 3 });
  });

  it('says gcloud creates MySQL 8.0 when no version is given', () => {
    const fragment = read('gcloud sql instances create legacy --no-assign-ip\n');
    assert.deepEqual(fragment.data.databases, [{ name: 'legacy', engine: 'mysql', ipv4Enabled: false, publicIp: null }]);
    assert.deepEqual(fragment.notes, ['databases[legacy].engine: no --database-version; gcloud creates MYSQL_8_0']);
  });

  it('refuses an unknown database version and SSL mode at their values', () => {
    assert.throws(() => read('gcloud sql instances create db --database-version=ORACLE_19 --ssl-mode=SOMETIMES\n'), {
      message: [
        'db.sh:1:32: error: --database-version: expected a version such as POSTGRES_16, MYSQL_8_0 or SQLSERVER_2022_STANDARD, got "ORACLE_19"',
        'db.sh:1:61: error: --ssl-mode: expected ALLOW_UNENCRYPTED_AND_ENCRYPTED, ENCRYPTED_ONLY, TRUSTED_CLIENT_CERTIFICATE_REQUIRED, got "SOMETIMES"',
      ].join('\n'),
    });
  });
});

describe('gcloud sql instances patch', () => {
  it('changes only what it names: flags, the public IP, SSL', () => {
    const fragment = read('gcloud sql instances patch main --database-flags=max_connections=200,cloudsql.iam_authentication=on --no-require-ssl --no-assign-ip\n');
    assert.deepEqual(fragment.data.databases, [{ name: 'main', ipv4Enabled: false, publicIp: null, requireSsl: false, flags: { max_connections: '200', 'cloudsql.iam_authentication': 'on' } }]);
    assert.deepEqual(fragment.locate(['databases', 0, 'flags', 'max_connections']), { file: 'db.sh', line: 1, column: 33 });
  });

  it('applies a patch after the create in the same script', () => {
    const fragment = read('gcloud sql instances create main --database-version=POSTGRES_15 --database-flags=max_connections=100\ngcloud sql instances patch main --assign-ip --clear-authorized-networks --database-flags=max_connections=250\n');
    assert.deepEqual(fragment.data.databases, [{ name: 'main', engine: 'postgres', ipv4Enabled: true, publicIp: 'unknown', flags: { max_connections: '250' }, authorizedNetworks: [] }]);
    assert.equal(fragment.unknownReason(['databases', 0, 'publicIp']), '--assign-ip gives the instance a public IP; its address is allocated by Google');
  });

  it('notes a database flag whose value the script leaves to run time', () => {
    const fragment = read('gcloud sql instances patch main --database-flags=max_connections=$MAX,work_mem=64\n');
    assert.deepEqual(fragment.data.databases, [{ name: 'main', flags: { work_mem: '64' } }]);
    assert.deepEqual(fragment.notes, ['databases[main].flags.max_connections: its value is given by $MAX, which is not set in db.sh; not imported']);
  });
});
