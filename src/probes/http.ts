import type { ProbeContext } from './context.js';
import { httpOverSocket, openConnection, upgradeTls, type HttpExchange } from './socket.js';

export interface HttpTarget {
  readonly url: string;
  readonly ca?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Opens the connection a URL needs (TLS for https/wss) and returns the socket plus request basics. */
export async function connectForUrl(url: URL, ca: string | undefined, ctx: ProbeContext) {
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const plain = await openConnection({ host, port }, ctx);
  const socket = secure ? await upgradeTls(plain, { servername: host, ...(ca !== undefined ? { ca } : {}) }, ctx) : plain;
  return { socket, hostHeader: url.port === '' ? host : `${host}:${url.port}`, path: `${url.pathname}${url.search}` };
}

/**
 * HTTP(S): any response below 500 means the dependency is reachable (401 and 403 included: the
 * network path works, the credentials are another matter); 5xx is PROTOCOL_ERROR.
 */
export async function probeHttp(target: HttpTarget, ctx: ProbeContext): Promise<string> {
  const url = new URL(target.url);
  const { socket, hostHeader, path } = await connectForUrl(url, target.ca, ctx);
  const response: HttpExchange = await httpOverSocket(socket, { method: 'GET', path, host: hostHeader, ...(target.headers ? { headers: target.headers } : {}) }, ctx);
  ctx.info.status = response.status;
  if (response.status >= 500) ctx.fail('PROTOCOL_ERROR', `HTTP ${response.status} from ${url.host}`);
  return `HTTP ${response.status} from ${url.host}${response.status === 401 || response.status === 403 ? ' (reachable; credentials not accepted)' : ''}`;
}
