import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const after_ = readFileSync(fileURLToPath(new URL('../../examples/incident/after.yaml', import.meta.url)), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'lifeline-suppress-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function check(file: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cli, 'check', file, ...args], { encoding: 'utf8' });
  return { ...run, report: () => JSON.parse(run.stdout) as Report };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('inline suppressions', () => {
  it('a trailing comment hides the findings on its line, with the reason, until it expires', () => {
    const file = write('inline.yaml', after_.replace(/^( {4}egress: all-traffic)$/m, '$1 # lifeline-ignore unreachable-dependency NAT rollout tracked in OPS-12 until 2099-01-01'));
    const { status, report } = check(file, '--format', 'json');
    const r = report();
    // backend's egress line carries the comment: its four findings are hidden; auth's is not.
    assert.deepEqual(r.suppressed.map((s) => s.key).sort(), ['backend→anthropic', 'backend→clickhouse', 'backend→openai', 'backend→postgres']);
    assert.ok(r.suppressed.every((s) => s.reason === 'NAT rollout tracked in OPS-12' && s.expires === '2099-01-01' && s.by === 'inline'));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'unreachable-dependency').map((f) => f.key), ['auth→postgres']);
    assert.equal(r.summary.critical, 4, 'auth → postgres, connection capacity, and the internet of both services (another rule)');
    assert.equal(status, 1);
  });

  it('an expired suppression hides nothing and says so', () => {
    const file = write('expired.yaml', after_.replace(/^( {4}egress: all-traffic)$/gm, '$1 # lifeline-ignore unreachable-dependency accepted until 2020-01-01'));
    const r = check(file, '--format', 'json').report();
    assert.deepEqual(r.suppressed, []);
    const reachability = r.findings.filter((f) => f.ruleId === 'unreachable-dependency');
    assert.equal(reachability.length, 5);
    assert.ok(reachability.every((f) => f.message.includes('its suppression expired on 2020-01-01')));
  });

  it('a comment alone on its line covers the next line', () => {
    const file = write('above.yaml', after_.replace(/^( {4}egress: all-traffic)$/gm, '    # lifeline-ignore unreachable-dependency the whole environment is being rebuilt\n$1'));
    const r = check(file, '--format', 'json').report();
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'unreachable-dependency'), []);
    assert.equal(r.suppressed.length, 5);
  });

  it('a suppression without a reason is an error, located', () => {
    const file = write('noreason.yaml', after_.replace(/^( {4}egress: all-traffic)$/m, '$1 # lifeline-ignore unreachable-dependency'));
    const run = check(file);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /noreason\.yaml:72:\d+: error: a suppression needs a rule id and a reason/);
  });

  it('a suppression for another rule hides nothing', () => {
    const file = write('other.yaml', after_.replace(/^( {4}egress: all-traffic)$/gm, '$1 # lifeline-ignore open-authorized-network not this one'));
    assert.equal(check(file, '--format', 'json').report().findings.filter((f) => f.ruleId === 'unreachable-dependency').length, 5);
  });
});

describe('baselines', () => {
  const example = fileURLToPath(new URL('../../examples/incident/after.yaml', import.meta.url));

  it('--write-baseline needs a reason', () => {
    const base = join(dir, 'no-reason.json');
    const run = check(example, '--write-baseline', base);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /needs --reason/);
    assert.equal(existsSync(base), false, 'nothing is written');
  });

  it('a baseline hides known findings; only new ones are reported', () => {
    const base = join(dir, 'baseline.json');
    check(example, '--write-baseline', base, '--reason', 'known since the NAT incident');
    const written = JSON.parse(readFileSync(base, 'utf8')) as { findings: { key: string; reason: string }[] };
    assert.equal(written.findings.length, 11, '5 unreachable paths, 4 unreachable destinations, connection capacity, Redis without TLS');
    assert.ok(written.findings.every((f) => f.reason === 'known since the NAT incident'));
    const hidden = check(example, '--baseline', base, '--format', 'json');
    assert.equal(hidden.status, 0);
    assert.equal(hidden.report().findings.length, 0);
    assert.equal(hidden.report().suppressed.length, 11);
    // The same file, changed: a new finding (the database opened to the world) is not in the
    // baseline, so it alone is reported.
    const topology = write('evolving.yaml', after_);
    const evolvingBase = join(dir, 'evolving-baseline.json');
    check(topology, '--write-baseline', evolvingBase, '--reason', 'known');
    write('evolving.yaml', after_.replace('    requireSsl: true', '    requireSsl: true\n    authorizedNetworks: [{cidr: 0.0.0.0/0}]'));
    const r = check(topology, '--baseline', evolvingBase, '--format', 'json').report();
    assert.deepEqual(r.findings.map((f) => f.ruleId), ['open-authorized-network']);
  });

  it('writing a baseline says how many entries it wrote and exits 0', () => {
    const base = join(dir, 'counted.json');
    const run = check(example, '--write-baseline', base, '--reason', 'known', '--expires', '2099-12-31');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `wrote 11 entries to ${base}\n`);
    assert.ok((JSON.parse(readFileSync(base, 'utf8')) as { findings: { expires: string }[] }).findings.every((f) => f.expires === '2099-12-31'));
  });

  it('an expiry that is not in the future is refused, and nothing is written', () => {
    const base = join(dir, 'past.json');
    const run = check(example, '--write-baseline', base, '--reason', 'temporary', '--expires', '2020-01-31');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /2020-01-31 is not in the future \(today is \d{4}-\d{2}-\d{2}\): an entry that has already lapsed hides nothing/);
    assert.equal(existsSync(base), false);
  });

  it('an expired baseline entry lapses', () => {
    const base = join(dir, 'expiring.json');
    check(example, '--write-baseline', base, '--reason', 'temporary', '--expires', '2099-01-31');
    // The entries lapsed since: an expiry in the past, as a baseline kept too long has.
    writeFileSync(base, readFileSync(base, 'utf8').replaceAll('2099-01-31', '2020-01-31'));
    const r = check(example, '--baseline', base, '--format', 'json').report();
    assert.equal(r.suppressed.length, 0);
    assert.equal(r.findings.length, 11);
  });

  it('a baseline entry without a reason, or a malformed baseline, exits 2', () => {
    const base = join(dir, 'bad.json');
    writeFileSync(base, JSON.stringify({ version: 1, findings: [{ ruleId: 'x', key: 'a→b', fingerprint: 'f'.repeat(64), reason: ' ' }] }));
    const run = check(example, '--baseline', base);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /every suppression needs a reason/);
    writeFileSync(base, '{not json');
    assert.equal(check(example, '--baseline', base).status, 2);
  });

  it('fingerprints are stable across runs', () => {
    const a = check(example, '--format', 'json').report();
    const b = check(example, '--format', 'json').report();
    assert.deepEqual(a.findings.map((f) => f.fingerprint), b.findings.map((f) => f.fingerprint));
    assert.equal(new Set(a.findings.map((f) => f.fingerprint)).size, a.findings.length);
    // The same topology in another file is another set of findings.
    const copy = write('copy.yaml', after_);
    const c = check(copy, '--format', 'json').report();
    assert.ok(c.findings.every((f) => !a.findings.some((g) => g.fingerprint === f.fingerprint)));
  });
});
