import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const incident = readFileSync(fileURLToPath(new URL('../../examples/incident/after.yaml', import.meta.url)), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'lifeline-rules-'));
writeFileSync(join(dir, 'topology.yaml'), incident);
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function lifeline(...args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
  return { ...run, report: () => JSON.parse(run.stdout) as Report };
}

function config(text: string): string {
  writeFileSync(join(dir, 'lifeline.yaml'), text);
  return 'lifeline.yaml';
}

const count = (report: Report, ruleId: string): number => report.findings.filter((f) => f.ruleId === ruleId).length;

describe('rule control from the command line', () => {
  it('--skip-rule drops a rule and the report says it did not run', () => {
    const all = lifeline('check', 'topology.yaml', '--format', 'json').report();
    assert.equal(count(all, 'redis-auth-tls'), 1);
    const run = lifeline('check', 'topology.yaml', '--format', 'json', '--skip-rule', 'redis-auth-tls');
    const skipped = run.report();
    assert.equal(count(skipped, 'redis-auth-tls'), 0);
    assert.equal(skipped.findings.length, all.findings.length - 1);
    assert.deepEqual(skipped.rules.filter((r) => !r.enabled).map((r) => [r.id, r.offBy]), [['redis-auth-tls', '--skip-rule']]);
    const text = lifeline('check', 'topology.yaml', '--skip-rule', 'redis-auth-tls').stdout;
    assert.match(text, /1 rule\(s\) did not run, so what they check was not checked: redis-auth-tls \(--skip-rule\)/);
  });

  it('--rule runs only the rules named (and the coverage rule, always)', () => {
    const report = lifeline('check', 'topology.yaml', '--format', 'json', '--rule', 'connection-capacity,redis-auth-tls').report();
    assert.deepEqual([...new Set(report.findings.map((f) => f.ruleId))].sort(), ['connection-capacity', 'redis-auth-tls']);
    assert.deepEqual(report.rules.filter((r) => r.enabled).map((r) => r.id), ['incomplete', 'connection-capacity', 'redis-auth-tls']);
  });

  it('a misspelt or coverage rule id is a usage error with a did-you-mean', () => {
    const misspelt = lifeline('check', 'topology.yaml', '--skip-rule', 'redis-auth-tsl');
    assert.equal(misspelt.status, 2);
    assert.match(misspelt.stderr, /unknown rule "redis-auth-tsl"; did you mean "redis-auth-tls"\?/);
    const far = lifeline('check', 'topology.yaml', '--rule', 'everything');
    assert.equal(far.status, 2);
    assert.match(far.stderr, /unknown rule "everything"; run `lifeline explain` for the list/);
    const coverage = lifeline('check', 'topology.yaml', '--skip-rule', 'incomplete');
    assert.equal(coverage.status, 2);
    assert.match(coverage.stderr, /incomplete is a coverage rule and always runs/);
  });
});

describe('rule control in lifeline.yaml', () => {
  it('off, a severity override and an option each change the result', () => {
    config('inputs: [topology.yaml]\nrules:\n  redis-auth-tls: off\n  unconfirmed-path: info\n  connection-capacity:\n    options:\n      cloudSqlAdminConnections: 0\n');
    const run = lifeline('check', '--format', 'json');
    const report = run.report();
    assert.equal(count(report, 'redis-auth-tls'), 0);
    assert.deepEqual(report.findings.filter((f) => f.ruleId === 'unconfirmed-path').map((f) => f.severity), ['info', 'info']);
    assert.equal(report.rules.find((r) => r.id === 'unconfirmed-path')?.severity, 'info');
    assert.match(report.findings.find((f) => f.ruleId === 'connection-capacity')?.message ?? '', /accepts only 97 \(max_connections 100 /);
    assert.equal(report.rules.find((r) => r.id === 'redis-auth-tls')?.offBy, 'lifeline.yaml');
  });

  it('a severity override can lower a critical rule below --fail-on', () => {
    config('inputs: [topology.yaml]\nrules:\n  unreachable-dependency: warning\n  unreachable-destination: warning\n  connection-capacity: {severity: warning}\n');
    const run = lifeline('check');
    assert.equal(run.status, 0, run.stdout);
    assert.equal(lifeline('check', '--fail-on', 'warning').status, 1);
  });

  it('an unknown rule, an unknown option, a wrong type and a coverage rule turned off are located errors', () => {
    const cases: [string, RegExp][] = [
      ['inputs: [topology.yaml]\nrules:\n  redis-auth-tsl: off\n', /lifeline\.yaml:3:3: error: rules\.[\w.-]+: unknown rule "redis-auth-tsl"; did you mean "redis-auth-tls"\?/],
      ['inputs: [topology.yaml]\nrules:\n  connection-capacity:\n    options:\n      warningPercnt: 70\n', /lifeline\.yaml:5:7: error: rules\.[\w.-]+: connection-capacity has no option "warningPercnt"; did you mean "warningPercent"\?/],
      ['inputs: [topology.yaml]\nrules:\n  connection-capacity:\n    options:\n      warningPercent: high\n', /lifeline\.yaml:5:23: error: rules\.[\w.-]+: expected a number \(default 80\), got "high"/],
      ['inputs: [topology.yaml]\nrules:\n  incomplete: off\n', /lifeline\.yaml:3:15: error: rules\.[\w.-]+: incomplete is a coverage rule and always runs/],
      ['inputs: [topology.yaml]\nrules:\n  redis-auth-tls: of\n', /lifeline\.yaml:3:19: error: rules\.[\w.-]+: expected one of "off", "critical", "warning", "info", got "of"; did you mean "off"\?/],
    ];
    for (const [text, expected] of cases) {
      config(text);
      const run = lifeline('check');
      assert.equal(run.status, 2, text);
      assert.match(run.stderr, expected);
      assert.match(run.stderr, /\n +\d+ \| .*\n +\| +\^/, 'a code frame under the error');
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

describe('rule ids in suppressions', () => {
  it('a misspelt id in an inline suppression is an error at its place, not a silent no-op', () => {
    writeFileSync(join(dir, 'inline.yaml'), incident.replace(/^( {4}egress: all-traffic)$/m, '$1 # lifeline-ignore unreachable-dependancy tracked in OPS-12'));
    const run = lifeline('check', 'inline.yaml');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /inline\.yaml:\d+:\d+: error: unknown rule "unreachable-dependancy"; did you mean "unreachable-dependency"\?/);
  });

  it('a baseline entry with an unknown rule id is refused', () => {
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify({ version: 1, findings: [{ ruleId: 'redis-auth-tsl', key: 'cache:x', fingerprint: 'a'.repeat(64), reason: 'known' }] }));
    const run = lifeline('check', 'topology.yaml', '--baseline', 'baseline.json');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /baseline\.json.*findings\.0\.ruleId.*unknown rule "redis-auth-tsl"; did you mean "redis-auth-tls"\?|unknown rule "redis-auth-tsl"; did you mean "redis-auth-tls"\?/);
  });
});

describe('lifeline.yaml errors', () => {
  it('are located, framed and suggest the key meant, like topology errors', () => {
    config('inputs: [topology.yaml]\nfailon: warning\n');
    const run = lifeline('check');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /lifeline\.yaml:2:1: error: failon: unknown key "failon"; did you mean "failOn"\?\n +2 \| failon: warning\n +\| \^/);
    config('inputs: [topology.yaml]\nfailOn: sometimes\n');
    assert.match(lifeline('check').stderr, /lifeline\.yaml:2:9: error: failOn: expected one of "critical", "warning", "info", got "sometimes"/);
    config('- topology.yaml\n');
    assert.match(lifeline('check').stderr, /lifeline\.yaml:1:1: error: expected a mapping at the top level: `inputs`/);
  });
});
