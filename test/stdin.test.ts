import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';
import { MAX_INPUT_BYTES, readStandardInput } from '../src/sources/document.js';
import { InputError } from '../src/sources/errors.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const after = readFileSync(`${root}examples/incident/after.yaml`, 'utf8');

const check = (args: readonly string[], input: string) => spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8', input, cwd: root, timeout: 60_000 });

describe('check - reads one input from standard input', () => {
  it('judges it as it judges the file, locating findings at <stdin>', () => {
    const piped = check(['-', '--format', 'json'], after);
    const named = check(['examples/incident/after.yaml', '--format', 'json'], after);
    assert.equal(piped.status, 1, piped.stderr);
    const fromStdin = JSON.parse(piped.stdout) as Report;
    const fromFile = JSON.parse(named.stdout) as Report;
    assert.deepEqual(fromStdin.inputs, ['<stdin>']);
    assert.equal(fromStdin.status, fromFile.status);
    const shape = (r: Report) => r.findings.map((f) => `${f.ruleId} ${f.location.line ?? ''}:${f.location.column ?? ''}`);
    assert.deepEqual(shape(fromStdin), shape(fromFile));
    assert.ok(fromStdin.findings.every((f) => f.location.file === '<stdin>'));
  });

  it('a mistake in it is located at <stdin>:line:col, with a code frame and a did-you-mean', () => {
    const run = check(['-'], 'services:\n  - name: api\n    egres: all-traffic\n');
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^<stdin>:3:5: error: services\[0\]\.egres: unknown key "egres"; did you mean "egress"\?\n {2}3 \| {5}egres: all-traffic\n/);
  });

  it('empty input, - twice, and --patch with - are clear errors', () => {
    const empty = check(['-'], '');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^<stdin>: error: is empty/);
    const twice = check(['-', '-'], after);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /can be named once/);
    const patch = check(['-', '--patch', 'fix.diff'], after);
    assert.equal(patch.status, 2);
    assert.match(patch.stderr, /standard input is not one: name the file instead of -/);
  });

  it('never prints a secret it carries', () => {
    const canary = 'stdin-canary-7f3a9c';
    const topology = after.replace('    env:\n      REDIS_HOST:', `    env:\n      REPORTS_DATABASE_URL: postgres://app:${canary}@10.20.0.3:5432/app\n      REDIS_HOST:`);
    assert.ok(topology.includes(canary), 'the canary is planted');
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      const run = check(['-', '--format', format], topology);
      assert.ok(run.status === 0 || run.status === 1, run.stderr);
      assert.ok(!run.stdout.includes(canary) && !run.stderr.includes(canary), `${format} leaks the canary`);
      // The value was read: the dependency it names is in the report (the Markdown summary lists none by name).
      if (format !== 'markdown') assert.match(run.stdout, /REPORTS_DATABASE_URL/, format);
    }
  });

  it('stops reading past the input limit, and refuses a terminal rather than wait on it', async () => {
    const stream = new PassThrough();
    const mib = Buffer.alloc(1024 * 1024, 'a');
    const writing = (async () => {
      for (let written = 0; written <= MAX_INPUT_BYTES && !stream.destroyed; written += mib.length) {
        if (!stream.write(mib)) await new Promise((r) => stream.once('drain', r).once('close', r));
      }
      stream.end();
    })();
    await assert.rejects(readStandardInput('<stdin>', stream as unknown as NodeJS.ReadStream), (error: unknown) => error instanceof InputError && /larger than the 64 MiB limit/.test(error.diagnostics[0]?.message ?? ''));
    await writing;
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    await assert.rejects(readStandardInput('<stdin>', terminal as unknown as NodeJS.ReadStream), (error: unknown) => error instanceof InputError && /is a terminal/.test(error.diagnostics[0]?.message ?? ''));
  });
});

describe('a reader that stops early (| head)', () => {
  it('ends quietly with 141, as SIGPIPE would, never an internal error or a pass', async () => {
    const child = spawn(process.execPath, [cli, 'check', 'examples/incident/after.yaml', '--format', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Read nothing: close the pipe before the report is written.
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => {
      done(c);
    }));
    assert.equal(stderr, '');
    assert.equal(code, 141);
  });
});
