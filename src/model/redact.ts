/**
 * Redaction of secret material. Every renderer, log line and error message passes text through
 * here: URL passwords and the values of secret-looking keys never leave the process.
 */

export const REDACTED = '***';

// scheme://user:password@host  — password is anything up to the last '@' before the host part.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)(@)/gi;
const SECRET_KEY = /(pass(word)?|passwd|secret|token|api[_-]?key|private[_-]?key|credential|auth[_-]?string)/i;

/** Replaces the password of every URL found in `text` with `***`. */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (_m, head: string, password: string, at: string) =>
    password === '' ? `${head}${at}` : `${head}${REDACTED}${at}`,
  );
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
 * Redacts a line of source text (used in error code frames): URL passwords, and the value of a
 * `KEY: value` / `"KEY": "value"` pair whose key looks secret.
 */
export function redactSourceLine(line: string): string {
  const masked = redactUrlPasswords(line);
  return masked.replace(/^(\s*(?:-\s+)?["']?)([A-Za-z0-9_.-]+)(["']?\s*[:=]\s*)(.+)$/, (m, pre: string, key: string, sep: string) =>
    isSecretKey(key) ? `${pre}${key}${sep}${REDACTED}` : m,
  );
}
