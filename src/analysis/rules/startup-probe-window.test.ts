import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { defaultOptions, type Finding } from './rule.js';
import { startupProbeWindow } from './startup-probe-window.js';

function check(fixture: string): Finding[] {
  const file = fileURLToPath(new URL(`../../../../test/fixtures/rules/startup-probe-window/${fixture}`, import.meta.url));
  const { topology } = parseTopology(file, readFileSync(file, 'utf8'));
  const context = { topology, paths: analyzeReachability(indexTopology(topology)), secretValues: new Map<string, string>() };
  return startupProbeWindow.check(context, defaultOptions(startupProbeWindow));
}

describe('startup-probe-window', () => {
  const findings = check('probe-timings.yaml');

  it('flags exactly the probe timings outside the limits', () => {
    assert.deepEqual(Object.fromEntries(findings.map((f) => [f.key, f.severity])), {
      'service:slow-start:startupProbe.window': 'critical',
      'service:sleepy:startupProbe.initialDelaySeconds': 'critical',
      'service:sleepy:startupProbe.timeoutSeconds': 'warning',
      'service:rare:startupProbe.window': 'critical',
    });
  });

  it('gives the numbers and a setting that fits', () => {
    const slow = findings.find((f) => f.key === 'service:slow-start:startupProbe.window');
    assert.match(slow?.message ?? '', /failureThreshold 30 × periodSeconds 10 = 300 s, but Cloud Run caps that window at 240 s: .* \(e\.g\. failureThreshold 24 × periodSeconds 10\)/);
    assert.deepEqual(slow?.origin.path, ['services', 2, 'startupProbe', 'failureThreshold']);
    assert.match(findings.find((f) => f.key === 'service:rare:startupProbe.window')?.message ?? '', /\(periodSeconds itself is at most 240\).*failureThreshold 1 × periodSeconds 240/);
    assert.match(findings.find((f) => f.key === 'service:sleepy:startupProbe.timeoutSeconds')?.message ?? '', /timeoutSeconds 10, not below periodSeconds 10/);
  });
});
