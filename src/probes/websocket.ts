import WebSocket from 'ws';
import type { ProbeContext } from './context.js';
import { connectForUrl } from './http.js';
import { ProbeFailure, classifySocketError, errorText } from './outcome.js';

/** WebSocket: connect (and TLS for wss), then the HTTP upgrade handshake. */
export async function probeWebSocket(target: { readonly url: string; readonly ca?: string }, ctx: ProbeContext): Promise<string> {
  const url = new URL(target.url);
  const { socket } = await connectForUrl(url, target.ca, ctx);
  await ctx.phase('upgrade', () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { createConnection: () => socket, perMessageDeflate: false, handshakeTimeout: undefined });
      ctx.defer(() => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
      });
      ws.once('open', () => {
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        ctx.info.status = status;
        res.resume();
        reject(new ProbeFailure(status === 401 || status === 403 ? 'AUTH_FAILED' : 'PROTOCOL_ERROR', `upgrade refused with HTTP ${status}`));
      });
      ws.once('error', (error: Error) => {
        reject(new ProbeFailure(classifySocketError(error) ?? 'PROTOCOL_ERROR', `WebSocket upgrade: ${errorText(error)}`));
      });
    }),
  );
  return `WebSocket upgrade to ${url.host}${url.pathname} accepted`;
}
