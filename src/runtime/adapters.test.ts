import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { expressHealth, fastifyHealth, startHealthServer, type HealthServer } from './adapters.js';
import { createHealthHandler } from './health.js';
import { createMetrics, type Metrics } from './metrics.js';
import { serveOnLoopback, type Served } from '../../test/harness/servers.js';
import { createLifelineDouble, type LifelineDouble } from '../../test/harness/lifeline-double.js';

// A hand-made Lifeline: these tests are about the adapters, not the lifecycle. It owns the only
// path to a dependency (`check`) and counts calls, so a test can prove the endpoints never take it.

/** Database down with a URL password in its error, READ_ONLY, not ready. */
function databaseDown(double: LifelineDouble): void {
  const now = Date.now();
  double.setDependency('database', { status: 'down', lastError: 'connect ECONNREFUSED postgres://app:s3cret@10.0.0.5:5432/orders', checkedAt: now - 4000, breaker: 'open', consecutiveFailures: 3 });
  double.set({ mode: { kind: 'READ_ONLY', reasons: [{ kind: 'dependency-down', subject: 'database', message: 'database is down', since: now - 4000 }] }, ready: false, at: now });
}


async function serveFastify(app: FastifyInstance): Promise<Served> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

const REQUESTS: readonly (readonly [method: string, path: string])[] = [
  ['GET', '/health'],
  ['GET', '/health/live'],
  ['GET', '/health/ready'],
  ['GET', '/health/startup'],
  ['GET', '/health/database'],
  ['GET', '/health/cache'],
  ['GET', '/health/nope'],
  ['HEAD', '/health/database'],
  ['HEAD', '/health/ready'],
  ['POST', '/health/ready'],
  ['DELETE', '/health/database'],
  ['GET', '/metrics'],
];

/** What a probe sees, minus what changes from one request to the next (ages). */
async function observe(url: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const [method, path] of REQUESTS) {
    const response = await fetch(`${url}${path}`, { method });
    const text = await response.text();
    const isJson = text !== '' && response.headers.get('content-type')?.startsWith('application/json') === true;
    const body = isJson ? withoutAges(JSON.parse(text)) : text.replace(/^.*seconds_since_last_ok.*$/gm, '');
    seen.push({
      request: `${method} ${path}`,
      status: response.status,
      contentType: response.headers.get('content-type'),
      cacheControl: response.headers.get('cache-control'),
      allow: response.headers.get('allow'),
      body,
    });
  }
  return seen;
}

function withoutAges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAges);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'ageMs' && key !== 'checkAgeMs').map(([key, v]) => [key, withoutAges(v)]));
}

describe('adapters answer exactly like the node handler', () => {
  const double = createLifelineDouble();
  let metrics: Metrics;
  const servers = new Map<'node' | 'express' | 'fastify' | 'standalone', Served>();
  before(async () => {
    databaseDown(double);
    metrics = createMetrics(double.lifeline);
    double.check({ dependency: 'database', outcome: { ok: false, latencyMs: 2000, error: 'timeout' }, breaker: 'open' });

    const handler = createHealthHandler(double.lifeline, { metrics });
    const node = await serveOnLoopback((req, res) => {
      if (!handler(req, res)) res.writeHead(404).end();
    });

    const app = express();
    app.use(expressHealth(double.lifeline, { metrics }));
    const viaExpress = await serveOnLoopback(app);

    const fastify = Fastify();
    await fastify.register(fastifyHealth(double.lifeline, { metrics }));
    const viaFastify = await serveFastify(fastify);

    const standalone = await startHealthServer(double.lifeline, { port: 0, host: '127.0.0.1', metrics });
    servers.set('node', node).set('express', viaExpress).set('fastify', viaFastify);
    servers.set('standalone', { url: `http://127.0.0.1:${standalone.port}`, close: () => standalone.close() });
  });
  after(async () => {
    metrics.dispose();
    await Promise.all([...servers.values()].map((s) => s.close()));
  });

  it('gives the same status, headers and body for every endpoint and method', async () => {
    const url = (name: 'node' | 'express' | 'fastify' | 'standalone'): string => servers.get(name)?.url ?? assert.fail(`${name} did not start`);
    const expected = await observe(url('node'));
    // Spot-check the reference itself before comparing the others with it.
    assert.deepEqual(
      expected.map((seen) => (seen as { status: number }).status),
      [503, 200, 503, 200, 503, 200, 404, 503, 503, 405, 405, 200],
    );
    const database = expected[4] as { body: { lastError: string } };
    assert.equal(database.body.lastError, 'connect ECONNREFUSED postgres://app:***@10.0.0.5:5432/orders');
    for (const name of ['express', 'fastify', 'standalone'] as const) {
      assert.deepEqual(await observe(url(name)), expected, name);
    }
    assert.equal(double.calls.check, 0);
  });
});

describe('expressHealth', () => {
  it('passes every other path to next(), and works mounted under a path', async () => {
    const double = createLifelineDouble();
    const passed: string[] = [];
    const app = express();
    app.use(expressHealth(double.lifeline));
    app.use('/svc', expressHealth(double.lifeline));
    app.use((req, _res, next) => {
      passed.push(req.path);
      next();
    });
    app.get('/orders', (_req, res) => {
      res.json({ orders: [] });
    });
    const server = await serveOnLoopback(app);
    try {
      const orders = await fetch(`${server.url}/orders`);
      assert.equal(orders.status, 200);
      assert.deepEqual(await orders.json(), { orders: [] });
      const missing = await fetch(`${server.url}/healthz`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
      assert.deepEqual(passed, ['/orders', '/healthz']);

      const mounted = await fetch(`${server.url}/svc/health/ready`);
      assert.equal(mounted.status, 200);
      assert.equal(mounted.headers.get('cache-control'), 'no-store');
      assert.equal(((await mounted.json()) as { mode: string }).mode, 'FULL');

      databaseDown(double);
      assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 503);
      assert.deepEqual(passed, ['/orders', '/healthz']);
    } finally {
      await server.close();
    }
  });
});

describe('fastifyHealth', () => {
  it('registers the routes beside the app, under a prefix when given, and survives a flood', async () => {
    const double = createLifelineDouble();
    const app = Fastify();
    await app.register(fastifyHealth(double.lifeline));
    await app.register(fastifyHealth(double.lifeline, { basePath: '/status' }), { prefix: '/svc' });
    app.get('/orders', () => ({ orders: [] }));
    const server = await serveFastify(app);
    try {
      assert.deepEqual(await (await fetch(`${server.url}/orders`)).json(), { orders: [] });
      assert.equal((await fetch(`${server.url}/svc/status/ready`)).status, 200);
      const metricsAbsent = await fetch(`${server.url}/metrics`);
      assert.equal(metricsAbsent.status, 404);
      await metricsAbsent.arrayBuffer();

      databaseDown(double);
      double.calls.snapshot = 0;
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const response = await fetch(`${server.url}${i % 2 === 0 ? '/health/ready' : '/health/database'}`);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.deepEqual(new Set(statuses), new Set([503]));
      assert.equal(double.calls.snapshot, 1000);
      assert.equal(double.calls.check, 0);
    } finally {
      await server.close();
    }
  });
});

describe('startHealthServer', () => {
  let health: HealthServer | undefined;
  after(() => health?.close());

  it('listens on 0.0.0.0 by default, answers 404 JSON for other paths, and closes idempotently', async () => {
    const double = createLifelineDouble();
    health = await startHealthServer(double.lifeline, { port: 0 });
    const url = `http://127.0.0.1:${health.port}`;
    assert.ok(health.port > 0);
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get('cache-control'), 'no-store');
    await ready.arrayBuffer();

    const other = await fetch(`${url}/orders`);
    assert.equal(other.status, 404);
    assert.match(((await other.json()) as { error: string }).error, /No endpoint at \/orders: this server answers \/health, \/health\/live/);

    await Promise.all([health.close(), health.close()]);
    await assert.rejects(fetch(`${url}/health/live`));
  });

  it('says what to do when the port is taken or invalid', async () => {
    const double = createLifelineDouble();
    health = await startHealthServer(double.lifeline, { port: 0, host: '127.0.0.1' });
    await assert.rejects(startHealthServer(double.lifeline, { port: health.port, host: '127.0.0.1' }), {
      message: new RegExp(`could not listen on 127\\.0\\.0\\.1:${health.port}: .*EADDRINUSE.*Choose a free port, or 0`),
    });
    await assert.rejects(startHealthServer(double.lifeline, { port: 70_000 }), { name: 'TypeError', message: /`port` must be an integer from 0 to 65535/ });
    await health.close();
  });
});
