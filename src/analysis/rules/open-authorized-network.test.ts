import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseTopology } from '../../sources/topology-file.js';
import { openAuthorizedNetwork } from './open-authorized-network.js';
import { defaultOptions } from './rule.js';

const FIXTURE = new URL('../../../../test/fixtures/rules/open-authorized-network/databases.yaml', import.meta.url);

it('reports exactly the 0.0.0.0/0 authorized networks, as critical, at their line', () => {
  const { topology } = parseTopology('databases.yaml', readFileSync(FIXTURE, 'utf8'));
  const findings = openAuthorizedNetwork.check({ topology, paths: [], secretValues: new Map() }, defaultOptions(openAuthorizedNetwork));
  assert.deepEqual(findings.map((f) => [f.key, f.severity]), [['database:open:0.0.0.0/0', 'critical']]);
  assert.deepEqual(findings[0]?.origin.path, ['databases', 0, 'authorizedNetworks', 0]);
  // Passing: the office range on both databases; the private-only database.
});
