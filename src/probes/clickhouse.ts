import type { ProbeContext } from './context.js';
import { connectForUrl } from './http.js';
import { ProbeFailure } from './outcome.js';
import { httpOverSocket } from './socket.js';

export interface ClickHouseTarget {
  /** The HTTP(S) interface, e.g. https://abc.europe-west4.gcp.clickhouse.cloud:8443 */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly ca?: string;
}

/** ClickHouse over HTTP(S): `/ping`, then `SELECT 1` when credentials are given. */
export async function probeClickHouse(target: ClickHouseTarget, ctx: ProbeContext): Promise<string> {
  const base = new URL(target.url);
  const first = await connectForUrl(base, target.ca, ctx);
  const ping = await httpOverSocket(first.socket, { method: 'GET', path: '/ping', host: first.hostHeader }, ctx, 'handshake');
  ctx.info.status = ping.status;
  if (ping.status !== 200 || ping.body.trim() !== 'Ok.') {
    throw new ProbeFailure('PROTOCOL_ERROR', `/ping answered HTTP ${ping.status} ${JSON.stringify(ping.body.slice(0, 40))}, not "Ok."`);
  }
  if (target.user === undefined) return `ClickHouse at ${base.host} answered /ping (no credentials given: SELECT 1 skipped)`;
  // A second connection: ClickHouse closes after each response when asked to (connection: close).
  const { socket, hostHeader } = await connectForUrl(base, target.ca, ctx);
  const query = await httpOverSocket(
    socket,
    { method: 'POST', path: '/', host: hostHeader, headers: { 'X-ClickHouse-User': target.user ?? 'default', 'X-ClickHouse-Key': target.password ?? '' }, body: 'SELECT 1' },
    ctx,
    'query',
  );
  ctx.info.status = query.status;
  if (query.status === 516 || query.status === 401 || query.status === 403 || /Code: 516\b/.test(query.body)) {
    throw new ProbeFailure('AUTH_FAILED', `SELECT 1 refused: authentication failed (HTTP ${query.status})`);
  }
  if (query.status !== 200 || query.body.trim() !== '1') throw new ProbeFailure('PROTOCOL_ERROR', `SELECT 1 answered HTTP ${query.status}`);
  return `ClickHouse at ${base.host}: /ping ok, SELECT 1 ok`;
}
