import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareWithStatic } from './compare.js';

it('sets each outcome beside the static verdict', () => {
  const agrees = (outcome: Parameters<typeof compareWithStatic>[0], verdict: Parameters<typeof compareWithStatic>[1]) => compareWithStatic(outcome, verdict, undefined).agrees;
  assert.deepEqual(
    [
      agrees('OK', 'REACHABLE'),
      agrees('AUTH_FAILED', 'REACHABLE'),
      agrees('REFUSED', 'REACHABLE'),
      agrees('TIMEOUT_CONNECT', 'REACHABLE'),
      agrees('TIMEOUT_CONNECT', 'UNREACHABLE'),
      agrees('OK', 'UNREACHABLE'),
      agrees('RESET', 'UNREACHABLE'),
      agrees('DNS_FAILED', 'REACHABLE'),
      agrees('DNS_FAILED', 'UNREACHABLE'),
      agrees('OK', 'UNDETERMINED'),
    ],
    [true, true, true, false, true, false, false, null, null, null],
  );
  // A failed lookup is never taken as evidence about the egress path (the incident's misreading).
  assert.match(compareWithStatic('DNS_FAILED', 'UNREACHABLE', 'NO_EXTERNAL_ADDRESS').suggestion, /says nothing about the egress path/);
});
