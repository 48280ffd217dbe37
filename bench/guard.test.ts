import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { growthOf, MAX_GROWTH, nonLinear } from './guard.js';

const GUARD = fileURLToPath(new URL('./guard.js', import.meta.url));

async function guard(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [GUARD, ...args], { maxBuffer: 4 * 1024 * 1024 });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '' };
  }
}

test('growth is the ratio of per-unit times; above the bound, or not a number, it fails', () => {
  const linear = growthOf('check', 'service', { size: 1000, seconds: 0.4 }, { size: 5000, seconds: 1.8 });
  assert.equal(linear.growth.toFixed(2), '0.90');
  const quadratic = growthOf('check', 'service', { size: 1000, seconds: 0.4 }, { size: 5000, seconds: 10 });
  assert.equal(quadratic.growth, 5);
  assert.deepEqual(nonLinear([linear]), []);
  assert.deepEqual(nonLinear([linear, quadratic]), [`check: time per service grows x5.00 from 1000 to 5000 services (at most x${MAX_GROWTH}): not linear`]);
  assert.equal(nonLinear([growthOf('check', 'service', { size: 1, seconds: 0 }, { size: 5, seconds: 0 })]).length, 1);
});

test('the linearity guard passes on the check as it is and fails when a quadratic step is injected', async () => {
  const args = ['--sizes', '400,2000', '--runs', '1', '--no-plan'];
  const clean = await guard(args);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /linearity \(check time per service\): x\d/);
  assert.doesNotMatch(clean.stdout, /NOT LINEAR/);
  const injected = await guard([...args, '--inject-quadratic']);
  assert.equal(injected.code, 1, injected.stdout);
  assert.match(injected.stdout, /NOT LINEAR: check: time per service grows x\d+\.\d\d from 400 to 2000 services/);
  const summary = JSON.parse(injected.stdout.trim().split('\n').pop() ?? '') as { linear: boolean; growths: { growth: number }[] };
  assert.equal(summary.linear, false);
  assert.ok((summary.growths[0]?.growth ?? 0) > MAX_GROWTH);
});

test('the guard refuses bad arguments with a usage line and exit 2', async () => {
  const bad = await guard(['--sizes', '5000,1000']);
  assert.equal(bad.code, 2);
});
