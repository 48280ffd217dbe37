import type { ProbeContext } from './context.js';
import { openConnection } from './socket.js';

/** TCP: DNS (for names), then connect. */
export async function probeTcp(target: { readonly host: string; readonly port: number }, ctx: ProbeContext): Promise<string> {
  await openConnection(target, ctx);
  return `connected to ${target.host}:${target.port}`;
}

/** Unix socket: connect to the socket file (e.g. /cloudsql/PROJECT:REGION:INSTANCE/.s.PGSQL.5432). */
export async function probeUnixSocket(target: { readonly path: string }, ctx: ProbeContext): Promise<string> {
  await openConnection({ path: target.path }, ctx);
  return `connected to ${target.path}`;
}
