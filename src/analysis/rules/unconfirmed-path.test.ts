import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { defaultOptions } from './rule.js';
import { unconfirmedPath } from './unconfirmed-path.js';

const FIXTURE = new URL('../../../../test/fixtures/rules/unconfirmed-path/unknowns.yaml', import.meta.url);

it('reports exactly the UNDETERMINED and AMBIGUOUS paths, as warnings', () => {
  const { topology } = parseTopology('unknowns.yaml', readFileSync(FIXTURE, 'utf8'));
  const findings = unconfirmedPath.check({ topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map() }, defaultOptions(unconfirmedPath));
  assert.deepEqual(
    findings.map((f) => [f.key, f.severity, /is (UNDETERMINED|AMBIGUOUS)/.exec(f.message)?.[1]]).sort(),
    [
      ['half-allowed→partner', 'warning', 'AMBIGUOUS'],
      ['secret-url→cache', 'warning', 'UNDETERMINED'],
      ['unknown-egress→partner', 'warning', 'UNDETERMINED'],
    ],
  );
  // Passing: half-allowed → public-api (NAT reaches it; no allow-list).
});
