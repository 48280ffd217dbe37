/**
 * `npm run bench:health`: what the health endpoints cost a service under load, and what they cost
 * its database.
 *
 * 1. Throughput: `GET /health/ready` served by `createHealthHandler` against a bare `node:http`
 *    server answering the same headers and a constant body of the same shape, both loaded by
 *    Debian's `wrk` with the same parameters in the same run: 3 rounds of one run each, alternating
 *    which goes first, medians reported. Each server runs in a child process of its own (this file
 *    again, with a role argument), so neither wrk's load nor this process's bookkeeping competes
 *    with it inside one event loop. The health server's lifeline has one
 *    critical dependency, `database`, checked every second against a real PostgreSQL
 *    (test/harness/postgres.ts).
 * 2. Database cost: the health checks' queries during the load window, counted by PostgreSQL
 *    itself (pg_stat_statements, see {@link countHealthQueries}), against the bound
 *    window ÷ interval + 1, in every ready run (the load window): a flood of probes must not turn
 *    into a flood of queries. The JSON line reports the window closest to its bound.
 * 3. Time to ready with a black-holed optional dependency: the critical database (up), an optional
 *    partner API behind a network namespace that drops every packet (test/harness/netns.ts) with a
 *    2 s check timeout, and two quick optional dependencies; from `start()` to the first
 *    `/health/ready` 200, each dependency needed by a phase of its own. It should be about that
 *    one timeout, not the sum of all of them. For diagnosis, the same is measured again with no
 *    phase needing the partner (not a target).
 *
 * Prints one line per measurement and whether each target is met; the last line is one JSON
 * object. Needs root (network namespaces), PostgreSQL and wrk (`apt-get install wrk`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createHealthHandler, createLifeline, type DependencySpec, type Lifeline, type ProbeSpec } from '../src/runtime/index.js';
import { findExecutable } from '../test/harness/exec.js';
import { canUseNetns, createBlackhole, type Blackhole } from '../test/harness/netns.js';
import { startPostgres, type PostgresServer } from '../test/harness/postgres.js';
import { startHttpServer, type RunningServer } from '../test/harness/servers.js';
import { Cleanup } from './cleanup.js';

const SELF = fileURLToPath(import.meta.url);
/** argv[2] of the child processes: which server to be. */
const READY_ROLE = 'ready-server';
const BARE_ROLE = 'bare-server';
/** How the ready server's child learns where the database is (an env var: no password in `ps`). */
const CONFIG_ENV = 'LIFELINE_BENCH_HEALTH_CONFIG';

const INTERVAL_SECONDS = 1;
const INTERVAL_MS = INTERVAL_SECONDS * 1000;
const OPTIONAL_TIMEOUT_SECONDS = 2;
const OPTIONAL_TIMEOUT_MS = OPTIONAL_TIMEOUT_SECONDS * 1000;
const DATABASE_TIMEOUT_MS = 2000;
const LOAD_SECONDS = 10;
/** Rounds of one ready run and one bare run each, alternating which goes first. */
const ROUNDS = 3;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 64;
/** The server child needs a CPU of its own: wrk threads beyond the CPUs left would measure contention. */
const WRK_THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));
/** Targets of the issue. */
const MIN_READY_TO_BARE = 0.8;
const MAX_READY_TO_TIMEOUT = 1.1;
/** The role the health checks log in as, so that PostgreSQL can tell their statements from ours. */
const HEALTH_ROLE = 'lifeline_health';
const READY_POLL_MS = 5;
const CHILD_START_TIMEOUT_MS = 30_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const round = (n: number, digits: number): number => Number(n.toFixed(digits));

/** Where the ready server's database check goes. */
interface DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

function isDatabaseConfig(v: unknown): v is DatabaseConfig {
  return isRecord(v) && isString(v['host']) && isNumber(v['port']) && isString(v['user']) && isString(v['password']) && isString(v['database']);
}

const databaseCheck = (db: DatabaseConfig): ProbeSpec => ({ protocol: 'postgres', host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });

/** The body /health/ready answers when everything is up, for the bare server to answer as a constant. */
const CONSTANT_BODY = JSON.stringify({ ready: true, mode: 'FULL', reasons: [], shuttingDown: false, ageMs: 0 });

// ---------------------------------------------------------------------------------------------
// The child processes.

/** First line a server child prints: where it listens. */
interface ServerHello {
  readonly port: number;
  readonly ready: boolean;
  readonly mode: string;
}
/** Each further line of the ready server: one check the lifeline reports having made. */
interface CheckLine {
  readonly check: string;
  readonly ok: boolean;
  readonly at: number;
}

const isServerHello = (v: unknown): v is ServerHello => isRecord(v) && isNumber(v['port']) && typeof v['ready'] === 'boolean' && isString(v['mode']);
const isCheckLine = (v: unknown): v is CheckLine => isRecord(v) && isString(v['check']) && typeof v['ok'] === 'boolean' && isNumber(v['at']);

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** A child exits when told (SIGTERM) or when its parent goes away (stdin closes). */
function exitWithParent(before: () => Promise<unknown> = () => Promise.resolve()): void {
  let quitting = false;
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    const hard = setTimeout(() => process.exit(0), 2000);
    hard.unref();
    void before().finally(() => process.exit(0));
  };
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
  process.stdin.on('end', quit);
  process.stdin.on('error', quit);
  process.stdin.resume();
}

/** Child: a lifeline with a critical PostgreSQL checked every second, its health handler on 127.0.0.1. */
async function serveReady(): Promise<void> {
  const raw = process.env[CONFIG_ENV];
  const config: unknown = raw === undefined ? undefined : JSON.parse(raw);
  if (!isDatabaseConfig(config)) throw new Error(`${CONFIG_ENV} must hold the database to check`);
  const lifeline = createLifeline({
    service: 'bench-health',
    policy: { whenCriticalDown: 'EMERGENCY' },
    checkIntervalMs: INTERVAL_MS,
    dependencies: { database: { critical: true, timeoutMs: DATABASE_TIMEOUT_MS, check: databaseCheck(config) } },
    phases: [{ name: 'database', dependencies: ['database'], start: () => undefined }],
    shutdown: { drainMs: 0, budgetMs: 1000 },
  });
  lifeline.onCheck((event) => {
    const line: CheckLine = { check: event.dependency, ok: event.outcome.ok, at: Date.now() };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  });
  const health = createHealthHandler(lifeline);
  const server = http.createServer((req, res) => {
    if (health(req, res)) return;
    res.writeHead(404).end();
  });
  exitWithParent(() => lifeline.stop());
  const port = await listen(server);
  const snapshot = await lifeline.start();
  const hello: ServerHello = { port, ready: snapshot.ready, mode: snapshot.mode.kind };
  process.stdout.write(`${JSON.stringify(hello)}\n`);
}

/** Child: the baseline, `node:http` answering the same headers and a constant body of the same shape. */
async function serveBare(): Promise<void> {
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(CONSTANT_BODY)) };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, headers).end(CONSTANT_BODY);
  });
  exitWithParent();
  const port = await listen(server);
  const hello: ServerHello = { port, ready: true, mode: 'FULL' };
  process.stdout.write(`${JSON.stringify(hello)}\n`);
}

// ---------------------------------------------------------------------------------------------
// The benchmark process.


/** Ends a child: SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
function terminate(child: ChildProcessWithoutNullStreams, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.end();
    child.kill('SIGTERM');
  });
}

interface ServerChild {
  readonly pid: number;
  readonly hello: ServerHello;
  /** Check lines printed so far (the ready server only). */
  readonly checks: readonly CheckLine[];
  stop(): Promise<void>;
}

/** Starts this file as a server child and waits for the line saying where it listens. */
async function startServerChild(role: string, env: NodeJS.ProcessEnv, cleanup: Cleanup): Promise<ServerChild> {
  const child = spawn(process.execPath, [SELF, role], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const stop = (): Promise<void> => terminate(child, 3000);
  cleanup.add(`${role} child`, stop);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const checks: CheckLine[] = [];
  const lines = createInterface({ input: child.stdout });
  const hello = await new Promise<ServerHello>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${role} did not start within ${CHILD_START_TIMEOUT_MS} ms\n${stderr}`));
    }, CHILD_START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited (code ${String(code)}, signal ${String(signal)}) before listening\n${stderr}`));
    });
    lines.on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (isCheckLine(parsed)) checks.push(parsed);
      else if (isServerHello(parsed)) {
        clearTimeout(timer);
        resolve(parsed);
      }
    });
  });
  if (child.pid === undefined) throw new Error(`${role} has no pid`);
  return { pid: child.pid, hello, checks, stop };
}

interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  /** wrk's "Socket errors" line, when it printed one. */
  readonly socketErrors: string | undefined;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A percentile line of wrk's latency distribution (`--latency`), e.g. `     99%    3.21ms`, in ms. */
function parsePercentileMs(output: string, percent: number): number {
  const label = `${percent}%`;
  const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(output);
  const unit = match?.[2] === undefined ? undefined : DURATION_UNITS_MS[match[2]];
  if (match?.[1] === undefined || unit === undefined) throw new Error(`no ${label} latency in wrk's output:\n${output}`);
  return Number(match[1]) * unit;
}

/** Parses wrk's report (run with --latency). */
function parseWrk(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1];
  const requests = /^\s*(\d+) requests in /m.exec(output)?.[1];
  if (rps === undefined || requests === undefined) throw new Error(`unexpected wrk output:\n${output}`);
  const non2xx = /^\s*Non-2xx or 3xx responses:\s+(\d+)/m.exec(output)?.[1];
  const socketErrors = /^\s*Socket errors:\s+(.+)$/m.exec(output)?.[1];
  return {
    rps: Number(rps),
    p50Ms: parsePercentileMs(output, 50),
    p99Ms: parsePercentileMs(output, 99),
    requests: Number(requests),
    non2xx: non2xx === undefined ? 0 : Number(non2xx),
    socketErrors: socketErrors?.trim(),
  };
}

/** Runs wrk against `url` (loopback only) and parses its report; the child is killed on cleanup. */
async function runWrk(wrk: string, url: string, seconds: number, cleanup: Cleanup): Promise<WrkResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`refusing to load ${url}: loopback only`);
  const args = [`-t${WRK_THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url];
  const child = spawn(wrk, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanup.add(`wrk ${url}`, () => terminate(child, 1000));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited with ${String(code)}\n${stderr}${stdout}`);
  return parseWrk(stdout);
}

/**
 * The number of statements the health checks' role has executed so far, as PostgreSQL counts
 * them. Exact: pg_stat_statements adds one call per statement at the end of its execution, in
 * shared memory, at once (unlike pg_stat_database, whose counters a backend flushes lazily); the
 * health checks are the only sessions logging in as {@link HEALTH_ROLE}; and this query runs as
 * the superuser, so neither it nor any other statement of ours is in the count: nothing to
 * subtract. A check that fails before its query ran made no query and is not counted.
 */
async function countHealthQueries(admin: pg.Client): Promise<number> {
  const result = await admin.query<{ calls: string }>('SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements WHERE userid = $1::regrole::oid', [HEALTH_ROLE]);
  const calls = Number(result.rows[0]?.calls);
  if (!Number.isSafeInteger(calls)) throw new Error('pg_stat_statements returned no count');
  return calls;
}

/** Loads pg_stat_statements (a restart: it needs shared memory) and creates the health checks' role. */
async function prepareDatabase(server: PostgresServer, cleanup: Cleanup): Promise<{ admin: pg.Client; health: DatabaseConfig }> {
  const adminConfig = { host: server.host, port: server.port, user: server.user, password: server.password, database: server.database, application_name: 'lifeline-bench-admin' };
  const first = new pg.Client(adminConfig);
  await first.connect();
  try {
    await first.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
  } finally {
    await first.end();
  }
  await server.restart();
  const admin = new pg.Client(adminConfig);
  admin.on('error', () => undefined);
  await admin.connect();
  cleanup.add('admin connection', () => admin.end());
  const password = `bench-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await admin.query(`CREATE ROLE ${HEALTH_ROLE} LOGIN PASSWORD ${admin.escapeLiteral(password)}`);
  return { admin, health: { host: server.host, port: server.port, user: HEALTH_ROLE, password, database: server.database } };
}

/** One GET on loopback; resolves with the status code (0 when the request failed). */
function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => {
      resolve(0);
    });
  });
}

interface ReadyTiming {
  /** From the start() call to the first /health/ready 200. */
  readonly toReadyMs: number;
  /** From the start() call to start() resolving. */
  readonly startResolvedMs: number;
  readonly mode: string;
  readonly dependencies: string;
  readonly partnerStatus: string;
  readonly partnerError: string;
}

/**
 * Time to ready of a lifeline with the critical database, the black-holed optional partner (check
 * timeout {@link OPTIONAL_TIMEOUT_MS}) and two quick optional dependencies (an HTTP API and a TCP
 * port), each needed by a phase of its own as a service would declare them (with `partnerPhase`
 * false, no phase needs the partner: only start()'s own round of checks waits for it).
 * /health/ready is served on 127.0.0.1 before start() is called and polled every
 * {@link READY_POLL_MS} ms.
 */
async function measureTimeToReady(db: DatabaseConfig, hole: Blackhole, api: RunningServer, partnerPhase: boolean, cleanup: Cleanup): Promise<ReadyTiming> {
  if (!hole.address.startsWith('198.18.') && !hole.address.startsWith('198.19.')) throw new Error(`black hole ${hole.address} is outside 198.18.0.0/15`);
  const dependencies: Record<string, DependencySpec> = {
    database: { critical: true, timeoutMs: DATABASE_TIMEOUT_MS, check: databaseCheck(db) },
    partner: { critical: false, timeoutMs: OPTIONAL_TIMEOUT_MS, check: { protocol: 'http', url: `https://${hole.address}:443/` } },
    search: { critical: false, timeoutMs: OPTIONAL_TIMEOUT_MS, check: { protocol: 'http', url: api.url } },
    queue: { critical: false, timeoutMs: OPTIONAL_TIMEOUT_MS, check: { protocol: 'tcp', host: api.host, port: api.port } },
  };
  const lifeline: Lifeline = createLifeline({
    service: 'bench-health-startup',
    policy: { whenCriticalDown: 'EMERGENCY' },
    // No background round during the measurement: only start() is timed.
    checkIntervalMs: 60_000,
    dependencies,
    phases: Object.keys(dependencies)
      .filter((name) => partnerPhase || name !== 'partner')
      .map((name) => ({ name, dependencies: [name], start: () => undefined })),
    shutdown: { drainMs: 0, budgetMs: 3000 },
  });
  const stopLifeline = (): Promise<void> => lifeline.stop();
  cleanup.add('startup lifeline', stopLifeline);
  const health = createHealthHandler(lifeline);
  const server = http.createServer((req, res) => {
    if (health(req, res)) return;
    res.writeHead(404).end();
  });
  const port = await listen(server);
  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  cleanup.add('startup health server', closeServer);
  const url = `http://127.0.0.1:${port}/health/ready`;
  if ((await getStatus(url)) !== 503) throw new Error('/health/ready should answer 503 before start()');

  const t0 = performance.now();
  let startResolvedMs: number | undefined;
  const started = lifeline.start().then((snapshot) => {
    startResolvedMs = performance.now() - t0;
    return snapshot;
  });
  const giveUp = t0 + 10 * OPTIONAL_TIMEOUT_MS;
  let toReadyMs: number | undefined;
  while (performance.now() < giveUp) {
    if ((await getStatus(url)) === 200) {
      toReadyMs = performance.now() - t0;
      break;
    }
    await sleep(READY_POLL_MS);
  }
  const snapshot = await started;
  if (toReadyMs === undefined || startResolvedMs === undefined) throw new Error(`/health/ready did not answer 200 within ${(giveUp - t0) / 1000} s (mode ${snapshot.mode.kind})`);
  const partner = snapshot.dependencies.find((d) => d.name === 'partner');
  const wrong = snapshot.dependencies.filter((d) => (d.name === 'partner' ? d.status !== 'down' : d.status !== 'up'));
  if (wrong.length > 0) throw new Error(`expected every dependency up but the black-holed partner; got ${wrong.map((d) => `${d.name} ${d.status} (${d.lastError ?? ''})`).join(', ')}`);
  await Promise.all([stopLifeline(), closeServer()]);
  return {
    toReadyMs,
    startResolvedMs,
    mode: snapshot.mode.kind,
    dependencies: snapshot.dependencies.map((d) => `${d.name} ${d.status}${d.critical ? ' (critical)' : ''}`).join(', '),
    partnerStatus: partner?.status ?? 'missing',
    partnerError: partner?.lastError ?? '',
  };
}

const yesNo = (ok: boolean): string => (ok ? 'yes' : 'NO');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  const lower = sorted[sorted.length % 2 === 0 ? mid - 1 : mid];
  if (upper === undefined || lower === undefined) throw new Error('median of nothing');
  return (lower + upper) / 2;
}

/** One wrk run of the ready server: the load window in which health-check queries are counted. */
interface LoadWindow {
  readonly load: WrkResult;
  readonly seconds: number;
  /** Statements of the health checks' role during the window, as PostgreSQL counts them. */
  readonly dbQueries: number;
  /** Checks the lifeline itself reported in the window (for comparison only). */
  readonly libraryChecks: number;
  /** window / interval + 1 */
  readonly bound: number;
}

interface Round {
  readonly ready: LoadWindow;
  readonly bare: WrkResult;
}

function describeWrk(r: WrkResult): string {
  return (
    `${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms | ${r.requests} requests, ${r.non2xx} not 2xx/3xx` +
    (r.socketErrors === undefined ? ', no socket errors' : `, socket errors: ${r.socketErrors}`)
  );
}

async function main(): Promise<void> {
  const wrkCommand = `wrk -t${WRK_THREADS} -c${CONNECTIONS} -d${LOAD_SECONDS}s --latency`;
  console.log(
    `Lifeline health benchmark: node ${process.version}, ${availableParallelism()} CPUs; ${wrkCommand}, ${ROUNDS} alternating rounds per server after a ${WARMUP_SECONDS} s warm-up, ` +
      `check interval ${INTERVAL_SECONDS} s, black-holed optional dependency with a ${OPTIONAL_TIMEOUT_SECONDS} s check timeout`,
  );
  const support = canUseNetns();
  if (!support.ok) {
    console.error(`cannot black-hole addresses: ${support.reason} (run as root on Linux with iproute2)`);
    process.exitCode = 1;
    return;
  }
  const wrk = findExecutable('wrk');
  if (wrk === undefined) {
    console.error('wrk is not installed (apt-get install wrk)');
    process.exitCode = 1;
    return;
  }

  const cleanup = new Cleanup();
  cleanup.undoOnSignals();
  try {
    const pgServer = await startPostgres();
    cleanup.add('postgres', () => pgServer.stop());
    const hole = await createBlackhole();
    cleanup.add('black hole', () => hole.close());
    const api = await startHttpServer();
    cleanup.add('http server', () => api.close());
    const { admin, health: db } = await prepareDatabase(pgServer, cleanup);
    console.log(
      `targets: PostgreSQL ${pgServer.host}:${pgServer.port} (health checks log in as ${HEALTH_ROLE}; queries counted by pg_stat_statements); ` +
        `black hole ${hole.address} (${hole.method}); HTTP server ${api.host}:${api.port}`,
    );

    // 1 and 2: both servers up at once, loaded one after the other with the same wrk parameters.
    const ready = await startServerChild(READY_ROLE, { ...process.env, [CONFIG_ENV]: JSON.stringify(db) }, cleanup);
    if (!ready.hello.ready) throw new Error(`the health server started in mode ${ready.hello.mode}, not ready: is the database up?`);
    const bare = await startServerChild(BARE_ROLE, process.env, cleanup);
    const readyUrl = `http://127.0.0.1:${ready.hello.port}/health/ready`;
    const bareUrl = `http://127.0.0.1:${bare.hello.port}/`;
    await runWrk(wrk, readyUrl, WARMUP_SECONDS, cleanup);
    await runWrk(wrk, bareUrl, WARMUP_SECONDS, cleanup);

    // Alternating rounds (ready first, then bare first, …), medians reported: on a shared machine
    // one pair of runs is easily biased by whatever else runs during one of them.
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const loadReady = async (): Promise<LoadWindow> => {
        const queriesBefore = await countHealthQueries(admin);
        const start = performance.now();
        const startEpoch = Date.now();
        const load = await runWrk(wrk, readyUrl, LOAD_SECONDS, cleanup);
        const seconds = (performance.now() - start) / 1000;
        const endEpoch = Date.now();
        const dbQueries = (await countHealthQueries(admin)) - queriesBefore;
        const libraryChecks = ready.checks.filter((c) => c.check === 'database' && c.at >= startEpoch && c.at <= endEpoch).length;
        return { load, seconds, dbQueries, libraryChecks, bound: seconds / INTERVAL_SECONDS + 1 };
      };
      let readyWindow: LoadWindow;
      let bareLoad: WrkResult;
      if (i % 2 === 0) {
        readyWindow = await loadReady();
        bareLoad = await runWrk(wrk, bareUrl, LOAD_SECONDS, cleanup);
      } else {
        bareLoad = await runWrk(wrk, bareUrl, LOAD_SECONDS, cleanup);
        readyWindow = await loadReady();
      }
      rounds.push({ ready: readyWindow, bare: bareLoad });
      console.log(`round ${i + 1}  ready  ${describeWrk(readyWindow.load)}`);
      console.log(`round ${i + 1}  bare   ${describeWrk(bareLoad)}`);
    }
    await Promise.all([ready.stop(), bare.stop()]);

    const readyRps = median(rounds.map((r) => r.ready.load.rps));
    const bareRps = median(rounds.map((r) => r.bare.rps));
    const readyP99Ms = median(rounds.map((r) => r.ready.load.p99Ms));
    const bareP99Ms = median(rounds.map((r) => r.bare.p99Ms));
    console.log(`median of ${ROUNDS}: ready (createHealthHandler, pid ${ready.pid}) ${readyRps.toFixed(0)} req/s, p99 ${readyP99Ms.toFixed(2)} ms; bare (node:http constant, pid ${bare.pid}) ${bareRps.toFixed(0)} req/s, p99 ${bareP99Ms.toFixed(2)} ms`);
    const ratio = readyRps / bareRps;
    const failedAnswers = rounds.filter((r) => r.ready.load.non2xx > 0 || r.ready.load.socketErrors !== undefined);
    const throughputOk = ratio >= MIN_READY_TO_BARE && failedAnswers.length === 0;
    console.log(
      `ready / bare throughput: ${(ratio * 100).toFixed(1)}% (rounds: ${rounds.map((r) => `${((r.ready.load.rps / r.bare.rps) * 100).toFixed(1)}%`).join(', ')}; ` +
        `target >= ${MIN_READY_TO_BARE * 100}%, every answer 200): ${yesNo(throughputOk)}`,
    );

    // Every ready load window must keep to its bound; the JSON line reports the tightest one.
    const worst = rounds.map((r) => r.ready).reduce((a, b) => (b.dbQueries - b.bound > a.dbQueries - a.bound ? b : a));
    const queriesOk = rounds.every((r) => r.ready.dbQueries <= r.ready.bound);
    console.log(
      `health-check queries per ready load window, counted by PostgreSQL: ${rounds.map((r) => `${r.ready.dbQueries} in ${r.ready.seconds.toFixed(3)} s (${r.ready.load.requests} requests, bound ${r.ready.bound.toFixed(2)})`).join('; ')}; ` +
        `lifeline's own count: ${rounds.map((r) => r.ready.libraryChecks).join(', ')}; target <= window / interval + 1: ${yesNo(queriesOk)}`,
    );

    // 3: time to ready with the partner black-holed.
    const timing = await measureTimeToReady(db, hole, api, true, cleanup);
    const limitMs = MAX_READY_TO_TIMEOUT * OPTIONAL_TIMEOUT_MS;
    const readyOk = timing.toReadyMs <= limitMs;
    console.log(
      `time to ready, partner black-holed (check timeout ${OPTIONAL_TIMEOUT_SECONDS} s): ${(timing.toReadyMs / 1000).toFixed(3)} s to the first /health/ready 200 ` +
        `(start() resolved at ${(timing.startResolvedMs / 1000).toFixed(3)} s; mode ${timing.mode}; ${timing.dependencies}; partner: ${timing.partnerError}); ` +
        `target <= ${(limitMs / 1000).toFixed(3)} s: ${yesNo(readyOk)}`,
    );
    // For diagnosis only (not a target): the same lifeline without a phase that needs the partner.
    const noPhase = await measureTimeToReady(db, hole, api, false, cleanup);
    console.log(
      `  the same without a phase needing the partner: ${(noPhase.toReadyMs / 1000).toFixed(3)} s to the first 200 (start() resolved at ${(noPhase.startResolvedMs / 1000).toFixed(3)} s; mode ${noPhase.mode})`,
    );

    if (!throughputOk) {
      console.log(
        `MISSED: /health/ready served ${(ratio * 100).toFixed(1)}% of the bare server's throughput (target ${MIN_READY_TO_BARE * 100}%)` +
          failedAnswers.map((r) => `; ${r.ready.load.non2xx} answers not 2xx/3xx${r.ready.load.socketErrors === undefined ? '' : `, socket errors ${r.ready.load.socketErrors}`}`).join(''),
      );
    }
    if (!queriesOk) console.log(`MISSED: ${worst.dbQueries} health-check queries in ${worst.seconds.toFixed(3)} s at a ${INTERVAL_SECONDS} s interval (at most ${worst.bound.toFixed(2)})`);
    if (!readyOk) {
      console.log(
        `MISSED: ready after ${(timing.toReadyMs / 1000).toFixed(3)} s, more than ${MAX_READY_TO_TIMEOUT}x the black-holed dependency's ${OPTIONAL_TIMEOUT_SECONDS} s check timeout ` +
          `(x${(timing.toReadyMs / OPTIONAL_TIMEOUT_MS).toFixed(2)})`,
      );
    }
    console.log(
      JSON.stringify({
        bench: 'health',
        readyRps: round(readyRps, 0),
        bareRps: round(bareRps, 0),
        readyP99Ms: round(readyP99Ms, 2),
        windowSeconds: round(worst.seconds, 3),
        intervalSeconds: INTERVAL_SECONDS,
        dbQueries: worst.dbQueries,
        timeToReadySeconds: round(timing.toReadyMs / 1000, 3),
        optionalTimeoutSeconds: OPTIONAL_TIMEOUT_SECONDS,
      }),
    );
  } finally {
    const failures = await cleanup.run();
    for (const f of failures) console.error(`cleanup failed: ${f}`);
    if (failures.length > 0) process.exitCode = 1;
  }
}

const role = process.argv[2];
if (role === READY_ROLE) await serveReady();
else if (role === BARE_ROLE) await serveBare();
else await main();
