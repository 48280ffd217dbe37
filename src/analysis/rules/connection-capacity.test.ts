import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRuleFixture, severityByKey } from '../../../test/harness/rule-fixture.js';
import { connectionCapacity } from './connection-capacity.js';

describe('connection-capacity', () => {
  const findings = checkRuleFixture(connectionCapacity, 'pools-against-max-connections.yaml');

  it('flags exactly the databases whose usable connections the pools exceed or crowd', () => {
    assert.deepEqual(severityByKey(findings), {
      'database:incident-db': 'critical',
      'database:near-full': 'warning',
      'database:tiny': 'critical',
      'database:mystery': 'info',
    });
  });

  it('states the incident with its numbers and points at the tier', () => {
    const incident = findings.find((f) => f.key === 'database:incident-db');
    assert.match(incident?.message ?? '', /1500 connections .* accepts only 95 \(max_connections 100 from the default of tier db-custom-1-3840/);
    assert.match(incident?.message ?? '', /backend → postgres: 20 instances × \(25 \+ 50\) = 1500/);
    assert.match(incident?.message ?? '', /cloudsqladmin sessions \(assumed, unconfirmed\)/);
    assert.deepEqual(incident?.origin.path, ['databases', 0, 'tier']);
  });

  it('uses the flags over the tier, and says when a pool size was assumed', () => {
    const nearFull = findings.find((f) => f.key === 'database:near-full');
    assert.match(nearFull?.message ?? '', /160 connections .* 85% of its 188 usable \(max_connections 200 from the max_connections flag − 10 superuser_reserved_connections/);
    assert.deepEqual(nearFull?.origin.path, ['databases', 1, 'flags', 'max_connections']);
    assert.match(findings.find((f) => f.key === 'database:tiny')?.message ?? '', /3 instances × 10 \(no poolSize declared: assumed\) = 30/);
    assert.match(findings.find((f) => f.key === 'database:mystery')?.message ?? '', /cannot be checked: tier db-perf-optimized-N-8 is not in/);
  });

  it('honours its options', () => {
    assert.deepEqual(severityByKey(checkRuleFixture(connectionCapacity, 'pools-against-max-connections.yaml', { warningPercent: 90, assumedPoolSize: 5 })), {
      'database:incident-db': 'critical',
      'database:mystery': 'info',
    });
    assert.throws(() => checkRuleFixture(connectionCapacity, 'pools-against-max-connections.yaml', { warningPercent: 'high' }), /option `warningPercent` must be a non-negative number/);
  });
});
