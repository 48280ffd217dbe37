import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCredentialKey, isSecretKey, redactUrlPasswords } from '../src/model/redact.js';
import { credentialsIn, SecretRegistry } from '../src/model/secret-registry.js';
import { formatDiagnostic } from '../src/sources/errors.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Every form a planted secret could leak in. */
const forms = (secret: string): string[] => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
const leaks = (output: string, secrets: readonly string[]): string[] => secrets.flatMap((s) => forms(s).filter((f) => output.includes(f)).map((f) => `${s} as ${f}`));

describe('secret names', () => {
  it('names that hold a credential, and names that only look like one', () => {
    for (const name of ['DB_PASSWORD', 'dbPassword', 'DB_PWD', 'STRIPE_KEY', 'SIGNING_KEY', 'ENCRYPTION_KEY', 'JWT', 'JWT_SECRET', 'API_KEY_PRIMARY', 'GITHUB_TOKENS', 'AWS_CREDENTIALS', 'DB_PASS']) {
      assert.ok(isCredentialKey(name), name);
    }
    for (const name of ['KMS_KEY_ID', 'PUBLIC_KEY', 'KEY_FILE', 'CACHE_KEY_PREFIX', 'DATABASE_HOST', 'PORT', 'MONKEY', 'BYPASS_CACHE', 'AUTHOR_NAME']) {
      assert.ok(!isSecretKey(name), name);
    }
    // Redaction hides more than a rule calls a secret: a DSN or an auth header may hold a key.
    for (const name of ['SENTRY_DSN', 'AUTH_HEADER', 'BASIC_AUTH']) {
      assert.ok(isSecretKey(name) && !isCredentialKey(name), name);
    }
  });
});

describe('redaction of free text', () => {
  it('query-string credentials, libpq and JDBC passwords are replaced; other properties stay', () => {
    assert.equal(redactUrlPasswords('GET https://api.example.com/v1/models?api_key=sk-canary-1&limit=5'), 'GET https://api.example.com/v1/models?api_key=***&limit=5');
    assert.equal(redactUrlPasswords('host=10.0.0.5 port=5432 password=canary-2 sslmode=require'), 'host=10.0.0.5 port=5432 password=*** sslmode=require');
    assert.equal(redactUrlPasswords('jdbc:postgresql://db:5432/app;user=app;password=canary-3'), 'jdbc:postgresql://db:5432/app;user=app;password=***');
    assert.equal(redactUrlPasswords('https://example.com/?token=canary-4\nnext line ?page=2'), 'https://example.com/?token=***\nnext line ?page=2');
  });

  it('the URL parser finds passwords with any characters, and key=value credentials', () => {
    assert.deepEqual(credentialsIn('postgres://app:pa%2Cs%27s%20w@db:5432/app').slice(0, 2), ['pa%2Cs%27s%20w', "pa,s's w"]);
    assert.deepEqual(credentialsIn('https://sk_live_canary_user_token@api.example.com'), ['sk_live_canary_user_token', 'sk_live_canary_user_token']);
    assert.deepEqual(credentialsIn('host=db password=canary-5 user=app'), ['canary-5']);
    // A plain user name is not a credential: registering it would hide every "postgres" in a report.
    assert.deepEqual(credentialsIn('postgres://postgres@db:5432/app'), []);
  });

  it('a registry replaces every registered value, URL-encoded and base64 too, in one pass', () => {
    const registry = new SecretRegistry();
    registry.addSetting('DATABASE_URL', 'postgres://app:s3cr,et pw@db/app');
    registry.addSetting('STRIPE_KEY', 'rk_canary_0001');
    const text = `a s3cr,et pw b ${encodeURIComponent('s3cr,et pw')} c ${Buffer.from('rk_canary_0001').toString('base64')} d rk_canary_0001`;
    assert.equal(registry.redact(text), 'a *** b *** c *** d ***');
    registry.add('ab');
    assert.equal(registry.redact('ab'), 'ab', 'values too short to be secrets are not registered');
  });

  it('a code frame on a very long line is a window around the column, redacted, with the caret on it', () => {
    const long = `${'x'.repeat(100_000)} password: "canary-6" ${'y'.repeat(100_000)}`;
    const column = 100_002; // the p of password
    const frame = formatDiagnostic({ file: 'f.yaml', line: 1, column, keyPath: undefined, message: 'bad', sourceLine: long });
    const [, code, caret] = frame.split('\n');
    assert.ok((code?.length ?? 0) < 200, `frame is ${code?.length ?? 0} characters`);
    assert.ok(!frame.includes('canary-6'));
    assert.equal(code?.[caret?.indexOf('^') ?? -1], 'p');
    assert.match(code, /^\s+1 \| …x+ password: \*\*\* y+…$/);
  });
});

describe('planted secrets never reach any output of the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-canary-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const canaries = ['pw,with spaces"q', 'sk-canary-query-0123456789', 'rk_canary_stripe_42', 'canary-libpq-pw', 'eyJcanaryJwtValue'];
  const topology = `version: 1
project: p
region: europe-west1
externals:
  - name: models
    url: https://api.example.com
services:
  - name: api
    env:
      DATABASE_URL: 'postgres://app:${encodeURIComponent(canaries[0] ?? '')}@203.0.113.5:5432/app'
      MODELS_URL: 'https://api.example.com/v1/models?api_key=${canaries[1] ?? ''}'
      STRIPE_KEY: ${canaries[2] ?? ''}
      PG_CONN: 'host=203.0.113.6 password=${canaries[3] ?? ''} user=app'
      JWT: ${canaries[4] ?? ''}
    dependencies:
      - name: models
        external: models
        critical: true
`;
  writeFileSync(join(dir, 'topology.yaml'), topology);

  it('in every report format, a baseline, and an error on the same file', () => {
    const outputs: string[] = [];
    for (const format of ['text', 'json', 'sarif', 'junit', 'markdown', 'html']) {
      const run = spawnSync(process.execPath, [cli, 'check', 'topology.yaml', '--format', format], { encoding: 'utf8', cwd: dir });
      assert.ok(run.status === 0 || run.status === 1, `${format}: exit ${String(run.status)} ${run.stderr}`);
      outputs.push(run.stdout, run.stderr);
    }
    spawnSync(process.execPath, [cli, 'check', 'topology.yaml', '--write-baseline', 'baseline.yaml', '--reason', 'test'], { encoding: 'utf8', cwd: dir });
    outputs.push(readFileSync(join(dir, 'baseline.yaml'), 'utf8'));
    // The same file with a type error next to the secrets: the code frame and the message.
    writeFileSync(join(dir, 'broken.yaml'), topology.replace('region: europe-west1', 'region: 42'));
    const broken = spawnSync(process.execPath, [cli, 'check', 'broken.yaml', '--format', 'json'], { encoding: 'utf8', cwd: dir });
    assert.equal(broken.status, 2);
    outputs.push(broken.stdout, broken.stderr);
    assert.deepEqual(leaks(outputs.join('\n'), canaries), []);
    assert.match(outputs[0] ?? '', /Lifeline check/);
  });

  it('names of Secret Manager secrets are structure, not values: findings still name them', () => {
    writeFileSync(
      join(dir, 'refs.yaml'),
      'version: 1\nproject: p\nregion: europe-west1\nsecrets:\n  - name: orders-db-url\n    versions: [1]\nservices:\n  - name: api\n    secrets:\n      - env: DATABASE_URL\n        secret: orders-db-url\n        version: 2\n',
    );
    const run = spawnSync(process.execPath, [cli, 'check', 'refs.yaml'], { encoding: 'utf8', cwd: dir });
    assert.match(run.stdout, /orders-db-url/);
  });

  it('a token in a known format is never printed, whatever name it stands under (secretlint\'s preset)', () => {
    // Fake tokens in the GitHub and Slack formats, under names that say nothing.
    const github = ['ghp', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('_');
    const slack = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
    writeFileSync(join(dir, 'tokens.yaml'), `version: 1\nproject: p\nregion: europe-west1\nowner: ${github}\nservices:\n  - name: api\n    maxInstances: ${slack}\n`);
    const run = spawnSync(process.execPath, [cli, 'check', 'tokens.yaml'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /tokens\.yaml:\d+:\d+: error/);
    assert.deepEqual(leaks(run.stdout + run.stderr, [github, slack]), []);
    assert.match(run.stderr, /\*\*\*/);
  });

  it('a token in a known format deep in a large file (2 MiB, past one scan window) is never printed either', () => {
    const github = ['ghp', 'zQ8rT2mV9xK4nB7cL1pW5yH3jF6dS0aE2uG9'].join('_');
    const padding = Array.from({ length: 40_000 }, (_, i) => `# padding line ${i} ${'x'.repeat(40)}`).join('\n');
    writeFileSync(join(dir, 'large.yaml'), `version: 1\nproject: p\nregion: europe-west1\n${padding}\nowner: ${github}\nservices:\n  - name: api\n    maxInstances: ten\n`);
    const run = spawnSync(process.execPath, [cli, 'check', 'large.yaml'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 2);
    assert.deepEqual(leaks(run.stdout + run.stderr, [github]), []);
  });

  it('a YAML syntax error does not quote the token it stopped at', () => {
    writeFileSync(join(dir, 'syntax.yaml'), 'services:\n  - name: api\n    env: { PASSWORD: "canary-yaml-token" "x" }\n');
    const run = spawnSync(process.execPath, [cli, 'check', 'syntax.yaml'], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /syntax\.yaml:3:\d+: error: YAML syntax/);
    assert.ok(!run.stderr.includes('canary-yaml-token'), run.stderr);
  });
});

describe('Terraform secrets are registered while the configuration is read', () => {
  it('secret_data (a heredoc too) and passwords, not the names that refer to secrets', async () => {
    const { importTerraformFiles } = await import('../src/sources/terraform/hcl.js');
    const { memoryView } = await import('../src/sources/terraform/hcl-memory-view.test-helper.js');
    const { runSecrets } = await import('../src/model/secret-registry.js');
    const main = [
      'resource "google_secret_manager_secret" "api" {',
      '  secret_id = "api-token-name"',
      '}',
      'resource "google_secret_manager_secret_version" "v1" {',
      '  secret      = google_secret_manager_secret.api.id',
      '  secret_data = <<EOT',
      'canary-heredoc-secret-data',
      'EOT',
      '}',
      'resource "google_sql_user" "app" {',
      '  name     = "app"',
      '  instance = "db"',
      '  password = "canary-sql-user-password"',
      '}',
      '',
    ].join('\n');
    const files = { 'cfg/main.tf': main };
    await importTerraformFiles('cfg', new Map(Object.entries(files)), memoryView(files));
    assert.equal(runSecrets.redact('canary-heredoc-secret-data'), '***');
    assert.equal(runSecrets.redact('canary-sql-user-password'), '***');
    assert.equal(runSecrets.redact('api-token-name'), 'api-token-name');
  });
});
