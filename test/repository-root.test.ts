import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
// A copy, with the node_modules git would not keep in the fixture.
const repository = join(mkdtempSync(join(tmpdir(), 'lifeline-repository-root-')), 'repository-root');
cpSync(join(root, 'test/fixtures/repos/repository-root'), repository, { recursive: true });
mkdirSync(join(repository, 'node_modules', 'left-pad'), { recursive: true });
writeFileSync(join(repository, 'node_modules', 'left-pad', 'package.json'), '{ "name": "left-pad" }\n');

function lifeline(args: readonly string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function checkJson(args: readonly string[], cwd: string): Report {
  const run = lifeline(['check', ...args, '--format', 'json'], cwd);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

const table = (report: Report) => report.paths.filter((p) => p.destination === 'dependency').map((p) => `${p.service} ${p.dependency} ${p.verdict}`);
const ignored = (report: Report) => report.sources?.ignored.map((i) => `${i.file}: ${i.reason}`) ?? [];

describe('check . at a repository root', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lifeline-repo-'));
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(join(repository, '..'), { recursive: true, force: true });
  });

  it('reads the Terraform, the workflow and the Knative services; every other file is ignored with its reason', () => {
    const report = checkJson(['.'], repository);
    assert.deepEqual(report.sources?.read, [
      { file: '.github/workflows/deploy.yml', format: 'gcloud' },
      { file: 'run/services.yaml', format: 'cloud-run' },
      { file: 'terraform', format: 'terraform-hcl' },
    ]);
    assert.deepEqual(ignored(report), [
      'docker-compose.yml: a Docker Compose file',
      'metadata.yaml: Google blueprint metadata (BlueprintMetadata), not a Cloud Run service',
      'package.json: a package manifest',
      'README.md: not a recognised input (by its extension)',
      'skaffold.yaml: a Skaffold configuration',
      'tsconfig.json: a TypeScript/JavaScript compiler configuration',
      'api/openapi.yaml: an OpenAPI specification',
      'chart/templates/deployment.yaml: a template (it contains {{ }}), not YAML until rendered: cannot be parsed: chart/templates/deployment.yaml:1:3: YAML syntax: Block collections are not allowed within flow collections (and 13 more)',
      'deploy/clouddeploy.yaml: document 1 of 3 (line 1): a Cloud Deploy DeliveryPipeline, not a Cloud Run service',
      'deploy/clouddeploy.yaml: document 2 of 3 (line 10): a Cloud Deploy Target, not a Cloud Run service',
      'deploy/clouddeploy.yaml: document 3 of 3 (line 17): a Cloud Deploy Target, not a Cloud Run service',
      'k8s/configmap.yaml: a Kubernetes ConfigMap (apiVersion v1), not a Cloud Run service',
      'k8s/deployment.yaml: a Kubernetes Deployment (apiVersion apps/v1), not a Cloud Run service',
      'run/services.yaml: document 2 of 3 (line 23): a Kubernetes ConfigMap (apiVersion v1), not a Cloud Run service',
      'terraform/modules/network: a Terraform module called by terraform: read as part of it',
      "node_modules: not read: node_modules holds tools' own files, not configuration",
    ]);
    // Both services of the multi-document file, each joined to the connector the Terraform declares.
    assert.deepEqual(table(report), ['worker analytics UNREACHABLE', 'web payments REACHABLE']);
  });

  it('a finding in the third document of a file points at its own line', () => {
    const report = checkJson(['.'], repository);
    const unreachable = report.findings.find((f) => f.ruleId === 'unreachable-dependency');
    assert.deepEqual([unreachable?.location.file, unreachable?.location.line], ['run/services.yaml', 15]);
    const egress = report.fixes.find((f) => f.title === 'set egress of service worker to private-ranges-only');
    assert.equal(egress?.changes[0]?.patch, '@@ -15,1 +15,1 @@\n-        run.googleapis.com/vpc-access-egress: all-traffic\n+        run.googleapis.com/vpc-access-egress: private-ranges-only');
  });

  it('--exclude keeps paths out of the walk and says so', () => {
    // Only the network's Terraform is left: no service to judge, which is exit 2, saying what was read and excluded.
    const run = lifeline(['check', '.', '--exclude', 'run/**', '--exclude', '.github'], repository);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /found no Cloud Run service in these inputs: read terraform \(terraform-hcl\)/);
    assert.match(run.stderr, /run \(excluded by --exclude run\/\*\*\)/);
    assert.match(run.stderr, /\.github \(excluded by --exclude \.github\)/);
    const report = checkJson(['.', '--exclude', 'run/**'], repository);
    assert.ok(ignored(report).includes('run: excluded by --exclude run/**'), ignored(report).join('\n'));
    assert.ok(!table(report).some((line) => line.startsWith('web ')), 'the services in run/ are not read');
  });

  it('a multi-document file named explicitly: its services are read, the other documents listed', () => {
    const report = checkJson(['run/services.yaml'], repository);
    assert.deepEqual(report.sources?.read, [{ file: 'run/services.yaml', format: 'cloud-run' }]);
    assert.deepEqual(ignored(report), ['run/services.yaml: document 2 of 3 (line 23): a Kubernetes ConfigMap (apiVersion v1), not a Cloud Run service']);
    assert.deepEqual(report.coverage.services.map((s) => s.name), ['worker', 'web']);
  });

  it('a file named explicitly must be an input: a Cloud Deploy file, a template, a Deployment are errors', () => {
    const deploy = lifeline(['check', 'deploy/clouddeploy.yaml'], repository);
    assert.equal(deploy.status, 2);
    assert.match(deploy.stderr, /^deploy\/clouddeploy\.yaml:1:1: error: none of its 3 YAML documents is an input: document 1 of 3 \(line 1\): a Cloud Deploy DeliveryPipeline/);
    const template = lifeline(['check', 'chart/templates/deployment.yaml'], repository);
    assert.equal(template.status, 2);
    assert.match(template.stderr, /^chart\/templates\/deployment\.yaml:1:3: error: YAML syntax: /);
    const manifest = lifeline(['check', 'k8s/deployment.yaml'], repository);
    assert.equal(manifest.status, 2);
    assert.match(manifest.stderr, /^k8s\/deployment\.yaml:2:7: error: kind: expected a Cloud Run service/);
  });

  it('.tf files named one by one read their directory as one module', () => {
    // The module holds the network only: read as one module, then no service to judge (exit 2, saying what was read).
    const one = lifeline(['check', 'terraform/main.tf'], repository);
    assert.equal(one.status, 2);
    assert.match(one.stderr, /read terraform \(terraform-hcl\)\. Name the files/);
    const dir = join(scratch, 'split-module');
    mkdirSync(dir);
    writeFileSync(join(dir, 'network.tf'), 'resource "google_compute_network" "vpc" {\n  name                    = "split-vpc"\n  auto_create_subnetworks = false\n}\n');
    writeFileSync(join(dir, 'connector.tf'), 'resource "google_vpc_access_connector" "c" {\n  name          = "split-conn"\n  region        = "europe-west1"\n  network       = google_compute_network.vpc.name\n  ip_cidr_range = "10.8.0.0/28"\n}\n');
    writeFileSync(join(dir, 'service.tf'), 'resource "google_cloud_run_v2_service" "api" {\n  name     = "api"\n  location = "europe-west1"\n  template {\n    containers { image = "gcr.io/x/api" }\n  }\n}\n');
    const both = checkJson(['network.tf', 'connector.tf', 'network.tf', 'service.tf'], dir);
    assert.deepEqual(both.sources?.read, [{ file: '.', format: 'terraform-hcl' }]);
  });

  it('a Terraform module below the named directory that does not parse is skipped, located', () => {
    const dir = join(scratch, 'broken-module');
    cpSync(repository, dir, { recursive: true });
    mkdirSync(join(dir, 'experiments'));
    writeFileSync(join(dir, 'experiments', 'main.tf'), 'resource "google_compute_network" "x" {\n  name = \n}\n');
    const report = checkJson(['.'], dir);
    assert.ok(
      ignored(report).some((i) => /^experiments: a Terraform module that cannot be parsed: experiments\/main\.tf:\d+:\d+: HCL syntax/.test(i)),
      ignored(report).join('\n'),
    );
    assert.deepEqual(table(report), ['worker analytics UNREACHABLE', 'web payments REACHABLE']);
  });

  it('a directory of only other tools\' files is refused, listing each file and why', () => {
    const dir = join(scratch, 'k8s-only');
    cpSync(join(repository, 'k8s'), dir, { recursive: true });
    const r = lifeline(['check', dir], root);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /: error: no recognised input \(.*\) in .*k8s-only: read nothing; ignored: .*configmap\.yaml \(a Kubernetes ConfigMap \(apiVersion v1\), not a Cloud Run service\), .*deployment\.yaml \(a Kubernetes Deployment/);
  });
});

describe('lifeline.yaml is found up to the repository root', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lifeline-config-up-'));
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('from a subdirectory, the repository root\'s lifeline.yaml is used, its inputs relative to it', () => {
    const repo = join(scratch, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'services', 'api'), { recursive: true });
    cpSync(join(root, 'test/fixtures/repos/repository-root/run'), join(repo, 'run'), { recursive: true });
    writeFileSync(join(repo, 'lifeline.yaml'), 'inputs:\n  - run/services.yaml\n');
    const report = checkJson([], join(repo, 'services', 'api'));
    assert.deepEqual(report.sources?.read, [{ file: '../../run/services.yaml', format: 'cloud-run' }]);
  });

  it('outside a repository, only the current directory\'s', () => {
    const loose = join(scratch, 'loose');
    mkdirSync(join(loose, 'child'), { recursive: true });
    writeFileSync(join(loose, 'lifeline.yaml'), 'inputs:\n  - nowhere.yaml\n');
    const r = lifeline(['check'], join(loose, 'child'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no inputs given and no lifeline\.yaml here/);
  });

  it('not above the repository root', () => {
    const outer = join(scratch, 'outer');
    mkdirSync(join(outer, 'inner', '.git'), { recursive: true });
    mkdirSync(join(outer, 'inner', 'src'));
    writeFileSync(join(outer, 'lifeline.yaml'), 'inputs:\n  - nowhere.yaml\n');
    const r = lifeline(['check'], join(outer, 'inner', 'src'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no inputs given and no lifeline\.yaml here or in a parent directory up to the repository root/);
  });
});
