import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseSource } from './document.js';
import { InputError } from './errors.js';
import { Provenance, type Fragment, type TopologyInput } from './fragment.js';
import { mergeFragments } from './merge.js';
import { topologyFragment } from './topology-file.js';

const fixture = (name: string): Fragment => {
  const file = `test/fixtures/import/merge/${name}`;
  return topologyFragment(parseSource(file, readFileSync(file, 'utf8')));
};

/** A fragment as an importer would make it, with every value at line 1 of `file`. */
function imported(file: string, data: TopologyInput, reasons: Record<string, string> = {}): Fragment {
  const at = new Provenance();
  at.record([], { file, line: 1, column: 1 });
  for (const [path, reason] of Object.entries(reasons)) at.unknown(path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), reason);
  return { file, format: 'gcloud', data, locate: (p) => at.locate(p), unknownReason: (p) => at.unknownReason(p), notes: [], lineText: () => undefined };
}

describe('mergeFragments', () => {
  it('merges entities by name, attribute by attribute, keeping each value\'s file', () => {
    const merged = mergeFragments([fixture('network.yaml'), fixture('services.yaml'), imported('deploy.sh', { services: [{ name: 'api', region: 'europe-west1', minInstances: 1 }] })]);
    assert.deepEqual(merged.data.services, [
      {
        name: 'api',
        connector: 'run-connector',
        egress: 'private-ranges-only',
        maxInstances: 10,
        dependencies: [{ name: 'analytics', url: 'https://analytics.example.com', critical: false }],
        region: 'europe-west1',
        minInstances: 1,
      },
    ]);
    assert.equal(merged.data.project, 'acme-staging');
    assert.deepEqual(merged.source.origin(['services', 0, 'egress']), { file: 'test/fixtures/import/merge/services.yaml', path: ['services', 0, 'egress'] });
    assert.deepEqual(merged.source.origin(['services', 0, 'minInstances']), { file: 'deploy.sh', path: ['services', 0, 'minInstances'] });
    assert.deepEqual(merged.source.origin(['connectors', 0, 'ipCidrRange']), { file: 'test/fixtures/import/merge/network.yaml', path: ['connectors', 0, 'ipCidrRange'] });
    assert.deepEqual(merged.locate({ file: 'test/fixtures/import/merge/services.yaml', path: ['services', 0, 'egress'] }, { key: true }), { file: 'test/fixtures/import/merge/services.yaml', line: 5, column: 5 });
  });

  it('reports a conflict with both locations and changes nothing', () => {
    assert.throws(
      () => mergeFragments([fixture('network.yaml'), fixture('services.yaml'), fixture('conflicting.yaml')]),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        const messages = error.diagnostics.map((d) => `${d.file}:${d.line ?? '?'}: ${d.keyPath ?? ''}: ${d.message}`);
        assert.deepEqual(messages, [
          'test/fixtures/import/merge/conflicting.yaml:9: networks[0].subnets[0].cidr: "10.20.0.0/24" here conflicts with "10.10.0.0/24" at test/fixtures/import/merge/network.yaml:8:15; make the inputs agree, or remove the value from one of them',
        ]);
        return true;
      },
    );
  });

  it('lets a known value refine an unknown one, and keeps the importer\'s reason when nothing knows it', () => {
    const plan = imported('plan.json', { databases: [{ name: 'db', privateIp: 'unknown', publicIp: 'unknown' }] }, { 'databases.0.privateIp': 'known after apply', 'databases.0.publicIp': 'known after apply (ipv4_enabled)' });
    const topology = imported('topology.yaml', { databases: [{ name: 'db', privateIp: '10.30.0.3' }] });
    const merged = mergeFragments([plan, topology]);
    assert.deepEqual(merged.data.databases, [{ name: 'db', privateIp: '10.30.0.3', publicIp: 'unknown' }]);
    assert.equal(merged.source.origin(['databases', 0, 'privateIp']).file, 'topology.yaml');
    assert.equal(merged.source.unknownReason(['databases', 0, 'publicIp']), 'known after apply (ipv4_enabled)');
  });

  it('adds Cloud SQL mounts up (a deploy\'s --add-cloudsql-instances lists only what it adds)', () => {
    const tf = imported('main.tf', { services: [{ name: 'api', cloudSqlInstances: ['p:europe-west1:main-db', 'p:europe-west1:audit-db'] }] });
    const script = imported('deploy.sh', { services: [{ name: 'api', cloudSqlInstances: ['p:europe-west1:main-db'] }] });
    assert.deepEqual(mergeFragments([script, tf]).data.services?.[0]?.cloudSqlInstances, ['p:europe-west1:main-db', 'p:europe-west1:audit-db']);
  });

  it('a name twice in one input is that input\'s error, even when another input has the entity too', () => {
    const dup = imported('dup.yaml', { services: [{ name: 'api', maxInstances: 5 }, { name: 'api', maxInstances: 7 }] });
    const other = imported('other.yaml', { services: [{ name: 'api', region: 'europe-west1' }] });
    assert.throws(
      () => mergeFragments([dup, other]),
      (error: unknown) => error instanceof InputError && error.diagnostics.length === 1 && error.diagnostics[0]?.message === 'duplicate name "api" (also at dup.yaml:1:1); each entry needs its own name' && error.diagnostics[0].keyPath === 'services[1]',
    );
  });

  it('two descriptions of one service are drift, not an error: the first kept, what the other changes recorded', () => {
    const merged = mergeFragments([fixture('network.yaml'), fixture('services.yaml'), fixture('conflicting-service.yaml')]);
    assert.deepEqual(
      merged.drift.map((d) => [d.service, d.descriptions.map((x) => `${x.file} ${x.values.map((v) => `${v.path.join('.')}=${String(v.value)}`).join(',')}`)]),
      [['api', ['test/fixtures/import/merge/services.yaml services.0.egress=private-ranges-only', 'test/fixtures/import/merge/conflicting-service.yaml services.0.egress=all-traffic']]],
    );
    assert.equal((merged.data.services?.[0] as { egress?: string } | undefined)?.egress, 'private-ranges-only');
  });

  it('never shows an environment value in a conflict', () => {
    const a = imported('a.sh', { services: [{ name: 'api', env: { DATABASE_URL: 'postgres://app:hunter2-secret@10.0.0.3/db' } }], networks: [{ name: 'vpc', subnets: [{ name: 's', cidr: '10.0.0.0/24' }] }] });
    const b = imported('b.sh', { services: [{ name: 'api', env: { DATABASE_URL: 'postgres://app:other-secret@10.0.0.3/db' } }], networks: [{ name: 'vpc', subnets: [{ name: 's', cidr: '10.1.0.0/24' }] }] });
    assert.throws(
      () => mergeFragments([a, b]),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        // The differing env value is drift (the network is the error), and neither value is printed.
        assert.equal(error.diagnostics.length, 1);
        assert.doesNotMatch(error.message, /hunter2|other-secret/);
        return true;
      },
    );
  });
});
