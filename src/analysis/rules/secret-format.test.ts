import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keySeverityLines, loadRuleFixture, runRule } from '../../../test/harness/rule-fixture.js';
import { formatProblems, secretFormat as rule } from './secret-format.js';

// What the caller read from each secret's file. `no-value-given` has none.
const VALUES = new Map([
  ['pg-socket', 'postgresql://app:p%40ss@/app?host=/cloudsql/acme:europe-west1:main-db'],
  ['pg-tcp', 'postgres://app:Pw0rd@10.0.0.5:5432/app?sslmode=verify-full\n'],
  ['pg-no-scheme', 'app:Pw0rd@10.0.0.5:5432/app'],
  ['pg-slash-in-password', 'postgresql://app:ab/cdSecret@10.0.0.5/app'],
  ['pg-bad-socket', 'postgresql://app:Pw0rd@/app?host=/cloudsql/main-db'],
  ['pg-wrong-scheme', 'mysql://app:Pw0rd@10.0.0.5/app'],
  ['redis-ok', 'redis://:authstring-0123@10.20.1.4:6379/0'],
  ['redis-no-host', 'redis://:authstring-0123@/0'],
  ['webhook-url', 'https://hooks.example.com/T000/B000/XXXX'],
  ['webhook-no-scheme', 'hooks.example.com/T000/B000/XXXX'],
  ['config-json', '{"client_secret": "abc", "retries": 3}'],
  ['config-trailing-comma', '{"client_secret": "abc", "retries": 3,}'],
  ['cors-origins', '["https://app.example.com", "http://localhost:3000"]'],
  ['cors-with-path', '["https://app.example.com", "https://admin.example.com/"]'],
  ['cors-not-array', '"https://app.example.com"'],
  ['jwt-key', 'k9f2M4q8Zr1Lw7Xc3Vb6Nn0Pp5Tt8Yy2Hh4Jj6\n'],
  ['jwt-key-short', 'short-key-123'],
  ['api-token-short', 'abc'],
  ['no-format', 'x'],
]);

describe(rule.id, () => {
  describe('secret values', () => {
    const topology = loadRuleFixture(rule.id, 'formats');
    const findings = runRule(rule, topology, { secretValues: VALUES });

    it('fails exactly the values that do not parse as their format or are too short', () => {
      assert.deepEqual(keySeverityLines(findings), [
        'secret:api-token-short critical',
        'secret:config-trailing-comma critical',
        'secret:cors-not-array critical',
        'secret:cors-with-path critical',
        'secret:jwt-key-short critical',
        'secret:pg-bad-socket critical',
        'secret:pg-no-scheme critical',
        'secret:pg-slash-in-password critical',
        'secret:pg-wrong-scheme critical',
        'secret:redis-no-host critical',
        'secret:webhook-no-scheme critical',
      ]);
    });

    it('passes exactly the well-formed values, secrets without a value and secrets without a format', () => {
      const failing = new Set(findings.map((f) => f.key));
      assert.deepEqual(
        [...topology.secrets.keys()].filter((name) => !failing.has(`secret:${name}`)),
        ['pg-socket', 'pg-tcp', 'redis-ok', 'webhook-url', 'config-json', 'cors-origins', 'jwt-key', 'no-value-given', 'no-format'],
      );
    });

    it('says what is wrong without any part of the value', () => {
      const message = (name: string): string => findings.find((f) => f.key === `secret:${name}`)?.message ?? '';
      assert.equal(message('pg-no-scheme'), 'secret "pg-no-scheme" (format postgres-url): not a PostgreSQL URL: no scheme');
      assert.match(message('pg-slash-in-password'), /the port is not a number from 1 to 65535 \(characters such as '\/', '\?', '#' or ':' in a password must be percent-encoded\)/);
      assert.match(message('pg-bad-socket'), /the Cloud SQL socket path is not \/cloudsql\/PROJECT:REGION:INSTANCE/);
      assert.match(message('cors-with-path'), /entry 2 of the origin list has a path, query or trailing slash/);
      assert.equal(message('jwt-key-short'), 'secret "jwt-key-short" (format text): 13 characters, at least 32 required');
      assert.equal(message('api-token-short'), 'secret "api-token-short": 3 characters, at least 20 required');
      for (const f of findings) {
        for (const fragment of ['Pw0rd', 'ab/cd', 'cdSecret', 'authstring', 'hooks.example', 'T000', 'client_secret', 'admin.example', 'short-key', '10.0.0.5', 'main-db']) {
          assert.ok(!f.message.includes(fragment), `${f.key} message shows part of the value: ${f.message}`);
        }
      }
    });
  });

  describe('connection URLs in literal env vars', () => {
    const topology = loadRuleFixture(rule.id, 'env-literals');
    const findings = runRule(rule, topology);

    it('fails exactly the PostgreSQL and Redis URLs that do not parse', () => {
      assert.deepEqual(keySeverityLines(findings), ['api:env:REDIS_URL critical', 'api:env:REPLICA_DATABASE_URL critical', 'worker:env:POSTGRES_URL critical']);
    });

    it('passes exactly the good URLs, other engines, placeholders and variables that are not connection URLs', () => {
      const all = topology.services.flatMap((s) => s.env.map((v) => `${s.name}:env:${v.name}`));
      const failing = new Set(findings.map((f) => f.key));
      assert.deepEqual(all.filter((k) => !failing.has(k)), [
        'api:env:DATABASE_URL',
        'api:env:ANALYTICS_DB_URL',
        'api:env:CACHE_REDIS_URL',
        'api:env:SQLALCHEMY_PG_URL',
        'api:env:DB_HOST',
        'api:env:FRONTEND_URL',
        'api:env:SESSION_REDIS_URL',
        'worker:env:DATABASE_URL',
      ]);
      assert.equal(findings.find((f) => f.key === 'api:env:REDIS_URL')?.message, 'api env REDIS_URL (read as redis-url): not a Redis URL: no scheme');
    });
  });

  describe('formatProblems', () => {
    const cases: readonly [string, string | undefined, number | undefined, readonly string[]][] = [
      ['postgresql://u:p@10.0.0.5/db?sslmode=sometimes', 'postgres-url', undefined, ['sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full, no-verify']],
      ['postgresql://u:p@/db', 'postgres-url', undefined, ['a PostgreSQL URL with no host and no ?host=/cloudsql/… socket: on Cloud Run there is no default local socket']],
      ['postgresql://u:p%zz@10.0.0.5/db', 'postgres-url', undefined, ["not a PostgreSQL URL: the user name or password has a '%' that is not a percent-escape (write %25)"]],
      ['postgresql://u:p@ss@10.0.0.5/db', 'postgres-url', undefined, []],
      ['postgresql://u:p@h1:5432,h2:5433/db', 'postgres-url', undefined, []],
      ['postgresql://u:p w@10.0.0.5/db', 'postgres-url', undefined, ['not a PostgreSQL URL: it contains whitespace']],
      ['rediss://:t@10.0.0.4:6378/x', 'redis-url', undefined, ['a Redis URL whose path is not a database number (/0 to /15 by default)']],
      ['https://a.example.com/x', 'url', undefined, []],
      ['[1, 2]', 'json-array-of-origins', undefined, ['entry 1 of the origin list is not a string']],
      ['["HTTPS://App.Example.com"]', 'json-array-of-origins', undefined, ['entry 1 of the origin list is not written as an origin is sent (lower case, no default port)']],
      ['["ftp://files.example.com"]', 'json-array-of-origins', undefined, ['entry 1 of the origin list is not an http(s) origin']],
      ['[]', 'json-array-of-origins', undefined, []],
      ['{', 'json', 4, ['not valid JSON', '1 character, at least 4 required']],
    ];
    for (const [value, format, minLength, expected] of cases) {
      it(`${format ?? 'any'}${minLength !== undefined ? ` ≥${minLength}` : ''}: ${expected.length === 0 ? 'passes' : expected.join('; ')}`, () => {
        assert.deepEqual(formatProblems(value, format, minLength), expected);
      });
    }
  });
});
