import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const after_ = join(root, 'examples/incident/after.yaml');

function lifeline(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  // A hang would fail the test by its timeout rather than block the suite.
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 20_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('writes are whole, never through a planted link, never onto a device', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-safe-io-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a FILE.tmp symlink beside the baseline is left alone and its target untouched', () => {
    writeFileSync(join(dir, 'victim.txt'), 'precious\n');
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'baseline.yaml.tmp'));
    const run = lifeline(['check', after_, '--write-baseline', 'baseline.yaml', '--reason', 'accepted for the test'], dir);
    // Writing a baseline succeeds (exit 0) and says what it wrote, not the report.
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^wrote \d+ entries to baseline\.yaml\n$/);
    assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'precious\n');
    assert.match(readFileSync(join(dir, 'baseline.yaml'), 'utf8'), /accepted for the test/);
    // No temporary file is left behind.
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp') && f !== 'baseline.yaml.tmp'), []);
  });

  it('a baseline that is a symbolic link stays a link, and the file it points to is rewritten', () => {
    writeFileSync(join(dir, 'real-baseline.yaml'), 'old\n');
    symlinkSync('real-baseline.yaml', join(dir, 'linked.yaml'));
    const run = lifeline(['check', after_, '--write-baseline', 'linked.yaml', '--reason', 'through the link'], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(lstatSync(join(dir, 'linked.yaml')).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, 'linked.yaml')), 'real-baseline.yaml');
    assert.match(readFileSync(join(dir, 'real-baseline.yaml'), 'utf8'), /through the link/);
  });

  it('a device as the baseline is refused, and nothing is written', () => {
    const run = lifeline(['check', after_, '--write-baseline', '/dev/null', '--reason', 'x'], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /\/dev\/null: error: cannot write the baseline here: it exists and is not a regular file/);
    assert.ok(lstatSync('/dev/null').isCharacterDevice());
  });

  it('a FIFO or a device as an input is refused at once, located, instead of blocking', () => {
    const fifo = join(dir, 'pipe.yaml');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const run = lifeline(['check', fifo], dir);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /pipe\.yaml: error: is not a regular file/);
    const device = lifeline(['check', '/dev/zero'], dir);
    assert.equal(device.status, 2);
    assert.match(device.stderr, /\/dev\/zero: error: is not a regular file|not a recognised input/);
    const baseline = lifeline(['check', after_, '--baseline', fifo], dir);
    assert.equal(baseline.status, 2);
    assert.match(baseline.stderr, /is not a regular file/);
  });
});

describe('a file reached twice through links is read once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-links-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the file itself is read, a link to it is listed as read once, a link loop is not followed', () => {
    writeFileSync(join(dir, 'topology.yaml'), readFileSync(after_, 'utf8'));
    symlinkSync('topology.yaml', join(dir, 'again.yaml'));
    symlinkSync('..', join(dir, 'loop'));
    const run = spawnSync(process.execPath, [cli, 'check', '.', '--format', 'json'], { encoding: 'utf8', cwd: dir, timeout: 20_000 });
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as { sources: { read: { file: string }[]; ignored: { file: string; reason: string }[] }; coverage: { services: unknown[] } };
    assert.deepEqual(report.sources.read.map((r) => r.file), ['topology.yaml']);
    assert.ok(report.sources.ignored.some((i) => i.file === 'again.yaml' && /a symbolic link to topology\.yaml, which is read: read once/.test(i.reason)), JSON.stringify(report.sources.ignored));
    assert.ok(report.sources.ignored.some((i) => i.file === 'loop' && /not followed/.test(i.reason)));
    assert.equal(report.coverage.services.length, 2);
  });
});
