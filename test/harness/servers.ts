import http from 'node:http';
import https from 'node:https';
import { WebSocketServer } from 'ws';
import { trackServer, type RunningServer } from './connections.js';

export type { RunningServer } from './connections.js';
export { startClickHouseLikeServer, type ClickHouseLikeOptions } from './clickhouse.js';

/** Handles one HTTP request. */
export type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** Options for the loopback servers. */
export interface ServerOptions {
  /** Serve TLS (https:// or wss://) with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

const answerOk: RequestHandler = (_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('ok');
};

function createServer(handler: RequestHandler, options: ServerOptions): http.Server {
  return options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
}

/**
 * Starts an HTTP (or, given `tls`, HTTPS) server on 127.0.0.1 on a random port; by default it
 * answers every request 200 `ok`.
 */
export async function startHttpServer(handler: RequestHandler = answerOk, options: ServerOptions = {}): Promise<RunningServer> {
  const server = createServer(handler, options);
  const tracked = trackServer(server);
  const port = await tracked.listen();
  return { host: '127.0.0.1', port, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, close: () => tracked.close() };
}

/**
 * Starts a WebSocket (or, given `tls`, secure WebSocket) server on 127.0.0.1 on a random port,
 * using `ws`: it accepts an upgrade on any path and echoes every message; a plain HTTP request
 * gets 426 Upgrade Required.
 */
export async function startWebSocketServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    response.end('upgrade required');
  }, options);
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) => {
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => {
        ws.send(data, { binary: isBinary });
      });
    });
  });
  const tracked = trackServer(server);
  const port = await tracked.listen();
  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`,
    close() {
      closing ??= (async () => {
        for (const client of sockets.clients) client.terminate();
        await Promise.all([tracked.close(), new Promise<void>((resolve) => { sockets.close(() => { resolve(); }); })]);
      })();
      return closing;
    },
  };
}

/** A handler (or Express app) served on 127.0.0.1 at a free port; `url` has no trailing slash. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveOnLoopback(listener: http.RequestListener): Promise<Served> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('the server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
