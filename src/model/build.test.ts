import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseTopology } from '../sources/topology-file.js';
import { buildTopology } from './build.js';
import { topologyFileSchema } from './schema.js';

const base = `
project: p
region: europe-west1
databases:
  - {name: db, publicIp: 198.51.100.20, privateIp: 10.20.0.3, privateNetwork: vpc}
caches:
  - {name: cache, host: 10.20.1.4}
externals:
  - {name: ch, url: "https://ch.example.com:8443"}
`;

const depsOf = (services: string) => {
  const { topology } = parseTopology('t.yaml', `${base}services:\n${services}`);
  const [service] = topology.services;
  assert.ok(service);
  return service.dependencies;
};

describe('dependency inference', () => {
  it('infers from URLs, Unix-socket URLs, host+port pairs and Cloud SQL mounts, recording the source', () => {
    const deps = depsOf(`  - name: s
    cloudSqlInstances: ["p:europe-west1:db"]
    env:
      DATABASE_URL: "postgresql://app:pw@/app?host=/cloudsql/p:europe-west1:db"
      REDIS_HOST: 10.20.1.4
      ANALYTICS_URL: "https://ch.example.com:8443/query"
      SEARCH_HOST: search.internal
      SEARCH_PORT: "9200"
      FRONTEND_URL: "https://app.example.com"
      LOG_LEVEL: debug
`);
    assert.deepEqual(
      deps.map((d) => [d.name, d.target.kind, d.provenance.kind === 'inferred' ? d.provenance.detail : 'declared']),
      [
        ['db', 'cloudsql-socket', 'env DATABASE_URL'],
        ['cache', 'cache', 'env REDIS_HOST'],
        ['ch', 'external', 'env ANALYTICS_URL'],
        ['search', 'address', 'env SEARCH_HOST'],
      ],
    );
    const [first] = deps;
    assert.ok(first);
    assert.deepEqual(first.origin.path, ['services', 0, 'env', 'DATABASE_URL']);
    assert.equal(first.critical, undefined, 'inferred dependencies have no criticality');
  });

  it('a declared dependency wins over an inferred one for the same target', () => {
    const deps = depsOf(`  - name: s
    env: {REDIS_URL: "redis://10.20.1.4:6379"}
    dependencies:
      - {name: sessions, cache: cache, critical: false}
`);
    assert.deepEqual(deps.map((d) => [d.name, d.provenance.kind, d.critical]), [['sessions', 'declared', false]]);
  });

  it('a database URL held in a secret resolves to the single mounted instance', () => {
    const deps = depsOf(`  - name: s
    cloudSqlInstances: ["p:europe-west1:db"]
    secrets: [{env: DATABASE_URL, secret: db-url, version: 2}]
`);
    const [only] = deps;
    assert.equal(deps.length, 1);
    assert.ok(only);
    assert.equal(only.target.kind, 'cloudsql-socket');
    assert.match(only.provenance.kind === 'inferred' ? only.provenance.detail : '', /used by DATABASE_URL/);
  });

  it('a URL in a secret with no mount to resolve it is an unresolved target, not a guess', () => {
    const deps = depsOf(`  - name: s
    secrets: [{env: CACHE_URL, secret: cache-url}]
`);
    assert.equal(deps[0]?.target.kind, 'unresolved');
  });

  it('dependency names stay unique: a duplicate declared name is an error, an inferred one gets a suffix', () => {
    assert.throws(() => depsOf(`  - name: s\n    dependencies:\n      - {name: api, url: "https://a.example.com", critical: true}\n      - {name: api, url: "https://b.example.com", critical: true}\n`), /duplicate dependency name "api"/);
    const deps = depsOf(`  - name: s\n    env: {API_URL: "https://other.example.com"}\n    dependencies:\n      - {name: api, url: "https://a.example.com", critical: true}\n`);
    assert.deepEqual(deps.map((d) => d.name), ['api', 'api-2']);
  });

  it('inference can be turned off', () => {
    assert.deepEqual(depsOf(`  - name: s\n    inferDependencies: false\n    env: {REDIS_URL: "redis://10.20.1.4:6379"}\n`), []);
  });

  it('a declared database is reached over the socket when mounted, else over its private IP', () => {
    const mounted = depsOf(`  - name: s\n    cloudSqlInstances: ["p:europe-west1:db"]\n    dependencies: [{name: pg, database: db, critical: true}]\n`);
    assert.equal(mounted[0]?.target.kind, 'cloudsql-socket');
    const tcp = depsOf(`  - name: s\n    dependencies: [{name: pg, database: db, critical: true}]\n`);
    assert.deepEqual(tcp[0]?.target, { kind: 'database', database: 'db', address: 'private-ip', port: 5432 });
  });

  it('a password in an env URL never reaches the dependency display', () => {
    const deps = depsOf(`  - name: s\n    env: {SEARCH_URL: "https://user:hunter2@search.example.com"}\n`);
    assert.equal(deps[0]?.display, 'https://user:***@search.example.com');
  });
});

describe('a public IP that exists but whose address is not given', () => {
  const databases = (entry: string) => buildTopology(topologyFileSchema.parse(parse(`project: p\nregion: europe-west1\ndatabases:\n  - ${entry}\n`)), 't.yaml');

  it('ipv4Enabled: true without publicIp, or with publicIp: unknown, is an address that exists, with its cause', () => {
    const { topology, issues } = databases('{name: db, ipv4Enabled: true}');
    assert.deepEqual(issues, []);
    assert.deepEqual(topology.databases.get('db')?.publicIp, { unknown: true, enabled: true, reason: 'db has a public IP, but its address is not given in t.yaml' });
    assert.deepEqual(databases('{name: db, ipv4Enabled: true, publicIp: unknown}').topology.databases.get('db')?.publicIp, {
      unknown: true,
      enabled: true,
      reason: 'db has a public IP, but its address is not given in t.yaml',
    });
  });

  it('a plain unknown stays "unknown whether there is one"; ipv4Enabled: false is none; the address wins when given', () => {
    assert.deepEqual(databases('{name: db, publicIp: unknown}').topology.databases.get('db')?.publicIp, { unknown: true, reason: 'databases.0.publicIp is unknown in t.yaml' });
    assert.equal(databases('{name: db, ipv4Enabled: false}').topology.databases.get('db')?.publicIp, null);
    assert.equal(databases('{name: db, ipv4Enabled: true, publicIp: 198.51.100.7}').topology.databases.get('db')?.publicIp, '198.51.100.7');
    assert.equal(databases('{name: db}').topology.databases.get('db')?.publicIp, null);
  });

  it('contradictions are located errors', () => {
    assert.deepEqual(databases('{name: db, ipv4Enabled: false, publicIp: 198.51.100.7}').issues, [
      { path: ['databases', 0, 'publicIp'], message: 'a public IP is given, but ipv4Enabled is false: remove one of them' },
    ]);
    assert.deepEqual(databases('{name: db, ipv4Enabled: true, publicIp: null}').issues, [{ path: ['databases', 0, 'publicIp'], message: 'publicIp is null, but ipv4Enabled is true: remove one of them' }]);
  });
});

describe("a cache's reserved range", () => {
  it('is kept, and a host outside it is a located error', () => {
    const cache = (entry: string) => buildTopology(topologyFileSchema.parse(parse(`region: europe-west1\ncaches:\n  - ${entry}\n`)), 't.yaml');
    const ok = cache('{name: c, host: 10.0.0.3, reservedIpRange: 10.0.0.0/29}');
    assert.deepEqual(ok.issues, []);
    assert.equal(ok.topology.caches.get('c')?.reservedIpRange?.text, '10.0.0.0/29');
    const bad = cache('{name: c, host: 10.0.1.3, reservedIpRange: 10.0.0.0/29}');
    assert.deepEqual(bad.issues, [{ path: ['caches', 0, 'host'], message: "host 10.0.1.3 is not in the cache's reservedIpRange 10.0.0.0/29" }]);
  });
});

describe('names', () => {
  const named = (name: string) => topologyFileSchema.safeParse({ region: 'europe-west1', networks: [{ name }] });
  it('accept a Terraform address (a resource named only after apply is named by it), and nothing else outside the pattern', () => {
    for (const ok of ['vpc', 'acme:eu:db', 'google_compute_network.main', 'module.app.google_sql_database_instance.main[0]', 'module.env["prod"].google_cloud_run_v2_service.svc["api"]']) {
      assert.equal(named(ok).success, true, ok);
    }
    for (const bad of ['-vpc', 'a b', 'svc["a"', 'google_x.y[a]', 'google_x.y["a"]"']) {
      const result = named(bad);
      assert.equal(result.success, false, bad);
      assert.match(result.error.issues[0]?.message ?? '', /a name of letters, digits/);
    }
  });
});
