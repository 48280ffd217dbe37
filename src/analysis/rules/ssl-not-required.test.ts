import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Topology } from '../../model/topology.js';
import { parseTopology } from '../../sources/topology-file.js';
import { openAuthorizedNetwork } from './open-authorized-network.js';
import { defaultOptions, type Finding } from './rule.js';
import { sslNotRequired as rule } from './ssl-not-required.js';

function load(name: string): Topology {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/${rule.id}/${name}.yaml`, import.meta.url));
  return parseTopology(file, fs.readFileSync(file, 'utf8')).topology;
}

function run(topology: Topology): Finding[] {
  return rule.check({ topology, paths: [], secretValues: new Map() }, defaultOptions(rule));
}

const keyed = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.key} ${f.severity}`).sort();

describe(rule.id, () => {
  const topology = load('databases');
  const findings = run(topology);

  it('fails exactly the databases with authorized networks and no SSL requirement; critical when open to all', () => {
    assert.deepEqual(keyed(findings), ['database:office-access warning', 'database:open-to-all critical', 'database:public-ip-unknown warning']);
  });

  it('passes exactly the databases that require SSL, admit only the proxy, or have no public IP', () => {
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(
      [...topology.databases.keys()].filter((name) => !failing.has(`database:${name}`)),
      ['ssl-required', 'proxy-only', 'private-only'],
    );
  });

  it('raises its own severity for 0.0.0.0/0 without repeating open-authorized-network\'s finding', () => {
    const open = openAuthorizedNetwork.check({ topology, paths: [], secretValues: new Map() }, {});
    assert.deepEqual(open.map((f) => f.key), ['database:open-to-all:0.0.0.0/0']);
    assert.ok(!findings.some((f) => open.some((o) => o.key === f.key)), 'distinct keys: two findings about two problems');
    assert.match(findings.find((f) => f.key === 'database:open-to-all')?.message ?? '', /anyone on the internet can connect without encryption\. Set requireSsl: true\./);
  });
});
