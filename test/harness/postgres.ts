import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { findExecutable, runCommand } from './exec.js';
import { freePort } from './ports.js';
import { startDaemon, tailFile, type Daemon } from './processes.js';
import { isRoot, lookupSystemUser, runAsPrefix, type SystemUser } from './system-user.js';
import { makeTempDir, removeDir } from './temp.js';
import { describeError, pollUntil } from './wait.js';

/** Options for {@link startPostgres}. */
export interface PostgresOptions {
  /** Password of the `lifeline` superuser; a random one by default. */
  readonly password?: string;
  /** Cloud SQL connection name: the socket lives in `<socketRoot>/<connectionName>/`. */
  readonly connectionName?: string;
  /** How long to wait for the server to accept connections. Default 30 s. */
  readonly startTimeoutMs?: number;
}

/** A running PostgreSQL server of its own, in a temp dir. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Stands in for Cloud Run's `/cloudsql`. */
  readonly socketRoot: string;
  readonly connectionName: string;
  /** `<socketRoot>/<connectionName>`: holds `.s.PGSQL.<port>` and a `.s.PGSQL.5432` symlink to it. */
  readonly socketDir: string;
  /** `postgresql://user:password@127.0.0.1:port/database` */
  readonly url: string;
  /** Fast shutdown, then removes every file of the server. Idempotent; the server cannot come back. */
  stop(): Promise<void>;
  /** SIGKILLs the server and all its backends: a database that dies. */
  kill(): Promise<void>;
  /** Fast shutdown that keeps the data, so that {@link PostgresServer.restart} can bring it back. */
  shutdown(): Promise<void>;
  /** Immediate shutdown (SIGQUIT, as `pg_ctl stop -m immediate`): backends cut off, crash recovery on restart. */
  immediate(): Promise<void>;
  /** Starts the server again on the same port and socket dir (after kill or shutdown; a running one is shut down first). */
  restart(): Promise<void>;
}

const USER = 'lifeline';
const DATABASE = 'lifeline';
const DEFAULT_CONNECTION_NAME = 'lifeline-test:europe-west1:pg';

/** The bin dir of the highest PostgreSQL version installed from Debian's packages. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string {
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')));
  } catch {
    // no PostgreSQL at all
  }
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error(`no PostgreSQL found under ${root} (apt-get install postgresql)`);
  return path.join(root, newest, 'bin');
}

/**
 * Starts a throwaway PostgreSQL server: initdb into a temp dir with scram-sha-256 password auth
 * over TCP and the local socket, superuser `lifeline` and database `lifeline`, listening on
 * 127.0.0.1 on a random port and on a Cloud-Run-style socket dir. As root, the server runs as the
 * `postgres` system user.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const password = options.password ?? randomBytes(18).toString('base64url');
  const connectionName = options.connectionName ?? DEFAULT_CONNECTION_NAME;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let owner: SystemUser | undefined;
  if (isRoot()) {
    owner = lookupSystemUser('postgres');
    if (owner === undefined) throw new Error('running as root, but there is no postgres system user to run PostgreSQL as');
  }
  const prefix = owner === undefined ? [] : runAsPrefix(owner);
  const command = (program: string, args: readonly string[]): [string, string[]] => {
    const full = [...prefix, path.join(bin, program), ...args];
    return [full[0] ?? program, full.slice(1)];
  };

  const dir = await makeTempDir('pg');
  const dataDir = path.join(dir, 'data');
  const socketRoot = path.join(dir, 'cloudsql');
  const socketDir = path.join(socketRoot, connectionName);
  const logFile = path.join(dir, 'postgres.log');
  let daemon: Daemon | undefined;
  try {
    await fsp.mkdir(socketDir, { recursive: true, mode: 0o755 });
    const passwordFile = path.join(dir, 'password');
    await fsp.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (owner !== undefined) {
      for (const p of [dir, socketRoot, socketDir, passwordFile]) await fsp.chown(p, owner.uid, owner.gid);
    }
    const [initdb, initdbArgs] = command('initdb', [
      `--pgdata=${dataDir}`,
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--auth-local=scram-sha-256',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    await runCommand(initdb, initdbArgs, { cwd: dir, timeoutMs: 60_000 });
    await fsp.rm(passwordFile);

    const port = await freePort();
    if (port !== 5432) await fsp.symlink(`.s.PGSQL.${port}`, path.join(socketDir, '.s.PGSQL.5432'));
    const [postgres, postgresArgs] = command('postgres', [
      '-D', dataDir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `port=${port}`,
      '-c', `unix_socket_directories=${socketDir}`,
      '-c', 'fsync=off',
      '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=16MB',
      '-c', 'max_connections=40',
      '-c', 'wal_level=minimal',
      '-c', 'max_wal_senders=0',
      '-c', 'autovacuum=off',
      '-c', 'logging_collector=off',
      '-c', 'password_encryption=scram-sha-256',
    ]);
    const clientConfig = { host: '127.0.0.1', port, user: USER, password, connectionTimeoutMillis: 2_000 };

    const launch = async (): Promise<void> => {
      const started = await startDaemon(postgres, postgresArgs, { logFile, cwd: dir });
      daemon = started;
      await pollUntil(async () => {
        const client = new pg.Client({ ...clientConfig, database: 'postgres' });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      }, {
        timeoutMs: startTimeoutMs,
        intervalMs: 100,
        abortIf: () => {
          const exit = started.exit();
          return exit && `postgres exited during startup (code ${exit.code}, signal ${exit.signal}); log in ${logFile}`;
        },
        describeFailure: (last) => `postgres did not accept connections on 127.0.0.1:${port} within ${startTimeoutMs} ms (last error: ${describeError(last)})`,
      }).catch(async (error: unknown) => {
        await started.terminate('SIGKILL', 5_000);
        throw new Error(`${describeError(error)}\n--- postgres log tail ---\n${await tailFile(logFile)}`);
      });
    };

    await launch();
    const admin = new pg.Client({ ...clientConfig, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }

    let state: 'running' | 'killed' | 'down' | 'stopped' = 'running';
    const current = (): Daemon => {
      if (daemon === undefined) throw new Error('postgres was never started');
      return daemon;
    };
    const server: PostgresServer = {
      host: '127.0.0.1',
      port,
      user: USER,
      password,
      database: DATABASE,
      socketRoot,
      connectionName,
      socketDir,
      url: `postgresql://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
      async stop() {
        if (state === 'stopped') return;
        if (state === 'running') await current().terminate('SIGINT', 10_000);
        if (state === 'killed') await removeOrphanedSharedMemory(dataDir);
        state = 'stopped';
        await removeDir(dir);
      },
      async kill() {
        if (state !== 'running') return;
        await current().terminate('SIGKILL', 10_000);
        state = 'killed';
      },
      async shutdown() {
        if (state !== 'running') return;
        await current().terminate('SIGINT', 10_000);
        state = 'down';
      },
      async immediate() {
        if (state !== 'running') return;
        await current().terminate('SIGQUIT', 10_000);
        state = 'down';
      },
      async restart() {
        if (state === 'stopped') throw new Error('postgres was stopped and its files removed: start a new one');
        if (state === 'running') await server.shutdown();
        await launch();
        state = 'running';
      },
    };
    return server;
  } catch (error) {
    if (daemon?.exit() === undefined) await daemon?.terminate('SIGKILL', 5_000);
    await removeOrphanedSharedMemory(dataDir);
    await removeDir(dir);
    throw error;
  }
}

/**
 * A SIGKILLed postmaster leaves its small System V interlock segment behind (PostgreSQL itself
 * removes it on the next start). Its key and id are on line 7 of postmaster.pid; remove the
 * segment if it still has that key and nothing attached.
 */
async function removeOrphanedSharedMemory(dataDir: string): Promise<void> {
  let pidFile: string;
  let segments: string;
  try {
    pidFile = await fsp.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
    segments = await fsp.readFile('/proc/sysvipc/shm', 'utf8');
  } catch {
    return;
  }
  const [key, shmId] = pidFile.split('\n')[6]?.trim().split(/\s+/) ?? [];
  const ipcrm = findExecutable('ipcrm');
  if (key === undefined || shmId === undefined || ipcrm === undefined) return;
  // /proc/sysvipc/shm columns: key shmid perms size cpid lpid nattch ...
  const orphan = segments.split('\n').some((line) => {
    const columns = line.trim().split(/\s+/);
    return columns[0] === key && columns[1] === shmId && columns[6] === '0';
  });
  if (orphan) await runCommand(ipcrm, ['-m', shmId]).catch(() => undefined);
}
