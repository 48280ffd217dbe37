import type net from 'node:net';

/** A loopback server the harness started. */
export interface RunningServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** e.g. `http://127.0.0.1:port/` */
  readonly url: string;
  /** Stops listening and destroys every open connection. Idempotent. */
  close(): Promise<void>;
}

/** A net.Server plus what is needed to close it completely. */
export interface TrackedServer {
  /** Listens on 127.0.0.1 on a random port and resolves with that port. */
  listen(): Promise<number>;
  /** Destroys every connection still open, stops listening, and waits until closed. Idempotent. */
  close(): Promise<void>;
  /** Connections currently open. */
  readonly sockets: ReadonlySet<net.Socket>;
}

/**
 * Remembers every raw TCP connection `server` accepts (for TLS and HTTP servers too, whose
 * 'connection' event carries the raw socket), so that close() can destroy them all.
 */
export function trackServer(server: net.Server): TrackedServer {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;
  return {
    sockets,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, () => {
          server.off('error', reject);
          const address = server.address();
          if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
          else resolve(address.port);
        });
      }),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
          else resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
