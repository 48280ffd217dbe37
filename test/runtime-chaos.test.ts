import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { ProbeSpec } from '../src/probes/run.js';
import type { Lifeline } from '../src/runtime/api.js';
import { createHealthHandler } from '../src/runtime/health.js';
import { createLifeline } from '../src/runtime/lifeline.js';
import type { ModeKind, PhaseSpec } from '../src/runtime/types.js';
import { startPostgres, type PostgresServer } from './harness/postgres.js';
import { startRedis, type RedisServer } from './harness/redis.js';
import { redisCommands } from './harness/resp.js';
import { startHttpServer, type RunningServer } from './harness/servers.js';
import { startSilentServer } from './harness/faults.js';

// Chaos tests of the runtime lifeline against a real PostgreSQL and Redis: a database that dies
// and comes back under load, a database down at boot, create/start/stop leaks, and the shutdown
// sequence. Every answer goes over a real socket; nothing of the lifecycle is mocked.

const DB_PASSWORD = 'chaos-S3cret';

let db: PostgresServer;
let cache: RedisServer;
let databaseUp = true;

const processErrors: string[] = [];
const onUnhandledRejection = (reason: unknown): void => {
  processErrors.push(`unhandledRejection: ${describeError(reason)}`);
};
const onUncaughtException = (error: Error): void => {
  processErrors.push(`uncaughtException: ${describeError(error)}`);
};

before(async () => {
  process.on('unhandledRejection', onUnhandledRejection);
  process.on('uncaughtException', onUncaughtException);
  [db, cache] = await Promise.all([startPostgres({ password: DB_PASSWORD }), startRedis()]);
});

after(async () => {
  process.off('unhandledRejection', onUnhandledRejection);
  process.off('uncaughtException', onUncaughtException);
  await Promise.all([db.stop(), cache.stop()]);
  assert.deepEqual(processErrors, [], 'no unhandledRejection or uncaughtException during the whole file');
});

function describeError(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}\n${value.stack ?? ''}` : String(value);
}

function databaseCheck(): ProbeSpec {
  return { protocol: 'postgres', host: db.host, port: db.port, user: db.user, password: db.password, database: db.database };
}

function cacheCheck(): ProbeSpec {
  return { protocol: 'redis', host: cache.host, port: cache.port };
}

/** A real round trip to the database, as an application's phase would do it. */
async function queryDatabase(): Promise<void> {
  const client = new pg.Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabaseUp(): Promise<void> {
  if (!databaseUp) {
    await db.restart();
    databaseUp = true;
  }
}

/** Polls `predicate` every 5 ms; fails with `what` after `timeoutMs`. Resolves with the time it took. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
  return performance.now() - start;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** GET over a real socket (agent false: a new connection for this request). */
function get(port: number, path: string, agent: http.Agent | false = false, timeoutMs = 2_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

function parse(answer: Answer): unknown {
  return JSON.parse(answer.body);
}

/** Serves the health endpoints of `lifeline` on a real server; `observe` sees every answer as it is sent. */
async function serveHealth(lifeline: Lifeline, observe?: (path: string, status: number) => void): Promise<RunningServer> {
  const health = createHealthHandler(lifeline);
  return startHttpServer((request, response) => {
    if (!health(request, response)) {
      response.writeHead(404);
      response.end();
    }
    observe?.(request.url ?? '', response.statusCode);
  });
}

/** Resolves when `server` refuses a new TCP connection, or with 'connected' if it accepts one. */
function tryConnect(port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve('refused');
      else reject(error);
    });
  });
}

describe('runtime lifeline under chaos', () => {
  it('survives the database being SIGKILLed and restarted 20 times under request load', { timeout: 55_000 }, async () => {
    const CYCLES = 20;
    const INTERVAL_MS = 100;
    const DB_TIMEOUT_MS = 500;
    const HALF_OPEN_AFTER_MS = 200;
    await ensureDatabaseUp();
    const lifeline = createLifeline({
      service: 'chaos',
      checkIntervalMs: INTERVAL_MS,
      breaker: { threshold: 2, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      dependencies: {
        database: { critical: true, check: databaseCheck(), timeoutMs: DB_TIMEOUT_MS },
        cache: { critical: false, check: cacheCheck(), timeoutMs: DB_TIMEOUT_MS },
      },
      phases: [
        { name: 'database', dependencies: ['database'], start: queryDatabase },
        { name: 'http', after: ['database'], start: () => undefined },
      ],
    });

    // The window in which readiness must be 503: from the lifeline reporting the database down
    // (its mode leaving FULL for EMERGENCY after a kill) until restart() is called. The database
    // is dead for the whole window: it only comes back inside restart().
    let killed = false; // kill() called, restart() not yet
    let window = 0; // the current window's number, 0 when none is open
    let windows = 0;
    let downReportedAt = 0;
    const transitions: { from: ModeKind; to: ModeKind }[] = [];
    lifeline.onModeChange(({ from, to }) => {
      transitions.push({ from: from.kind, to: to.kind });
      if (killed && to.kind === 'EMERGENCY' && window === 0) {
        window = ++windows;
        downReportedAt = performance.now();
      }
    });

    const breakerStates = new Set<string>();
    lifeline.onCheck((event) => {
      if (event.dependency === 'database') breakerStates.add(event.breaker);
    });

    // Every answer as the server sends it, with whether it was sent inside a window.
    const sent: { path: string; status: number; inWindow: boolean }[] = [];
    const server = await serveHealth(lifeline, (path, status) => {
      sent.push({ path, status, inWindow: window !== 0 });
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const booted = await lifeline.start();
      assert.equal(booted.mode.kind, 'FULL', JSON.stringify(booted.mode));
      assert.equal(booted.ready, true);

      // Request load throughout: bounded in count and time.
      const received: { path: string; status: number; window: number }[] = [];
      const loadErrors: string[] = [];
      let loadRunning = true;
      let requests = 0;
      const loadDeadline = performance.now() + 50_000;
      const worker = async (path: string): Promise<void> => {
        while (loadRunning && requests < 200_000 && performance.now() < loadDeadline) {
          requests++;
          const atSend = window;
          try {
            const answer = await get(server.port, path, agent);
            // Counted as inside a window only when sent and received inside the same one.
            received.push({ path, status: answer.status, window: atSend !== 0 && window === atSend ? atSend : 0 });
          } catch (error) {
            loadErrors.push(`${path}: ${describeError(error)}`);
          }
          await sleep(2);
        }
      };
      const load = Promise.all(['/health/ready', '/health/ready', '/health/database', '/health', '/health/live'].map(worker));

      const detection: number[] = [];
      const recovery: number[] = [];
      const restarts: number[] = [];
      const started = performance.now();
      try {
        for (let cycle = 1; cycle <= CYCLES; cycle++) {
          const fullBefore = transitions.filter((t) => t.to === 'FULL').length;
          killed = true;
          const killedAt = performance.now();
          await db.kill();
          databaseUp = false;
          await waitFor(`cycle ${cycle}: the lifeline reporting the database down`, () => window !== 0, INTERVAL_MS + DB_TIMEOUT_MS + 2_000);
          detection.push(downReportedAt - killedAt);
          const snapshot = lifeline.snapshot();
          assert.notEqual(snapshot.mode.kind, 'FULL');
          assert.equal(snapshot.ready, false);
          assert.equal(snapshot.dependencies.find((d) => d.name === 'database')?.status, 'down');
          // Stay down a while on odd cycles, long enough for the breaker to open and fail a trial.
          await sleep(cycle % 2 === 1 ? 2 * HALF_OPEN_AFTER_MS + INTERVAL_MS : 30);
          window = 0;
          killed = false;
          const restartAt = performance.now();
          await db.restart();
          databaseUp = true;
          const upAt = performance.now();
          restarts.push(upAt - restartAt);
          await waitFor(`cycle ${cycle}: mode FULL after the restart`, () => lifeline.mode.kind === 'FULL', HALF_OPEN_AFTER_MS + 2 * INTERVAL_MS + 2_000);
          recovery.push(performance.now() - upAt);
          assert.equal(transitions.filter((t) => t.to === 'FULL').length, fullBefore + 1, `cycle ${cycle}: one transition to FULL`);
        }
      } finally {
        loadRunning = false;
        await load;
      }
      const elapsed = performance.now() - started;

      // Every recovery was seen, and nothing else happened: FULL ⇄ EMERGENCY, 20 times each.
      assert.equal(transitions.length, 2 * CYCLES, JSON.stringify(transitions));
      transitions.forEach((t, i) => {
        assert.deepEqual(t, i % 2 === 0 ? { from: 'FULL', to: 'EMERGENCY' } : { from: 'EMERGENCY', to: 'FULL' }, `transition ${i}`);
      });
      assert.equal(windows, CYCLES);
      assert.ok(breakerStates.has('open'), `the breaker opened during the longer outages (states seen: ${[...breakerStates].join(', ')})`);

      // Readiness never answered 200 while the lifeline knew the database was down.
      assert.deepEqual(loadErrors, [], 'every load request was answered');
      const sentInWindow = sent.filter((a) => a.inWindow);
      const readyInWindow = sentInWindow.filter((a) => a.path === '/health/ready' || a.path === '/health');
      assert.ok(readyInWindow.length >= CYCLES, `the load reached the down windows (${readyInWindow.length} readiness answers in them)`);
      assert.deepEqual(readyInWindow.filter((a) => a.status !== 503), [], 'readiness answered only 503 while the database was down');
      assert.deepEqual(sentInWindow.filter((a) => a.path === '/health/database' && a.status !== 503), [], '/health/database answered only 503 while down');
      assert.deepEqual(sentInWindow.filter((a) => a.path === '/health/live' && a.status !== 200), [], 'liveness stayed 200');
      const receivedInWindow = received.filter((a) => a.window !== 0 && a.path !== '/health/live');
      assert.deepEqual(receivedInWindow.filter((a) => a.status !== 503), [], 'no client saw a 200 from ready/database/summary inside a down window');
      assert.ok(received.some((a) => a.path === '/health/ready' && a.status === 200), 'readiness was 200 between the incidents');

      // Detection within one interval plus the check deadline.
      const max = (values: number[]): number => Math.round(Math.max(...values));
      assert.ok(max(detection) <= INTERVAL_MS + DB_TIMEOUT_MS + 200, `detection took up to ${max(detection)} ms`);
      const final = lifeline.snapshot();
      assert.deepEqual(final.phases.map((p) => p.status), ['done', 'done']);
      assert.equal(final.ready, true);
      const [ready, databaseAnswer] = await Promise.all([get(server.port, '/health/ready'), get(server.port, '/health/database')]);
      assert.equal(ready.status, 200);
      assert.equal(databaseAnswer.status, 200);
      console.log(
        `chaos: ${CYCLES} kill/restart cycles in ${Math.round(elapsed)} ms; ${requests} requests (${sentInWindow.length} answered inside down windows); ` +
          `detection max ${max(detection)} ms, restart max ${max(restarts)} ms, recovery after restart max ${max(recovery)} ms`,
      );
    } finally {
      await lifeline.stop();
      agent.destroy();
      await server.close();
    }
  });

  it('boots with the database down: startup completes, phases are deferred with reasons, and everything runs when it returns', { timeout: 30_000 }, async () => {
    const INTERVAL_MS = 200;
    await ensureDatabaseUp();
    await db.shutdown();
    databaseUp = false;

    const ran: string[] = [];
    const phase = (name: string, extra: Partial<PhaseSpec> = {}): PhaseSpec => ({
      name,
      ...extra,
      start: async () => {
        if (extra.dependencies?.includes('database')) await queryDatabase();
        ran.push(name);
      },
    });
    const lifeline = createLifeline({
      service: 'incident',
      checkIntervalMs: INTERVAL_MS,
      // Half-opens within one interval, so that every background round after the database returns is a real check.
      breaker: { threshold: 2, halfOpenAfterMs: INTERVAL_MS / 2 },
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      dependencies: {
        database: { critical: true, check: databaseCheck(), timeoutMs: 500 },
        cache: { critical: false, check: cacheCheck(), timeoutMs: 500 },
      },
      phases: [
        phase('config'),
        phase('database', { dependencies: ['database'] }),
        phase('migrations', { after: ['database'], dependencies: ['database'] }),
        phase('cache', { dependencies: ['cache'] }),
        phase('websocket', { after: ['config'] }),
        phase('http', { after: ['config', 'cache'] }),
      ],
    });
    const server = await serveHealth(lifeline);
    try {
      const boot = await lifeline.start();
      assert.equal(boot.startupComplete, true, 'start() resolves with startup complete');
      const statuses = Object.fromEntries(boot.phases.map((p) => [p.name, p.status]));
      assert.deepEqual(statuses, { config: 'done', database: 'deferred', migrations: 'skipped', cache: 'done', websocket: 'done', http: 'done' });
      for (const p of boot.phases) {
        assert.ok(p.status !== 'pending' && p.status !== 'running', `phase ${p.name} is ${p.status}`);
        if (p.status === 'deferred' || p.status === 'skipped') assert.ok(p.reason !== undefined && p.reason.length > 0, `phase ${p.name} is ${p.status} with a reason`);
      }
      assert.match(boot.phases.find((p) => p.name === 'database')?.reason ?? '', /database/);
      assert.match(boot.phases.find((p) => p.name === 'migrations')?.reason ?? '', /database \(deferred\)/);
      assert.deepEqual([...ran].sort(), ['cache', 'config', 'http', 'websocket'], 'phases that do not need the database ran');
      assert.equal(boot.mode.kind, 'EMERGENCY');
      const down = boot.mode.reasons.find((r) => r.kind === 'dependency-down');
      assert.equal(down?.subject, 'database');
      assert.match(down.message, /database/);
      assert.equal(boot.ready, false);

      const [live, ready, startup, database, cacheAnswer] = await Promise.all(['/health/live', '/health/ready', '/health/startup', '/health/database', '/health/cache'].map((p) => get(server.port, p)));
      assert.equal(live?.status, 200);
      assert.equal(ready?.status, 503);
      assert.equal((parse(ready) as { mode: string }).mode, 'EMERGENCY');
      assert.equal(startup?.status, 200);
      assert.equal(database?.status, 503);
      const databaseBody = parse(database) as { status: string; lastError: string | null };
      assert.equal(databaseBody.status, 'down');
      assert.ok(databaseBody.lastError !== null && databaseBody.lastError.length > 0, `lastError: ${String(databaseBody.lastError)}`);
      assert.ok(!databaseBody.lastError.includes(DB_PASSWORD), 'no password in lastError');
      assert.equal(cacheAnswer?.status, 200);

      // The database returns: FULL within one check interval (+ the check and the deferred phases).
      await db.restart();
      databaseUp = true;
      const recovery = await waitFor('mode FULL after the database returns', () => lifeline.mode.kind === 'FULL', 5_000);
      const recovered = lifeline.snapshot();
      assert.ok(recovery <= INTERVAL_MS + 400, `FULL ${Math.round(recovery)} ms after the database returned (interval ${INTERVAL_MS} ms)`);
      assert.deepEqual(recovered.phases.map((p) => p.status), ['done', 'done', 'done', 'done', 'done', 'done']);
      assert.deepEqual(ran.slice(4), ['database', 'migrations'], 'the deferred phases ran, in order');
      assert.equal(recovered.ready, true);
      const readyAgain = await get(server.port, '/health/ready');
      assert.equal(readyAgain.status, 200);
      assert.equal((await get(server.port, '/health/database')).status, 200);
      console.log(`incident: FULL ${Math.round(recovery)} ms after the database returned; lastError while down: ${databaseBody.lastError}`);
    } finally {
      await lifeline.stop();
      await server.close();
      await ensureDatabaseUp();
    }
  });

  it('is not ready after start() while a critical dependency that no phase needs is down', { timeout: 20_000 }, async () => {
    await ensureDatabaseUp();
    await db.shutdown();
    databaseUp = false;
    const lifeline = createLifeline({
      service: 'unchecked-at-boot',
      // The default interval: the first background check comes 5 s after start().
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      dependencies: { database: { critical: true, check: databaseCheck(), timeoutMs: 500 } },
      phases: [{ name: 'app', start: () => undefined }],
    });
    const server = await serveHealth(lifeline);
    try {
      const boot = await lifeline.start();
      const ready = await get(server.port, '/health/ready');
      const database = boot.dependencies.find((d) => d.name === 'database');
      assert.equal(
        ready.status,
        503,
        `/health/ready answered ${ready.status} right after start() with the critical database down (database status ${String(database?.status)}, mode ${boot.mode.kind}): ` +
          'start() checks only the dependencies some phase needs, and an unchecked dependency counts as up',
      );
      assert.equal(boot.ready, false);
    } finally {
      await lifeline.stop();
      await server.close();
      await ensureDatabaseUp();
    }
  });

  it('keeps naming the real cause in /health/database while the breaker is open', { timeout: 20_000 }, async () => {
    await ensureDatabaseUp();
    await db.shutdown();
    databaseUp = false;
    const lifeline = createLifeline({
      service: 'breaker-open',
      checkIntervalMs: 50,
      breaker: { threshold: 2, halfOpenAfterMs: 10_000 },
      policy: { whenCriticalDown: 'READ_ONLY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      dependencies: { database: { critical: true, check: databaseCheck(), timeoutMs: 500 } },
      phases: [{ name: 'database', dependencies: ['database'], start: queryDatabase }],
    });
    const server = await serveHealth(lifeline);
    try {
      await lifeline.start();
      const firstError = lifeline.snapshot().dependencies[0]?.lastError ?? '';
      assert.match(firstError, /REFUSED/, 'the first failed check names the cause');
      await waitFor('the breaker to open and skip checks', () => {
        const dependency = lifeline.snapshot().dependencies[0];
        return dependency?.breaker === 'open' && dependency.consecutiveFailures >= 4;
      }, 5_000);
      const body = parse(await get(server.port, '/health/database')) as { status: string; breaker: string; lastError: string | null };
      assert.equal(body.status, 'down');
      assert.equal(body.breaker, 'open');
      const readyBody = parse(await get(server.port, '/health/ready')) as { mode: string; reasons: { subject: string; message: string }[] };
      assert.equal(readyBody.mode, 'READ_ONLY');
      const reason = readyBody.reasons.find((r) => r.subject === 'database')?.message ?? '';
      // What an operator reads during an incident: the cause, not only that the breaker skipped the check.
      assert.match(body.lastError ?? '', /REFUSED/, `lastError while the breaker is open: ${String(body.lastError)}`);
      assert.match(reason, /REFUSED/, `mode reason while the breaker is open: ${reason}`);
    } finally {
      await lifeline.stop();
      await server.close();
      await ensureDatabaseUp();
    }
  });

  it('leaks nothing over 50 create/start/stop cycles, and stop() keeps within its budget', { timeout: 50_000 }, async () => {
    const CYCLES = 50;
    const BUDGET_MS = 1_000;
    await ensureDatabaseUp();
    const resources = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    const count = (list: string[]): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const r of list) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    // Unref'd timers do not show in getActiveResourcesInfo(): a background loop that outlived
    // stop() shows as checks that still run after it.
    const lateChecks: string[] = [];
    const cycle = async (i: number): Promise<number> => {
      const lifeline = createLifeline({
        service: `leak-${i}`,
        checkIntervalMs: 20,
        breaker: { threshold: 3, halfOpenAfterMs: 100 },
        policy: { whenCriticalDown: 'EMERGENCY' },
        shutdown: { drainMs: 5, budgetMs: BUDGET_MS },
        dependencies: {
          database: { critical: true, check: databaseCheck(), timeoutMs: 1_000 },
          cache: { critical: false, check: cacheCheck(), timeoutMs: 1_000 },
          // A custom function check: a real PING round trip of its own.
          session: {
            critical: false,
            timeoutMs: 1_000,
            check: async () => {
              const replies = await redisCommands(cache.host, cache.port, [['PING']], 1_000);
              if (replies[0]?.type !== 'simple' || replies[0].value !== 'PONG') throw new Error(`PING answered ${JSON.stringify(replies[0])}`);
            },
          },
        },
        phases: [
          { name: 'database', dependencies: ['database'], start: queryDatabase },
          { name: 'cache', dependencies: ['cache', 'session'], start: () => undefined },
        ],
      });
      let stoppedAt = Number.POSITIVE_INFINITY; // until stop() resolves
      lifeline.onCheck((event) => {
        if (performance.now() - stoppedAt > 50) lateChecks.push(`cycle ${i}: ${event.dependency}`);
      });
      const snapshot = await lifeline.start();
      assert.equal(snapshot.mode.kind, 'FULL', `cycle ${i}: ${JSON.stringify(snapshot.mode)}`);
      // Stop at varying points of the background loop, sometimes with checks in flight.
      await sleep(i % 5 === 0 ? 0 : (i * 7) % 45);
      const stopStart = performance.now();
      await lifeline.stop();
      stoppedAt = performance.now();
      return stoppedAt - stopStart;
    };

    await cycle(0); // warm up what is created once per process (pg's and the probes' lazy state)
    await sleep(100);
    const baseline = resources();
    const stops: number[] = [];
    for (let i = 1; i <= CYCLES; i++) stops.push(await cycle(i));
    const slowest = Math.max(...stops);
    assert.ok(slowest <= BUDGET_MS, `stop() took up to ${Math.round(slowest)} ms (budget ${BUDGET_MS} ms)`);

    let now = resources();
    const deadline = performance.now() + 2_000;
    while (now.length > baseline.length && performance.now() < deadline) {
      await sleep(50);
      now = resources();
    }
    assert.ok(now.length <= baseline.length, `active resources grew from ${JSON.stringify(count(baseline))} to ${JSON.stringify(count(now))}`);
    await sleep(100);
    assert.deepEqual(lateChecks, [], 'no lifeline checks anything once stopped');
    console.log(`leak: ${CYCLES} cycles; active resources ${baseline.length} before, ${now.length} after; stop() max ${Math.round(slowest)} ms`);
  });

  describe('shutdown', () => {
    it('stops phases one at a time in reverse order of start; readiness is false at once; the server stops accepting after the drain delay', { timeout: 20_000 }, async () => {
      const DRAIN_MS = 400;
      const BUDGET_MS = 3_000;
      const started: string[] = [];
      const stopped: string[] = [];
      const server = http.createServer();
      const phase = (name: string, after: string[] = []): PhaseSpec => ({
        name,
        after,
        start: async () => {
          started.push(name);
          await sleep(5);
        },
        stop: async () => {
          assert.equal(server.listening, false, `phase ${name} stops after the server stopped accepting`);
          // Each stop completes before the next starts.
          stopped.push(`${name}:begin`);
          await sleep(10);
          stopped.push(`${name}:end`);
        },
      });
      const lifeline = createLifeline({
        service: 'shutdown',
        checkIntervalMs: 50,
        policy: { whenCriticalDown: 'EMERGENCY' },
        shutdown: { drainMs: DRAIN_MS, budgetMs: BUDGET_MS },
        dependencies: { cache: { critical: false, check: cacheCheck(), timeoutMs: 500 } },
        phases: [phase('config'), phase('database', ['config']), phase('cache', ['config']), phase('workers', ['database', 'cache']), phase('http', ['workers'])],
      });
      const health = createHealthHandler(lifeline);
      server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
        if (!health(request, response)) {
          response.writeHead(404);
          response.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const port = address.port;
      lifeline.attachServer(server);
      try {
        await lifeline.start();
        assert.equal((await get(port, '/health/ready')).status, 200);
        assert.deepEqual(started, ['config', 'database', 'cache', 'workers', 'http']);

        let closedAt: number | undefined;
        server.once('close', () => {
          closedAt = performance.now();
        });
        const t0 = performance.now();
        const stopping = lifeline.stop();
        // Readiness is false as soon as stop() is called, before the drain delay ends.
        assert.equal(lifeline.snapshot().ready, false);
        assert.equal(lifeline.snapshot().shuttingDown, true);
        assert.equal(lifeline.stop(), stopping, 'stop() is idempotent');
        await sleep(DRAIN_MS / 4);
        const duringDrain = await get(port, '/health/ready');
        assert.equal(duringDrain.status, 503, 'during the drain the server still answers, with readiness 503');
        assert.equal((parse(duringDrain) as { shuttingDown: boolean }).shuttingDown, true);
        assert.equal(await tryConnect(port), 'connected', 'the server still accepts during the drain delay');
        assert.equal(server.listening, true);
        assert.deepEqual(stopped, [], 'no phase stops during the drain delay');

        await stopping;
        const stopMs = performance.now() - t0;
        assert.ok(closedAt !== undefined, 'the attached server was closed');
        assert.ok(closedAt - t0 >= DRAIN_MS - 2, `the server stopped accepting ${Math.round(closedAt - t0)} ms after stop(), before the ${DRAIN_MS} ms drain delay ended`);
        assert.equal(server.listening, false);
        assert.equal(await tryConnect(port), 'refused', 'no new connections after the drain delay');
        assert.ok(stopMs <= BUDGET_MS, `stop() took ${Math.round(stopMs)} ms`);

        const expected = [...started].reverse().flatMap((name) => [`${name}:begin`, `${name}:end`]);
        assert.deepEqual(stopped, expected, `start order ${started.join(', ')}`);
        assert.deepEqual(lifeline.snapshot().phases.map((p) => p.status), ['stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
      } finally {
        await lifeline.stop();
        if (server.listening) await new Promise((resolve) => server.close(resolve));
      }
    });

    it('stop() resolves within budgetMs even when a request, a check and a phase stop all hang', { timeout: 20_000 }, async () => {
      const DRAIN_MS = 200;
      const BUDGET_MS = 1_000;
      const silent = await startSilentServer();
      const server = http.createServer((request, response) => {
        if (request.url !== '/hang') {
          response.writeHead(200);
          response.end('ok');
        }
        // '/hang' is never answered: the connection stays active through the shutdown.
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const lifeline = createLifeline({
        service: 'hangs',
        checkIntervalMs: 20,
        policy: { whenCriticalDown: 'EMERGENCY' },
        shutdown: { drainMs: DRAIN_MS, budgetMs: BUDGET_MS },
        // Connects, then silence: every check hangs until its 5 s deadline.
        dependencies: { database: { critical: false, check: { protocol: 'postgres', host: silent.host, port: silent.port, user: 'x', password: 'y' }, timeoutMs: 5_000 } },
        phases: [
          { name: 'stuck', start: () => undefined, stop: () => new Promise<void>(() => undefined) },
          { name: 'last', after: ['stuck'], start: () => undefined },
        ],
      });
      lifeline.attachServer(server);
      const hung = http.get({ host: '127.0.0.1', port: address.port, path: '/hang', agent: false });
      hung.on('error', () => undefined);
      try {
        void lifeline.checkNow(); // a check in flight when stop() is called
        await lifeline.start().catch(() => undefined);
        await sleep(30);
        const t0 = performance.now();
        await lifeline.stop();
        const elapsed = performance.now() - t0;
        assert.ok(elapsed <= BUDGET_MS + 100, `stop() took ${Math.round(elapsed)} ms with a budget of ${BUDGET_MS} ms`);
        assert.equal(server.listening, false, 'the server stopped accepting');
        console.log(`shutdown under hangs: stop() resolved after ${Math.round(elapsed)} ms (budget ${BUDGET_MS} ms)`);
      } finally {
        hung.destroy();
        server.closeAllConnections();
        if (server.listening) await new Promise((resolve) => server.close(resolve));
        await silent.close();
      }
    });

    it('stops a phase that started late (deferred until its dependency returned) before the phases that started before it', { timeout: 20_000 }, async () => {
      let cacheUp = false;
      const started: string[] = [];
      const stopped: string[] = [];
      const phase = (name: string, extra: Partial<PhaseSpec> = {}): PhaseSpec => ({
        name,
        ...extra,
        start: () => {
          started.push(name);
        },
        stop: () => {
          stopped.push(name);
        },
      });
      const lifeline = createLifeline({
        service: 'late-phase',
        checkIntervalMs: 50,
        policy: { whenCriticalDown: 'EMERGENCY' },
        shutdown: { drainMs: 0, budgetMs: 2_000 },
        dependencies: {
          // The real Redis, behind a switch: "down" until the test lets it through.
          cache: {
            critical: false,
            timeoutMs: 500,
            check: async () => {
              if (!cacheUp) throw new Error('ECONNREFUSED (switched off by the test)');
              await redisCommands(cache.host, cache.port, [['PING']], 500);
            },
          },
        },
        phases: [phase('consumer', { dependencies: ['cache'] }), phase('http')],
      });
      try {
        const boot = await lifeline.start();
        assert.deepEqual(boot.phases.map((p) => [p.name, p.status]), [['consumer', 'deferred'], ['http', 'done']]);
        cacheUp = true;
        await waitFor('the deferred consumer phase to run', () => started.length === 2, 3_000);
        assert.deepEqual(started, ['http', 'consumer']);
        await lifeline.stop();
        assert.deepEqual(stopped, [...started].reverse(), 'phases stop in reverse order of start');
      } finally {
        await lifeline.stop();
      }
    });
  });
});
