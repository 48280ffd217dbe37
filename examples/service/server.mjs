// An example Node service built on lifeline/runtime: the seven startup phases of the service from
// the incident, with the database in phase 3, except that a database outage no longer kills the
// process. The service starts, serves its health endpoints, reports EMERGENCY with its reasons,
// and runs the deferred phases by itself when the database returns.
//
//   DATABASE_URL=postgresql://user:password@127.0.0.1:5432/app  (required; critical)
//   REDIS_URL=redis://:password@127.0.0.1:6379                  (optional)
//   API_URL=https://api.example.com/v1/status                   (optional)
//   PORT=8080  HOST=(all interfaces)  SERVICE_NAME=backend
//   CHECK_INTERVAL_MS=1000  BREAKER_HALF_OPEN_MS=5000  SHUTDOWN_DRAIN_MS=2000  SHUTDOWN_BUDGET_MS=8000
//
// Logs are one JSON line each on stdout (Cloud Logging reads `severity` and `message`): one per
// mode change and per phase end, never a URL or a password.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { createHealthHandler, createLifeline, createMetrics } from '../../dist/src/runtime/index.js';

// ── logging ─────────────────────────────────────────────────────────────────────────────────────

const SEVERITY = { FULL: 'INFO', DEGRADED: 'WARNING', READ_ONLY: 'ERROR', EMERGENCY: 'ERROR' };
let logLevel = 'INFO';

function log(severity, event, message, fields = {}) {
  if (severity === 'DEBUG' && logLevel !== 'DEBUG') return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), severity, event, message, ...fields })}\n`);
}

// ── configuration ───────────────────────────────────────────────────────────────────────────────
// A missing or malformed setting is a deploy mistake that no restart fixes: it exits at once, so
// that the new revision fails to start and traffic stays on the old one. An unreachable
// dependency is the opposite case: it is transient, and the service must outlive it.

function postgresTarget(text) {
  const url = new URL(text);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('DATABASE_URL must start with postgresql://');
  // ?host=/cloudsql/PROJECT:REGION:INSTANCE selects a Unix-socket directory, as libpq does.
  const socketDir = url.searchParams.get('host');
  return {
    host: socketDir ?? url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
  };
}

function redisTarget(text) {
  const url = new URL(text);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('REDIS_URL must start with redis:// or rediss://');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    tls: url.protocol === 'rediss:',
  };
}

function positive(env, name, fallback) {
  const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(env[name])}`);
  return value;
}

function readConfig(env) {
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set (postgresql://user:password@host:port/database)');
  const api = env.API_URL ? new URL(env.API_URL) : undefined;
  if (api && api.protocol !== 'http:' && api.protocol !== 'https:') throw new Error('API_URL must start with http:// or https://');
  return {
    service: env.SERVICE_NAME || 'backend',
    host: env.HOST || undefined,
    port: positive(env, 'PORT', 8080),
    logLevel: env.LOG_LEVEL === 'DEBUG' ? 'DEBUG' : 'INFO',
    database: postgresTarget(env.DATABASE_URL),
    cache: env.REDIS_URL ? redisTarget(env.REDIS_URL) : undefined,
    api: api?.href,
    checkIntervalMs: positive(env, 'CHECK_INTERVAL_MS', 1000),
    breakerHalfOpenMs: positive(env, 'BREAKER_HALF_OPEN_MS', 5000),
    drainMs: positive(env, 'SHUTDOWN_DRAIN_MS', 2000),
    budgetMs: positive(env, 'SHUTDOWN_BUDGET_MS', 8000),
  };
}

let config;
try {
  config = readConfig(process.env);
} catch (error) {
  log('CRITICAL', 'config-invalid', `configuration error: ${error.message}`);
  process.exit(2);
}

/** Where a dependency lives, for logs: host and port only, never credentials. */
const where = (target) => (target.host.startsWith('/') ? target.host : `${target.host}:${target.port}`);
const apiWhere = (href) => new URL(href).host;

// ── what the phases build ───────────────────────────────────────────────────────────────────────

let pool; // phase database
let cacheReady = false; // phase cache
let services; // phase services
let sockets; // phase websocket

/** One round trip to Redis (AUTH if needed, then PING), speaking RESP directly. */
function redisPing(target, signal) {
  const encode = (args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  const auth = target.password === undefined ? [] : [target.username === undefined ? ['AUTH', target.password] : ['AUTH', target.username, target.password]];
  const commands = [...auth, ['PING']];
  return new Promise((resolve, reject) => {
    const socket = target.tls ? tls.connect({ host: target.host, port: target.port, servername: target.host }) : net.connect({ host: target.host, port: target.port });
    let buffer = '';
    const finish = (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(2000, () => finish(new Error('Redis did not answer within 2000 ms')));
    socket.on('error', finish);
    socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const replies = buffer.split('\r\n').slice(0, -1);
      const error = replies.find((r) => r.startsWith('-'));
      if (error) finish(new Error(`Redis answered ${error.slice(1)}`));
      else if (replies.length >= commands.length) finish(replies.at(-1) === '+PONG' ? undefined : new Error(`Redis answered ${replies.at(-1)} to PING`));
    });
  });
}

// ── the lifeline ────────────────────────────────────────────────────────────────────────────────

const dependencies = {
  database: { critical: true, check: { protocol: 'postgres', ...config.database } },
  ...(config.cache ? { cache: { critical: false, check: { protocol: 'redis', ...config.cache } } } : {}),
  ...(config.api ? { api: { critical: false, check: { protocol: 'http', url: config.api } } } : {}),
};

// The seven phases of the original service. The database is phase 3; the original's "emergency
// bypass" returned early from it, so phases 5 and 6 never ran. Here a phase whose dependency is
// down is deferred, the phases after it wait, and all of them run when the dependency returns.
const phases = [
  {
    name: 'config',
    start() {
      log('INFO', 'config', 'configuration read', {
        port: config.port,
        database: where(config.database),
        cache: config.cache ? where(config.cache) : null,
        api: config.api ? apiWhere(config.api) : null,
        checkIntervalMs: config.checkIntervalMs,
      });
    },
  },
  {
    name: 'logging',
    start() {
      logLevel = config.logLevel;
    },
  },
  {
    name: 'database',
    dependencies: ['database'],
    async start() {
      const candidate = new pg.Pool({ ...config.database, max: 5, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 });
      // An idle client whose connection drops emits 'error' on the pool: without a listener that
      // is an uncaught exception, i.e. a dead process. The lifeline's checks report the outage.
      candidate.on('error', (error) => log('WARNING', 'pool-error', `database connection lost: ${error.message}`));
      try {
        await candidate.query('SELECT 1');
      } catch (error) {
        await candidate.end().catch(() => undefined);
        throw error;
      }
      pool = candidate;
    },
    async stop() {
      await pool?.end();
      pool = undefined;
    },
  },
  {
    name: 'cache',
    dependencies: config.cache ? ['cache'] : [],
    async start({ signal }) {
      if (config.cache) await redisPing(config.cache, signal);
      cacheReady = config.cache !== undefined;
    },
    stop() {
      cacheReady = false;
    },
  },
  {
    name: 'services',
    after: ['database'],
    async start() {
      const { rows } = await pool.query("SELECT current_database() AS database, current_setting('server_version') AS version");
      services = {
        database: rows[0].database,
        version: rows[0].version,
        async now() {
          const result = await pool.query('SELECT now() AS now');
          return result.rows[0].now;
        },
      };
    },
    stop() {
      services = undefined;
    },
  },
  {
    name: 'websocket',
    after: ['config'],
    start() {
      sockets = new WebSocketServer({ noServer: true });
      sockets.on('connection', (ws) => {
        ws.on('error', () => ws.terminate());
        ws.send(JSON.stringify({ mode: lifeline.mode.kind }));
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      });
    },
    stop() {
      const closing = sockets;
      sockets = undefined;
      for (const client of closing?.clients ?? []) client.terminate();
      return new Promise((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
  },
  {
    name: 'warmup',
    after: ['services'],
    async start() {
      // Open the pool's connections now rather than on the first requests.
      await Promise.all(Array.from({ length: 3 }, () => pool.query('SELECT 1')));
    },
  },
];

const lifeline = createLifeline({
  service: config.service,
  dependencies,
  phases,
  policy: { whenCriticalDown: 'EMERGENCY' },
  checkIntervalMs: config.checkIntervalMs,
  breaker: { halfOpenAfterMs: config.breakerHalfOpenMs },
  shutdown: { drainMs: config.drainMs, budgetMs: config.budgetMs },
});

const reasonsOf = (mode) => (mode.kind === 'FULL' ? [] : mode.reasons.map((r) => r.message));

lifeline.onModeChange(({ from, to }) => {
  log(SEVERITY[to.kind], 'mode', `mode ${from.kind} → ${to.kind}`, { from: from.kind, to: to.kind, reasons: reasonsOf(to) });
});
// A deferred phase is looked at again after every check round, and each look ends it again: log a
// phase only when its status or reason changes, not once a second for the whole outage.
const lastPhaseEnd = new Map();
lifeline.onPhaseEnd(({ phase, status, durationMs, reason }) => {
  const key = `${status}:${reason ?? ''}`;
  if (lastPhaseEnd.get(phase) === key) return;
  lastPhaseEnd.set(phase, key);
  const severity = status === 'failed' ? 'ERROR' : status === 'deferred' || status === 'skipped' ? 'WARNING' : 'INFO';
  log(severity, 'phase', `phase ${phase} ${status}`, { phase, status, durationMs, ...(reason === undefined ? {} : { reason }) });
});

lifeline.onCheck(({ dependency, outcome, breaker }) => {
  log('DEBUG', 'check', `check ${dependency} ${outcome.ok ? 'ok' : 'failed'}`, { dependency, ok: outcome.ok, latencyMs: outcome.latencyMs, breaker, ...(outcome.ok ? {} : { error: outcome.error }) });
});

// ── HTTP: health endpoints in front of the app ──────────────────────────────────────────────────

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** The app: one route, answering per mode. */
async function app(req, res) {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname !== '/') return send(res, 404, { error: `no route ${pathname}` });
  const mode = lifeline.mode;
  if (mode.kind === 'EMERGENCY' || mode.kind === 'READ_ONLY' || services === undefined) {
    return send(res, 503, { service: config.service, mode: mode.kind, reasons: reasonsOf(mode) }, { 'Retry-After': String(Math.ceil(config.checkIntervalMs / 1000)) });
  }
  try {
    const now = await services.now();
    send(res, 200, { service: config.service, mode: mode.kind, database: services.database, databaseTime: now, cache: cacheReady, reasons: reasonsOf(mode) });
  } catch (error) {
    send(res, 503, { service: config.service, mode: mode.kind, error: `database query failed: ${error.message}` });
  }
}

const metrics = createMetrics(lifeline);
const health = createHealthHandler(lifeline, { metrics });
const server = http.createServer((req, res) => {
  if (health(req, res)) return;
  app(req, res).catch((error) => {
    if (!res.headersSent) send(res, 500, { error: error.message });
  });
});
server.on('upgrade', (req, socket, head) => {
  if (sockets === undefined) {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  sockets.handleUpgrade(req, socket, head, (ws) => sockets?.emit('connection', ws, req));
});

lifeline.attachServer(server);
lifeline.installSignalHandlers(); // SIGTERM: not ready → drain → close → stop phases → exit 0
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => log('INFO', 'shutdown', `${signal} received: draining for ${config.drainMs} ms, then stopping (budget ${config.budgetMs} ms)`, { signal }));
}
process.once('exit', (code) => log('INFO', 'exit', `exiting with code ${code}`, { code }));

server.on('error', (error) => {
  // The port is ours to get: failing to listen is a deploy mistake, not a dependency outage.
  log('CRITICAL', 'listen-failed', `cannot listen on port ${config.port}: ${error.message}`);
  process.exit(1);
});
// Listen first: the health endpoints answer (startup 503) while the phases run.
await new Promise((resolve) => server.listen(config.port, config.host, resolve));
const { port } = server.address();
log('INFO', 'listening', `listening on port ${port}`, { port });

const snapshot = await lifeline.start(); // always resolves: phases needing a down dependency are deferred
log(SEVERITY[snapshot.mode.kind], 'started', `startup complete in mode ${snapshot.mode.kind}`, {
  mode: snapshot.mode.kind,
  phases: Object.fromEntries(snapshot.phases.map((p) => [p.name, p.status])),
});
