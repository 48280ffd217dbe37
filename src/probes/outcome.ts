/**
 * What a live probe can observe. Exactly one outcome per probe run.
 * - `OK`: the dependency answered as expected (for HTTP, any status below 500, 401/403 included).
 * - `DNS_FAILED`: the name did not resolve.
 * - `REFUSED`: something answered the connection attempt with a refusal (or no socket file).
 * - `RESET`: the peer reset or closed the connection before the protocol finished.
 * - `TIMEOUT_CONNECT`: no answer to the connection attempt: the signature of a route with no way out.
 * - `TLS_FAILED`: the TLS handshake or the certificate check failed.
 * - `AUTH_FAILED`: reachable, but the credentials (or the database name) were refused.
 * - `PROTOCOL_ERROR`: something answered, but not the expected protocol (or an HTTP 5xx).
 * - `TIMEOUT`: connected, then silence until the deadline.
 */
export type ProbeOutcome =
  | 'OK'
  | 'DNS_FAILED'
  | 'REFUSED'
  | 'RESET'
  | 'TIMEOUT_CONNECT'
  | 'TLS_FAILED'
  | 'AUTH_FAILED'
  | 'PROTOCOL_ERROR'
  | 'TIMEOUT';

export type PhaseName = 'dns' | 'connect' | 'tls' | 'handshake' | 'auth' | 'query' | 'request' | 'upgrade';

export interface PhaseTiming {
  readonly phase: PhaseName;
  /** Milliseconds, to 0.1 ms. */
  readonly ms: number;
  readonly ok: boolean;
}

export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  readonly phases: readonly PhaseTiming[];
  readonly durationMs: number;
  /** What happened, for people. Redacted: never contains credentials. */
  readonly detail: string;
  /** Facts learnt on the way: server version, HTTP status, certificate expiry… */
  readonly info: Readonly<Record<string, string | number>>;
}

/** A probe that stopped early: the outcome it ends in, and why. */
export class ProbeFailure extends Error {
  override name = 'ProbeFailure' as const;
  readonly outcome: Exclude<ProbeOutcome, 'OK'>;

  constructor(outcome: Exclude<ProbeOutcome, 'OK'>, message: string) {
    super(message);
    this.outcome = outcome;
  }
}

const REFUSED = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ENOTSOCK']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const NO_ROUTE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

/** Maps a socket-level error to an outcome; undefined when the error is not a socket error. */
export function classifySocketError(error: unknown): Exclude<ProbeOutcome, 'OK'> | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (REFUSED.has(code)) return 'REFUSED';
  if (RESET.has(code)) return 'RESET';
  if (NO_ROUTE.has(code)) return 'TIMEOUT_CONNECT';
  if (DNS.has(code)) return 'DNS_FAILED';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.startsWith('UNABLE_TO_') || code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'TLS_FAILED';
  return undefined;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const { code, reason } = error as { code?: unknown; reason?: unknown };
    // OpenSSL's messages carry internal error stacks; its `reason` is the readable part.
    if (typeof code === 'string' && typeof reason === 'string') return `${code}: ${reason}`;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
