import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lifeline-outputs-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function lifeline(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 30_000, env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function git(cwd: string, args: readonly string[]): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const incident = join(root, 'examples/incident/after.yaml');

describe('--output FORMAT=FILE: several formats from one run', () => {
  it('writes SARIF, JSON and Markdown files while the text report goes to the terminal, with the same exit code', () => {
    const dir = mkdtempSync(join(scratch, 'three-'));
    // Forced colour reaches the terminal, never the files.
    const run = lifeline(dir, ['check', incident, '--output', 'sarif=lifeline.sarif', '--output', 'json=lifeline.json', '--output=markdown=summary.md'], { FORCE_COLOR: '1' });
    const alone = lifeline(dir, ['check', incident, '--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(alone.status, 1);
    assert.ok(run.stdout.includes('\u001b['), 'FORCE_COLOR colours the terminal');
    assert.match(run.stdout, /UNREACHABLE/);
    const sarif = JSON.parse(readFileSync(join(dir, 'lifeline.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const json = JSON.parse(readFileSync(join(dir, 'lifeline.json'), 'utf8')) as Report;
    const expected = JSON.parse(alone.stdout) as Report;
    assert.deepEqual(json.paths, expected.paths);
    assert.equal(sarif.runs[0]?.results.length, expected.findings.length);
    const markdown = readFileSync(join(dir, 'summary.md'), 'utf8');
    assert.match(markdown, /^## /m);
    for (const file of ['lifeline.sarif', 'lifeline.json', 'summary.md']) assert.ok(!readFileSync(join(dir, file), 'utf8').includes('\u001b['), `${file} holds no colour codes`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  });

  it('refuses an unknown format, a missing file name and two outputs to one file, before writing anything', () => {
    const dir = mkdtempSync(join(scratch, 'bad-'));
    const unknown = lifeline(dir, ['check', incident, '--output', 'sarff=x.sarif']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /"sarff" is not a format; formats: text, json, sarif/);
    const bare = lifeline(dir, ['check', incident, '--output', 'sarif']);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /expected FORMAT=FILE, such as sarif=lifeline\.sarif/);
    const twice = lifeline(dir, ['check', incident, '--output', 'sarif=a', '--output', 'json=a']);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /a is named by two --output options/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('an output that cannot be written is a located error (exit 2), and no other output is half-written', () => {
    const dir = mkdtempSync(join(scratch, 'unwritable-'));
    const run = lifeline(dir, ['check', incident, '--output', 'json=missing-dir/report.json']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /missing-dir\/report\.json: error: cannot write the json report here \(ENOENT\); nothing was written/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(dir, 'missing-dir')), false);
  });
});

describe('--patch FILE: every recommended fix in one patch', () => {
  it('inputs deploying to two projects: both recommended fixes, one diff, applied by git; afterwards nothing is unreachable', () => {
    const dir = mkdtempSync(join(scratch, 'two-projects-'));
    cpSync(incident, join(dir, 'staging.yaml'));
    writeFileSync(join(dir, 'production.yaml'), readFileSync(incident, 'utf8').replaceAll('acme-staging', 'acme-production'));
    git(dir, ['init', '-q']);
    git(dir, ['add', '-A']);
    git(dir, ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'before']);
    const run = lifeline(dir, ['check', 'staging.yaml', 'production.yaml', '--patch', 'fixes.patch']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /wrote fixes\.patch: fix-1, fix-\d+, changing (staging|production)\.yaml, (staging|production)\.yaml; apply it with `git apply fixes\.patch`/);
    const patch = readFileSync(join(dir, 'fixes.patch'), 'utf8');
    assert.match(patch, /^diff --git a\/staging\.yaml b\/staging\.yaml\n--- a\/staging\.yaml\n\+\+\+ b\/staging\.yaml\n@@ /m);
    assert.match(patch, /^diff --git a\/production\.yaml b\/production\.yaml\n--- a\/production\.yaml\n\+\+\+ b\/production\.yaml\n@@ /m);
    git(dir, ['apply', '--check', 'fixes.patch']);
    git(dir, ['apply', 'fixes.patch']);
    const fixed = JSON.parse(lifeline(dir, ['check', 'staging.yaml', 'production.yaml', '--format', 'json']).stdout) as Report;
    assert.ok(fixed.paths.length > 0);
    assert.deepEqual(fixed.paths.filter((p) => p.verdict === 'UNREACHABLE'), []);
  });

  it('--write-patch still works as the former name; both at once, or --fix alone, is a usage error', () => {
    const dir = mkdtempSync(join(scratch, 'alias-'));
    cpSync(incident, join(dir, 'after.yaml'));
    const old = lifeline(dir, ['check', 'after.yaml', '--write-patch', 'old.patch']);
    assert.equal(old.status, 1, old.stderr);
    assert.match(readFileSync(join(dir, 'old.patch'), 'utf8'), /^diff --git /);
    const both = lifeline(dir, ['check', incident, '--write-patch', 'a.patch', '--patch', 'b.patch']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--write-patch is the former name of --patch/);
    const fix = lifeline(dir, ['check', incident, '--fix', 'fix-1']);
    assert.equal(fix.status, 2);
    assert.match(fix.stderr, /--fix goes with --patch FILE/);
  });
});

describe('SARIF results carry their verified fixes as artifact changes', () => {
  interface Replacement {
    deletedRegion: { startLine: number; endLine: number };
    insertedContent: { text: string };
  }
  interface SarifFix {
    description: { text: string };
    artifactChanges: { artifactLocation: { uri: string }; replacements: Replacement[] }[];
  }

  it('applying the recommended fix’s replacements gives the same file as `git apply` of the --patch', () => {
    const dir = mkdtempSync(join(scratch, 'sarif-fixes-'));
    cpSync(incident, join(dir, 'after.yaml'));
    git(dir, ['init', '-q']);
    const run = lifeline(dir, ['check', 'after.yaml', '--output', 'sarif=lifeline.sarif', '--patch', 'fix.patch']);
    assert.equal(run.status, 1, run.stderr);
    const sarif = JSON.parse(readFileSync(join(dir, 'lifeline.sarif'), 'utf8')) as { runs: { results: { ruleId: string; fixes?: SarifFix[] }[] }[] };
    const results = sarif.runs[0]?.results ?? [];
    const withFixes = results.filter((r) => r.fixes !== undefined);
    assert.ok(withFixes.length > 0, 'the unreachable paths’ results carry fixes');
    assert.ok(results.some((r) => r.fixes === undefined), 'a finding no fix resolves carries none');
    const recommended = withFixes[0]?.fixes?.find((f) => f.description.text.includes('(recommended)'));
    assert.ok(recommended);
    const [change] = recommended.artifactChanges;
    assert.ok(change);
    assert.equal(change.artifactLocation.uri, 'after.yaml');
    const lines = readFileSync(join(dir, 'after.yaml'), 'utf8').split(/(?<=\n)/);
    for (const r of [...change.replacements].sort((a, b) => b.deletedRegion.startLine - a.deletedRegion.startLine)) {
      lines.splice(r.deletedRegion.startLine - 1, r.deletedRegion.endLine - r.deletedRegion.startLine, ...r.insertedContent.text.split(/(?<=\n)/));
    }
    git(dir, ['apply', 'fix.patch']);
    assert.equal(lines.join(''), readFileSync(join(dir, 'after.yaml'), 'utf8'));
  });

  it('the Markdown report shows each change as a diff block with file headers', () => {
    const dir = mkdtempSync(join(scratch, 'markdown-'));
    cpSync(incident, join(dir, 'after.yaml'));
    const run = lifeline(dir, ['check', 'after.yaml', '--format', 'markdown']);
    assert.match(run.stdout, /```diff\n--- a\/after\.yaml\n\+\+\+ b\/after\.yaml\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
  });
});
