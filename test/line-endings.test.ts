import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

/** What a report says, without where it was read from. */
function verdicts(cwd: string, file: string): unknown {
  const run = spawnSync(process.execPath, [cli, 'check', file, '--format', 'json'], { encoding: 'utf8', cwd });
  if (run.status === 2) return { error: run.stderr.replace(/^[^:]*:/gm, '') };
  const report = JSON.parse(run.stdout) as Report;
  return {
    status: report.status,
    paths: report.paths.map((p) => `${p.service} ${p.dependency} ${p.verdict} ${p.location.line ?? ''}`),
    findings: report.findings.map((f) => `${f.ruleId} ${f.key} ${f.location.line ?? ''}`),
    suppressed: report.suppressed.map((s) => `${s.ruleId} ${s.key} ${s.reason}`),
  };
}

describe('CRLF line endings and a byte-order mark change nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-crlf-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const inputs = [...files(join(root, 'examples/incident')), ...files(join(root, 'test/fixtures/rules'))];

  it(`every example and rule fixture (${inputs.length}) converted to CRLF with a BOM gives the same report, inline suppressions included`, () => {
    assert.ok(inputs.length >= 10);
    for (const input of inputs) {
      const name = relative(root, input);
      const converted = join(dir, name);
      mkdirSync(dirname(converted), { recursive: true });
      const text = readFileSync(input, 'utf8');
      writeFileSync(converted, `\ufeff${text.replace(/\r?\n/g, '\r\n')}`);
      assert.deepEqual(verdicts(dir, name), verdicts(root, name), name);
    }
  });

  it('an inline suppression on a CRLF line still suppresses', () => {
    const fixed = readFileSync(join(root, 'examples/incident/fixed.yaml'), 'utf8');
    assert.match(fixed, /# lifeline-ignore/);
    const report = verdicts(root, 'examples/incident/fixed.yaml') as { suppressed: string[] };
    assert.ok(report.suppressed.length > 0);
  });
});
