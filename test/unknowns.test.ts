import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function check(input: string): { status: number | null; report: Report } {
  const run = spawnSync(process.execPath, [cli, 'check', `test/fixtures/import/unknowns/${input}`, '--format', 'json'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(run.status, 2, run.stdout + run.stderr);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

describe('values the configuration does not give', () => {
  it('a Cloud NAT on a reserved address with no literal IP: the address is known after apply, not an error', () => {
    const { report } = check('nat-reserved-address-no-ip');
    const path = report.paths.find((p) => p.dependency === 'partner');
    assert.ok(path);
    const nat = path.hops.find((h) => h.step === 'NAT');
    assert.match(nat?.detail ?? '', /its IPs are unknown \(known after apply: google_compute_address\.nat sets no `address`/);
    // No allow-list at the destination: which IP the NAT uses does not matter.
    assert.equal(path.verdict, 'REACHABLE');
  });
});

describe('a repository root with unrelated files and values the files do not give', () => {
  // The repository-root fixture (Kubernetes manifests, Skaffold, a multi-document Cloud Deploy file,
  // blueprint metadata, docker-compose…) plus a workflow whose region is a CI secret.
  const repository = mkdtempSync(join(tmpdir(), 'lifeline-partial-'));
  cpSync(join(root, 'test/fixtures/repos/repository-root'), repository, { recursive: true });
  cpSync(join(root, 'test/fixtures/import/unknowns/region-from-ci-secret/.github'), join(repository, '.github'), { recursive: true });
  // The workflow's service is called billing here: the fixture root already has an api.
  const workflow = join(repository, '.github/workflows/deploy.yml');
  writeFileSync(workflow, readFileSync(workflow, 'utf8').replace('gcloud run deploy api ', 'gcloud run deploy billing '));
  after(() => {
    rmSync(repository, { recursive: true, force: true });
  });

  it('is read whole, nothing is fatal, and every unknown is listed with its reason', () => {
    const run = spawnSync(process.execPath, [cli, 'check', '.', '--format', 'json'], { cwd: repository, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    // CRITICAL: the fixture's worker sends all traffic into a VPC with no NAT; what was not judged is counted beside it.
    assert.equal(report.status, 'CRITICAL');
    assert.ok(report.summary.unjudged > 0);
    const ignored = report.sources?.ignored.map((i) => i.file) ?? [];
    for (const file of ['skaffold.yaml', 'metadata.yaml', 'docker-compose.yml', 'k8s/deployment.yaml']) assert.ok(ignored.includes(file), file);
    assert.equal(ignored.filter((f) => f === 'deploy/clouddeploy.yaml').length, 3, 'each document of the Cloud Deploy file ignored on its own');
    // The workflow's service: its region is a CI secret, its connector not described: undetermined, with the reason.
    const api = report.paths.filter((p) => p.service === 'billing' && p.verdict === 'UNDETERMINED');
    assert.ok(api.length > 0);
    assert.ok((report.sources?.notes ?? []).some((n) => /--region is given by \$\{\{ secrets\.REGION \}\}/.test(n)));
    const unknowns = report.coverage.unknowns.map((u) => `${u.key} ${u.cause}`);
    assert.ok(unknowns.includes('service:billing.region ci-secret'), unknowns.join('\n'));
  });
});
