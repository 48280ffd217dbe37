import type { Socket } from 'node:net';
import type { ProbeContext } from './context.js';
import { ProbeFailure, classifySocketError, errorText } from './outcome.js';
import { openConnection, upgradeTls } from './socket.js';

export interface RedisTarget {
  readonly host: string;
  /** @default 6379 */
  readonly port?: number;
  readonly password?: string;
  readonly username?: string;
  /** TLS (rediss://), with extra trusted CAs. */
  readonly tls?: boolean;
  readonly ca?: string;
}

/**
 * Redis: connect (TLS when asked), AUTH when a password is given, PING, and INFO for the version.
 * RESP is spoken directly so that authentication and the first command are timed on their own.
 */
export async function probeRedis(target: RedisTarget, ctx: ProbeContext): Promise<string> {
  const port = target.port ?? 6379;
  const plain = await openConnection({ host: target.host, port }, ctx);
  const socket: Socket = target.tls ? await upgradeTls(plain, { servername: target.host, ...(target.ca !== undefined ? { ca: target.ca } : {}) }, ctx) : plain;
  const reader = new RespReader(socket);
  ctx.defer(() => {
    reader.dispose();
  });
  if (target.password !== undefined) {
    await ctx.phase('auth', async () => {
      const args = target.username !== undefined ? ['AUTH', target.username, target.password ?? ''] : ['AUTH', target.password ?? ''];
      const reply = await reader.command(args);
      if (reply.startsWith('-')) throw new ProbeFailure('AUTH_FAILED', `AUTH refused: ${reply.slice(1).split(' ')[0] ?? 'ERR'}`);
    });
  }
  const pong = await ctx.phase('query', () => reader.command(['PING']));
  if (pong.startsWith('-NOAUTH') || pong.startsWith('-WRONGPASS')) throw new ProbeFailure('AUTH_FAILED', 'PING refused: the server requires authentication');
  if (pong !== '+PONG') throw new ProbeFailure('PROTOCOL_ERROR', `expected +PONG, got ${JSON.stringify(pong.slice(0, 40))}`);
  const info = await ctx.race(reader.command(['INFO', 'server']));
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
  if (version) ctx.info.serverVersion = version;
  return `Redis ${version ?? ''} at ${target.host}:${port}: PING answered`.replace('Redis  at', 'Redis at');
}

/** Just enough RESP to read one reply: simple strings, errors, integers and bulk strings. */
class RespReader {
  #buffer = Buffer.alloc(0);
  #waiting: { resolve: (reply: string) => void; reject: (error: Error) => void } | undefined;
  readonly #socket: Socket;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#drain();
  };
  readonly #onEnd = (): void => {
    this.#waiting?.reject(new ProbeFailure('RESET', 'the server closed the connection'));
  };
  readonly #onError = (error: Error): void => {
    this.#waiting?.reject(new ProbeFailure(classifySocketError(error) ?? 'PROTOCOL_ERROR', errorText(error)));
  };

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
  }

  command(args: readonly string[]): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
      this.#drain();
    });
  }

  dispose(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#waiting = undefined;
  }

  #drain(): void {
    const waiting = this.#waiting;
    if (!waiting || this.#buffer.length === 0) return;
    const lineEnd = this.#buffer.indexOf('\r\n');
    const type = String.fromCharCode(this.#buffer[0] ?? 0);
    if (!'+-:$'.includes(type)) {
      this.#waiting = undefined;
      waiting.reject(new ProbeFailure('PROTOCOL_ERROR', `not a Redis reply: ${JSON.stringify(this.#buffer.subarray(0, 24).toString('latin1'))}`));
      return;
    }
    if (lineEnd === -1) return;
    const line = this.#buffer.subarray(0, lineEnd).toString('utf8');
    if (type === '$') {
      const length = Number(line.slice(1));
      if (length < 0) {
        this.#settle(waiting, '$-1', lineEnd + 2);
        return;
      }
      if (this.#buffer.length < lineEnd + 2 + length + 2) return;
      this.#settle(waiting, this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString('utf8'), lineEnd + 2 + length + 2);
      return;
    }
    this.#settle(waiting, line, lineEnd + 2);
  }

  #settle(waiting: { resolve: (reply: string) => void }, reply: string, consumed: number): void {
    this.#buffer = this.#buffer.subarray(consumed);
    this.#waiting = undefined;
    waiting.resolve(reply);
  }
}
