import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function check(input: string): { status: number | null; report: Report } {
  const run = spawnSync(process.execPath, [cli, 'check', `test/fixtures/import/unknowns/${input}`, '--format', 'json'], { cwd: root, encoding: 'utf8' });
  assert.notEqual(run.status, 2, run.stdout + run.stderr);
  return { status: run.status, report: JSON.parse(run.stdout) as Report };
}

describe('values the configuration does not give', () => {
  it('a Cloud NAT on a reserved address with no literal IP: the address is known after apply, not an error', () => {
    const { report } = check('nat-reserved-address-no-ip');
    const path = report.paths.find((p) => p.dependency === 'partner');
    assert.ok(path);
    const nat = path.hops.find((h) => h.step === 'NAT');
    assert.match(nat?.detail ?? '', /its IPs are unknown \(known after apply: google_compute_address\.nat sets no `address`/);
    // No allow-list at the destination: which IP the NAT uses does not matter.
    assert.equal(path.verdict, 'REACHABLE');
  });
});
