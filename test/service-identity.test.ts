import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const before = readFileSync(join(root, 'examples/incident/before.yaml'), 'utf8');
const after_ = readFileSync(join(root, 'examples/incident/after.yaml'), 'utf8');

function check(cwd: string, files: readonly string[]): { report: Report; status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [cli, 'check', ...files, '--format', 'json'], { encoding: 'utf8', cwd });
  return { report: JSON.parse(run.stdout) as Report, status: run.status, stderr: run.stderr };
}

const verdicts = (report: Report): string[] =>
  report.paths
    .filter((p) => p.destination === 'dependency' && p.dependency === 'postgres')
    .map((p) => `${p.service} ${p.verdict}`)
    .sort();

describe('services are identified by project, region and name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-identity-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prod and staging files deploying the same names are two sets of services, not drift and not a conflict', () => {
    // The same topology in two projects: staging after the bad deploy, prod still before it.
    writeFileSync(join(dir, 'staging.yaml'), after_);
    writeFileSync(join(dir, 'prod.yaml'), before.replaceAll('acme-staging', 'acme-prod'));
    const { report, status, stderr } = check(dir, ['staging.yaml', 'prod.yaml']);
    assert.equal(stderr, '');
    assert.equal(status, 1);
    assert.deepEqual(verdicts(report), ['acme-prod:auth REACHABLE', 'acme-prod:backend REACHABLE', 'acme-staging:auth UNREACHABLE', 'acme-staging:backend UNREACHABLE']);
    assert.deepEqual(
      report.coverage.services.map((s) => `${s.project} ${s.name}`).sort(),
      ['acme-prod acme-prod:auth', 'acme-prod acme-prod:backend', 'acme-staging acme-staging:auth', 'acme-staging acme-staging:backend'],
    );
    assert.equal(report.findings.filter((f) => f.ruleId === 'config-drift').length, 0);
    // Each project's findings keep their own fingerprint: accepting one accepts only that one.
    const keys = report.findings.map((f) => f.fingerprint);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(report.findings.some((f) => f.service === 'acme-staging:backend' && f.severity === 'critical'));
    assert.ok(!report.findings.some((f) => f.service?.startsWith('acme-prod:') && f.severity === 'critical'));
  });

  it('the same file checked alone gives the unqualified names it always did', () => {
    const { report } = check(dir, ['staging.yaml']);
    assert.deepEqual(verdicts(report), ['auth UNREACHABLE', 'backend UNREACHABLE']);
  });

  it('files for two regions of one project are two services per name, each with its own region', () => {
    writeFileSync(join(dir, 'west1.yaml'), after_);
    // The same services in another region, before the bad deploy.
    writeFileSync(join(dir, 'west4.yaml'), before.replaceAll('europe-west1', 'europe-west4').replaceAll('staging-', 'west4-'));
    const { report, stderr } = check(dir, ['west1.yaml', 'west4.yaml']);
    assert.equal(stderr, '');
    assert.deepEqual(verdicts(report), ['europe-west1:auth UNREACHABLE', 'europe-west1:backend UNREACHABLE', 'europe-west4:auth REACHABLE', 'europe-west4:backend REACHABLE']);
    assert.deepEqual(report.coverage.services.map((s) => `${s.name} ${s.region}`).sort(), [
      'europe-west1:auth europe-west1',
      'europe-west1:backend europe-west1',
      'europe-west4:auth europe-west4',
      'europe-west4:backend europe-west4',
    ]);
  });

  it('two inputs for one project and region that differ are still drift', () => {
    writeFileSync(join(dir, 'terraform-view.yaml'), before);
    writeFileSync(join(dir, 'redeploy.yaml'), after_);
    const { report } = check(dir, ['terraform-view.yaml', 'redeploy.yaml']);
    assert.deepEqual(verdicts(report), ['auth AMBIGUOUS', 'backend AMBIGUOUS']);
    assert.ok(report.findings.some((f) => f.ruleId === 'config-drift' && f.service === 'backend'));
  });
});

describe('diff across projects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-identity-diff-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('compares project by project: the staging change is worse, prod is untouched, names are PROJECT:NAME', () => {
    for (const side of ['base', 'head']) mkdirSync(join(dir, side));
    writeFileSync(join(dir, 'base', 'staging.yaml'), before);
    writeFileSync(join(dir, 'head', 'staging.yaml'), after_);
    for (const side of ['base', 'head']) writeFileSync(join(dir, side, 'prod.yaml'), before.replaceAll('acme-staging', 'acme-prod'));
    const run = spawnSync(process.execPath, [cli, 'diff', 'base', 'head', '--format', 'json'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as { worse: { service: string; dependency: string }[] };
    const worse = report.worse.map((p) => p.service);
    assert.ok(worse.length > 0);
    assert.ok(worse.every((s) => s.startsWith('acme-staging:')), worse.join(', '));
    assert.ok(worse.includes('acme-staging:backend'));
  });
});
