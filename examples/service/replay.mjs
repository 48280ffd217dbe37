// Replays the incident end to end with real parts, and checks every step (exit code 1 if one
// fails, so it doubles as a smoke test):
//   a real PostgreSQL (shut down: unreachable) and Redis, an HTTP API stand-in, and server.mjs as a
//   child process. The service starts anyway, reports EMERGENCY with its reasons, stays alive;
//   the database comes back and the service returns to FULL by itself; SIGTERM shuts it down
//   cleanly within the budget. Everything listens on 127.0.0.1 only.
//
//   npm run example:service      (builds first: it imports dist/)
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dist/test/harness/ports.js';
import { startPostgres } from '../../dist/test/harness/postgres.js';
import { startRedis } from '../../dist/test/harness/redis.js';
import { startHttpServer } from '../../dist/test/harness/servers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverFile = path.join(here, 'server.mjs');
const CHECK_INTERVAL_MS = 1000;
const BREAKER_HALF_OPEN_MS = 2000;
const SHUTDOWN_DRAIN_MS = 2000;
const SHUTDOWN_BUDGET_MS = 8000;
const OUTAGE_MS = 4000;

// ── narration ───────────────────────────────────────────────────────────────────────────────────

const began = Date.now();
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const stamp = () => paint('2', `[${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s]`);
const say = (text) => console.log(`${stamp()} ${text}`);
const detail = (text) => console.log(`         ${text}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const failures = [];
let passed = 0;

/** Records an expectation; prints ✓ or ✗ after `text`. */
function expect(ok, text, actual) {
  if (ok) {
    passed++;
    detail(`${paint('32', '✓')} ${text}`);
  } else {
    failures.push(`${text}${actual === undefined ? '' : ` (got ${actual})`}`);
    detail(`${paint('31', '✗')} ${text}${actual === undefined ? '' : paint('31', ` — got ${actual}`)}`);
  }
}

const redactUrl = (text) => {
  const url = new URL(text);
  if (url.password !== '') url.password = '***';
  return url.href;
};
const shorten = (text, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// ── cleanup, even on failure or Ctrl-C ──────────────────────────────────────────────────────────

const cleanups = []; // run in reverse order
const starting = new Set(); // resources whose start has not settled yet
let interrupted = false;

/** Awaits a resource's start and registers its cleanup; stops it at once if we were interrupted meanwhile. */
async function adopt(promise, stop) {
  starting.add(promise);
  try {
    const resource = await promise;
    cleanups.push(() => stop(resource));
    if (interrupted) throw new Error('interrupted');
    return resource;
  } finally {
    starting.delete(promise);
  }
}

let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    await Promise.allSettled([...starting]); // a start in flight registers its cleanup when it settles
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop();
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup failed: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // second Ctrl-C: give up on cleaning
    interrupted = true;
    console.log(`\n${signal}: stopping everything (Ctrl-C again to abandon)…`);
    void cleanUp().then(() => process.exit(130));
  });
}

// ── talking to the service ──────────────────────────────────────────────────────────────────────

/** GET over a fresh connection (no keep-alive pool to outlive the replay). */
function get(port, pathname, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, agent: false, timeout: timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let body = text;
        if ((response.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(text);
        resolve({ status: response.statusCode, body });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${pathname}: no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(what, attempt, { timeoutMs, intervalMs = 100, abortIf }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    const reason = abortIf?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** Starts server.mjs as a child; collects its JSON log lines and narrates its mode changes. */
function startService(env) {
  const child = spawn(process.execPath, [serverFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const service = { child, logs: [], raw: '', stderr: '', exit: undefined };
  service.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      service.exit = { code, signal, at: Date.now() };
      resolve(service.exit);
    });
  });
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    service.raw += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { event: 'not-json', message: line };
      }
      service.logs.push(entry);
      if (entry.event === 'mode') {
        const why = entry.reasons.length > 0 ? `: ${shorten(entry.reasons[0], 80)}${entry.reasons.length > 1 ? ` (+${entry.reasons.length - 1} more)` : ''}` : '';
        detail(paint('36', `service log │ ${entry.severity} mode ${entry.from} → ${entry.to}${why}`));
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (service.stderr += chunk));
  return service;
}

// ── the replay ──────────────────────────────────────────────────────────────────────────────────

async function replay() {
  console.log(paint('1', 'Lifeline example: the incident replayed with a real PostgreSQL, Redis and HTTP API'));
  console.log('The original: seven startup phases, the database in phase 3; with the database unreachable the');
  console.log('process exited and Cloud Run restarted it 649 times; an "emergency bypass" returned early from');
  console.log('phase 3, so phases 5–6 never ran and every health endpoint stayed 503.\n');

  say('Starting a throwaway PostgreSQL and Redis (loopback only)…');
  const [postgres, redis] = await Promise.all([adopt(startPostgres(), (s) => s.stop()), adopt(startRedis(), (s) => s.stop())]);
  const api = await adopt(
    startHttpServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"status":"ok"}');
    }),
    (s) => s.close(),
  );
  say(`PostgreSQL on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}, HTTP API stand-in on 127.0.0.1:${api.port}`);

  await postgres.shutdown();
  say(paint('33', 'PostgreSQL shut down: the database is unreachable, as in the incident'));

  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    API_URL: `${api.url}status`,
    HOST: '127.0.0.1',
    PORT: String(port),
    SERVICE_NAME: 'backend',
    CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS),
    BREAKER_HALF_OPEN_MS: String(BREAKER_HALF_OPEN_MS),
    SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
    SHUTDOWN_BUDGET_MS: String(SHUTDOWN_BUDGET_MS),
  };
  const spawnedAt = Date.now();
  const service = startService(env);
  lastService = service;
  cleanups.push(async () => {
    if (service.exit) return;
    service.child.kill('SIGKILL');
    await service.exited;
  });
  say(`Starting the service: node examples/service/server.mjs (pid ${service.child.pid}) on port ${port}`);
  detail(`DATABASE_URL=${redactUrl(postgres.url)}`);
  detail(`REDIS_URL=${redactUrl(redis.url)}  API_URL=${api.url}status`);
  const died = () => service.exit && `the service exited (code ${service.exit.code}, signal ${service.exit.signal}) — the very thing it must not do`;

  // 1. Startup completes although the database is down.
  await poll('startup', async () => ((await get(port, '/health/startup')).status === 200 ? true : undefined), { timeoutMs: 15_000, abortIf: died });
  say(`Startup complete ${seconds(Date.now() - spawnedAt)} after spawn, with the database down`);

  const summary = await get(port, '/health');
  say(`GET /health → ${summary.status}, mode ${summary.body.mode}`);
  for (const phase of summary.body.phases) {
    const timing = phase.status === 'done' ? `${phase.durationMs} ms` : shorten(phase.reason ?? '', 100);
    detail(`  ${phase.name.padEnd(10)} ${phase.status.padEnd(9)} ${timing}`);
  }
  expect(summary.status === 503 && summary.body.mode === 'EMERGENCY', '/health: 503, mode EMERGENCY (the critical database is down)', `${summary.status} ${summary.body.mode}`);
  const unexplained = summary.body.phases.filter((p) => p.status !== 'done' && !((p.status === 'deferred' || p.status === 'skipped') && p.reason));
  expect(unexplained.length === 0, 'every phase ran, or is deferred with its reason', unexplained.map((p) => `${p.name} ${p.status}`).join(', '));
  const byName = Object.fromEntries(summary.body.phases.map((p) => [p.name, p]));
  expect(
    byName.database?.status === 'deferred' && byName.services?.status === 'skipped' && byName.warmup?.status === 'skipped' && byName.cache?.status === 'done' && byName.websocket?.status === 'done',
    'database deferred; services and warmup wait for it; cache and websocket ran',
    summary.body.phases.map((p) => `${p.name}=${p.status}`).join(' '),
  );

  const live = await get(port, '/health/live');
  say(`GET /health/live → ${live.status} ${live.body.status}`);
  expect(live.status === 200, 'alive: nothing to restart', live.status);

  const ready = await get(port, '/health/ready');
  say(`GET /health/ready → ${ready.status} ready=${ready.body.ready}`);
  expect(ready.status === 503 && ready.body.ready === false, 'not ready: the load balancer keeps traffic away', ready.status);

  const database = await get(port, '/health/database');
  say(`GET /health/database → ${database.status} ${database.body.critical ? 'critical' : 'optional'}, ${database.body.status}: ${shorten(database.body.lastError ?? '', 70)}`);
  expect(database.status === 503 && database.body.status === 'down' && typeof database.body.lastError === 'string', 'the database is down, with the error', `${database.status} ${database.body.status}`);

  const root = await get(port, '/');
  say(`GET / → ${root.status} mode ${root.body.mode}`);
  expect(root.status === 503 && root.body.mode === 'EMERGENCY' && root.body.reasons.length > 0, 'the app answers 503 with the mode and its reasons', root.status);

  const metrics = await get(port, '/metrics');
  const modeLine = typeof metrics.body === 'string' ? metrics.body.split('\n').find((l) => /^lifeline_mode\{.*mode="EMERGENCY".*\} 1$/.test(l)) : undefined;
  say(`GET /metrics → ${metrics.status} ${modeLine ?? '(no lifeline_mode line)'}`);
  expect(metrics.status === 200 && modeLine !== undefined, 'the mode gauge says EMERGENCY', metrics.status);

  // 2. The outage lasts: the process stays up, the checks keep failing, the breaker opens.
  say(`The database stays down for ${seconds(OUTAGE_MS)}…`);
  await sleep(OUTAGE_MS);
  if (died()) throw new Error(died());
  const during = await get(port, '/health/database');
  say(`GET /health/database → ${during.status}: ${during.body.consecutiveFailures} consecutive failed checks, breaker ${during.body.breaker}`);
  expect(service.exit === undefined && (await get(port, '/health/live')).status === 200, `same process (pid ${service.child.pid}) still alive: 0 restarts (the original: 649)`);

  // 3. The database returns: the deferred phases run, the mode returns to FULL by itself.
  await postgres.restart();
  const backAt = Date.now();
  say(paint('33', 'PostgreSQL started again'));
  const full = await poll('mode FULL', async () => {
    const answer = await get(port, '/health');
    return answer.body.mode === 'FULL' ? answer : undefined;
  }, { timeoutMs: 30_000, abortIf: died });
  say(`Mode FULL ${seconds(Date.now() - backAt)} after the database returned (checks every ${seconds(CHECK_INTERVAL_MS)}, breaker half-opens after ${seconds(BREAKER_HALF_OPEN_MS)})`);
  detail(`  ${full.body.phases.map((p) => `${p.name} ${p.status}`).join(', ')}`);
  expect(full.body.phases.every((p) => p.status === 'done'), 'all seven phases done, phases 5–7 included', full.body.phases.map((p) => `${p.name}=${p.status}`).join(' '));
  const readyAgain = await get(port, '/health/ready');
  say(`GET /health/ready → ${readyAgain.status} ready=${readyAgain.body.ready}`);
  expect(readyAgain.status === 200, 'ready: traffic comes back', readyAgain.status);
  const served = await get(port, '/');
  say(`GET / → ${served.status} mode ${served.body.mode}, database time ${served.body.databaseTime}`);
  expect(served.status === 200 && served.body.mode === 'FULL', 'the app serves from the database', served.status);

  // 4. SIGTERM: not ready at once, drain, close, stop the phases, exit 0 within the budget.
  const termAt = Date.now();
  service.child.kill('SIGTERM');
  say(`SIGTERM sent (Cloud Run sends SIGKILL 10 s later; budget ${seconds(SHUTDOWN_BUDGET_MS)}, drain ${seconds(SHUTDOWN_DRAIN_MS)})`);
  await sleep(200);
  const draining = await get(port, '/health/ready').catch((error) => ({ status: error.message, body: {} }));
  detail(`  during the drain: GET /health/ready → ${draining.status} shuttingDown=${draining.body.shuttingDown}`);
  expect(draining.status === 503 && draining.body.shuttingDown === true, 'not ready during the drain: no new traffic', draining.status);
  const exit = await Promise.race([service.exited, sleep(SHUTDOWN_BUDGET_MS + 2000).then(() => undefined)]);
  const took = exit ? exit.at - termAt : undefined;
  say(exit ? `The service exited with code ${exit.code} ${seconds(took)} after SIGTERM` : 'The service did not exit');
  expect(exit !== undefined && exit.code === 0 && took <= SHUTDOWN_BUDGET_MS, `clean exit (code 0) within the ${seconds(SHUTDOWN_BUDGET_MS)} budget`, exit ? `code ${exit.code}, signal ${exit.signal}, ${took} ms` : 'still running');

  // 5. What the service logged.
  const modeChanges = service.logs.filter((l) => l.event === 'mode').map((l) => l.to);
  const stopped = service.logs.filter((l) => l.event === 'phase' && l.status === 'stopped').map((l) => l.phase);
  say(`The service logged ${service.logs.length} JSON lines: modes ${['FULL', ...modeChanges].join(' → ')}; phases stopped in reverse: ${stopped.join(', ')}`);
  expect(service.logs.every((l) => l.event !== 'not-json'), 'every log line is JSON', service.logs.find((l) => l.event === 'not-json')?.message);
  expect(!service.raw.includes(postgres.password), 'no log line contains the database password');
  expect(service.stderr.trim() === '', 'nothing on stderr', shorten(service.stderr.trim(), 200));
}

let lastService;
let status = 0;
try {
  await replay();
} catch (error) {
  failures.push(error.message);
  status = 1;
  if (!interrupted) console.error(`\n${paint('31', 'The replay failed:')} ${error.message}`);
  if (lastService && !interrupted) {
    console.error('--- the service\'s last log lines ---');
    console.error(lastService.raw.trimEnd().split('\n').slice(-15).join('\n'));
    if (lastService.stderr.trim() !== '') console.error(`--- its stderr ---\n${lastService.stderr.trimEnd()}`);
  }
}
if (!interrupted) {
  await cleanUp();
  say('Stopped the service, PostgreSQL, Redis and the API stand-in; temp dirs removed');
  if (failures.length === 0) console.log(paint('32', `\nAll ${passed} expectations met.`));
  else {
    console.log(paint('31', `\n${failures.length} expectation(s) failed:`));
    for (const failure of failures) console.log(`  - ${failure}`);
    status = 1;
  }
  process.exit(status);
}
