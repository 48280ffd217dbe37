import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyzeTopology } from '../analyze.js';
import { ruleFixturePath } from '../../../test/harness/rule-fixture.js';
import { workTree } from '../../sources/file-view.js';
import { loadInputs } from '../../sources/load.js';

it('two inputs describing one service differently: each analysed, AMBIGUOUS where verdicts differ, one finding naming both', async () => {
  const infra = ruleFixturePath('config-drift', 'infra.yaml');
  const redeploy = ruleFixturePath('config-drift', 'redeploy.yaml');
  const { topology } = await loadInputs(workTree, [infra, redeploy]);
  const analysis = analyzeTopology(topology, new Map(), { fixes: false });
  const findings = analysis.findings.filter((f) => f.ruleId === 'config-drift');
  assert.deepEqual(findings.map((f) => `${f.key} ${f.severity}`).sort(), ['service:api critical', 'service:worker warning']);
  const api = findings.find((f) => f.key === 'service:api');
  assert.match(api?.message ?? '', /egress = "private-ranges-only" \(.*infra\.yaml\) vs egress = "all-traffic" \(.*redeploy\.yaml\)/);
  assert.match(api?.message ?? '', /Verdicts differ for payments, internet, google-apis: AMBIGUOUS\./);
  assert.equal(api?.origin.file, redeploy);
  const payments = analysis.paths.find((p) => p.service === 'api' && p.dependency === 'payments');
  assert.equal(payments?.verdict, 'AMBIGUOUS');
  assert.deepEqual(payments.descriptions?.map((d) => `${d.verdict} ${d.cause ?? '-'}`), ['REACHABLE -', 'UNREACHABLE NO_EXTERNAL_ADDRESS']);
  // Passing: worker's descriptions differ only in size, so its verdicts agree and nothing is AMBIGUOUS.
  assert.ok(analysis.paths.filter((p) => p.service === 'worker').every((p) => p.verdict !== 'AMBIGUOUS'));
  assert.match(findings.find((f) => f.key === 'service:worker')?.message ?? '', /maxInstances = 4 .* vs maxInstances = 8 .*Their verdicts agree\./);
});
