import { isSecretKey, looksLikeToken, REDACTED } from './redact.js';

/**
 * The secret values met while reading a run's inputs, so that every writer can replace them
 * wherever they appear — in a message, a code frame, a diff, a probe error — not only where a key
 * name gives them away. Each value is registered with its URL-encoded and base64 forms.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  /** Values shorter than this are not registered: replacing every `1` or `ab` would garble the output. */
  static readonly MIN_LENGTH = 4;

  add(value: string): void {
    // A heredoc's value ends in a newline the places it is shown may not have.
    const trimmed = value.trim();
    const forms = [value, trimmed, encodeURIComponent(trimmed), Buffer.from(trimmed).toString('base64'), Buffer.from(trimmed).toString('base64').replace(/=+$/, '')];
    for (const form of forms) {
      if (form.length < SecretRegistry.MIN_LENGTH || form === REDACTED || this.#values.has(form)) continue;
      this.#values.add(form);
      this.#pattern = undefined;
    }
  }

  /**
   * Registers what a literal setting reveals: its value under a secret-looking name, and the
   * credentials inside a connection string. A name that refers to a secret rather than holding
   * it (`secret`, `secret_id`, `DB_PASSWORD_FILE`) registers nothing by its name.
   */
  addSetting(name: string, value: string): void {
    if (isSecretKey(name) && !isReferenceKey(name)) this.add(value);
    for (const credential of credentialsIn(value)) this.add(credential);
  }

  get size(): number {
    return this.#values.size;
  }

  /** `text` with every registered value replaced by `***`, in one linear pass. */
  redact(text: string): string {
    if (this.#values.size === 0) return text;
    // Longest first, so a value is replaced whole rather than a shorter value inside it.
    this.#pattern ??= new RegExp([...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return text.replace(this.#pattern, REDACTED);
  }

  clear(): void {
    this.#values.clear();
    this.#pattern = undefined;
  }
}

// Names of a secret's name, id, version or place: `secret`, `secret_id`, `secretName`, `KEY_FILE`.
const REFERENCE_SUFFIX = /^secrets?$|[_-](id|ids|name|names|ref|version|versions|file|path|dir|arn|uri)$/i;
const REFERENCE_CAMEL = /[a-z](Id|Ids|Name|Names|Ref|Version|Versions|File|Path|Dir|Arn|Uri)$/;
const isReferenceKey = (name: string): boolean => REFERENCE_SUFFIX.test(name) || REFERENCE_CAMEL.test(name);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The credentials a connection string holds: a URL's user information (password, and a user name
 * that is the only credential), and the values of secret-named properties (`?password=`, `;pwd=`,
 * libpq `password=…`). Read with the WHATWG URL parser, which takes any characters in a password.
 */
export function credentialsIn(value: string): string[] {
  const found: string[] = [];
  const scheme = value.indexOf('://');
  if (scheme > 0) {
    try {
      const url = new URL(value.trim());
      if (url.password !== '') found.push(url.password, safeDecode(url.password));
      // A user name alone is a credential only when it looks like one (`postgres://postgres@db` is not).
      else if (looksLikeToken(url.username)) found.push(url.username, safeDecode(url.username));
      for (const [key, v] of url.searchParams) if (v !== '' && isSecretKey(key)) found.push(v);
    } catch {
      // Not a URL the parser accepts: the userinfo is what lies between :// and the last @ before the host.
      const rest = value.slice(scheme + 3);
      const at = rest.lastIndexOf('@');
      const colon = rest.indexOf(':');
      if (at > 0 && colon >= 0 && colon < at) found.push(rest.slice(colon + 1, at));
    }
  }
  // key=value pairs separated by spaces or semicolons (libpq, JDBC, ODBC).
  for (const pair of value.split(/[\s;&?]+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    const v = pair.slice(eq + 1).replace(/^'(.*)'$/, '$1');
    if (v !== '' && isSecretKey(key)) found.push(v);
  }
  return found.filter((v) => v.length >= SecretRegistry.MIN_LENGTH);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The registry of this process: one run of the command line. */
export const runSecrets = new SecretRegistry();

/**
 * secretlint's core marks every step of every lint in a process-wide profiler that keeps every mark
 * forever, measures each against its start and looks each up among all before it: scanning a
 * thousand files spent seconds there, growing quadratically, and memory with it. Its figures are
 * for secretlint's own `--profile`, which nothing here reads, so marking is turned off.
 */
function silenceProfiler(profiler: { mark: (marker: never) => void }): void {
  profiler.mark = () => undefined;
}

/** Text is scanned for token formats in windows of this size, so the scan stays linear in the text. */
export const MAX_TOKEN_SCAN_BYTES = 512 * 1024;

/** Windows overlap by this much: a token (a private key is about 3 KiB) cut by one window is whole in the next. */
const TOKEN_SCAN_OVERLAP = 16 * 1024;

/**
 * Registers every credential in a known token format found in an input's text (AWS and GCP keys,
 * private keys, GitHub, Slack, OpenAI, Anthropic… tokens, basic-auth URLs, database connection
 * strings), with secretlint's recommended rule preset rather than patterns of our own: whatever
 * name it stands under, the value is then never printed.
 */
export async function registerTokens(file: string, text: string, registry: SecretRegistry = runSecrets): Promise<number> {
  // A large input is scanned window by window (each within the size secretlint's rules are quick
  // on), overlapping, so a token anywhere in it is found.
  if (text.length > MAX_TOKEN_SCAN_BYTES) {
    let found = 0;
    for (let start = 0; start < text.length; start += MAX_TOKEN_SCAN_BYTES - TOKEN_SCAN_OVERLAP) {
      found += await registerTokens(file, text.slice(start, start + MAX_TOKEN_SCAN_BYTES), registry);
      if (start + MAX_TOKEN_SCAN_BYTES >= text.length) break;
    }
    return found;
  }
  const [{ lintSource }, { creator }, { secretLintProfiler }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
  ]);
  silenceProfiler(secretLintProfiler);
  const result = await lintSource({
    source: { content: text, filePath: file, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] }, noPhysicFilePath: true },
  });

  let found = 0;
  for (const message of result.messages) {
    const [start, end] = message.range;
    const value = text.slice(start, end);
    // A match spanning a whole connection string registers its credentials, not the string.
    const credentials = credentialsIn(value);
    for (const v of credentials.length > 0 ? credentials : [value]) registry.add(v);
    found++;
  }
  return found;
}
