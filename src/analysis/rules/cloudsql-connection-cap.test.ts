import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { cloudsqlConnectionCap } from './cloudsql-connection-cap.js';

describe('cloudsql-connection-cap', () => {
  const findings = checkRuleFixture(cloudsqlConnectionCap, 'pools-on-the-socket-path.yaml');

  it('flags exactly the socket-path pools above 100 per instance', () => {
    assert.deepEqual(severityByKey(findings), {
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
