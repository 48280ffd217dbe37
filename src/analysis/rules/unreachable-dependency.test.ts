import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { defaultOptions } from './rule.js';
import { unreachableDependency } from './unreachable-dependency.js';

const FIXTURE = new URL('../../../../test/fixtures/rules/unreachable-dependency/criticality.yaml', import.meta.url);

it('reports exactly the unreachable paths, critical unless declared non-critical', () => {
  const { topology } = parseTopology('criticality.yaml', readFileSync(FIXTURE, 'utf8'));
  const findings = unreachableDependency.check({ topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map() }, defaultOptions(unreachableDependency));
  assert.deepEqual(
    findings.map((f) => [f.key, f.severity]).sort(),
    [
      ['checkout→analytics', 'warning'],
      ['checkout→payments', 'critical'],
      // Inferred: criticality not declared, so treated as critical, and the message says so.
      ['emails→mail-api', 'critical'],
    ],
  );
  // Passing: checkout → sessions (private, through the VPC), reports → analytics (its own path).
  assert.match(findings.find((f) => f.key === 'emails→mail-api')?.message ?? '', /criticality not declared/);
  assert.ok(findings.every((f) => f.message.includes('NO_EXTERNAL_ADDRESS')));
});
