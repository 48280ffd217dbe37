import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const fixture = fileURLToPath(new URL('../../test/fixtures/secrets-in-env.yaml', import.meta.url));

const SECRETS = ['Sup3rS3cretPw', 'sk_live_TopSecretValue123', 'R3disPassw0rd'] as const;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(...args: string[]): Run {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertNoSecret(r: Run, secrets: readonly string[] = SECRETS): void {
  for (const secret of secrets) {
    assert.ok(!r.stdout.includes(secret), `secret ${secret} printed on stdout:\n${r.stdout}`);
    assert.ok(!r.stderr.includes(secret), `secret ${secret} printed on stderr:\n${r.stderr}`);
  }
}

/** The fixture text with one exact substring replaced (asserting it was there). */
function fixtureWith(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture does not contain: ${from}`);
  const changed = text.replace(from, to);
  assert.notEqual(changed, text);
  return changed;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `no line contains ${needle}`);
  return index + 1;
}

interface JsonReport {
  status: string;
  paths: { destination: string; service: string; dependency: string; verdict: string }[];
  findings: unknown[];
  fixes: unknown[];
}

describe('secrets are never printed', () => {
  let dir: string;
  let source: string;
  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-secrets-'));
    source = fs.readFileSync(fixture, 'utf8');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the fixture really contains the secrets (so their absence below means something)', () => {
    for (const secret of SECRETS) assert.ok(source.includes(secret), secret);
  });

  test('check --format text: findings and fixes, no secret', () => {
    const r = run('check', fixture, '--format', 'text');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    assertNoSecret(r);
    // The env URLs were analysed: the database and the cache were inferred from them.
    assert.match(r.stdout, /app-db .*REACHABLE/);
    assert.match(r.stdout, /app-redis .*REACHABLE/);
    assert.match(r.stdout, /UNREACHABLE/);
    assert.match(r.stdout, /Fixes/);
  });

  test('check --format json: valid JSON with findings and fixes, no secret', () => {
    const r = run('check', fixture, '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    assertNoSecret(r);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.status, 'CRITICAL');
    const deps = report.paths.filter((p) => p.destination === 'dependency').map((p) => p.dependency).sort();
    assert.deepEqual(deps, ['app-db', 'app-redis', 'payments']);
    assert.ok(report.findings.length >= 1);
    assert.ok(report.fixes.length >= 1);
  });

  test('YAML syntax error on the DATABASE_URL line: code frame shows the line, password redacted', () => {
    const text = fixtureWith(source, '5432/app\n', '5432/app: x\n');
    const line = lineOf(text, 'DATABASE_URL:');
    const file = write('syntax.yaml', text);
    const r = run('check', file);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assertNoSecret(r);
    assert.match(r.stderr, new RegExp(`:${line}:\\d+: error: YAML syntax`));
    assert.ok(r.stderr.includes(`  ${line} |       DATABASE_URL: postgresql://app:***@10.20.0.3:5432/app: x`), r.stderr);
  });

  test('wrong types on the secret lines: code frames redact every secret', () => {
    let text = fixtureWith(source, 'DATABASE_URL: postgresql://app:Sup3rS3cretPw@10.20.0.3:5432/app', 'DATABASE_URL: [postgresql://app:Sup3rS3cretPw@10.20.0.3:5432/app]');
    text = fixtureWith(text, 'PAYMENTS_API_KEY: sk_live_TopSecretValue123', 'PAYMENTS_API_KEY: [sk_live_TopSecretValue123]');
    text = fixtureWith(text, 'CACHE_URL: redis://:R3disPassw0rd@10.20.1.4:6379', 'CACHE_URL: { url: "redis://:R3disPassw0rd@10.20.1.4:6379" }');
    const file = write('types.yaml', text);
    const r = run('check', file);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assertNoSecret(r);
    assert.match(r.stderr, /services\[0\]\.env\.DATABASE_URL: expected /);
    assert.match(r.stderr, /services\[0\]\.env\.PAYMENTS_API_KEY: expected /);
    assert.match(r.stderr, /services\[0\]\.env\.CACHE_URL: expected /);
    assert.ok(r.stderr.includes(`  ${lineOf(text, 'DATABASE_URL:')} |       DATABASE_URL: [postgresql://app:***@10.20.0.3:5432/app]`), r.stderr);
    assert.ok(r.stderr.includes(`  ${lineOf(text, 'PAYMENTS_API_KEY:')} |       PAYMENTS_API_KEY: ***`), r.stderr);
    assert.ok(r.stderr.includes(`  ${lineOf(text, 'CACHE_URL:')} |       CACHE_URL: { url: "redis://:***@10.20.1.4:6379" }`), r.stderr);
  });

  test('wrong type next to the secret in a flow-style env mapping: the secret is redacted', () => {
    const blockEnv = / {4}env:\n(?: {6}.*\n)+/;
    assert.match(source, blockEnv);
    const text = source.replace(blockEnv, '    env: { PAYMENTS_API_KEY: sk_live_TopSecretValue123, RETRIES: [3] }\n');
    assert.ok(!text.includes('DATABASE_URL'));
    const file = write('flow-env.yaml', text);
    const r = run('check', file);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /services\[0\]\.env\.RETRIES: expected /);
    assertNoSecret(r);
    assert.match(r.stderr, /\*\*\*/);
  });

  test('wrong type in a one-line JSON file holding a secret: the secret is redacted', () => {
    const json = JSON.stringify({
      version: 1,
      services: [{ name: 'checkout', maxInstances: 'ten', env: { PAYMENTS_API_KEY: 'sk_live_TopSecretValue123' } }],
    });
    const file = write('one-line.json', `${json}\n`);
    const r = run('check', file);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /services\[0\]\.maxInstances: expected number/);
    assertNoSecret(r);
    assert.match(r.stderr, /\*\*\*/);
  });

  test('a URL password containing "@" is redacted whole', () => {
    const text = fixtureWith(
      source,
      'DATABASE_URL: postgresql://app:Sup3rS3cretPw@10.20.0.3:5432/app',
      'DATABASE_URL: [postgresql://app:Sup3r@S3cretPw@10.20.0.3:5432/app]',
    );
    const file = write('at-password.yaml', text);
    const r = run('check', file);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /services\[0\]\.env\.DATABASE_URL: expected /);
    assertNoSecret(r, ['Sup3r', 'S3cretPw']);
    assert.ok(r.stderr.includes('postgresql://app:***@10.20.0.3:5432/app'), r.stderr);
  });
});
