import { cloudSqlConnectionFromSocketDir } from '../../model/endpoint.js';
import { isConnectionVariable, kindFromVariable } from '../../model/infer.js';
import type { Finding, Rule } from './rule.js';

/**
 * Each check returns what is wrong with a value, or undefined when it parses. A problem says what
 * is wrong and never quotes the value or any part of it: secret values must not reach any output.
 */
type FormatCheck = (value: string) => string | undefined;

type SecretFormat = 'postgres-url' | 'redis-url' | 'url' | 'json' | 'json-array-of-origins' | 'text';

const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/is;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const HOST_AND_PORT = /^(\[[0-9a-f:.]+\]|[^:[\]]*)(?::(.*))?$/i;
const HOST_CHARS = /^[a-z0-9._~%-]*$/i;
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];
const ESCAPE_HINT = "(characters such as '/', '?', '#' or ':' in a password must be percent-encoded)";

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function decoded(text: string): string {
  return decodes(text) ? decodeURIComponent(text) : text;
}

interface UrlParts {
  readonly scheme: string;
  readonly hosts: readonly { readonly host: string; readonly port: string | undefined }[];
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
}

/** Splits a connection URL by hand: WHATWG `URL` rejects the empty host of the Cloud SQL socket form. */
function splitUrl(value: string, what: string): UrlParts | string {
  if (/\s/.test(value)) return `not ${what}: it contains whitespace`;
  const url = URL_PARTS.exec(value);
  if (!url) return HAS_SCHEME.test(value) ? `not ${what}: it does not parse` : `not ${what}: no scheme`;
  const authority = url[2] ?? '';
  const at = authority.lastIndexOf('@');
  // A raw '@' in a password is tolerated: the host starts after the last one, as WHATWG URL parsing does.
  const userinfo = at === -1 ? '' : authority.slice(0, at);
  if (!decodes(userinfo) || /%(?![0-9a-f]{2})/i.test(userinfo)) return `not ${what}: the user name or password has a '%' that is not a percent-escape (write %25)`;
  const hosts = [];
  for (const entry of authority.slice(at + 1).split(',')) {
    const hp = HOST_AND_PORT.exec(entry);
    if (!hp || !HOST_CHARS.test(hp[1]?.replace(/^\[.*\]$/, '') ?? '')) return `not ${what}: the host has characters a host name cannot have ${ESCAPE_HINT}`;
    const port = hp[2];
    if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
      return `not ${what}: the port is not a number from 1 to 65535 ${ESCAPE_HINT}`;
    }
    hosts.push({ host: decoded(hp[1] ?? ''), port });
  }
  const query = new Map<string, string>();
  for (const pair of (url[4] ?? '').split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const [key, raw] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    if (!decodes(raw)) return `not ${what}: a query parameter has an invalid percent-escape`;
    query.set(decoded(key), decodeURIComponent(raw));
  }
  return { scheme: (url[1] ?? '').toLowerCase(), hosts, path: url[3] ?? '', query };
}

const checkPostgresUrl: FormatCheck = (value) => {
  const what = 'a PostgreSQL URL';
  const parts = splitUrl(value, what);
  if (typeof parts === 'string') return parts;
  // postgresql+psycopg2:// and the like are SQLAlchemy's spelling of the same URL.
  if (!/^postgres(ql)?(\+[a-z0-9_]+)?$/.test(parts.scheme)) return `not ${what}: the scheme is not postgresql:// or postgres://`;
  const sslmode = parts.query.get('sslmode');
  if (sslmode !== undefined && !SSL_MODES.includes(sslmode)) return `sslmode is not one of ${SSL_MODES.join(', ')}`;
  // The built-in Cloud SQL connection is a Unix socket: ?host=/cloudsql/PROJECT:REGION:INSTANCE (fact cloudsql-socket-path).
  const socket = [parts.query.get('host'), parts.query.get('unix_sock'), ...parts.hosts.map((h) => h.host)].find((h) => h?.startsWith('/'));
  if (socket?.startsWith('/cloudsql/') && cloudSqlConnectionFromSocketDir(socket) === undefined) {
    return 'the Cloud SQL socket path is not /cloudsql/PROJECT:REGION:INSTANCE';
  }
  const named = socket !== undefined || (parts.query.get('host') ?? '') !== '' || parts.hosts.some((h) => h.host !== '');
  if (!named) return `${what} with no host and no ?host=/cloudsql/… socket: on Cloud Run there is no default local socket`;
  if (!decodes(parts.path)) return `${what} whose database name has an invalid percent-escape`;
  return undefined;
};

const checkRedisUrl: FormatCheck = (value) => {
  const what = 'a Redis URL';
  const parts = splitUrl(value, what);
  if (typeof parts === 'string') return parts;
  if (parts.scheme !== 'redis' && parts.scheme !== 'rediss') return `not ${what}: the scheme is not redis:// or rediss://`;
  if (parts.hosts.length !== 1 || parts.hosts[0]?.host === '') return `not ${what}: it names no host (or more than one)`;
  if (!/^(\/(\d+)?)?$/.test(parts.path)) return `${what} whose path is not a database number (/0 to /15 by default)`;
  return undefined;
};

const checkUrl: FormatCheck = (value) => {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return 'not a URL: no scheme';
  if (/\s/.test(value)) return 'not a URL: it contains whitespace';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL: it does not parse';
  }
  if (HAS_SCHEME.test(value) && url.hostname === '' && url.protocol !== 'file:') return 'not a URL: it names no host';
  return undefined;
};

function parseJson(value: string): { readonly ok: true; readonly json: unknown } | { readonly ok: false } {
  try {
    return { ok: true, json: JSON.parse(value) as unknown };
  } catch {
    // JSON.parse's message quotes the text around the error: never pass it on.
    return { ok: false };
  }
}

const checkJson: FormatCheck = (value) => (parseJson(value).ok ? undefined : 'not valid JSON');

/** Why one entry is not an origin (`https://app.example.com`), or undefined. */
function originProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return 'is not a string';
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not an http(s) origin';
  if (url.username !== '' || url.password !== '') return 'carries credentials';
  if (entry.endsWith('/') || url.pathname !== '/' || url.search !== '' || url.hash !== '') return 'has a path, query or trailing slash (an origin is scheme://host[:port])';
  if (url.origin !== entry) return 'is not written as an origin is sent (lower case, no default port)';
  return undefined;
}

const checkOrigins: FormatCheck = (value) => {
  const parsed = parseJson(value);
  if (!parsed.ok) return 'not valid JSON';
  if (!Array.isArray(parsed.json)) return 'valid JSON but not an array of origins';
  for (const [i, entry] of (parsed.json as unknown[]).entries()) {
    const problem = originProblem(entry);
    if (problem !== undefined) return `entry ${i + 1} of the origin list ${problem}`;
  }
  return undefined;
};

const FORMAT_CHECKS: Readonly<Record<SecretFormat, FormatCheck>> = {
  'postgres-url': checkPostgresUrl,
  'redis-url': checkRedisUrl,
  url: checkUrl,
  json: checkJson,
  'json-array-of-origins': checkOrigins,
  text: () => undefined,
};

function isSecretFormat(format: string): format is SecretFormat {
  return Object.hasOwn(FORMAT_CHECKS, format);
}

/** Every problem of a value against a declared format and minimum length. Never quotes the value. */
export function formatProblems(value: string, format: string | undefined, minLength: number | undefined): string[] {
  // Parsers ignore surrounding whitespace, and a trailing newline is not key material.
  const trimmed = value.trim();
  const problems: string[] = [];
  if (format !== undefined && isSecretFormat(format)) {
    const problem = FORMAT_CHECKS[format](trimmed);
    if (problem !== undefined) problems.push(problem);
  }
  const length = trimmed.length;
  if (minLength !== undefined && length < minLength) problems.push(`${length} character${length === 1 ? '' : 's'}, at least ${minLength} required`);
  return problems;
}

/** The format an env literal must have, judged from its name: DATABASE_URL → postgres-url, REDIS_URL → redis-url. */
function envLiteralFormat(name: string, value: string): SecretFormat | undefined {
  if (!/(^|_)(URL|URI|DSN)$/i.test(name) || !isConnectionVariable(name)) return undefined;
  // $(VAR) and ${VAR} are expanded elsewhere; the literal is not the value the app sees.
  if (/\$[({]/.test(value)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value.trim())?.[1]?.toLowerCase();
  const kind = kindFromVariable(name);
  // A DATABASE_URL of another engine (mysql://…) is not a malformed PostgreSQL URL.
  if (kind === 'postgres' && (scheme === undefined || /^postgres(ql)?(\+|$)/.test(scheme))) return 'postgres-url';
  if (kind === 'redis' && (scheme === undefined || scheme === 'redis' || scheme === 'rediss')) return 'redis-url';
  return undefined;
}

export const secretFormat: Rule = {
  id: 'secret-format',
  title: 'A secret or connection string does not parse as its declared format',
  category: 'secrets',
  severity: 'critical',
  rationale:
    'A secret that exists and is readable can still stop a service: a database URL with an unescaped character in its password, a JSON document with a trailing comma, a signing key shorter than the library accepts. The deploy succeeds and the service fails when it first uses the value, often at startup. Where a value is available (a secret with a local `file`, or a PostgreSQL or Redis connection URL given as a literal environment variable), it is parsed as its declared `format` (postgres-url, including the `?host=/cloudsql/PROJECT:REGION:INSTANCE` socket form; redis-url; url; json; json-array-of-origins) and measured against `minLength`. Findings say what is wrong and never show the value.',
  sources: ['https://cloud.google.com/run/docs/configuring/services/secrets', 'https://cloud.google.com/sql/docs/postgres/connect-run'],
  facts: ['cloudsql-socket-path'],
  check({ topology, secretValues }) {
    const findings: Finding[] = [];
    for (const secret of topology.secrets.values()) {
      const value = secretValues.get(secret.name);
      if (value === undefined || (secret.format === undefined && secret.minLength === undefined)) continue;
      const problems = formatProblems(value, secret.format, secret.minLength);
      if (problems.length === 0) continue;
      findings.push({
        ruleId: 'secret-format',
        key: `secret:${secret.name}`,
        severity: 'critical',
        message: `secret "${secret.name}"${secret.format !== undefined ? ` (format ${secret.format})` : ''}: ${problems.join('; ')}`,
        origin: secret.origin,
      });
    }
    for (const service of topology.services) {
      for (const variable of service.env) {
        // `unknown` is no value to check (a Terraform value known only after apply).
        if (variable.value === 'unknown') continue;
        const format = envLiteralFormat(variable.name, variable.value);
        if (format === undefined) continue;
        const problems = formatProblems(variable.value, format, undefined);
        if (problems.length === 0) continue;
        findings.push({
          ruleId: 'secret-format',
          key: `${service.name}:env:${variable.name}`,
          severity: 'critical',
          message: `${service.name} env ${variable.name} (read as ${format}): ${problems.join('; ')}`,
          origin: variable.origin,
          service: service.name,
        });
      }
    }
    return findings;
  },
};
