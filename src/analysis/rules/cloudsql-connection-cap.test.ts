import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { cloudsqlConnectionCap } from './cloudsql-connection-cap.js';
import { defaultOptions, type Finding } from './rule.js';

function check(fixture: string): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/cloudsql-connection-cap/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return cloudsqlConnectionCap.check(context, defaultOptions(cloudsqlConnectionCap));
}

describe('cloudsql-connection-cap', () => {
  const findings = check('pools-on-the-socket-path.yaml');

  it('flags exactly the socket-path pools above 100 per instance', () => {
    assert.deepEqual(Object.fromEntries(findings.map((f) => [f.key, f.severity])), {
      'backend→postgres': 'warning',
      'batch→postgres': 'warning',
    });
  });

  it('gives the numbers and the fix', () => {
    assert.match(
      findings[0]?.message ?? '',
      /^backend → postgres may open poolSize 80 \+ maxOverflow 50 = 130 connections per instance to shop:europe-west1:main .* at most 100: the last 30 fail under load\. Keep poolSize \+ maxOverflow at 100 or less/,
    );
    assert.deepEqual(findings[0]?.origin.path, ['services', 0, 'dependencies', 0]);
  });
});
