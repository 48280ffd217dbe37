import net from 'node:net';
import { trackServer, type RunningServer } from './connections.js';
import { freePort } from './ports.js';

/** A fault-injecting TCP server on loopback. */
export type FaultServer = Omit<RunningServer, 'url'>;

/** A port on 127.0.0.1 with nothing listening: connecting to it is refused (ECONNREFUSED). */
export function refusingPort(): Promise<number> {
  return freePort('127.0.0.1');
}

async function startTcpServer(onConnection: (socket: net.Socket) => void): Promise<FaultServer & { server: net.Server }> {
  const server = net.createServer(onConnection);
  const tracked = trackServer(server);
  const port = await tracked.listen();
  return { host: '127.0.0.1', port, server, close: () => tracked.close() };
}

/** A server that accepts TCP connections and never sends a byte: "connects, then silence". */
export async function startSilentServer(): Promise<FaultServer> {
  const { host, port, close } = await startTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.resume(); // read and drop whatever the client sends
  });
  return { host, port, close };
}

/** A server that accepts TCP connections and resets each at once (RST): clients see ECONNRESET. */
export async function startResetServer(): Promise<FaultServer> {
  const { host, port, close } = await startTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.resetAndDestroy();
  });
  return { host, port, close };
}

/**
 * A TCP proxy on 127.0.0.1 to `targetHost:targetPort` that holds every chunk, in both
 * directions, for `delayMs` before passing it on (order kept); ends and errors pass through too.
 */
export async function startLatencyProxy(targetHost: string, targetPort: number, delayMs: number): Promise<FaultServer> {
  const timers = new Set<NodeJS.Timeout>();
  const upstreams = new Set<net.Socket>();
  let closed = false;
  const later = (action: () => void): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  };
  const pipeDelayed = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk: Buffer) => {
      later(() => {
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => {
      later(() => {
        if (!to.destroyed) to.end();
      });
    });
  };
  const { host, port, close } = await startTcpServer((client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort });
    upstreams.add(upstream);
    upstream.once('close', () => upstreams.delete(upstream));
    // Closing either side without a clean end resets the other, after the delay.
    client.on('error', () => {
      later(() => upstream.destroy());
    });
    upstream.on('error', () => {
      later(() => {
        if (!client.destroyed) client.resetAndDestroy();
      });
    });
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
    // Once one side is fully closed, finish the other after what is still queued for it.
    client.on('close', () => {
      later(() => upstream.end());
    });
    upstream.on('close', () => {
      later(() => client.end());
    });
  });
  return {
    host,
    port,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const upstream of upstreams) upstream.destroy();
      await close();
    },
  };
}
