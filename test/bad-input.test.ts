import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function run(...args: string[]): Run {
  const start = Date.now();
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1', LIFELINE_DEBUG: '' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - start };
}

/** Exit code 2, nothing on stdout, a message on stderr without a stack trace. */
function assertBadInput(r: Run): void {
  assert.equal(r.status, 2, `exit code; stderr:\n${r.stderr}`);
  assert.equal(r.stdout, '', 'stdout must be empty');
  assert.notEqual(r.stderr.trim(), '', 'stderr must explain the problem');
  assert.doesNotMatch(r.stderr, /\n\s+at .+\(.*:\d+:\d+\)/, 'no stack trace');
  assert.ok(!r.stderr.includes('node:internal'), 'no node internals');
  assert.doesNotMatch(r.stderr, /internal error/, 'bad input is not an internal error');
}

/** The `  N | source` line and the caret under column C. */
function assertCodeFrame(stderr: string, line: number, column: number, source: string): void {
  const gutter = String(line);
  const frame = `  ${gutter} | ${source}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(column - 1)}^`;
  assert.ok(stderr.includes(frame), `expected code frame:\n${frame}\nin:\n${stderr}`);
}

/** The diagnostic headlines (`FILE:LINE:COL: error: …`) on stderr. */
function headlines(stderr: string, file: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith(`${file}:`) || l.startsWith(`${file}: error:`));
}

const VALID_BASE = `version: 1
project: acme
region: europe-west1
networks:
  - name: vpc
    subnets:
      - name: main
        cidr: 10.10.0.0/24
connectors:
  - name: conn
    network: vpc
    ipCidrRange: 10.8.0.0/28
databases:
  - name: db
    privateIp: 10.20.0.3
    privateNetwork: vpc
services:
  - name: api
    connector: conn
    egress: private-ranges-only
    maxInstances: 5
    dependencies:
      - name: pg
        database: db
        critical: true
`;

describe('bad input: exit 2 with a located message and no stack trace', () => {
  let dir: string;
  const write = (name: string, content: string | Uint8Array): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  /** VALID_BASE with one exact line replaced (asserting it was there). */
  const variant = (from: string, to: string): string => {
    assert.ok(VALID_BASE.includes(from), `fixture line not found: ${from}`);
    return VALID_BASE.replace(from, to);
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-bad-input-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the valid base file is accepted (so the variants below fail only for their own defect)', () => {
    const r = run('check', write('valid.yaml', VALID_BASE), '--format', 'json');
    assert.ok(r.status === 0 || r.status === 1, `exit ${String(r.status)}:\n${r.stderr}`);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { paths: { destination: string; dependency: string; verdict: string }[] };
    assert.deepEqual(
      report.paths.filter((p) => p.destination === 'dependency').map((p) => p.dependency),
      ['pg'],
    );
  });

  test('YAML syntax error: bad indentation is located at its line', () => {
    const file = write('indent.yaml', 'version: 1\nservices:\n  - name: a\n    env:\n      A: "1"\n     B: "2"\n');
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:6:\\d+: error: YAML syntax: `, 'm'));
    assert.match(r.stderr, /^ {2}6 \| {6}B: "2"$/m, 'code frame shows the misindented line');
  });

  test('YAML syntax error: an unclosed flow sequence is located at the line that opens it', () => {
    const file = write('flow.yaml', 'version: 1\nservices:\n  - name: a\n    cloudSqlInstances: [p:europe-west1:db\n');
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, /YAML syntax: .*\]/, 'says a ] was expected');
    assert.match(r.stderr, new RegExp(`^${escape(file)}:4:\\d+: error: YAML syntax: `, 'm'), `expected line 4 (the line with "["), got:\n${r.stderr}`);
  });

  test('wrong type: maxInstances: "ten" names the key path and says a number was expected', () => {
    const file = write('type.yaml', variant('    maxInstances: 5\n', '    maxInstances: "ten"\n'));
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:21:19: error: services\\[0\\]\\.maxInstances: expected number`, 'm'));
    assertCodeFrame(r.stderr, 21, 19, '    maxInstances: "ten"');
  });

  test('unknown key: egres suggests egress, at its line and column', () => {
    const file = write('unknown-key.yaml', variant('    egress: private-ranges-only\n', '    egres: all-traffic\n'));
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.includes(`${file}:20:5: error: services[0].egres: unknown key "egres"; did you mean "egress"?`), r.stderr);
    assertCodeFrame(r.stderr, 20, 5, '    egres: all-traffic');
  });

  test('misspelt enum value: all-trafic suggests all-traffic', () => {
    const file = write('enum.yaml', variant('    egress: private-ranges-only\n', '    egress: all-trafic\n'));
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:20:13: error: services\\[0\\]\\.egress: expected .*"all-traffic".*got "all-trafic"`, 'm'));
    assert.match(r.stderr, /did you mean "all-traffic"\?/);
  });

  test('missing required key: a dependency without critical names `critical`', () => {
    const file = write('missing.yaml', variant('        critical: true\n', ''));
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:23:\\d+: error: services\\[0\\]\\.dependencies\\[0\\]\\.critical: missing required key \`critical\``, 'm'));
  });

  test('reference to an undeclared database is located at the reference', () => {
    const file = write('undeclared.yaml', variant('        database: db\n', '        database: nodb\n'));
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:24:19: error: services\\[0\\]\\.dependencies\\[0\\]\\.database: .*"nodb"`, 'm'));
    assertCodeFrame(r.stderr, 24, 19, '        database: nodb');
  });

  test('a file with several problems reports all of them', () => {
    const text = variant('    maxInstances: 5\n', '    maxInstances: "ten"\n    egres: all-traffic\n');
    const file = write('several.yaml', text.replace('        critical: true\n', ''));
    const r = run('check', file);
    assertBadInput(r);
    const lines = headlines(r.stderr, file);
    assert.ok(lines.length >= 3, `expected at least 3 diagnostics, got:\n${r.stderr}`);
    assert.ok(lines.some((l) => l.includes('services[0].maxInstances: expected number')), r.stderr);
    assert.ok(lines.some((l) => l.includes('unknown key "egres"')), r.stderr);
    assert.ok(lines.some((l) => l.includes('missing required key `critical`')), r.stderr);
  });

  test('an empty file is refused as empty', () => {
    const file = write('empty.yaml', '');
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${file}: error: is empty`), r.stderr);
  });

  test('a file of only comments is refused as empty', () => {
    const file = write('comments.yaml', '# nothing here yet\n\n   # still nothing\n');
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${file}: error: is empty`), r.stderr);
  });

  test('a binary file is refused as binary', () => {
    const file = write('binary.yaml', new Uint8Array([0x76, 0x65, 0x72, 0x00, 0x01, 0xff, 0x00, 0x0a, 0x89, 0x50, 0x4e, 0x47]));
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${file}: error:`), r.stderr);
    assert.match(r.stderr, /binary/);
  });

  test('a 70 MiB file is refused for its size, without being read', () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 70 * 1024 * 1024); // sparse: all NUL bytes, no disk use
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${file}: error:`), r.stderr);
    assert.match(r.stderr, /larger than the \d+ MiB limit/);
    // The file is all NUL bytes: had it been read, it would have been called binary.
    assert.doesNotMatch(r.stderr, /binary/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });

  test('a directory with no recognised input is refused, saying what was ignored', () => {
    const empty = path.join(dir, 'nothing-here');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'README.md'), '# notes\n');
    fs.writeFileSync(path.join(empty, 'binary.yaml'), Buffer.from([0x61, 0x00, 0x62]));
    const r = run('check', empty);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${empty}: error: no recognised input`), r.stderr);
    assert.match(r.stderr, /ignored: .*binary\.yaml \(is a binary file.*\), .*README\.md \(not a recognised input/);
  });

  test('a file that does not exist is reported as such', () => {
    const file = path.join(dir, 'does-not-exist.yaml');
    const r = run('check', file);
    assertBadInput(r);
    assert.ok(r.stderr.startsWith(`${file}: error:`), r.stderr);
    assert.match(r.stderr, /no such file/);
  });

  test('a JSON syntax error is located', () => {
    const file = write('broken.json', '{\n  "version": 1,\n  "services": [\n    { "name": "a" "maxInstances": 3 }\n  ]\n}\n');
    const r = run('check', file);
    assertBadInput(r);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:4:19: error: JSON syntax: `, 'm'));
    assertCodeFrame(r.stderr, 4, 19, '    { "name": "a" "maxInstances": 3 }');
  });

  describe('usage errors', () => {
    test('unknown option --frobnicate', () => {
      const r = run('check', write('usage1.yaml', VALID_BASE), '--frobnicate');
      assertBadInput(r);
      assert.match(r.stderr, /unknown option '--frobnicate'/);
    });

    test('--format xml', () => {
      const r = run('check', write('usage2.yaml', VALID_BASE), '--format', 'xml');
      assertBadInput(r);
      assert.match(r.stderr, /'xml' is invalid/);
      assert.match(r.stderr, /text, json/);
    });

    test('check with no file', () => {
      const r = run('check');
      assertBadInput(r);
      assert.match(r.stderr, /no inputs given and no lifeline\.yaml here or in a parent directory up to the repository root; name files or directories, or write a lifeline\.yaml listing `inputs`/);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
