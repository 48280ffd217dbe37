import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { connectorState } from './connector-state.js';
import { defaultOptions, type Finding } from './rule.js';

function check(fixture: string): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/connector-state/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return connectorState.check(context, defaultOptions(connectorState));
}

describe('connector-state', () => {
  const findings = check('states.yaml');

  it('flags exactly the connectors that are not READY, and the unknown one as info', () => {
    assert.deepEqual(Object.fromEntries(findings.map((f) => [f.key, f.severity])), {
      'connector:broken': 'critical',
      'connector:new': 'critical',
      'connector:changing': 'critical',
      'connector:leaving': 'critical',
      'connector:planned': 'info',
    });
  });

  it('says who is affected and what to do', () => {
    assert.equal(
      findings[0]?.message,
      'connector broken is ERROR, not READY, and backend, worker send VPC traffic through it: it is in a bad state, and Google recommends deleting it manually; recreate it (or move the services to Direct VPC egress).',
    );
    assert.deepEqual(findings[0].origin.path, ['connectors', 1, 'state']);
    assert.match(findings.find((f) => f.key === 'connector:planned')?.message ?? '', /state of connector planned is unknown .* no service in the topology uses it/);
  });
});
