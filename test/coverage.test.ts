import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function check(...args: string[]): { report: Report; status: number | null; text: string } {
  const json = spawnSync(process.execPath, [cli, 'check', ...args, '--format', 'json'], { encoding: 'utf8', cwd: root });
  assert.equal(json.stderr, '');
  const text = spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8', cwd: root });
  return { report: JSON.parse(json.stdout) as Report, status: json.status, text: text.stdout };
}

describe('coverage: nothing judged is not healthy', () => {
  it('a service whose connector is not described: INCOMPLETE, the connector named as the unknown, exit 1', () => {
    const { report, status, text } = check('examples/latent/service.tf');
    assert.equal(report.status, 'INCOMPLETE');
    assert.equal(status, 1);
    assert.deepEqual(
      report.paths.map((p) => `${p.destination} ${p.service} ${p.dependency} ${p.verdict}`),
      ['implicit api internet UNDETERMINED', 'implicit api google-apis UNDETERMINED'],
    );
    assert.deepEqual(
      report.coverage.unknowns.map((u) => `${u.key} ${u.cause} ${u.affects} ${u.location.file}:${u.location.line ?? '?'}`),
      ['connector:c1 not-described 2 examples/latent/service.tf:7'],
    );
    assert.deepEqual(report.findings.map((f) => `${f.ruleId} ${f.key} ${f.unjudged === true}`), ['incomplete connector:c1 true']);
    assert.match(text, /^Lifeline check: INCOMPLETE$/m);
    assert.match(text, /^Not judged \(1\)$/m);
    assert.doesNotMatch(text, /Nothing to do/);
  });

  it('with the connector and its network described: a latent warning that nothing public is reachable', () => {
    const { report, status } = check('examples/latent');
    assert.equal(report.status, 'DEGRADED');
    assert.equal(status, 0, 'a latent warning does not fail the default --fail-on critical');
    const latent = report.findings.filter((f) => f.ruleId === 'unreachable-destination');
    assert.deepEqual(latent.map((f) => `${f.key} ${f.severity}`), ['api→internet warning']);
    assert.match(latent[0]?.message ?? '', /no Cloud NAT in network vpc1 \(us-central1\) covers the connector range 10\.8\.0\.0\/28.*No dependency declared there yet: latent\./);
    assert.equal(report.paths.find((p) => p.dependency === 'private:vpc1:10.0.0.0/24')?.verdict, 'REACHABLE');
  });

  it('an accepted unknown is listed with its reason, the run passes, and the text says what is suppressed', () => {
    const baseline = join(mkdtempSync(join(tmpdir(), 'lifeline-coverage-')), 'baseline.json');
    const write = spawnSync(process.execPath, [cli, 'check', 'examples/latent/service.tf', '--write-baseline', baseline, '--reason', 'connector c1 lives in the network repository'], { encoding: 'utf8', cwd: root });
    assert.notEqual(write.status, 2, write.stderr);
    const { report, status, text } = check('examples/latent/service.tf', '--baseline', baseline);
    assert.equal(status, 0);
    assert.equal(report.status, 'HEALTHY');
    assert.deepEqual(report.coverage.unknowns.map((u) => u.accepted), [{ by: 'baseline', reason: 'connector c1 lives in the network repository' }]);
    assert.match(text, /0 finding\(s\) and 1 unknown\(s\) are suppressed \(0 inline, 1 by baseline\)/);
    assert.doesNotMatch(text, /Nothing to do/);
  });

  it('no Cloud Run service in any input is exit 2, saying what was read', () => {
    const run = spawnSync(process.execPath, [cli, 'check', 'test/fixtures/rules/unconfirmed-path/unknowns.yaml', 'docs'], { encoding: 'utf8', cwd: root });
    assert.notEqual(run.status, 2, 'a topology with services is judged');
    const none = spawnSync(process.execPath, [cli, 'check', 'examples/latent/network.yaml'], { encoding: 'utf8', cwd: root });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /found no Cloud Run service in these inputs: read examples\/latent\/network\.yaml \(topology\)/);
  });
});

describe('implicit destinations shared by services with the same egress', () => {
  it('each service\'s trace points at its own egress and connector lines, not the first service\'s', () => {
    const { report } = check('examples/incident/after.yaml');
    const lines = (service: string) =>
      report.paths
        .find((p) => p.service === service && p.dependency === 'internet')
        ?.hops.filter((h) => h.step === 'SELECT_EGRESS' || h.step === 'ARRIVE_AT_VPC_CONNECTOR')
        .map((h) => h.location?.line);
    // backend's egress is on line 72 and its connector on 71; auth's on 97 and 96.
    assert.deepEqual(lines('backend'), [72, 71]);
    assert.deepEqual(lines('auth'), [97, 96]);
  });
});
