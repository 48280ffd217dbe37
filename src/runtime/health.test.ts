import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createHealthHandler, healthBasePath, resolveHealthRoute } from './health.js';
import { createMetrics } from './metrics.js';
import { serveOnLoopback, type Served } from '../../test/harness/servers.js';
import { createLifelineDouble, type LifelineDouble } from '../../test/harness/lifeline-double.js';



const DB_URL_ERROR = 'connect ECONNREFUSED postgres://app:s3cret@10.0.0.5:5432/orders';

/** Database down, READ_ONLY, not ready (the default policy's answer for READ_ONLY). */
function databaseDown(double: LifelineDouble, checkedAgoMs = 4000): void {
  const now = Date.now();
  double.setDependency('database', { status: 'down', lastError: DB_URL_ERROR, checkedAt: now - checkedAgoMs, lastOkAt: now - 60_000, breaker: 'open', consecutiveFailures: 3 });
  double.set({
    mode: { kind: 'READ_ONLY', reasons: [{ kind: 'dependency-down', subject: 'database', message: `database is down: ${DB_URL_ERROR}`, since: now - 60_000 }] },
    ready: false,
    at: now,
  });
}


/** The app behind the handler: anything the handler does not own gets 418 from here. */
function withApp(handler: (req: IncomingMessage, res: ServerResponse) => boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (handler(req, res)) return;
    res.writeHead(418, { 'Content-Type': 'text/plain' }).end(`app: ${req.url ?? ''}`);
  };
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, body };
}

describe('health endpoints over real HTTP', () => {
  const double = createLifelineDouble();
  let server: Served;
  before(async () => {
    server = await serveOnLoopback(withApp(createHealthHandler(double.lifeline)));
  });
  after(() => server.close());
  beforeEach(() => {
    double.reset();
  });

  it('answers live 200 with no-store while a critical dependency is down and the service is not ready', async () => {
    databaseDown(double);
    double.set({ mode: { kind: 'EMERGENCY', reasons: [] }, ready: false, startupComplete: false });
    const live = await getJson(`${server.url}/health/live`);
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'alive');
    assert.equal(typeof live.body.ageMs, 'number');
    assert.equal(live.headers.get('cache-control'), 'no-store');
    assert.equal(live.headers.get('content-type'), 'application/json; charset=utf-8');
  });

  it('answers ready 200 in FULL and DEGRADED, 503 in a mode the policy marks not ready', async () => {
    const full = await getJson(`${server.url}/health/ready`);
    assert.equal(full.status, 200);
    assert.deepEqual({ ...full.body, ageMs: 0 }, { ready: true, mode: 'FULL', reasons: [], shuttingDown: false, ageMs: 0 });
    assert.equal(full.headers.get('cache-control'), 'no-store');

    double.set({ mode: { kind: 'DEGRADED', reasons: [{ kind: 'dependency-down', subject: 'cache', message: 'cache is down', since: 1 }] }, ready: true });
    assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);

    databaseDown(double);
    const readOnly = await getJson(`${server.url}/health/ready`);
    assert.equal(readOnly.status, 503);
    assert.equal(readOnly.body.ready, false);
    assert.equal(readOnly.body.mode, 'READ_ONLY');
    const [reason] = readOnly.body.reasons as Record<string, unknown>[];
    assert.deepEqual([reason?.kind, reason?.subject], ['dependency-down', 'database']);
    assert.equal(reason?.message, 'database is down: connect ECONNREFUSED postgres://app:***@10.0.0.5:5432/orders');
    assert.equal(readOnly.headers.get('cache-control'), 'no-store');
  });

  it('answers ready 503 while shutting down, even in FULL', async () => {
    double.set({ ready: false, shuttingDown: true });
    const draining = await getJson(`${server.url}/health/ready`);
    assert.equal(draining.status, 503);
    assert.equal(draining.body.shuttingDown, true);
    assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
  });

  it('answers startup 503 until startup is complete, then 200', async () => {
    double.set({ startupComplete: false, ready: false, phases: [{ name: 'migrate', critical: true, status: 'running', reason: undefined, durationMs: undefined, attempts: 1 }] });
    const starting = await getJson(`${server.url}/health/startup`);
    assert.equal(starting.status, 503);
    assert.equal(starting.body.startupComplete, false);
    assert.deepEqual(starting.body.phases, [{ name: 'migrate', critical: true, status: 'running', reason: null, durationMs: null, attempts: 1 }]);
    assert.equal(starting.headers.get('cache-control'), 'no-store');

    double.set({ startupComplete: true, ready: true });
    assert.equal((await fetch(`${server.url}/health/startup`)).status, 200);
  });

  it('answers the summary with every field, 200 when ready and 503 when not', async () => {
    const ok = await getJson(`${server.url}/health`);
    assert.equal(ok.status, 200);
    assert.deepEqual(Object.keys(ok.body), ['service', 'mode', 'reasons', 'ready', 'startupComplete', 'shuttingDown', 'phases', 'dependencies', 'ageMs']);
    assert.equal(ok.body.service, 'orders');
    assert.equal((ok.body.dependencies as unknown[]).length, 2);
    assert.equal(ok.headers.get('cache-control'), 'no-store');

    databaseDown(double);
    const down = await getJson(`${server.url}/health/`);
    assert.equal(down.status, 503);
    const database = (down.body.dependencies as Record<string, unknown>[]).find((d) => d.name === 'database');
    assert.equal(database?.status, 'down');
    assert.equal(database.lastError, 'connect ECONNREFUSED postgres://app:***@10.0.0.5:5432/orders');
  });

  it('answers /health/<dependency> 503 with the last error and its age, 200 when up, 503 when unknown', async () => {
    const up = await getJson(`${server.url}/health/cache`);
    assert.equal(up.status, 200);
    assert.equal(up.body.status, 'up');

    databaseDown(double, 4000);
    const down = await getJson(`${server.url}/health/database`);
    assert.equal(down.status, 503);
    assert.deepEqual(Object.keys(down.body), ['name', 'critical', 'status', 'latencyMs', 'lastError', 'checkedAt', 'checkAgeMs', 'lastOkAt', 'breaker', 'consecutiveFailures', 'ageMs']);
    assert.equal(down.body.lastError, 'connect ECONNREFUSED postgres://app:***@10.0.0.5:5432/orders');
    const checkAgeMs = down.body.checkAgeMs as number;
    assert.ok(checkAgeMs >= 4000 && checkAgeMs < 14_000, `checkAgeMs ${checkAgeMs}`);
    assert.deepEqual([down.body.critical, down.body.breaker, down.body.consecutiveFailures], [true, 'open', 3]);
    assert.equal(down.headers.get('cache-control'), 'no-store');

    double.setDependency('cache', { status: 'unknown', checkedAt: undefined, lastOkAt: undefined, latencyMs: undefined });
    const unknown = await getJson(`${server.url}/health/cache`);
    assert.equal(unknown.status, 503);
    assert.deepEqual([unknown.body.checkedAt, unknown.body.checkAgeMs, unknown.body.lastOkAt, unknown.body.latencyMs], [null, null, null, null]);
  });

  it('answers 404 for an unknown dependency, naming the known ones', async () => {
    const missing = await getJson(`${server.url}/health/databse`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body.known, ['database', 'cache']);
    assert.match(String(missing.body.error), /No dependency named "databse": ask for one of database, cache/);
    assert.equal(missing.headers.get('cache-control'), 'no-store');
  });

  it('carries the age of the snapshot', async () => {
    double.set({ at: Date.now() - 5000 });
    for (const path of ['/health', '/health/ready', '/health/startup', '/health/live', '/health/database']) {
      const { body } = await getJson(`${server.url}${path}`);
      const ageMs = body.ageMs as number;
      assert.ok(ageMs >= 5000 && ageMs < 15_000, `${path}: ageMs ${ageMs}`);
    }
  });

  it('answers HEAD like GET without a body, and other methods 405 with Allow', async () => {
    databaseDown(double);
    const get = await fetch(`${server.url}/health/database`);
    const getLength = get.headers.get('content-length');
    await get.arrayBuffer();
    const head = await fetch(`${server.url}/health/database`, { method: 'HEAD' });
    assert.equal(head.status, 503);
    assert.equal(head.headers.get('cache-control'), 'no-store');
    // The body carries the snapshot's age, which may gain a digit between the two requests.
    assert.ok(Math.abs(Number(head.headers.get('content-length')) - Number(getLength)) <= 1, `HEAD ${String(head.headers.get('content-length'))} vs GET ${String(getLength)}`);
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await getJson(`${server.url}/health/ready`, { method });
      assert.equal(refused.status, 405, method);
      assert.equal(refused.headers.get('allow'), 'GET, HEAD');
      assert.match(String(refused.body.error), new RegExp(`Method ${method} is not allowed.*use GET or HEAD`));
    }
  });

  it('leaves every other path to the app', async () => {
    for (const path of ['/orders', '/healthz', '/metrics', '/', '/health-check/ready']) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 418, path);
      assert.equal(await response.text(), `app: ${path}`);
    }
  });

  it('survives a flood of 1,000 concurrent probes with snapshot() alone, never a check', async () => {
    databaseDown(double);
    const paths = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? '/health/ready' : '/health/database'));
    const statuses = await Promise.all(
      paths.map(async (path) => {
        const response = await fetch(`${server.url}${path}`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    assert.deepEqual(new Set(statuses), new Set([503]));
    assert.equal(double.calls.snapshot, 1000);
    assert.equal(double.calls.check, 0);
  });
});

describe('health handler options', () => {
  it('serves under a custom basePath and falls through elsewhere', async () => {
    const double = createLifelineDouble();
    const server = await serveOnLoopback(withApp(createHealthHandler(double.lifeline, { basePath: '/internal/health/' })));
    try {
      assert.equal((await fetch(`${server.url}/internal/health/ready`)).status, 200);
      assert.equal((await fetch(`${server.url}/internal/health`)).status, 200);
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 418);
    } finally {
      await server.close();
    }
  });

  it('serves /metrics when metrics are given', async () => {
    const double = createLifelineDouble();
    const metrics = createMetrics(double.lifeline);
    const server = await serveOnLoopback(withApp(createHealthHandler(double.lifeline, { metrics })));
    try {
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), metrics.contentType);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.match(await response.text(), /^lifeline_mode\{service="orders",mode="FULL"\} 1$/m);
      const posted = await fetch(`${server.url}/metrics`, { method: 'POST' });
      assert.equal(posted.status, 405);
      assert.equal(posted.headers.get('allow'), 'GET, HEAD');
      await posted.arrayBuffer();
      assert.equal(double.calls.check, 0);
    } finally {
      metrics.dispose();
      await server.close();
    }
  });

  it('rejects a basePath that is not a path, saying what to pass', () => {
    for (const basePath of ['health', '/', '/health?x', '']) {
      assert.throws(() => healthBasePath(basePath), { name: 'TypeError', message: /`basePath` must be a path below '\/'.*e\.g\. '\/health'/ });
    }
    assert.throws(() => createHealthHandler(createLifelineDouble().lifeline, { basePath: 'health' }), TypeError);
  });
});

describe('resolveHealthRoute', () => {
  it('maps paths to endpoints, ignoring the query and a trailing slash', () => {
    assert.deepEqual(
      ['/health', '/health/', '/health/live', '/health/ready?full=1', '/health/startup/', '/health/database#x', '/health/my%20db', '/health/%E0%A4%A', '/healthz', '/other'].map((p) =>
        resolveHealthRoute('/health', p),
      ),
      [
        { kind: 'summary' },
        { kind: 'summary' },
        { kind: 'live' },
        { kind: 'ready' },
        { kind: 'startup' },
        { kind: 'dependency', name: 'database' },
        { kind: 'dependency', name: 'my db' },
        { kind: 'dependency', name: '%E0%A4%A' },
        undefined,
        undefined,
      ],
    );
  });
});
