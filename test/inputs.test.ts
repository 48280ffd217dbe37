import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const review = join(root, 'examples/review');

function lifeline(args: readonly string[], cwd = root): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function checkJson(args: readonly string[], cwd = root): Report {
  const run = lifeline(['check', ...args, '--format', 'json'], cwd);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

const table = (report: Report) => report.paths.filter((p) => p.destination === 'dependency').map((p) => `${p.service} ${p.dependency} ${p.verdict}`);
const findings = (report: Report) => report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line ?? '?'}`);

describe('inputs: several files, directories and lifeline.yaml merged into one model', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lifeline-inputs-'));
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('a repository with a lifeline.yaml: a Terraform plan, a deploy script and a topology file become one model', () => {
    const report = checkJson([], review);
    assert.deepEqual(report.sources?.read, [
      { file: 'infra/plan.json', format: 'terraform-plan' },
      { file: 'deploy/deploy.py', format: 'gcloud' },
      { file: 'services.yaml', format: 'topology' },
    ]);
    assert.deepEqual(table(report), ['api openai REACHABLE', 'api main-db REACHABLE']);
    // Each finding points into the file that gave the value.
    assert.deepEqual(findings(report), ['secret-version deploy/deploy.py:23', 'secret-in-plain-env deploy/deploy.py:22']);
    assert.doesNotMatch(JSON.stringify(report), /hunter2/);
  });

  it('the same inputs named on the command line, or the directory, or --config, give the same model', () => {
    const expected = table(checkJson([], review));
    assert.deepEqual(table(checkJson(['infra/plan.json', 'deploy/deploy.py', 'services.yaml'], review)), expected);
    assert.deepEqual(table(checkJson(['examples/review'])), expected);
    assert.deepEqual(table(checkJson(['--config', 'examples/review/lifeline.yaml'])), expected);
  });

  it('fixes are written in the inputs\' own terms: the deploy script\'s flag as a one-line diff, the NAT as Terraform', () => {
    const report = checkJson(['examples/review/after']);
    const byTitle = new Map(report.fixes.map((f) => [f.title, f.changes]));
    assert.deepEqual(byTitle.get('set egress of service api to private-ranges-only'), [
      { file: 'examples/review/after/deploy.py', line: 20, patch: '@@ -20,1 +20,1 @@\n-        "--vpc-egress", "all-traffic",\n+        "--vpc-egress", "private-ranges-only",' },
    ]);
    const nat = [...byTitle].find(([title]) => title.startsWith('add Cloud NAT'))?.[1][0];
    assert.ok(nat);
    assert.equal(nat.file, 'examples/review/infra/plan.json');
    assert.match(nat.patch, /resource "google_compute_router_nat" "prod_vpc_nat" \{\n {2}name {31}= "prod-vpc-nat"/);
    assert.match(nat.patch, /source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"/);
  });

  it('a directory without lifeline.yaml: every recognised file is read, subdirectories too, the rest listed as ignored with the reason', () => {
    const dir = join(scratch, 'repo');
    mkdirSync(join(dir, 'docs'), { recursive: true });
    copyFileSync(join(review, 'infra/plan.json'), join(dir, 'plan.json'));
    copyFileSync(join(review, 'deploy/deploy.py'), join(dir, 'deploy.py'));
    copyFileSync(join(review, 'services.yaml'), join(dir, 'services.yaml'));
    writeFileSync(join(dir, 'README.md'), '# staging\n');
    writeFileSync(join(dir, 'docs', 'notes.md'), '# notes\n');
    writeFileSync(join(dir, 'lint.sh'), '#!/bin/sh\nnpx eslint .\n');
    const report = checkJson([dir]);
    assert.deepEqual(report.sources?.read.map((r) => `${r.file.slice(dir.length + 1)} ${r.format}`), ['deploy.py gcloud', 'plan.json terraform-plan', 'services.yaml topology']);
    assert.deepEqual(report.sources.ignored.map((i) => `${i.file.slice(dir.length + 1)}: ${i.reason}`), [
      'lint.sh: a script with no gcloud command',
      'README.md: not a recognised input (by its extension)',
      'docs/notes.md: not a recognised input (by its extension)',
    ]);
    assert.deepEqual(table(report), ['api openai REACHABLE', 'api main-db REACHABLE']);
    const text = lifeline(['check', dir]);
    assert.match(text.stdout, /read: .*deploy\.py \(gcloud\), .*plan\.json \(terraform-plan\), .*services\.yaml \(topology\)/);
    assert.match(text.stdout, /ignored: .*README\.md: not a recognised input/);
  });

  it('a plan whose public IP is known only after apply: ipv4_enabled decides the socket path, which says which value is unknown and why', () => {
    const report = checkJson(['test/fixtures/import/terraform-plan/new-database-known-after-apply.json']);
    const path = report.paths.find((p) => p.dependency === 'orders-db');
    // all-traffic through a NAT covering every subnet: the proxy's public-IP path does not need the address.
    assert.equal(path?.verdict, 'REACHABLE');
    assert.ok(
      path.hops.some((h) => h.detail.includes('has a public IP whose address is not known (known after apply (google_sql_database_instance.main.public_ip_address))')),
      JSON.stringify(path.hops.map((h) => h.detail)),
    );
    assert.ok(path.hops.some((h) => h.step === 'NAT' && h.detail.includes('orders-db public IP (address not known:3307)')));
    // The address is still unknown, but decides no verdict: coverage lists it, and nothing is left unjudged by it.
    assert.ok(report.coverage.unknowns.some((u) => u.cause === 'after-apply' && u.affects === 0 && u.key === 'database:orders-db.publicIp'));
  });

  it('a symbolic link in a directory is read as the file it points to', () => {
    const dir = join(scratch, 'linked');
    mkdirSync(dir);
    symlinkSync(join(review, 'services.yaml'), join(dir, 'services.yaml'));
    copyFileSync(join(review, 'infra/plan.json'), join(dir, 'plan.json'));
    const report = checkJson([dir]);
    assert.deepEqual(report.sources?.read.map((r) => r.format), ['terraform-plan', 'topology']);
    assert.deepEqual(table(report), ['api openai REACHABLE']);
  });

  it('two inputs that disagree on an attribute: exit 2, both locations, nothing overwritten', () => {
    const file = join(scratch, 'connector.yaml');
    writeFileSync(file, 'connectors:\n  - name: run-egress\n    network: prod-vpc\n    ipCidrRange: 10.9.0.0/28\n');
    const r = lifeline(['check', 'examples/review/infra/plan.json', file]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${file.replace(/[.]/g, '\\.')}:4:18: error: connectors\\[0\\]\\.ipCidrRange: "10\\.9\\.0\\.0/28" here conflicts with "10\\.8\\.0\\.0/28" at examples/review/infra/plan\\.json:\\d+:\\d+; make the inputs agree`));
    assert.match(r.stderr, / {2}4 \| {5}ipCidrRange: 10\.9\.0\.0\/28\n/);
  });

  it('a Cloud Run service export joins the network of a Terraform plan', () => {
    const report = checkJson(['examples/review/infra/plan.json', 'test/fixtures/import/cloud-run/v1-backend-all-traffic.yaml']);
    assert.ok(report.paths.length > 0);
    assert.ok(report.sources?.read.some((r) => r.format === 'cloud-run'));
  });

  it('malformed inputs of every format: a located error, exit 2, never a stack trace', () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      ['terraform-plan/truncated.json', /^terraform-plan\/truncated\.json:14:29: error: JSON syntax: UnexpectedEndOfString\n {2}14 \|/],
      ['terraform-plan/format-version-2.json', /^terraform-plan\/format-version-2\.json:2:21: error: format_version: unsupported format_version "2\.0": Lifeline reads the Terraform JSON plan formats 0\.1 to 1\.x/],
      ['terraform-plan/state-not-plan.json', /^terraform-plan\/state-not-plan\.json:1:1: error: this is Terraform state, not a plan/],
      ['cloud-run/not-a-service-deployment.yaml', /^cloud-run\/not-a-service-deployment\.yaml:3:7: error: kind: expected a Cloud Run service/],
      ['cloud-run/max-scale-not-a-number.yaml', /^cloud-run\/max-scale-not-a-number\.yaml:9:43: error: .*expected a whole number of at least 1 such as "10", got "lots"/],
      ['gcloud/no-gcloud.sh', /^gcloud\/no-gcloud\.sh: error: no gcloud command found; expected a deploy script calling `gcloud run deploy`/],
      ['gcloud/unterminated-quote.sh', /^gcloud\/unterminated-quote\.sh:4:18: error: unterminated double quote/],
      ['terraform-hcl/malformed', /^terraform-hcl\/malformed\/main\.tf:8:19: error: HCL syntax: Invalid expression/],
      ['terraform-hcl/no-tf', /^terraform-hcl\/no-tf: error: no recognised input .*ignored: terraform-hcl\/no-tf\/README\.md/],
    ];
    for (const [input, expected] of cases) {
      const r = lifeline(['check', input], join(root, 'test/fixtures/import'));
      assert.equal(r.status, 2, input);
      assert.equal(r.stdout, '', input);
      assert.match(r.stderr, expected, input);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, input);
    }
    // The password in the unterminated command's DATABASE_URL stays hidden in the code frame.
    assert.doesNotMatch(lifeline(['check', 'gcloud/unterminated-quote.sh'], join(root, 'test/fixtures/import')).stderr, /hunter2|s3cret/);
  });

  it('a bad lifeline.yaml, an unknown input and a missing lifeline.yaml are located errors with exit 2', () => {
    const dir = join(scratch, 'bad-config');
    mkdirSync(dir);
    writeFileSync(join(dir, 'lifeline.yaml'), 'inputs: plan.json\nfailOn: sometimes\n');
    const bad = lifeline(['check'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^lifeline\.yaml:1:9: error: inputs: .*expected array/m);
    assert.match(bad.stderr, /^lifeline\.yaml:2:9: error: failOn: /m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);

    const missing = lifeline(['check', 'examples/review/nope.json']);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'examples/review/nope.json: error: no such file or directory\n');

    const empty = mkdtempSync(join(scratch, 'empty-'));
    const none = lifeline(['check'], empty);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no inputs given and no lifeline\.yaml here/);
  });
});
