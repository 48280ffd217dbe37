import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { startupProbeWindow } from './startup-probe-window.js';

describe('startup-probe-window', () => {
  const findings = checkRuleFixture(startupProbeWindow, 'probe-timings.yaml');

  it('flags exactly the probe timings outside the limits', () => {
    assert.deepEqual(severityByKey(findings), {
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
    assert.ok(!findings.some((f) => f.key.startsWith('service:platform-default:')), "Cloud Run's default probe (240 s timeout, 240 s period) is accepted");
    assert.match(findings.find((f) => f.key === 'service:rare:startupProbe.window')?.message ?? '', /\(periodSeconds itself is at most 240\).*failureThreshold 1 × periodSeconds 240/);
    assert.match(findings.find((f) => f.key === 'service:sleepy:startupProbe.timeoutSeconds')?.message ?? '', /timeoutSeconds 12, above periodSeconds 10/);
  });
});
