/**
 * Redaction of secret material. Every renderer, log line and error message passes text through
 * here: URL passwords and the values of secret-looking keys never leave the process.
 */

export const REDACTED = '***';

// scheme://user:password@host — the password runs to the last '@' before a space, quote or comma
// (a raw '@' inside a password is common enough; over-redacting a query string is the safe error).
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"',]*:)([^\s"',]*)(@)/gi;
const SECRET_KEY = /(pass(word)?|passwd|secret|token|api[_-]?key|private[_-]?key|credential|auth[_-]?string)/i;

/**
 * Replaces the password of every URL found in `text` with `***`. A URL never spans a line break,
 * so only the lines holding an `@` are searched: a large report costs one scan for `@`.
 */
export function redactUrlPasswords(text: string): string {
  let at = text.indexOf('@');
  if (at < 0) return text;
  if (!text.includes('\n')) return redactUrlLine(text);
  const parts: string[] = [];
  let done = 0;
  while (at >= 0) {
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    parts.push(text.slice(done, start), redactUrlLine(text.slice(start, end)));
    done = end;
    at = text.indexOf('@', end);
  }
  parts.push(text.slice(done));
  return parts.join('');
}

function redactUrlLine(text: string): string {
  return text
    .replace(URL_PASSWORD, (_m, head: string, password: string, at: string) => (password === '' ? `${head}${at}` : `${head}${REDACTED}${at}`))
    .replace(URL_TOKEN_USER, (m, head: string, user: string) => (looksLikeToken(user) ? `${head}${REDACTED}@` : m));
}

// scheme://TOKEN@host: some APIs take a key as the user name, with no password.
const URL_TOKEN_USER = /([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s"',]+)@/gi;

/** A user name that is a credential rather than a name: long, or with a key-like prefix. */
function looksLikeToken(user: string): boolean {
  return user !== REDACTED && (user.length >= 20 || /^(sk|pk|rk|api|key|tok|ghp|xox)[_-]/i.test(user));
}

// ?password=…&, ;password=…; — the property syntax of URL queries and of JDBC/ODBC strings.
const PROPERTY = /([?&;])([^=&;#\s]+)=([^&;#\s]*)/g;

/**
 * A connection string for display: URL passwords, and every query or `;key=value` property whose
 * key looks secret (`password=`, `sslpassword=`, `apiKey=`), replaced by `***`.
 */
export function redactConnectionString(text: string): string {
  return redactUrlPasswords(text).replace(PROPERTY, (m, sep: string, key: string, value: string) => (isSecretKey(key) && value !== '' ? `${sep}${key}=${REDACTED}` : m));
}

/** True when a key's name says its value is a secret (PASSWORD, API_KEY, TOKEN…). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The displayable form of an env var's literal value. */
export function redactEnvValue(key: string, value: string): string {
  return isSecretKey(key) ? REDACTED : redactUrlPasswords(value);
}

/**
 * Redacts a line of source text (used in error code frames): URL passwords, and every value whose
 * key looks secret, wherever it stands on the line (block or flow YAML, one-line JSON, KEY=value).
 */
export function redactSourceLine(line: string): string {
  const secretValue = (m: string, quote: string, key: string, sep: string): string => (isSecretKey(key) ? `${quote}${key}${quote}${sep}${REDACTED}` : m);
  // A secret key whose value is a list or mapping loses the whole collection; then scalars.
  const collection = /(["']?)([A-Za-z0-9_.-]+)\1(\s*[:=]\s*)(\[[^\]]*\]?|\{[^}]*\}?)/g;
  const scalar = /(["']?)([A-Za-z0-9_.-]+)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,{}[\]\s][^,}\]]*)/g;
  return redactUrlPasswords(line).replace(collection, secretValue).replace(scalar, secretValue);
}

/** Structured data with every string redacted by its key (as `redactEnvValue`), at any depth. */
export function redactData(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return redactEnvValue(key, value);
  if (Array.isArray(value)) return value.map((item) => redactData(item, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactData(v, k)]));
  return value;
}
