import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runSecrets } from '../src/model/secret-registry.js';
import type { Report } from '../src/report/report.js';
import { gitPatch } from '../src/sources/git-patch.js';
import { memoryView } from '../src/sources/terraform/hcl-memory-view.test-helper.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lifeline-patch-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A git repository holding copies of `paths` (relative to the project root), committed. */
function repository(name: string, paths: readonly string[]): string {
  const dir = join(scratch, name);
  for (const path of paths) cpSync(join(root, path), join(dir, path), { recursive: true });
  git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'before']);
  return dir;
}

function git(cwd: string, args: readonly string[]): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

function lifeline(cwd: string, args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function verdict(cwd: string, input: string, dependency: string): string | undefined {
  const run = lifeline(cwd, ['check', input, '--format', 'json']);
  const report = JSON.parse(run.stdout) as Report;
  return report.paths.find((p) => p.dependency === dependency)?.verdict;
}

const INCIDENT = 'test/fixtures/import/code/incident';

describe('--write-patch: a fix as a patch git apply accepts, verified by applying it', () => {
  it('the recommended fix of the Python REST incident appends a Cloud NAT to the Terraform file that declares the network; applied, MongoDB is reachable', () => {
    const dir = repository('nat', [INCIDENT]);
    assert.equal(verdict(dir, `${INCIDENT}/redeploy`, 'mongodb'), 'UNREACHABLE');
    const run = lifeline(dir, ['check', `${INCIDENT}/redeploy`, '--write-patch', 'fix.patch']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`wrote fix.patch: fix-1, changing ${INCIDENT}/network/main.tf; apply it with \`git apply fix.patch\``));
    const patch = readFileSync(join(dir, 'fix.patch'), 'utf8');
    assert.match(patch, new RegExp(`^diff --git a/${INCIDENT}/network/main.tf b/${INCIDENT}/network/main.tf\n--- a/`));
    assert.match(patch, /\n\+resource "google_compute_router_nat" "staging_vpc_nat" \{\n/);
    git(dir, ['apply', 'fix.patch']);
    assert.equal(verdict(dir, `${INCIDENT}/redeploy`, 'mongodb'), 'REACHABLE');
  });

  it('--fix fix-2 rewrites the dict entry that set ALL_TRAFFIC, in the script’s own spelling; applied, MongoDB is reachable', () => {
    const dir = repository('egress-python', [INCIDENT]);
    lifeline(dir, ['check', `${INCIDENT}/redeploy`, '--write-patch', 'fix.patch', '--fix', 'fix-2']);
    const patch = readFileSync(join(dir, 'fix.patch'), 'utf8');
    assert.match(patch, /\n- {16}"egress": "ALL_TRAFFIC",\n\+ {16}"egress": "PRIVATE_RANGES_ONLY",\n/);
    git(dir, ['apply', '--check', 'fix.patch']);
    git(dir, ['apply', 'fix.patch']);
    assert.equal(verdict(dir, `${INCIDENT}/redeploy`, 'mongodb'), 'REACHABLE');
    assert.deepEqual(git(dir, ['diff', '--name-only']).trim().split('\n'), [`${INCIDENT}/quick_redeploy.py`]);
  });

  it('in a deploy-cloudrun step, the flag inside `flags:` is rewritten', () => {
    const dir = repository('egress-action', [INCIDENT]);
    lifeline(dir, ['check', `${INCIDENT}/workflow`, '--write-patch', 'fix.patch', '--fix', 'fix-2']);
    const patch = readFileSync(join(dir, 'fix.patch'), 'utf8');
    assert.match(patch, /\n- {12}--vpc-egress=all-traffic\n\+ {12}--vpc-egress=private-ranges-only\n/);
    git(dir, ['apply', 'fix.patch']);
    assert.equal(verdict(dir, `${INCIDENT}/workflow`, 'mongodb'), 'REACHABLE');
  });

  it('a topology YAML fix is the same diff the report shows, with headers, and applies', () => {
    const dir = repository('topology', ['examples/incident']);
    const run = lifeline(dir, ['check', 'examples/incident/after.yaml', '--write-patch', 'fix.patch']);
    assert.match(run.stderr, /wrote fix\.patch: fix-1, changing examples\/incident\/after\.yaml/);
    git(dir, ['apply', 'fix.patch']);
    const after = lifeline(dir, ['check', 'examples/incident/after.yaml', '--format', 'json']);
    const report = JSON.parse(after.stdout) as Report;
    assert.ok(report.paths.every((p) => p.verdict !== 'UNREACHABLE'), 'no path is unreachable once the fix is applied');
  });

  it('--fix names a fix the report proposes, and goes with --write-patch', () => {
    const dir = repository('usage', [INCIDENT]);
    const unknown = lifeline(dir, ['check', `${INCIDENT}/redeploy`, '--write-patch', 'fix.patch', '--fix', 'fix-9']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--fix: no such fix; this check proposes fix-1, fix-2/);
    const alone = lifeline(dir, ['check', `${INCIDENT}/redeploy`, '--fix', 'fix-2']);
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--fix goes with --patch FILE/);
  });
});

describe('gitPatch', () => {
  const view = memoryView({ 'deploy.sh': 'gcloud run deploy api \\\n  --vpc-egress all-traffic\n', 'env.sh': 'export DB_PASSWORD=canary-patch-pw\ngcloud run deploy api --vpc-egress all-traffic\n' });

  it('leaves out a file whose line no longer reads as it did, one outside the current directory, and one whose lines hold a secret', async () => {
    runSecrets.add('canary-patch-pw');
    const patch = await gitPatch(
      [
        { kind: 'replace-line', file: 'deploy.sh', line: 2, before: '  --vpc-egress all', after: '  --vpc-egress private-ranges-only' },
        { kind: 'replace-line', file: 'env.sh', line: 2, before: 'gcloud run deploy api --vpc-egress all-traffic', after: 'gcloud run deploy api --vpc-egress private-ranges-only' },
        { kind: 'append', file: '../elsewhere/main.tf', text: 'resource "x" "y" {}' },
      ],
      view,
      '/repo',
    );
    assert.equal(patch.text, '');
    assert.deepEqual(patch.skipped, [
      'deploy.sh: changed since it was read; run the check again',
      'env.sh: the lines around the change hold a secret; make the change by hand',
      '../elsewhere/main.tf: outside the current directory; run from the repository root to patch it',
    ]);
  });

  it('writes a/ and b/ paths and keeps a line the file ends without a newline on', async () => {
    const patch = await gitPatch([{ kind: 'replace-line', file: 'deploy.sh', line: 2, before: '  --vpc-egress all-traffic', after: '  --vpc-egress private-ranges-only' }], view, '/repo');
    assert.equal(patch.text, 'diff --git a/deploy.sh b/deploy.sh\n--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1,2 +1,2 @@\n gcloud run deploy api \\\n-  --vpc-egress all-traffic\n+  --vpc-egress private-ranges-only\n');
  });
});
