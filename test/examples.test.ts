import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const example = (name: string) => fileURLToPath(new URL(`../../examples/incident/${name}.yaml`, import.meta.url));

function check(name: string, ...args: string[]): { report: Report; status: number | null } {
  const run = spawnSync(process.execPath, [cli, 'check', example(name), '--format', 'json', ...args], { encoding: 'utf8' });
  assert.equal(run.stderr, '');
  return { report: JSON.parse(run.stdout) as Report, status: run.status };
}

const line = (p: Report['paths'][number]) => `${p.service} ${p.dependency} ${p.verdict} ${p.cause ?? '-'}`;
/** Dependency paths, in report order. */
const table = (report: Report) => report.paths.filter((p) => p.destination === 'dependency').map(line);
/** Implicit destination paths (internet, Google APIs, private ranges) that are not reachable. */
const latent = (report: Report) => report.paths.filter((p) => p.destination === 'implicit' && p.verdict !== 'REACHABLE').map(line);

describe('the incident examples', () => {
  it('before: everything reachable except ClickHouse, whose allow-list rejects Cloud Run\'s shared IPs; pools over-committed', () => {
    const { report, status } = check('before');
    assert.deepEqual(table(report), [
      'backend postgres REACHABLE -',
      'backend clickhouse UNREACHABLE SOURCE_IP_NOT_ALLOWLISTED',
      'backend staging-redis REACHABLE -',
      'backend openai REACHABLE -',
      'backend anthropic REACHABLE -',
      'auth postgres REACHABLE -',
      'auth redis REACHABLE -',
    ]);
    // private-ranges-only: the internet and Google APIs over Cloud Run's own path, both VPC ranges through the connector.
    assert.deepEqual(latent(report), []);
    assert.deepEqual(
      report.paths.filter((p) => p.destination === 'implicit' && p.service === 'backend').map((p) => p.dependency),
      ['internet', 'google-apis', 'private:staging-vpc:10.10.0.0/24', 'private:staging-vpc:10.20.0.0/16'],
    );
    // The outage's other cause is already there: 20 × (25 + 50) + 10 × 10 connections against 95.
    assert.deepEqual(
      report.findings.map((f) => [f.ruleId, f.key, f.severity]),
      [
        ['connection-capacity', 'database:staging-db', 'critical'],
        ['unreachable-dependency', 'backend→clickhouse', 'warning'],
        ['redis-auth-tls', 'cache:staging-redis:tls', 'warning'],
      ],
    );
    assert.equal(report.status, 'CRITICAL');
    assert.equal(status, 1);
    // The change that caused the outage is offered only together with a NAT; alone it is rejected.
    const recommended = report.fixes.find((f) => f.recommended);
    assert.deepEqual(recommended?.edits.map((e) => e.kind), ['set-egress', 'add-nat']);
    const alone = report.rejectedFixes.find((r) => r.title === 'set egress of service backend to all-traffic');
    assert.match(alone?.reason ?? '', /breaks backend → postgres becomes UNREACHABLE/);
  });

  it('after: Postgres, ClickHouse and the LLM APIs unreachable, Redis still reachable, a verified fix offered', () => {
    const { report, status } = check('after');
    assert.deepEqual(table(report), [
      'backend postgres UNREACHABLE NO_EXTERNAL_ADDRESS',
      'backend clickhouse UNREACHABLE NO_EXTERNAL_ADDRESS',
      'backend staging-redis REACHABLE -',
      'backend openai UNREACHABLE NO_EXTERNAL_ADDRESS',
      'backend anthropic UNREACHABLE NO_EXTERNAL_ADDRESS',
      'auth postgres UNREACHABLE NO_EXTERNAL_ADDRESS',
      'auth redis REACHABLE -',
    ]);
    // Every service's egress is judged: all traffic enters staging-vpc, which has no way out.
    assert.deepEqual(latent(report), [
      'backend internet UNREACHABLE NO_EXTERNAL_ADDRESS',
      // Whether Private Google Access covers the connector's hidden subnet is not documented.
      'backend google-apis UNDETERMINED UNKNOWN_CONFIGURATION',
      'auth internet UNREACHABLE NO_EXTERNAL_ADDRESS',
      'auth google-apis UNDETERMINED UNKNOWN_CONFIGURATION',
    ]);
    // Critical, not latent: postgres (its port-3307 leg) and the LLM APIs rely on the internet.
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === 'unreachable-destination').map((f) => `${f.key} ${f.severity}`),
      ['backend→internet critical', 'auth→internet critical'],
    );
    assert.equal(report.status, 'CRITICAL');
    assert.equal(status, 1);
    const fix = report.fixes.find((f) => f.recommended);
    assert.ok(fix);
    assert.equal(fix.edits[0]?.kind, 'add-nat');
    assert.equal(fix.resolves.length, 5, 'the NAT repairs every broken path');
    const patch = fix.changes[0]?.patch ?? '';
    assert.match(patch, /^\+ {10}- name: staging-vpc-nat$/m);
    assert.match(patch, /^\+ {12}subnets: all$/m);
    assert.doesNotMatch(patch, /^[-+].*ranges: \[/m, 'the patch touches only what the fix changes');
    // The finding points at the line that changed: backend's egress setting.
    const finding = report.findings.find((f) => f.ruleId === 'unreachable-dependency' && f.service === 'backend' && f.dependency === 'postgres');
    assert.equal(finding?.location.line, 72);
    assert.equal(finding.severity, 'critical');
  });

  it('fixed: all-traffic plus Cloud NAT with the allow-listed static IP reaches everything', () => {
    const { report, status } = check('fixed');
    assert.ok(report.paths.every((p) => p.verdict === 'REACHABLE'), report.paths.map(line).join('\n'));
    assert.equal(table(report).length, 7);
    assert.equal(report.paths.length, 15, 'seven dependencies, and four implicit destinations for each of two services');
    assert.equal(report.status, 'HEALTHY');
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.fixes, []);
    // Redis without TLS is accepted in the file itself, with its reason.
    assert.deepEqual(report.suppressed.map((s) => [s.ruleId, s.by, s.reason]), [['redis-auth-tls', 'inline', 'in-transit encryption waits for the client CA rollout (OPS-31)']]);
    assert.equal(status, 0);
  });

  it('applying the recommended fix to after.yaml gives the same verdicts as fixed.yaml', () => {
    const { report } = check('after');
    const fix = report.fixes.find((f) => f.recommended);
    assert.ok(fix);
    const dependencies = (r: Report) => r.paths.filter((p) => p.destination === 'dependency');
    const fixedPaths = dependencies(check('fixed').report).map((p) => `${p.service} ${p.dependency}`);
    const resolved = new Set(fix.resolves.map((r) => `${r.service} ${r.dependency}`));
    const stillReachable = dependencies(report).filter((p) => p.verdict === 'REACHABLE').map((p) => `${p.service} ${p.dependency}`);
    assert.deepEqual(new Set([...resolved, ...stillReachable]), new Set(fixedPaths));
  });

  it('the JSON report carries schema version 1 and the documented fields', () => {
    const { report } = check('after');
    assert.equal(report.schemaVersion, 1);
    const path = report.paths[0];
    assert.ok(path);
    for (const key of ['destination', 'service', 'dependency', 'target', 'verdict', 'cause', 'confidence', 'hops', 'reliesOn'] as const) assert.ok(key in path, key);
    for (const key of ['services', 'dependencies', 'implicitPaths', 'unknowns'] as const) assert.ok(key in report.coverage, key);
    const finding = report.findings[0];
    assert.ok(finding);
    assert.deepEqual(Object.keys(finding.location).sort(), ['column', 'file', 'line']);
    assert.ok(report.fixes.every((f) => f.resolves.length > 0));
  });

  it('text output has no colour when not on a TTY', () => {
    const run = spawnSync(process.execPath, [cli, 'check', example('after')], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^Lifeline check: CRITICAL$/m);
    assert.ok(!run.stdout.includes('\u001b['), 'no ANSI escape codes');
    assert.match(run.stdout, /★ recommended fix-1: add Cloud NAT/);
  });
});
