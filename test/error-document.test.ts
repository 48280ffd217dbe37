import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function lifeline(args: readonly string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

describe('machine formats carry an error document on exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-error-doc-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // A syntax error on the line holding a password: the code frame (stderr only) is redacted, and the document has no code frame.
  writeFileSync(join(dir, 'broken.yaml'), 'services:\n  - name: api\n    url: postgresql://api:hunter2@db/app\n    egress: [\n');

  it('JSON: status ERROR and each error located, the human text on stderr', () => {
    const r = lifeline(['check', 'broken.yaml', '--format', 'json'], dir);
    assert.equal(r.status, 2);
    const document = JSON.parse(r.stdout) as { schemaVersion: number; tool: { name: string }; status: string; errors: { file: string; line: number; column: number; keyPath: string | null; message: string }[] };
    assert.equal(document.schemaVersion, 1);
    assert.equal(document.tool.name, 'lifeline');
    assert.equal(document.status, 'ERROR');
    assert.deepEqual(document.errors.map((e) => [e.file, e.line, e.column, e.keyPath]), [['broken.yaml', 4, 14, null]]);
    assert.match(document.errors[0]?.message ?? '', /^YAML syntax: /);
    assert.match(r.stderr, /^broken\.yaml:4:14: error: YAML syntax: /);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
  });

  it('SARIF: a run whose invocation failed, with a located notification', () => {
    const r = lifeline(['check', 'broken.yaml', '--format', 'sarif'], dir);
    assert.equal(r.status, 2);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { results: unknown[]; invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const [run] = sarif.runs;
    assert.ok(run);
    assert.deepEqual(run.results, []);
    const [invocation] = run.invocations;
    assert.ok(invocation);
    assert.equal(invocation.executionSuccessful, false);
    const [notification] = invocation.toolExecutionNotifications;
    assert.ok(notification);
    assert.equal(notification.level, 'error');
    assert.deepEqual(notification.locations.map((l) => l.physicalLocation)[0], { artifactLocation: { uri: 'broken.yaml' }, region: { startLine: 4, startColumn: 14 } });
  });

  it('JUnit: one failing test case per error', () => {
    const r = lifeline(['check', 'broken.yaml', '--format', 'junit'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="lifeline" tests="1" failures="1"/);
    assert.match(r.stdout, /<testcase classname="lifeline\.input" name="broken\.yaml:4:14" time="0">\n {6}<failure message="YAML syntax: [^"]*" type="input-error">/);
    assert.equal(r.stdout.split('<testcase ').length - 1, 1);
  });

  it('a usage error has a document too, with no file; text output keeps stdout empty', () => {
    const usage = lifeline(['check', 'broken.yaml', '--format', 'json', '--fail-on', 'sometimes'], dir);
    assert.equal(usage.status, 2);
    const document = JSON.parse(usage.stdout) as { errors: { file: string | null; message: string }[] };
    assert.equal(document.errors[0]?.file, null);
    assert.match(document.errors[0].message, /--fail-on/);
    const diff = lifeline(['diff', '--format=json', 'only-one.yaml'], dir);
    assert.equal(diff.status, 2);
    assert.match((JSON.parse(diff.stdout) as { errors: { message: string }[] }).errors[0]?.message ?? '', /diff needs two inputs/);
    const text = lifeline(['check', 'broken.yaml'], dir);
    assert.equal(text.status, 2);
    assert.equal(text.stdout, '');
  });
});
