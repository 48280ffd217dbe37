import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { connectorInstanceBounds } from './connector-instance-bounds.js';
import { defaultOptions, type Finding } from './rule.js';

function check(fixture: string): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/connector-instance-bounds/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return connectorInstanceBounds.check(context, defaultOptions(connectorInstanceBounds));
}

describe('connector-instance-bounds', () => {
  const findings = check('instance-counts.yaml');

  it('flags exactly the bounds each connector breaks', () => {
    assert.deepEqual(Object.fromEntries(findings.map((f) => [f.key, f.severity])), {
      'connector:too-few:minInstances': 'warning',
      'connector:too-many:maxInstances': 'warning',
      'connector:flat:order': 'warning',
      'connector:inverted:minInstances': 'warning',
      'connector:inverted:order': 'warning',
    });
  });

  it('gives the accepted range and the fix', () => {
    assert.equal(
      findings.find((f) => f.key === 'connector:too-many:maxInstances')?.message,
      'connector too-many has maxInstances 20, outside the accepted 3–10: set it to 10 or less (`connectors update` can only raise these values, so lowering one means recreating the connector).',
    );
    assert.deepEqual(findings.find((f) => f.key === 'connector:flat:order')?.origin.path, ['connectors', 4, 'maxInstances']);
  });
});
