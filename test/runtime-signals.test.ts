import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const runtime = fileURLToPath(new URL('../src/runtime/index.js', import.meta.url));

/**
 * A real process using installSignalHandlers(): its one phase takes `stopMs` to stop. It prints
 * "ready" once started and "stopped" when its phase's stop() finishes.
 */
function service(stopMs: number) {
  const source = `
    const { createLifeline } = await import(${JSON.stringify(runtime)});
    const life = createLifeline({
      service: 'signals',
      policy: { whenCriticalDown: 'EMERGENCY' },
      dependencies: { self: { critical: true, check: async () => {} } },
      phases: [{ name: 'work', start: () => {}, stop: () => new Promise((r) => setTimeout(() => { console.log('stopped'); r(); }, ${stopMs})) }],
      shutdown: { drainMs: 100, budgetMs: 5000 },
    });
    life.installSignalHandlers();
    await life.start();
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => { resolve({ code, at: performance.now() }); }));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    void exit.then(() => {
      clearInterval(timer);
      reject(new Error(`exited before ready: ${out}`));
    });
  });
  return { child, ready, exit, output: () => out };
}

describe('signal handlers', () => {
  it('SIGTERM drains, stops the phases and exits 0', async () => {
    const s = service(200);
    await s.ready;
    const sent = performance.now();
    s.child.kill('SIGTERM');
    const { code, at } = await s.exit;
    assert.equal(code, 0);
    assert.match(s.output(), /stopped/);
    assert.ok(at - sent >= 300, `drain (100 ms) and stop (200 ms) should both have run: ${(at - sent).toFixed(0)} ms`);
  });

  it('a second signal exits 1 at once, without waiting for the shutdown', async () => {
    const s = service(4000);
    await s.ready;
    s.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = performance.now();
    s.child.kill('SIGTERM');
    const { code, at } = await s.exit;
    assert.equal(code, 1);
    assert.ok(at - second < 1000, `exited ${(at - second).toFixed(0)} ms after the second signal`);
    assert.doesNotMatch(s.output(), /stopped/);
  });
});
