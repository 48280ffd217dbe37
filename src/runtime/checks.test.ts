import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { DependencyCheck } from './checks.js';
import type { CheckOutcome } from './types.js';

// Every circuit-breaker transition of DependencyCheck, on a mocked clock. cockatiel's breaker
// reads the global `Date.now()` when it opens and when it is asked to run while open (see
// node_modules/cockatiel/dist/CircuitBreakerPolicy.js), and DependencyCheck's own deadline is a
// global `setTimeout`: node:test's mock timers with the Date API control both.

const THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 1_000;
const TIMEOUT_MS = 500;

type Behaviour = 'succeed' | 'fail' | 'hold';

/** A check function under the test's control: it succeeds, fails, or holds until settled by hand. */
class ControlledCheck {
  behaviour: Behaviour = 'succeed';
  calls = 0;
  readonly signals: AbortSignal[] = [];
  #held: { resolve: () => void; reject: (error: Error) => void } | undefined;

  readonly fn = (signal: AbortSignal): Promise<void> => {
    this.calls++;
    this.signals.push(signal);
    switch (this.behaviour) {
      case 'succeed':
        return Promise.resolve();
      case 'fail':
        return Promise.reject(new Error(`refused (call ${this.calls})`));
      case 'hold':
        return new Promise<void>((resolve, reject) => {
          this.#held = { resolve, reject };
        });
    }
  };

  /** Settles the held call. */
  release(outcome: 'succeed' | 'fail'): void {
    const held = this.#held;
    assert.ok(held, 'no check call is being held');
    this.#held = undefined;
    if (outcome === 'succeed') held.resolve();
    else held.reject(new Error('refused (held call)'));
  }
}

function setup(t: TestContext): { check: DependencyCheck; control: ControlledCheck } {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_700_000_000_000 });
  const control = new ControlledCheck();
  const check = new DependencyCheck('database', { critical: true, check: control.fn, timeoutMs: TIMEOUT_MS }, { threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS });
  return { check, control };
}

/** Lets promise callbacks and one macrotask turn run (setImmediate is not mocked). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function assertFailed(outcome: CheckOutcome, pattern: RegExp): void {
  assert.equal(outcome.ok, false, `expected a failed check, got ${JSON.stringify(outcome)}`);
  assert.match(outcome.error, pattern);
}

/** Drives a closed breaker open with THRESHOLD consecutive failures. */
async function open(check: DependencyCheck, control: ControlledCheck): Promise<void> {
  control.behaviour = 'fail';
  for (let i = 0; i < THRESHOLD; i++) assertFailed(await check.run(), /refused/);
  assert.equal(check.breakerState, 'open');
}

describe('DependencyCheck circuit breaker (mocked clock)', () => {
  it('the mocked clock drives Date.now and setTimeout', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 5_000 });
    assert.equal(Date.now(), 5_000);
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 100);
    t.mock.timers.tick(99);
    assert.equal(fired, false);
    t.mock.timers.tick(1);
    assert.equal(fired, true);
    assert.equal(Date.now(), 5_100);
  });

  it('closed → open after `threshold` consecutive failures, and an open breaker does not call the check', async (t) => {
    const { check, control } = setup(t);
    assert.equal(check.breakerState, 'closed');
    assert.equal((await check.run()).ok, true);
    assert.equal((await check.run()).ok, true);
    assert.equal(control.calls, 2);

    // Failures that are not consecutive do not open it: a success resets the count.
    control.behaviour = 'fail';
    for (let i = 0; i < THRESHOLD - 1; i++) assertFailed(await check.run(), /refused/);
    assert.equal(check.breakerState, 'closed');
    control.behaviour = 'succeed';
    assert.equal((await check.run()).ok, true);
    control.behaviour = 'fail';
    for (let i = 0; i < THRESHOLD - 1; i++) assertFailed(await check.run(), /refused/);
    assert.equal(check.breakerState, 'closed', `${THRESHOLD - 1} consecutive failures must leave it closed`);
    const before = control.calls;
    assertFailed(await check.run(), /refused/);
    assert.equal(control.calls, before + 1);
    assert.equal(check.breakerState, 'open', `the ${THRESHOLD}th consecutive failure opens it`);

    // Open: the check function is not called; the outcome says why.
    const calls = control.calls;
    control.behaviour = 'succeed'; // even a dependency that is back is not asked while open
    for (let i = 0; i < 5; i++) {
      t.mock.timers.tick(100);
      assertFailed(await check.run(), /circuit open/);
    }
    assert.equal(control.calls, calls, 'an open breaker must not call the check function');
    assert.equal(check.breakerState, 'open');
  });

  it('open → half-open after `halfOpenAfterMs`, and half-open → closed on a successful trial', async (t) => {
    const { check, control } = setup(t);
    await open(check, control);
    const calls = control.calls;

    t.mock.timers.tick(HALF_OPEN_AFTER_MS - 1);
    assertFailed(await check.run(), /circuit open/);
    assert.equal(control.calls, calls, 'one ms before halfOpenAfterMs the breaker is still open');

    t.mock.timers.tick(1);
    await settle();
    assert.equal(control.calls, calls, 'the breaker never calls the check on its own: the trial is the next run()');

    control.behaviour = 'hold';
    const trial = check.run();
    await settle();
    assert.equal(control.calls, calls + 1, 'the half-open trial calls the check function once');
    assert.equal(check.breakerState, 'half-open', 'while the trial is in flight the breaker is half-open');

    control.release('succeed');
    assert.equal((await trial).ok, true);
    assert.equal(check.breakerState, 'closed');

    // Closed again: a full `threshold` of new failures is needed to reopen it.
    control.behaviour = 'fail';
    for (let i = 0; i < THRESHOLD - 1; i++) assertFailed(await check.run(), /refused/);
    assert.equal(check.breakerState, 'closed');
    assertFailed(await check.run(), /refused/);
    assert.equal(check.breakerState, 'open');
  });

  it('half-open → open again on a failed trial, for another full `halfOpenAfterMs`', async (t) => {
    const { check, control } = setup(t);
    await open(check, control);

    t.mock.timers.tick(HALF_OPEN_AFTER_MS);
    control.behaviour = 'hold';
    const trial = check.run();
    await settle();
    assert.equal(check.breakerState, 'half-open');
    const calls = control.calls;
    control.release('fail');
    assertFailed(await trial, /refused/);
    assert.equal(check.breakerState, 'open', 'a failed trial reopens the breaker');

    // Reopened at the trial's end: not called again until another halfOpenAfterMs has passed.
    control.behaviour = 'succeed';
    t.mock.timers.tick(HALF_OPEN_AFTER_MS - 1);
    assertFailed(await check.run(), /circuit open/);
    assert.equal(control.calls, calls);
    t.mock.timers.tick(1);
    assert.equal((await check.run()).ok, true, 'the next trial after halfOpenAfterMs succeeds');
    assert.equal(control.calls, calls + 1);
    assert.equal(check.breakerState, 'closed');
  });

  it('a check that times out counts as a failure and can open the breaker', async (t) => {
    const { check, control } = setup(t);
    control.behaviour = 'hold';
    for (let i = 0; i < THRESHOLD; i++) {
      const run = check.run();
      await settle();
      t.mock.timers.tick(TIMEOUT_MS);
      assertFailed(await run, /TIMEOUT/);
    }
    assert.equal(check.breakerState, 'open');
  });

  it('single-flight: concurrent run() calls share one call of the check function', async (t) => {
    const { check, control } = setup(t);
    control.behaviour = 'hold';
    const first = check.run();
    const second = check.run();
    assert.equal(first, second, 'the second run() joins the one in flight');
    await settle();
    assert.equal(control.calls, 1);
    const third = check.run();
    await settle();
    assert.equal(control.calls, 1, 'still one call while in flight');
    control.release('succeed');
    const outcomes = await Promise.all([first, second, third]);
    assert.ok(outcomes.every((o) => o.ok));

    // Once settled, the next run() is a new round trip.
    control.behaviour = 'succeed';
    assert.equal((await check.run()).ok, true);
    assert.equal(control.calls, 2);
  });

  it('a check that never settles ends with a TIMEOUT error at `timeoutMs`, and its signal is aborted', async (t) => {
    const { check, control } = setup(t);
    control.behaviour = 'hold';
    let result: CheckOutcome | undefined;
    void check.run().then((outcome) => {
      result = outcome;
    });
    await settle();
    assert.equal(control.calls, 1);
    const signal = control.signals[0];
    assert.ok(signal);

    t.mock.timers.tick(TIMEOUT_MS - 1);
    await settle();
    assert.equal(result, undefined, 'not settled 1 ms before timeoutMs');
    assert.equal(signal.aborted, false);

    t.mock.timers.tick(1);
    await settle();
    assert.ok(result, 'settled at timeoutMs');
    assertFailed(result, new RegExp(`^TIMEOUT: no answer within ${TIMEOUT_MS} ms$`));
    assert.equal(signal.aborted, true, 'the check function is told to give up');

    // The timed-out call is no longer in flight: the next run() calls the check again.
    control.behaviour = 'succeed';
    assert.equal((await check.run()).ok, true);
    assert.equal(control.calls, 2);
  });

  it('abort() ends a check in flight at once (shutdown)', async (t) => {
    const { check, control } = setup(t);
    control.behaviour = 'hold';
    const run = check.run();
    await settle();
    check.abort();
    assertFailed(await run, /TIMEOUT|abort/i);
    assert.equal(control.signals[0]?.aborted, true);
  });
});
