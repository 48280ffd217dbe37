import { Socket } from 'node:net';
import pg from 'pg';
import type { ProbeContext } from './context.js';
import { connected, resolveHost } from './socket.js';
import { ProbeFailure, classifySocketError, errorText } from './outcome.js';

export interface PostgresTarget {
  /** A host name or IP, or a Unix-socket directory (e.g. /cloudsql/PROJECT:REGION:INSTANCE). */
  readonly host: string;
  /** @default 5432 (also names the socket file `.s.PGSQL.5432` in a socket directory) */
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  /** @default the user name */
  readonly database?: string;
}

// SQLSTATE classes that mean "reachable, but you may not in": invalid authorization, bad password,
// no such database.
const AUTH_CODES = new Set(['28000', '28P01', '3D000']);

/**
 * PostgreSQL over TCP or a Unix socket: connect (timed on its own), startup and authentication,
 * then `SELECT 1` and the server version. Uses `pg` for the protocol, given a socket we time.
 */
export async function probePostgres(target: PostgresTarget, ctx: ProbeContext): Promise<string> {
  const port = target.port ?? 5432;
  const viaSocket = target.host.startsWith('/');
  const host = viaSocket ? target.host : await resolveHost(target.host, ctx);
  const where = viaSocket ? `${target.host}/.s.PGSQL.${port}` : `${target.host}:${port}`;
  const socket = new Socket();
  ctx.defer(() => socket.destroy());
  const client = new pg.Client({
    host,
    port,
    user: target.user ?? 'postgres',
    password: target.password ?? '',
    database: target.database ?? target.user ?? 'postgres',
    stream: () => socket,
    application_name: 'lifeline-probe',
  });
  // pg emits 'error' for failures after connect(); the probe reports through connect()/query().
  client.on('error', () => undefined);
  ctx.defer(() => {
    void client.end().catch(() => undefined);
  });
  // Time the transport connect on its own, then startup + authentication.
  // The first byte a PostgreSQL server sends is 'R' (authentication), 'E' (error) or 'N'/'S'
  // (an answer to an SSL request); anything else is another protocol answering.
  let firstByte: number | undefined;
  socket.once('data', (chunk: Buffer) => {
    firstByte = chunk[0];
  });
  const transport = ctx.phase('connect', () => connected(socket, where, ctx));
  const session = client.connect();
  session.catch(() => undefined);
  await transport;
  await ctx.phase('auth', async () => {
    try {
      await session;
    } catch (error: unknown) {
      if (firstByte !== undefined && !'RENS'.includes(String.fromCharCode(firstByte))) {
        throw new ProbeFailure('PROTOCOL_ERROR', `${where} answered, but not as PostgreSQL (first byte ${JSON.stringify(String.fromCharCode(firstByte))})`);
      }
      throw classifyPgError(error, 'authentication');
    }
  });
  const row = await ctx.phase('query', async () => {
    try {
      const result = await client.query<{ one: number; version: string }>('SELECT 1 AS one, current_setting(\'server_version\') AS version');
      return result.rows[0];
    } catch (error: unknown) {
      throw classifyPgError(error, 'SELECT 1');
    }
  });
  if (row?.one !== 1) throw new ProbeFailure('PROTOCOL_ERROR', 'SELECT 1 did not return 1');
  ctx.info.serverVersion = row.version;
  return `PostgreSQL ${row.version} at ${where}: authenticated, SELECT 1 ok`;
}

function classifyPgError(error: unknown, step: string): ProbeFailure {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && AUTH_CODES.has(code)) return new ProbeFailure('AUTH_FAILED', `${step} refused (SQLSTATE ${code}): ${errorText(error)}`);
  const socketOutcome = classifySocketError(error);
  if (socketOutcome) return new ProbeFailure(socketOutcome, `${step}: ${errorText(error)}`);
  const message = errorText(error);
  if (/terminated unexpectedly|Connection terminated|closed the connection/i.test(message)) return new ProbeFailure('RESET', `${step}: the server closed the connection (${message})`);
  return new ProbeFailure('PROTOCOL_ERROR', `${step}: ${message}`);
}
