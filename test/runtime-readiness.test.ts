import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createLifeline } from '../src/runtime/lifeline.js';
import { startPostgres, type PostgresServer } from './harness/postgres.js';

// Readiness that reacts: an outage the application sees on its own connections makes the service
// not ready at once, not at the next background check (5 s by default). Real PostgreSQL, stopped
// the way `pg_ctl stop -m immediate` stops it.

let db: PostgresServer;

before(async () => {
  db = await startPostgres();
});
after(async () => {
  await db.stop();
});

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - start;
}

describe('readiness reacts to failures the application sees', () => {
  it('a pool error after an immediate shutdown makes the service not ready within 500 ms, with the default 5 s check interval; it comes back with the database', async () => {
    const lifeline = createLifeline({
      service: 'readiness',
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      breaker: { threshold: 1_000, halfOpenAfterMs: 100 },
      dependencies: { database: { critical: true, check: { protocol: 'postgres', host: db.host, port: db.port, user: db.user, password: db.password, database: db.database }, timeoutMs: 1_000 } },
      phases: [{ name: 'database', dependencies: ['database'], start: () => undefined }],
    });
    const pool = new pg.Pool({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, max: 2 });
    const watching = lifeline.watch('database', pool);
    try {
      const started = await lifeline.start();
      assert.equal(started.ready, true);
      // An idle connection in the pool, as a running service has.
      await pool.query('SELECT 1');
      const stoppedAt = Date.now();
      await db.immediate();
      await until(() => !lifeline.snapshot().ready, 2_000);
      const sinceStop = Date.now() - stoppedAt;
      console.log(`readiness: not ready ${sinceStop} ms after the immediate shutdown began`);
      assert.ok(sinceStop < 500, `${sinceStop} ms`);
      const state = lifeline.snapshot().dependencies.find((d) => d.name === 'database');
      assert.equal(state?.status, 'down');
      assert.ok(!(state.lastError ?? '').includes(db.password));
      await db.restart();
      await lifeline.checkNow();
      assert.equal(lifeline.snapshot().ready, true);
    } finally {
      watching.dispose();
      await pool.end().catch(() => undefined);
      await lifeline.stop();
    }
  });

  it('a reported failure that has passed is undone by the check that follows it', async () => {
    const lifeline = createLifeline({
      service: 'readiness-blip',
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2_000 },
      dependencies: { database: { critical: true, check: { protocol: 'postgres', host: db.host, port: db.port, user: db.user, password: db.password, database: db.database }, timeoutMs: 1_000 } },
      phases: [{ name: 'database', dependencies: ['database'], start: () => undefined }],
    });
    try {
      await lifeline.start();
      lifeline.reportFailure('database', new Error('Connection terminated unexpectedly'));
      assert.equal(lifeline.snapshot().ready, false);
      assert.equal(lifeline.snapshot().dependencies[0]?.lastError, 'FAILED: Connection terminated unexpectedly');
      await until(() => lifeline.snapshot().ready, 3_000);
      assert.throws(() => {
        lifeline.reportFailure('nope', new Error('x'));
      }, /no dependency named "nope"/);
    } finally {
      await lifeline.stop();
    }
  });
});
