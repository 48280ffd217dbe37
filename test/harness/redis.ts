import fsp from 'node:fs/promises';
import path from 'node:path';
import { findExecutable } from './exec.js';
import { freePort } from './ports.js';
import { startDaemon, tailFile, type Daemon } from './processes.js';
import { redisCommands } from './resp.js';
import { makeTempDir, removeDir } from './temp.js';
import { describeError, pollUntil } from './wait.js';

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /** Sets `requirepass`; without it the server needs no password. */
  readonly password?: string;
  /** How long to wait for /usr/bin/redis-server to appear (it may still be being installed). Default 2 min. */
  readonly binaryWaitMs?: number;
  /** How long to wait for the server to answer PING. Default 15 s. */
  readonly startTimeoutMs?: number;
}

/** A running redis-server of its own, in a temp dir. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly password?: string;
  /** `redis://[:password@]127.0.0.1:port` */
  readonly url: string;
  /** Terminates the server and removes its temp dir. Idempotent; the server cannot come back. */
  stop(): Promise<void>;
  /** SIGKILLs the server: a cache that dies. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after kill; a running one is terminated first). It comes back empty. */
  restart(): Promise<void>;
}

/** Waits until Debian's redis-server binary exists, and returns its path. */
export async function findRedisServer(waitMs = 120_000): Promise<string> {
  return pollUntil(() => Promise.resolve(findExecutable('redis-server')), {
    timeoutMs: waitMs,
    intervalMs: 1_000,
    describeFailure: () => `redis-server not found on PATH or in /usr/bin after ${waitMs} ms (apt-get install redis-server)`,
  });
}

function quoteConfigValue(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error('a Redis password cannot contain line breaks or NUL');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Starts a throwaway redis-server on 127.0.0.1 on a random port, with persistence off
 * (`save ''`, `appendonly no`) and `requirepass` when a password is given.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const binary = await findRedisServer(options.binaryWaitMs);
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const { password } = options;
  const dir = await makeTempDir('redis');
  const logFile = path.join(dir, 'redis.log');
  let daemon: Daemon | undefined;
  try {
    const port = await freePort();
    // The password goes into a private config file, not onto the command line (ps shows that).
    const configFile = path.join(dir, 'redis.conf');
    await fsp.writeFile(configFile, password === undefined ? '' : `requirepass ${quoteConfigValue(password)}\n`, { mode: 0o600 });
    const args = [configFile, '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
    const ping = password === undefined ? [['PING']] : [['AUTH', password], ['PING']];

    const launch = async (): Promise<void> => {
      const started = await startDaemon(binary, args, { logFile, cwd: dir });
      daemon = started;
      await pollUntil(async () => {
        const replies = await redisCommands('127.0.0.1', port, ping, 1_000);
        const last = replies.at(-1);
        if (last?.type === 'simple' && last.value === 'PONG') return true;
        throw new Error(`PING answered ${JSON.stringify(last)}`);
      }, {
        timeoutMs: startTimeoutMs,
        abortIf: () => {
          const exit = started.exit();
          return exit && `redis-server exited during startup (code ${exit.code}, signal ${exit.signal})`;
        },
        describeFailure: (last) => `redis-server did not answer PING on 127.0.0.1:${port} within ${startTimeoutMs} ms (last error: ${describeError(last)})`,
      }).catch(async (error: unknown) => {
        await started.terminate('SIGKILL', 5_000);
        throw new Error(`${describeError(error)}\n--- redis log tail ---\n${await tailFile(logFile)}`);
      });
    };
    await launch();

    let state: 'running' | 'killed' | 'stopped' = 'running';
    const current = (): Daemon => {
      if (daemon === undefined) throw new Error('redis-server was never started');
      return daemon;
    };
    const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
    const server: RedisServer = {
      host: '127.0.0.1',
      port,
      ...(password === undefined ? {} : { password }),
      url: `redis://${auth}127.0.0.1:${port}`,
      async stop() {
        if (state === 'stopped') return;
        if (state === 'running') await current().terminate('SIGTERM', 5_000);
        state = 'stopped';
        await removeDir(dir);
      },
      async kill() {
        if (state !== 'running') return;
        await current().terminate('SIGKILL', 5_000);
        state = 'killed';
      },
      async restart() {
        if (state === 'stopped') throw new Error('redis-server was stopped and its files removed: start a new one');
        if (state === 'running') await current().terminate('SIGTERM', 5_000);
        state = 'killed';
        await launch();
        state = 'running';
      },
    };
    return server;
  } catch (error) {
    if (daemon?.exit() === undefined) await daemon?.terminate('SIGKILL', 5_000);
    await removeDir(dir);
    throw error;
  }
}
