import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { connectorState } from './connector-state.js';

describe('connector-state', () => {
  const findings = checkRuleFixture(connectorState, 'states.yaml');

  it('flags exactly the connectors that are not READY, and the unknown one as info', () => {
    assert.deepEqual(severityByKey(findings), {
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
