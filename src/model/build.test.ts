import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../sources/topology-file.js';

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
