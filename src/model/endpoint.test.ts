import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudSqlConnectionFromSocketDir, parseEndpoint } from './endpoint.js';
import { classifyAddress, parseCidr, parseIpv4 } from './ip.js';
import { redactConnectionString, redactSourceLine, redactUrlPasswords } from './redact.js';

describe('connection strings', () => {
  it('reads a Cloud SQL Unix-socket URL that WHATWG URL rejects', () => {
    const e = parseEndpoint('postgresql://app:s3cret@/app?host=/cloudsql/p:europe-west1:db');
    assert.equal(e?.socketDir, '/cloudsql/p:europe-west1:db');
    assert.equal(e.host, undefined);
    assert.equal(e.display, 'postgresql://app:***@/app?host=/cloudsql/p:europe-west1:db');
    assert.equal(cloudSqlConnectionFromSocketDir(e.socketDir), 'p:europe-west1:db');
  });

  it('fills default ports by scheme and reads host:port', () => {
    assert.deepEqual([parseEndpoint('rediss://10.0.0.3')?.port, parseEndpoint('https://api.example.com/v1')?.port], [6379, 443]);
    assert.deepEqual(parseEndpoint('db.internal:5433'), { scheme: undefined, host: 'db.internal', port: 5433, socketDir: undefined, display: 'db.internal:5433' });
    assert.equal(parseEndpoint('not a url'), undefined);
  });
});

describe('addresses', () => {
  it('classifies what the egress selector sees', () => {
    const c = (ip: string) => classifyAddress(parseIpv4(ip) ?? -1);
    assert.deepEqual(
      ['10.1.2.3', '172.31.0.1', '192.168.1.1', '199.36.153.9', '100.64.0.1', '240.0.0.1', '8.8.8.8', '172.32.0.1'].map(c),
      ['rfc1918', 'rfc1918', 'rfc1918', 'google-vip', 'rfc6598', 'class-e', 'public', 'public'],
    );
  });

  it('parses CIDRs strictly', () => {
    assert.equal(parseCidr('10.8.0.0/28')?.prefix, 28);
    assert.equal(parseCidr('10.8.0.0/33'), undefined);
    assert.equal(parseCidr('10.8.0/28'), undefined);
    assert.equal(parseCidr('256.0.0.0/8'), undefined);
  });
});

describe('redaction', () => {
  it('masks URL passwords and secret-looking values in source lines', () => {
    assert.equal(redactUrlPasswords('x redis://:pw@h:1 y https://u:p@h'), 'x redis://:***@h:1 y https://u:***@h');
    assert.equal(redactSourceLine('      API_KEY: sk_live_abc'), '      API_KEY: ***');
    assert.equal(redactSourceLine('  "DB_PASSWORD": "x",'), '  "DB_PASSWORD": ***,');
    assert.equal(redactSourceLine('env: {A: 1, API_TOKEN: t0k, B: 2}'), 'env: {A: 1, API_TOKEN: ***, B: 2}');
    assert.equal(redactSourceLine('{"env":{"DB_PASSWORD":"p\\"w"}}'), '{"env":{"DB_PASSWORD":***}}');
    assert.equal(redactUrlPasswords('postgresql://app:Sup3r@S3cret@10.0.0.3/db'), 'postgresql://app:***@10.0.0.3/db');
    assert.equal(redactSourceLine('    egress: all-traffic'), '    egress: all-traffic');
  });

  it('masks query-string and ;key=value credentials of connection strings, and nothing else', () => {
    assert.equal(redactConnectionString('jdbc:postgresql://h/db?user=app&password=p%40ss&ssl=true'), 'jdbc:postgresql://h/db?user=app&password=***&ssl=true');
    assert.equal(redactConnectionString('jdbc:sqlserver://h:1433;databaseName=r;Password=x;encrypt=true'), 'jdbc:sqlserver://h:1433;databaseName=r;Password=***;encrypt=true');
    assert.equal(redactConnectionString('mongodb://u:pw@h1,h2/db?authSource=admin&tlsCertificateKeyFilePassword=k'), 'mongodb://u:***@h1,h2/db?authSource=admin&tlsCertificateKeyFilePassword=***');
  });
});
