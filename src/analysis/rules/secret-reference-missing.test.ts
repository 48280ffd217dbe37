import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Topology } from '../../model/topology.js';
import { parseTopology } from '../../sources/topology-file.js';
import { defaultOptions, type Finding } from './rule.js';
import { secretReferenceMissing as rule, secretRefKey } from './secret-reference-missing.js';

function load(name: string): Topology {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/${rule.id}/${name}.yaml`, import.meta.url));
  return parseTopology(file, fs.readFileSync(file, 'utf8')).topology;
}

function run(topology: Topology): Finding[] {
  return rule.check({ topology, paths: [], secretValues: new Map() }, defaultOptions(rule));
}

const keyed = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.key} ${f.severity}`).sort();

describe(rule.id, () => {
  const topology = load('references');
  const findings = run(topology);

  it('fails exactly the references to undeclared secrets, env and mounted alike', () => {
    assert.deepEqual(keyed(findings), [
      'api:env:SIGNING_KEY critical',
      'worker:env:WEBHOOK_TOKEN critical',
      'worker:mount:/secrets/stripe/key critical',
    ]);
  });

  it('passes exactly the references to declared secrets, including the other-project form', () => {
    const all = topology.services.flatMap((s) => s.secretRefs.map((r) => secretRefKey(s, r)));
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(
      all.filter((k) => !failing.has(k)),
      ['api:env:DATABASE_URL', 'api:mount:/secrets/signing/key', 'api:env:REPLICA_DATABASE_URL'],
    );
  });

  it('names the secret and what happens, and points at the reference', () => {
    const typo = findings.find((f) => f.key === 'api:env:SIGNING_KEY');
    assert.ok(typo);
    assert.match(typo.message, /secret "signing-keys" as env SIGNING_KEY, but no secret "signing-keys" is declared: instances will not start/);
    assert.deepEqual(typo.origin.path, ['services', 0, 'secrets', 1]);
    assert.equal(typo.service, 'api');
    assert.match(findings.find((f) => f.key === 'worker:mount:/secrets/stripe/key')?.message ?? '', /reading the file will fail/);
  });
});
