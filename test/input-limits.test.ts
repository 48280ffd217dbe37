import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function lifeline(args: readonly string[], cwd: string): { status: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('hostile inputs end in a located exit 2, bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-limits-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('10,000-deep JSON is refused where it goes too deep, with no stack trace', () => {
    writeFileSync(join(dir, 'deep.json'), `{"version": 1, "services": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const run = lifeline(['check', 'deep.json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^deep\.json:1:\d+: error: nested more than 200 levels deep/);
    assert.doesNotMatch(run.stderr, /internal error|at .*\.js:\d+/);
  });

  it('a JSON key given twice is an error at the second, not the last silently winning', () => {
    writeFileSync(join(dir, 'twice.json'), '{\n  "version": 1,\n  "services": [],\n  "services": [{"name": "api"}]\n}\n');
    const run = lifeline(['check', 'twice.json'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^twice\.json:4:3: error: duplicate key "services" in this object/);
  });

  it('a 5 MB .tf file is refused before the HCL parser sees it; a 3 MB script named is refused, one in a directory skipped', () => {
    const tf = join(dir, 'huge-tf');
    mkdirSync(tf);
    writeFileSync(join(tf, 'main.tf'), `locals {\n  blob = <<EOT\n${'x'.repeat(5 * 1024 * 1024)}\nEOT\n}\n`);
    const run = lifeline(['check', 'huge-tf'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /main\.tf: error: is 5\.0 MiB, larger than the 4 MiB limit for one Terraform file/);
    const scripts = join(dir, 'scripts');
    mkdirSync(scripts);
    writeFileSync(join(scripts, 'deploy.sh'), `gcloud run deploy api --region europe-west1 --args=${'a,'.repeat(1_500_000)}\n`);
    const named = lifeline(['check', 'scripts/deploy.sh'], dir);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /deploy\.sh: error: is 2\.9 MiB, larger than the 2 MiB limit for one script/);
    const walked = lifeline(['check', 'scripts', '--format', 'json'], dir);
    assert.equal(walked.status, 2);
    assert.match(walked.stderr, /no recognised input .*ignored: scripts\/deploy\.sh \(is 2\.9 MiB, larger than the 2 MiB limit/s);
  });

  it('a 60 KB comment and a 200 KB value with a type error are checked in bounded time (redaction is linear)', () => {
    const topology = readFileSync(join(root, 'examples/incident/after.yaml'), 'utf8');
    writeFileSync(join(dir, 'comment.yaml'), `${topology}# ${'x'.repeat(60_000)}\n`);
    const started = Date.now();
    const comment = lifeline(['check', 'comment.yaml'], dir);
    assert.equal(comment.status, 1, comment.stderr);
    writeFileSync(join(dir, 'long-value.yaml'), topology.replace('maxInstances: 20', `maxInstances: "${'y'.repeat(200_000)}"`));
    const value = lifeline(['check', 'long-value.yaml'], dir);
    assert.equal(value.status, 2);
    assert.ok(value.stderr.length < 4096, `${value.stderr.length} bytes`);
    // Both took minutes when redaction was quadratic; this bounds a hang, it does not time the check.
    assert.ok(Date.now() - started < 30_000);
  });

  it('a one-line JSON with thousands of invalid services prints a bounded error, not the line thousands of times', () => {
    const services = Array.from({ length: 5_000 }, (_, i) => `{"name": "svc-${i}", "egress": 42}`).join(',');
    writeFileSync(join(dir, 'wide.json'), `{"version": 1, "project": "p", "region": "europe-west1", "services": [${services}]}`);
    const run = lifeline(['check', 'wide.json', '--format', 'json'], dir);
    assert.equal(run.status, 2);
    assert.ok(run.stderr.length < 64 * 1024, `stderr is ${run.stderr.length} bytes`);
    assert.match(run.stderr, /… and \d+ more errors/);
    assert.ok(run.stdout.length < 256 * 1024, `the error document is ${run.stdout.length} bytes`);
    assert.doesNotMatch(run.stderr, /internal error|RangeError/);
  });
});
