import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createHealthHandler } from './health.js';
import { breakerStateValue, createMetrics } from './metrics.js';
import { createLifelineDouble } from '../../test/harness/lifeline-double.js';

// A hand-made Lifeline that fires events on demand: these tests are about the metrics, not the
// lifecycle. `check` is the only path to a dependency and is counted.

/** The value of the one sample named `name` whose labels include `labels`, from exposition text. */
function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const matches: number[] = [];
  for (const line of text.split('\n')) {
    const parsed = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (parsed?.[1] !== name) continue;
    const found = new Map([...(parsed[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) matches.push(Number(parsed[3]));
  }
  assert.ok(matches.length <= 1, `${name} ${JSON.stringify(labels)} matches ${matches.length} samples`);
  return matches[0];
}

describe('createMetrics', () => {
  it('counts phase ends and keeps the last duration by phase', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    double.phaseEnd({ phase: 'migrate', status: 'failed', durationMs: 800, reason: 'timeout' });
    double.phaseEnd({ phase: 'migrate', status: 'done', durationMs: 1500, reason: undefined });
    double.phaseEnd({ phase: 'warm-cache', status: 'deferred', durationMs: 0, reason: 'cache down' });
    const text = await metrics.text();
    assert.equal(sample(text, 'lifeline_phase_duration_seconds', { service: 'orders', phase: 'migrate' }), 1.5);
    assert.equal(sample(text, 'lifeline_phase_outcomes_total', { service: 'orders', phase: 'migrate', status: 'failed' }), 1);
    assert.equal(sample(text, 'lifeline_phase_outcomes_total', { service: 'orders', phase: 'migrate', status: 'done' }), 1);
    assert.equal(sample(text, 'lifeline_phase_outcomes_total', { service: 'orders', phase: 'warm-cache', status: 'deferred' }), 1);
    metrics.dispose();
  });

  it('shows the current mode as 1 and the others as 0, read from the snapshot on collect', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    const modes = async (): Promise<(number | undefined)[]> => {
      const text = await metrics.text();
      return ['FULL', 'DEGRADED', 'READ_ONLY', 'EMERGENCY'].map((mode) => sample(text, 'lifeline_mode', { service: 'orders', mode }));
    };
    assert.deepEqual(await modes(), [1, 0, 0, 0]);
    double.set({ mode: { kind: 'READ_ONLY', reasons: [] } });
    assert.deepEqual(await modes(), [0, 0, 1, 0]);
    metrics.dispose();
  });

  it('records check latency and outcomes by dependency', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    double.check({ dependency: 'database', outcome: { ok: true, latencyMs: 12 }, breaker: 'closed' });
    double.check({ dependency: 'database', outcome: { ok: true, latencyMs: 30 }, breaker: 'closed' });
    double.check({ dependency: 'database', outcome: { ok: false, latencyMs: 2000, error: 'timeout' }, breaker: 'closed' });
    double.check({ dependency: 'cache', outcome: { ok: true, latencyMs: 1 }, breaker: 'closed' });
    const text = await metrics.text();
    const db = { service: 'orders', dependency: 'database' };
    assert.equal(sample(text, 'lifeline_checks_total', { ...db, outcome: 'ok' }), 2);
    assert.equal(sample(text, 'lifeline_checks_total', { ...db, outcome: 'fail' }), 1);
    assert.equal(sample(text, 'lifeline_checks_total', { service: 'orders', dependency: 'cache', outcome: 'ok' }), 1);
    assert.equal(sample(text, 'lifeline_check_duration_seconds_count', { ...db, outcome: 'ok' }), 2);
    const okSum = sample(text, 'lifeline_check_duration_seconds_sum', { ...db, outcome: 'ok' }) ?? NaN;
    assert.ok(Math.abs(okSum - 0.042) < 1e-9, `sum ${okSum}`);
    assert.equal(sample(text, 'lifeline_check_duration_seconds_bucket', { ...db, outcome: 'ok', le: '0.025' }), 1);
    assert.equal(sample(text, 'lifeline_check_duration_seconds_bucket', { ...db, outcome: 'ok', le: '0.05' }), 2);
    assert.equal(sample(text, 'lifeline_check_duration_seconds_sum', { ...db, outcome: 'fail' }), 2);
    assert.equal(double.calls.check, 0);
    metrics.dispose();
  });

  it('reports breaker state as 0 closed, 1 half-open, 2 open', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    double.setDependency('database', { breaker: 'open' });
    const breakers = async (): Promise<(number | undefined)[]> => {
      const text = await metrics.text();
      return ['database', 'cache'].map((dependency) => sample(text, 'lifeline_breaker_state', { service: 'orders', dependency }));
    };
    assert.deepEqual(await breakers(), [2, 0]);
    double.setDependency('database', { breaker: 'half-open' });
    assert.deepEqual(await breakers(), [1, 0]);
    assert.deepEqual((['closed', 'half-open', 'open'] as const).map(breakerStateValue), [0, 1, 2]);
    metrics.dispose();
  });

  it('reports seconds since the last good check, +Inf when there has been none', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    double.setDependency('database', { lastOkAt: Date.now() - 30_000 });
    double.setDependency('cache', { lastOkAt: undefined, status: 'unknown' });
    const text = await metrics.text();
    const database = sample(text, 'lifeline_seconds_since_last_ok', { service: 'orders', dependency: 'database' });
    assert.ok(database !== undefined && database >= 30 && database < 40, `database: ${String(database)}`);
    assert.match(text, /^lifeline_seconds_since_last_ok\{service="orders",dependency="cache"\} \+Inf$/m);
    metrics.dispose();
  });

  it('unsubscribes on dispose and frees the names for a new createMetrics on the same registry', async () => {
    const double = createLifelineDouble({ phases: [] });
    const registry = new Registry();
    const first = createMetrics(double.lifeline, { registry });
    assert.equal(double.listenerCount(), 2);
    assert.throws(() => createMetrics(double.lifeline, { registry }), /already registered in this registry: dispose\(\) the previous createMetrics\(\) or pass a different `prefix`/);
    first.dispose();
    first.dispose();
    assert.equal(double.listenerCount(), 0);
    assert.equal(await registry.metrics(), '\n');

    const second = createMetrics(double.lifeline, { registry });
    double.check({ dependency: 'cache', outcome: { ok: true, latencyMs: 1 }, breaker: 'closed' });
    assert.equal(sample(await second.text(), 'lifeline_checks_total', { dependency: 'cache', outcome: 'ok' }), 1);
    second.dispose();
  });

  it('takes a prefix and shares a registry with the app', async () => {
    const double = createLifelineDouble({ phases: [] });
    const registry = new Registry();
    const metrics = createMetrics(double.lifeline, { registry, prefix: 'orders_lifeline_' });
    const text = await registry.metrics();
    assert.equal(metrics.registry, registry);
    assert.equal(sample(text, 'orders_lifeline_mode', { mode: 'FULL' }), 1);
    assert.equal(sample(text, 'lifeline_mode', { mode: 'FULL' }), undefined);
    assert.throws(() => createMetrics(double.lifeline, { prefix: '1bad-' }), { name: 'TypeError', message: /`prefix` "1bad-" is not a valid start of a Prometheus metric name/ });
    metrics.dispose();
  });

  it('registers default process metrics only when asked, and removes them on dispose', async () => {
    const double = createLifelineDouble({ phases: [] });
    const plain = createMetrics(double.lifeline);
    assert.doesNotMatch(await plain.text(), /process_cpu/);
    plain.dispose();

    const registry = new Registry();
    const withDefaults = createMetrics(double.lifeline, { registry, defaultMetrics: true });
    assert.ok(sample(await registry.metrics(), 'process_cpu_user_seconds_total', { service: 'orders' }) !== undefined);
    withDefaults.dispose();
    assert.equal(await registry.metrics(), '\n');
  });

  it('serves the values over real HTTP at /metrics', async () => {
    const double = createLifelineDouble({ phases: [] });
    const metrics = createMetrics(double.lifeline);
    const health = createHealthHandler(double.lifeline, { metrics });
    const server = createServer((req, res) => {
      if (!health(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      double.check({ dependency: 'database', outcome: { ok: false, latencyMs: 5, error: 'refused' }, breaker: 'open' });
      double.setDependency('database', { breaker: 'open' });
      double.set({ mode: { kind: 'EMERGENCY', reasons: [] } });
      const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      assert.equal(sample(text, 'lifeline_checks_total', { service: 'orders', dependency: 'database', outcome: 'fail' }), 1);
      assert.equal(sample(text, 'lifeline_breaker_state', { service: 'orders', dependency: 'database' }), 2);
      assert.equal(sample(text, 'lifeline_mode', { service: 'orders', mode: 'EMERGENCY' }), 1);
      assert.equal(double.calls.check, 0);
    } finally {
      metrics.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
