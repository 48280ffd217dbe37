import net from 'node:net';

/** One RESP reply (arrays are not needed by the harness and are not parsed). */
export type RespReply =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'bulk'; readonly value: string | null };

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Parses one reply at the start of `buffer`: the reply and the bytes it took, or undefined if incomplete. */
export function parseReply(buffer: Buffer): { reply: RespReply; length: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n');
  if (lineEnd < 0) return undefined;
  const kind = String.fromCharCode(buffer[0] ?? 0);
  const line = buffer.subarray(1, lineEnd).toString('utf8');
  switch (kind) {
    case '+':
      return { reply: { type: 'simple', value: line }, length: lineEnd + 2 };
    case '-':
      return { reply: { type: 'error', value: line }, length: lineEnd + 2 };
    case ':':
      return { reply: { type: 'integer', value: Number(line) }, length: lineEnd + 2 };
    case '$': {
      const size = Number(line);
      if (size < 0) return { reply: { type: 'bulk', value: null }, length: lineEnd + 2 };
      const end = lineEnd + 2 + size;
      if (buffer.length < end + 2) return undefined;
      return { reply: { type: 'bulk', value: buffer.subarray(lineEnd + 2, end).toString('utf8') }, length: end + 2 };
    }
    default:
      throw new Error(`unsupported RESP reply type ${JSON.stringify(kind)}`);
  }
}

/**
 * Opens one TCP connection to a Redis server, sends `commands` in order (pipelined), and resolves
 * with one reply per command. Rejects on connection errors or after `timeoutMs`.
 */
export function redisCommands(host: string, port: number, commands: readonly (readonly string[])[], timeoutMs = 2_000): Promise<RespReply[]> {
  return new Promise((resolve, reject) => {
    const replies: RespReply[] = [];
    let pending = Buffer.alloc(0);
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      fail(new Error(`no complete Redis reply from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const fail = (error: Error): void => {
      finish();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => {
      if (replies.length < commands.length) fail(new Error(`connection to ${host}:${port} closed after ${replies.length} of ${commands.length} replies`));
    });
    socket.on('connect', () => {
      socket.write(Buffer.concat(commands.map(encodeCommand)));
    });
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      try {
        for (let parsed = parseReply(pending); parsed !== undefined; parsed = parseReply(pending)) {
          replies.push(parsed.reply);
          pending = pending.subarray(parsed.length);
          if (replies.length === commands.length) {
            finish();
            resolve(replies);
            return;
          }
        }
      } catch (error) {
        fail(error as Error);
      }
    });
  });
}
