import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const DIR = 'test/fixtures/import/terraform-hcl/variables';
const CANARY = 'Canary-tfvar-7Qz9xK2mW4';

function check(args: readonly string[], env: Readonly<Record<string, string>> = {}): { report: Report; text: string; stderr: string } {
  const run = (format: string[]) => spawnSync(process.execPath, [cli, 'check', DIR, ...args, ...format], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });
  const json = run(['--format', 'json']);
  const text = run(['--no-color']);
  return { report: JSON.parse(json.stdout) as Report, text: text.stdout + text.stderr + json.stderr, stderr: json.stderr };
}

const service = (report: Report) => report.paths.filter((p) => p.service === 'api');

describe('Terraform variables from outside the configuration', () => {
  it('take Terraform precedence: TF_VAR_* < terraform.tfvars < --var-file < --var', () => {
    // terraform.tfvars alone: private-ranges-only, 3 instances.
    const base = check([]);
    assert.equal(base.stderr, '');
    // TF_VAR_egress is below terraform.tfvars: nothing changes.
    const fromEnv = check([], { TF_VAR_egress: 'ALL_TRAFFIC' });
    assert.deepEqual(service(fromEnv.report).map((p) => p.verdict), service(base.report).map((p) => p.verdict));
    // --var-file prod.tfvars is above it: all traffic through the connector.
    const prod = check(['--var-file', `${DIR}/prod.tfvars`]);
    assert.deepEqual(service(base.report).map((p) => p.verdict), ['REACHABLE', 'REACHABLE'], 'private ranges only: the internet over Cloud Run\'s own path');
    assert.deepEqual(service(prod.report).map((p) => p.verdict), ['UNDETERMINED', 'UNDETERMINED'], 'all traffic into a connector that is not described');
    assert.doesNotMatch(prod.text, /prod\.tfvars: not read/, 'a file given with --var-file is read, not noted as skipped');
    assert.match(base.text, /prod\.tfvars: not read \(Terraform loads it only with -var-file\)/);
    // --var is above --var-file: back to private ranges, as without the file.
    const both = check(['--var-file', `${DIR}/prod.tfvars`, '--var', 'egress=PRIVATE_RANGES_ONLY', '--var', 'max_instances=3']);
    assert.deepEqual(JSON.stringify(both.report.paths), JSON.stringify(base.report.paths));
  });

  it('a region from --var wins over terraform.tfvars, which wins over TF_VAR_region; TF_VAR_* alone is used', () => {
    const withRegion = check(['--var', 'region=us-central1'], {});
    assert.match(JSON.stringify(withRegion.report.coverage.services), /"region":"us-central1"/);
    const fromEnv = check([], { TF_VAR_region: 'asia-east1' });
    assert.match(JSON.stringify(fromEnv.report.coverage.services), /"region":"europe-west1"/, 'terraform.tfvars is above TF_VAR_region');
    // db_password is set nowhere else: TF_VAR_db_password gives it.
    assert.match(check([]).text, /var\.db_password has no default/);
    assert.doesNotMatch(check([], { TF_VAR_db_password: 'x-not-a-secret-1' }).text, /var\.db_password has no default/);
  });

  it('a value given under a credential name, on the command line or in TF_VAR_*, is never printed', () => {
    for (const run of [check(['--var', `db_password=${CANARY}`]), check([], { TF_VAR_db_password: CANARY })]) {
      assert.ok(!run.text.includes(CANARY), 'text output and errors');
      assert.ok(!JSON.stringify(run.report).includes(CANARY), 'JSON report');
    }
  });

  it('a --var without NAME=VALUE is a usage error, exit 2', () => {
    const run = spawnSync(process.execPath, [cli, 'check', DIR, '--var', 'no-equals-sign'], { encoding: 'utf8', cwd: root });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /expected NAME=VALUE, such as region=europe-west1/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    for (const file of ['no-such.tfvars', 'test/fixtures']) {
      const missing = spawnSync(process.execPath, [cli, 'check', DIR, '--var-file', file], { encoding: 'utf8', cwd: root });
      assert.equal(missing.status, 2, file);
      assert.match(missing.stderr, new RegExp(`^${file}: error: given with --var-file, but no such file: expected a Terraform variables file`), file);
    }
  });
});
