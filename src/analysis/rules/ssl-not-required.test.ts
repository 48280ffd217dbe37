import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { openAuthorizedNetwork } from './open-authorized-network.js';
import { sslNotRequired as rule } from './ssl-not-required.js';

describe(rule.id, () => {
  const topology = loadRuleFixture(rule.id, 'databases');
  const findings = runRule(rule, topology);

  it('fails exactly the databases with authorized networks and no SSL requirement; critical when open to all', () => {
    assert.deepEqual(keySeverityLines(findings), ['database:office-access warning', 'database:open-to-all critical', 'database:public-ip-unknown warning']);
  });

  it('passes exactly the databases that require SSL, admit only the proxy, or have no public IP', () => {
    const failing = new Set(findings.map((f) => f.key));
    assert.deepEqual(
      [...topology.databases.keys()].filter((name) => !failing.has(`database:${name}`)),
      ['ssl-required', 'proxy-only', 'private-only'],
    );
  });

  it('raises its own severity for 0.0.0.0/0 without repeating open-authorized-network\'s finding', () => {
    const open = runRule(openAuthorizedNetwork, topology);
    assert.deepEqual(open.map((f) => f.key), ['database:open-to-all:0.0.0.0/0']);
    assert.ok(!findings.some((f) => open.some((o) => o.key === f.key)), 'distinct keys: two findings about two problems');
    assert.match(findings.find((f) => f.key === 'database:open-to-all')?.message ?? '', /anyone on the internet can connect without encryption\. Set requireSsl: true\./);
  });
});
