import type { ProbeContext } from './context.js';
import { openConnection, upgradeTls } from './socket.js';

/** TLS: connect, handshake, and check the certificate chain, expiry and host name. */
export async function probeTls(target: { readonly host: string; readonly port: number; readonly servername?: string; readonly ca?: string }, ctx: ProbeContext): Promise<string> {
  const socket = await openConnection(target, ctx);
  await upgradeTls(socket, { servername: target.servername ?? target.host, ...(target.ca !== undefined ? { ca: target.ca } : {}) }, ctx);
  const days = ctx.info.certificateDaysLeft;
  return `TLS handshake with ${target.host}:${target.port} succeeded${typeof days === 'number' ? `; certificate valid for ${days} more days` : ''}`;
}
