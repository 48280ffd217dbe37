/**
 * Redaction of secret material. Every renderer, log line and error message passes text through
 * here: URL passwords and the values of secret-looking keys never leave the process.
 */

export const REDACTED = '***';

// scheme://user:password@host — the password runs to the last '@' before a space, quote or comma
// (a raw '@' inside a password is common enough; over-redacting a query string is the safe error).
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"',]*:)([^\s"',]*)(@)/gi;

/**
 * Replaces credentials in free text with `***`: the password of every URL (and a user name that is a
 * token), and the value of every `key=value` property whose key looks secret — URL queries
 * (`?api_key=…`), JDBC/ODBC properties (`;password=…`) and libpq strings (`password=… host=…`).
 * Neither spans a line break, so only lines holding an `@` or `=` are searched: a large report
 * costs one scan.
 */
export function redactUrlPasswords(text: string): string {
  const marker = /[@=]/g;
  let found = marker.exec(text);
  if (found === null) return text;
  if (!text.includes('\n')) return redactLine(text);
  const parts: string[] = [];
  let done = 0;
  while (found !== null) {
    const start = text.lastIndexOf('\n', found.index) + 1;
    const newline = text.indexOf('\n', found.index);
    const end = newline < 0 ? text.length : newline;
    parts.push(text.slice(done, start), redactLine(text.slice(start, end)));
    done = end;
    marker.lastIndex = end;
    found = marker.exec(text);
  }
  parts.push(text.slice(done));
  return parts.join('');
}

// A `key=value` property after a separator (start, space, `?`, `&`, `;`): quoted, or up to the next separator.
const SECRET_PROPERTY = /(^|[\s?&;])([A-Za-z_][A-Za-z0-9_.-]*)=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;#"',]*)/g;

function redactLine(text: string): string {
  const properties = text.includes('=') ? text.replace(SECRET_PROPERTY, (m, sep: string, key: string, value: string) => (value !== '' && value !== REDACTED && isSecretKey(key) ? `${sep}${key}=${REDACTED}` : m)) : text;
  if (!properties.includes('@')) return properties;
  return properties
    .replace(URL_PASSWORD, (_m, head: string, password: string, at: string) => (password === '' ? `${head}${at}` : `${head}${REDACTED}${at}`))
    .replace(URL_TOKEN_USER, (m, head: string, user: string) => (looksLikeToken(user) ? `${head}${REDACTED}@` : m));
}

// scheme://TOKEN@host: some APIs take a key as the user name, with no password.
const URL_TOKEN_USER = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s"',]+)@/gi;

/** A user name that is a credential rather than a name: long, or with a key-like prefix. */
export function looksLikeToken(user: string): boolean {
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

/** A name's words, upper-cased: `dbPassword` → DB PASSWORD, `STRIPE_SECRET_KEY` → STRIPE SECRET KEY. */
function nameWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
}

// Parts that make a name a credential's wherever they stand in it (`DBPASSWORD`, `GH_TOKENS`).
const CREDENTIAL_PARTS = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'CREDENTIAL', 'PRIVATEKEY', 'APIKEY', 'AUTHSTRING'];
// Words after KEY that make it a key's name or place rather than the key (`KMS_KEY_ID`, `KEY_FILE`).
const NOT_THE_KEY = new Set(['ID', 'IDS', 'NAME', 'NAMES', 'FILE', 'PATH', 'DIR', 'RING', 'VERSION', 'PREFIX', 'ALIAS', 'ARN', 'URI', 'URL']);

/**
 * True when a name says its value is a credential: PASSWORD, PASSWD, PWD, SECRET, TOKEN, CREDENTIAL,
 * JWT…, and KEY as the key itself (`STRIPE_KEY`, `SIGNING_KEY`, `API_KEY_PRIMARY`), not its id, name
 * or place (`KMS_KEY_ID`, `KEY_FILE`) and not a public key. What a rule may call a secret.
 */
export function isCredentialKey(key: string): boolean {
  return memoized(credentialKeys, key, credentialKey);
}

/**
 * Name checks run once per env var of every service, and estates reuse the same few hundred names:
 * each answer is kept, in a table emptied when it fills so that memory stays bounded.
 */
const MEMO_LIMIT = 4096;
const credentialKeys = new Map<string, boolean>();
const secretKeys = new Map<string, boolean>();

function memoized(table: Map<string, boolean>, key: string, compute: (key: string) => boolean): boolean {
  const known = table.get(key);
  if (known !== undefined) return known;
  const answer = compute(key);
  if (key.length <= 256) {
    if (table.size >= MEMO_LIMIT) table.clear();
    table.set(key, answer);
  }
  return answer;
}

function credentialKey(key: string): boolean {
  const words = nameWords(key);
  const joined = words.join('');
  if (CREDENTIAL_PARTS.some((part) => joined.includes(part))) return true;
  if (words.some((w) => w === 'PASS' || w === 'PWD' || w.endsWith('PWD') || w === 'CREDS' || w.startsWith('JWT'))) return true;
  return words.some((w, i) => w === 'KEY' && words[i - 1] !== 'PUBLIC' && !NOT_THE_KEY.has(words[i + 1] ?? ''));
}

const AUTH_VALUES = new Set(['HEADER', 'VALUE', 'STRING', 'CODE', 'INFO', 'DATA']);

/**
 * True when a name says its value may be secret, for redaction: every credential name, and
 * AUTHORIZATION, AUTH as the value (`AUTH_HEADER`, `BASIC_AUTH`) and DSN (`SENTRY_DSN`: a URL with a key in it). Hiding a value
 * that was not secret is the safe error.
 */
export function isSecretKey(key: string): boolean {
  return memoized(secretKeys, key, secretKey);
}

function secretKey(key: string): boolean {
  if (isCredentialKey(key)) return true;
  const words = nameWords(key);
  return words.some(
    (w, i) =>
      w === 'AUTHORIZATION' ||
      w === 'DSN' ||
      w === 'COOKIE' ||
      // BASIC_AUTH, HTTP_AUTH, AUTH_HEADER — not authSource or AUTH_URL, which name where to authenticate.
      (w.endsWith('AUTH') && i === words.length - 1) ||
      (w === 'AUTH' && AUTH_VALUES.has(words[i + 1] ?? '')),
  );
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
  // A key starts where a word does (the lookbehind): a long run of word characters is scanned
  // once, not once from each of its characters, so the work is linear in the line's length.
  const collection = /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z0-9_.-]+)\1(\s*[:=]\s*)(\[[^\]]*\]?|\{[^}]*\}?)/g;
  const scalar = /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z0-9_.-]+)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,{}[\]\s][^,}\]]*)/g;
  return redactUrlPasswords(line).replace(collection, secretValue).replace(scalar, secretValue);
}

/** Structured data with every string redacted by its key (as `redactEnvValue`), at any depth. */
export function redactData(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return redactEnvValue(key, value);
  if (Array.isArray(value)) return value.map((item) => redactData(item, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactData(v, k)]));
  return value;
}
