import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Topology } from '../../model/topology.js';
import { parseTopology } from '../../sources/topology-file.js';
import { defaultOptions, type Finding, type RuleOptionValue } from './rule.js';
import { secretRefKey } from './secret-reference-missing.js';
import { secretVersion as rule } from './secret-version.js';

function load(name: string): Topology {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/${rule.id}/${name}.yaml`, import.meta.url));
  return parseTopology(file, fs.readFileSync(file, 'utf8')).topology;
}

function run(topology: Topology, options: Record<string, RuleOptionValue> = defaultOptions(rule)): Finding[] {
  return rule.check({ topology, paths: [], secretValues: new Map() }, options);
}

const keyed = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.key} ${f.severity}`).sort();

describe(rule.id, () => {
  const topology = load('versions');

  it('has the documented default: latest on env vars is flagged', () => {
    assert.deepEqual(defaultOptions(rule), { allowLatestInEnv: false });
  });

  it('fails exactly the unlisted versions (critical) and latest on env vars (warning)', () => {
    assert.deepEqual(keyed(run(topology)), [
      'api:env:OLD_DATABASE_URL critical',
      'api:env:SESSION_KEY warning',
      'api:mount:/secrets/db/url critical',
      'worker:env:SESSION_KEY warning',
    ]);
  });

  it('passes exactly listed versions, latest on mounts, unlisted-version secrets and undeclared secrets', () => {
    const all = topology.services.flatMap((s) => s.secretRefs.map((r) => secretRefKey(s, r)));
    const failing = new Set(run(topology).map((f) => f.key));
    assert.deepEqual(
      all.filter((k) => !failing.has(k)),
      ['api:env:DATABASE_URL', 'api:mount:/secrets/session/key', 'worker:env:LEGACY_TOKEN', 'worker:env:MISSING'],
    );
  });

  it('accepts latest on env vars when the option says it is deliberate', () => {
    assert.deepEqual(keyed(run(topology, { allowLatestInEnv: true })), ['api:env:OLD_DATABASE_URL critical', 'api:mount:/secrets/db/url critical']);
  });

  it('says which versions exist and what to do', () => {
    const findings = run(topology);
    assert.match(findings.find((f) => f.key === 'api:env:OLD_DATABASE_URL')?.message ?? '', /version 1 .* not listed \(enabled: 2, 3\): instances will not start/);
    assert.match(findings.find((f) => f.key === 'api:env:SESSION_KEY')?.message ?? '', /Pin a version \(listed: 1\), or mount the secret as a file/);
  });
});
