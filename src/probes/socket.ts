import { request as httpRequest } from 'node:http';
import { isIP, Socket, createConnection } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ProbeContext } from './context.js';
import { classifySocketError, errorText, ProbeFailure, type PhaseName } from './outcome.js';

export type Endpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/** Resolves a host name (timed as the `dns` phase); IP addresses pass through untimed. */
export async function resolveHost(host: string, ctx: ProbeContext): Promise<string> {
  if (isIP(host) !== 0) return host;
  return ctx.phase('dns', async () => {
    try {
      const [address] = await ctx.resolve(host);
      if (address === undefined) return ctx.fail('DNS_FAILED', `${host} has no address`);
      return address;
    } catch (error: unknown) {
      return ctx.fail('DNS_FAILED', `${host} did not resolve (${errorText(error)})`);
    }
  });
}

/**
 * Opens a TCP or Unix-socket connection, timing DNS and connect. The socket is destroyed when the
 * probe ends. A connect that gets no answer before the deadline is TIMEOUT_CONNECT.
 */
export async function openConnection(endpoint: Endpoint, ctx: ProbeContext): Promise<Socket> {
  const where = 'path' in endpoint ? endpoint.path : `${endpoint.host}:${endpoint.port}`;
  const address = 'path' in endpoint ? undefined : await resolveHost(endpoint.host, ctx);
  return ctx.phase('connect', async () => {
    const socket = 'path' in endpoint ? createConnection({ path: endpoint.path }) : createConnection({ host: address, port: endpoint.port });
    ctx.defer(() => socket.destroy());
    return connected(socket, where, ctx);
  });
}

/** Sets up `socket` to be destroyed on release and waits for its connect event. */
export function connected(socket: Socket, where: string, ctx: ProbeContext): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const onConnect = (): void => {
      socket.off('error', onError);
      ctx.connected = true;
      resolve(socket);
    };
    const onError = (error: Error): void => {
      socket.off('connect', onConnect);
      const outcome = classifySocketError(error) ?? 'PROTOCOL_ERROR';
      reject(new ProbeFailure(outcome, `${where}: ${errorText(error)}`));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
}

export interface TlsOptions {
  readonly servername?: string;
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: string | readonly string[];
}

/** Runs the TLS handshake over an open socket (the `tls` phase) and checks the certificate and host name. */
export async function upgradeTls(socket: Socket, options: TlsOptions, ctx: ProbeContext): Promise<TLSSocket> {
  return ctx.phase('tls', async () => {
    const secure = tlsConnect({
      socket,
      servername: options.servername !== undefined && isIP(options.servername) === 0 ? options.servername : undefined,
      host: options.servername,
      ca: options.ca === undefined ? undefined : typeof options.ca === 'string' ? options.ca : [...options.ca],
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    ctx.defer(() => secure.destroy());
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        const outcome = classifySocketError(error);
        reject(new ProbeFailure(outcome === 'RESET' ? 'RESET' : 'TLS_FAILED', `TLS handshake with ${options.servername ?? 'peer'}: ${errorText(error)}`));
      };
      secure.once('secureConnect', () => {
        secure.off('error', onError);
        resolve();
      });
      secure.once('error', onError);
    });
    const cert = secure.getPeerCertificate();
    if (cert.valid_to) {
      ctx.info.certificateExpires = new Date(cert.valid_to).toISOString();
      ctx.info.certificateDaysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / 86_400_000);
    }
    const protocol = secure.getProtocol();
    if (protocol) ctx.info.tlsProtocol = protocol;
    return secure;
  });
}

export interface HttpExchange {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One HTTP/1.1 request over an open socket (the `request` phase), reading at most 64 KiB of body. */
export async function httpOverSocket(
  socket: Socket,
  request: { readonly method: string; readonly path: string; readonly host: string; readonly headers?: Readonly<Record<string, string>>; readonly body?: string },
  ctx: ProbeContext,
  phase: PhaseName = 'request',
): Promise<HttpExchange> {
  return ctx.phase(phase, () =>
    new Promise<HttpExchange>((resolve, reject) => {
      const req = httpRequest({
        method: request.method,
        path: request.path,
        headers: { host: request.host, 'user-agent': 'lifeline-probe', connection: 'close', ...request.headers },
        // With no agent, Node uses createConnection: the socket whose phases we timed.
        createConnection: () => socket,
      });
      ctx.defer(() => req.destroy());
      req.once('error', (error: Error) => {
        const outcome = classifySocketError(error) ?? 'PROTOCOL_ERROR';
        reject(new ProbeFailure(outcome, `HTTP ${request.method} ${request.path}: ${errorText(error)}`));
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < 65_536) chunks.push(chunk);
          size += chunk.length;
        });
        res.once('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.once('error', (error: Error) => {
          reject(new ProbeFailure(classifySocketError(error) ?? 'PROTOCOL_ERROR', `HTTP response: ${errorText(error)}`));
        });
      });
      req.end(request.body);
    }),
  );
}

export { Socket };
