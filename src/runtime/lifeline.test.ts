import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLifeline } from './lifeline.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A dependency whose check we switch up and down, counting real round trips. */
function switchable() {
  const state = { up: true, calls: 0 };
  return {
    state,
    check: (): Promise<void> => {
      state.calls += 1;
      return state.up ? Promise.resolve() : Promise.reject(new Error('ECONNREFUSED'));
    },
  };
}

describe('lifeline', () => {
  it('is never ready while a critical dependency is down, even while a slow phase recovers', async () => {
    const db = switchable();
    db.state.up = false;
    let release: () => void = () => undefined;
    const life = createLifeline({
      service: 'svc',
      policy: { whenCriticalDown: 'EMERGENCY' },
      checkIntervalMs: 50,
      breaker: { threshold: 100 },
      shutdown: { drainMs: 0, budgetMs: 2000 },
      dependencies: { database: { critical: true, check: db.check } },
      // The phase that needs the database takes long to start once the database is back.
      phases: [{ name: 'pool', dependencies: ['database'], retry: { maxAttempts: 0 }, start: () => new Promise<void>((resolve) => (release = resolve)) }],
    });
    const boot = await life.start();
    assert.equal(boot.ready, false);
    db.state.up = true;
    await sleep(150); // recovery has started: the phase is running, waiting for `release`
    assert.equal(life.snapshot().ready, false, 'the phase that needs the database has not run yet');
    db.state.up = false; // ...and the database goes away again during the slow recovery
    await sleep(150);
    const during = life.snapshot();
    assert.equal(during.dependencies[0]?.status, 'down', 'checks keep running while recovery waits');
    assert.equal(during.ready, false);
    assert.equal(during.mode.kind, 'EMERGENCY');
    db.state.up = true;
    release();
    await sleep(150);
    assert.equal(life.snapshot().mode.kind, 'FULL');
    assert.equal(life.snapshot().ready, true);
    await life.stop();
  });

  it('one round trip is one state update and one event, however many phases wait on it', async () => {
    const db = switchable();
    const life = createLifeline({
      service: 'svc',
      policy: { whenCriticalDown: 'READ_ONLY' },
      checkIntervalMs: 60_000,
      shutdown: { drainMs: 0 },
      dependencies: { database: { critical: true, check: db.check } },
      phases: ['a', 'b', 'c'].map((name) => ({ name, dependencies: ['database'], start: () => undefined })),
    });
    let events = 0;
    life.onCheck(() => (events += 1));
    await life.start();
    assert.equal(events, db.state.calls);
    assert.equal(life.snapshot().dependencies[0]?.consecutiveFailures, 0);
    await life.stop();
  });

  it('a snapshot carries the time of the state it reports, so answers show their age', async () => {
    const life = createLifeline({
      service: 'svc',
      policy: { whenCriticalDown: 'EMERGENCY' },
      checkIntervalMs: 60_000,
      shutdown: { drainMs: 0 },
      dependencies: { database: { critical: true, check: switchable().check } },
      phases: [],
    });
    await life.start();
    const first = life.snapshot().at;
    await sleep(80);
    assert.equal(life.snapshot().at, first, 'no new check, no new state');
    await life.checkNow();
    assert.ok(life.snapshot().at >= first + 80);
    await life.stop();
  });

  it('stop() waits for a phase still starting, then stops it', async () => {
    const stopped: string[] = [];
    let finishStart: () => void = () => undefined;
    const life = createLifeline({
      service: 'svc',
      policy: { whenCriticalDown: 'EMERGENCY' },
      shutdown: { drainMs: 0, budgetMs: 2000 },
      dependencies: {},
      phases: [{ name: 'slow', start: () => new Promise<void>((resolve) => (finishStart = resolve)), stop: () => void stopped.push('slow') }],
    });
    const started = life.start();
    await sleep(20);
    const stopping = life.stop();
    setTimeout(() => {
      finishStart();
    }, 100);
    await Promise.all([started, stopping]);
    assert.deepEqual(stopped, ['slow']);
  });

  it('refuses options without the safety-critical knobs', () => {
    const base = { service: 'svc', dependencies: {}, phases: [] };
    assert.throws(() => createLifeline({ ...base, policy: {} as never }), /whenCriticalDown/);
    assert.throws(() => createLifeline({ ...base, policy: { whenCriticalDown: 'EMERGENCY' }, dependencies: { db: { check: () => Promise.resolve() } as never } }), /critical/);
    assert.throws(
      () => createLifeline({ ...base, policy: { whenCriticalDown: 'EMERGENCY' }, phases: [{ name: 'a', after: ['b'], start: () => undefined }, { name: 'b', after: ['a'], start: () => undefined }] }),
      /cycle/,
    );
  });
});
