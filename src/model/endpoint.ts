import { redactUrlPasswords } from './redact.js';

/** What a connection string says, without its credentials. */
export interface Endpoint {
  /** `postgresql`, `redis`, `https`… (lower case, without `://`); undefined for `host:port`. */
  readonly scheme: string | undefined;
  /** Host name or IPv4 address; undefined when the URL names no host (e.g. a Unix-socket URL). */
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** Unix-socket directory, from `?host=/cloudsql/…` or a `/cloudsql/…` host. */
  readonly socketDir: string | undefined;
  /** The connection string with its password replaced by `***`. */
  readonly display: string;
}

// The authority runs to the first '/', '?' or '#' after the last '@' (a raw '@' in a password is
// common), so userinfo is everything before that last '@'.
const URL_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/(?:([^/?#]*)@)?([^/?#@]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;
const HOST_PORT = /^([a-z0-9.-]+|\[[0-9a-f:]+\]):(\d{1,5})$/i;

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  rediss: 6379,
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  clickhouse: 8443,
  mysql: 3306,
  amqp: 5672,
  amqps: 5671,
  mongodb: 27017,
};

/**
 * Parses a URL-like connection string (`postgresql://u:p@/db?host=/cloudsql/p:r:i`,
 * `redis://10.0.0.3:6379`, `https://api.example.com`) or `host:port`.
 * WHATWG `URL` rejects credentials with an empty host, which is exactly the Cloud SQL socket
 * form, so this is a small dedicated parser. Returns undefined for anything else.
 */
export function parseEndpoint(text: string): Endpoint | undefined {
  const trimmed = text.trim();
  const url = URL_SHAPE.exec(trimmed);
  if (url) {
    const scheme = (url[1] ?? '').toLowerCase();
    const authority = url[3] ?? '';
    const query = url[5] ?? '';
    let host: string | undefined;
    let port: number | undefined;
    let socketDir: string | undefined;
    // Multi-host libpq URLs (h1:5432,h2:5432): the first host is the one tried first.
    const firstHost = authority.split(',')[0] ?? '';
    const hostPort = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(firstHost);
    if (hostPort?.[1]) {
      const decoded = safeDecode(hostPort[1]);
      if (decoded.startsWith('/')) socketDir = decoded;
      else host = decoded.toLowerCase();
    }
    if (hostPort?.[2]) port = Number(hostPort[2]);
    const queryHost = /[?&]host=([^&]*)/.exec(query)?.[1];
    if (queryHost !== undefined) {
      const decoded = safeDecode(queryHost);
      if (decoded.startsWith('/')) {
        socketDir = decoded;
        host = undefined;
      } else if (!host) host = decoded.toLowerCase();
    }
    if (port === undefined && socketDir === undefined) port = DEFAULT_PORTS[scheme];
    return { scheme, host, port, socketDir, display: redactUrlPasswords(trimmed) };
  }
  const hp = HOST_PORT.exec(trimmed);
  if (hp?.[1] && hp[2]) {
    return { scheme: undefined, host: hp[1].toLowerCase(), port: Number(hp[2]), socketDir: undefined, display: trimmed };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `/cloudsql/PROJECT:REGION:INSTANCE` → `PROJECT:REGION:INSTANCE`. */
export function cloudSqlConnectionFromSocketDir(dir: string): string | undefined {
  const match = /^\/cloudsql\/([^/]+:[^/]+:[^/]+?)(?:\/\.s\.PGSQL\.\d+)?\/?$/.exec(dir);
  return match?.[1];
}
