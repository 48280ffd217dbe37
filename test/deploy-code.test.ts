import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DiffReport } from '../src/report/diff.js';
import type { Report } from '../src/report/report.js';
import { workTree } from '../src/sources/file-view.js';
import { loadInputs } from '../src/sources/load.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const DIR = 'test/fixtures/import/code/incident';
const scratch = mkdtempSync(join(tmpdir(), 'lifeline-code-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function lifeline(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function checkJson(args: readonly string[]): { report: Report; status: number | null } {
  const run = lifeline(['check', ...args, '--format', 'json']);
  assert.equal(run.stderr, '');
  return { report: JSON.parse(run.stdout) as Report, status: run.status };
}

function script(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe('deploy code: Cloud Run bodies sent to the Admin API', () => {
  it('the incident as a Python REST PATCH: ALL_TRAFFIC into a VPC with no Cloud NAT makes MongoDB Atlas UNREACHABLE, at the dict entry', () => {
    const { report, status } = checkJson([`${DIR}/redeploy`]);
    assert.equal(status, 1);
    assert.equal(report.status, 'CRITICAL');
    const mongodb = report.paths.find((p) => p.service === 'orders-api' && p.dependency === 'mongodb');
    assert.equal(mongodb?.verdict, 'UNREACHABLE');
    assert.equal(mongodb.cause, 'NO_EXTERNAL_ADDRESS');
    const egress = mongodb.hops.find((h) => h.step === 'SELECT_EGRESS');
    assert.deepEqual(egress?.location, { file: `${DIR}/quick_redeploy.py`, line: 19, column: 17 });
    assert.deepEqual(
      report.sources?.read.map((r) => r.format),
      ['terraform-hcl', 'deploy-code'],
    );
  });

  it('diff: Terraform against the script that PATCHes the same service names the changed egress and the line that set it', () => {
    const run = lifeline(['diff', `${DIR}/terraform`, `${DIR}/redeploy`, '--format', 'json']);
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout) as DiffReport;
    const mongodb = report.worse.find((p) => p.dependency === 'mongodb');
    assert.equal(`${mongodb?.before}→${mongodb?.after}`, 'REACHABLE→UNREACHABLE');
    assert.deepEqual(mongodb?.changes[0], {
      attribute: 'services[orders-api].egress',
      before: 'private-ranges-only',
      after: 'all-traffic',
      location: { file: `${DIR}/quick_redeploy.py`, line: 19, column: 17, text: '                "egress": "ALL_TRAFFIC",' },
      side: 'head',
    });
    // The variable the script reads from its environment is unknown, not absent.
    assert.ok(mongodb.changes.some((c) => c.attribute === 'services[orders-api].env.ANALYTICS_DB_HOST' && c.after === 'unknown'));
  });

  it('Terraform and the script describing one service differently is config drift, field by field: egress, and the env names each has', () => {
    const { report } = checkJson([`${DIR}/network`, `${DIR}/service`, `${DIR}/quick_redeploy.py`]);
    const drift = report.findings.find((f) => f.ruleId === 'config-drift');
    assert.ok(drift, 'a config-drift finding');
    assert.match(drift.message, /egress = "private-ranges-only" \(.*incident\/service\), env = names MONGODB_URI \(.*incident\/service\) vs egress = "all-traffic" \(.*quick_redeploy\.py\), env = names ANALYTICS_DB_HOST, MONGODB_URI \(.*quick_redeploy\.py\)/);
    assert.ok(!drift.message.includes('mongodb+srv://'), 'env values are never shown');
  });

  it('a YAML service and a deploy script giving different secret references is drift by their names, never their secrets', () => {
    const dir = join(scratch, 'secret-drift');
    mkdirSync(dir);
    writeFileSync(join(dir, 'api.yaml'), "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: api\n  labels: {cloud.googleapis.com/location: europe-west1}\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/acme/api\n          env:\n            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: db-password, key: '1'}}\n");
    writeFileSync(join(dir, 'deploy.sh'), 'gcloud run deploy api --region europe-west1 --set-secrets DB_PASSWORD=db-password:1,API_KEY=api-key:2\n');
    const { report } = checkJson([dir]);
    const drift = report.findings.find((f) => f.ruleId === 'config-drift');
    assert.match(drift?.message ?? '', /secrets = names DB_PASSWORD \(.*api\.yaml\) vs secrets = names API_KEY, DB_PASSWORD \(.*deploy\.sh\)/);
  });

  it('JavaScript fetch with a template-literal URL and an egress from process.env: the egress is unknown, the run INCOMPLETE', () => {
    const file = script(
      'redeploy.mjs',
      [
        "const project = 'acme';",
        "const url = `https://run.googleapis.com/v2/projects/${project}/locations/europe-west1/services/api`;",
        'const body = {',
        '  template: {',
        "    vpcAccess: { connector: 'projects/acme/locations/europe-west1/connectors/c1', egress: process.env.EGRESS },",
        "    containers: [{ image: 'gcr.io/acme/api', env: [{ name: 'REDIS_URL', value: 'redis://10.0.0.5:6379' }] }],",
        '  },',
        '};',
        "await fetch(url, { method: 'PATCH', body: JSON.stringify(body) });",
        '',
      ].join('\n'),
    );
    const { report, status } = checkJson([file]);
    assert.equal(status, 1);
    assert.equal(report.status, 'INCOMPLETE');
    const incomplete = report.findings.filter((f) => f.ruleId === 'incomplete');
    const egress = incomplete.find((f) => f.message.includes('$EGRESS, which the script reads from its environment'));
    assert.ok(egress, JSON.stringify(incomplete.map((f) => f.message)));
    assert.equal(egress.location.line, 5);
  });

  it('the egress a script leaves to run time is `unknown` with its cause, and the region and project come from the URL', async () => {
    const file = script(
      'patch.py',
      [
        'import os',
        'import requests',
        'REGION = "us-central1"',
        'url = f"https://run.googleapis.com/v2/projects/acme/locations/{REGION}/services/api"',
        'requests.patch(url, json={"template": {"vpcAccess": {"connector": "c1", "egress": os.environ["EGRESS"]}, "containers": [{"image": "gcr.io/acme/api"}]}})',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    const api = loaded.topology.services[0];
    assert.equal(api?.name, 'api');
    assert.equal(api.region, 'us-central1');
    assert.deepEqual(api.egress, { unknown: true, reason: '$EGRESS, which the script reads from its environment when it runs' });
    assert.equal(loaded.topology.project, 'acme');
  });

  it('a service read with the client library, changed field by field and updated: the fields set are read, named by the call that read it', async () => {
    const file = script(
      'enable_vpc.py',
      [
        'from google.cloud import run_v2',
        'NAME = "projects/acme/locations/europe-west1/services/api"',
        'def enable_vpc():',
        '    client = run_v2.ServicesClient()',
        '    service = client.get_service(name=NAME)',
        '    service.template.vpc_access = run_v2.VpcAccess(connector="c1", egress=run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC)',
        '    service.template.max_instance_request_concurrency = 20',
        '    client.update_service(service=service)',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    const api = loaded.topology.services[0];
    assert.equal(api?.name, 'api');
    assert.equal(api.region, 'europe-west1');
    assert.equal(api.egress, 'all-traffic');
    assert.equal(api.concurrency, 20);
    assert.deepEqual(loaded.locate(api.egressOrigin), { file, line: 6, column: 75 }, "the enum value set as egress");
    const notes = loaded.merged.fragments.flatMap((f) => f.notes);
    assert.ok(notes.some((n) => n.includes('the body is the service as client.get_service(name=NAME), which is the result of a call made when the script runs, with the fields the script sets on it')), notes.join('\n'));
  });

  it('JavaScript: a body built as a literal, changed by assignment, and spread into the request', async () => {
    const file = script(
      'update.mjs',
      [
        "const name = 'projects/acme/locations/europe-west1/services/api';",
        "const body = { template: { containers: [{ image: 'gcr.io/acme/api' }] } };",
        "body.template.vpcAccess = { connector: 'c1', egress: 'ALL_TRAFFIC' };",
        'await client.updateService({ service: { ...body, name } });',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    assert.deepEqual(
      loaded.topology.services.map((s) => [s.name, s.egress]),
      [['api', 'all-traffic']],
    );
    assert.deepEqual(loaded.merged.fragments.flatMap((f) => f.notes), [], 'the literal the request spreads is not a second, nameless body');
  });

  it('a Knative v1 body in a Python dict is read like the YAML export: the egress annotation, the region of the regional endpoint', async () => {
    const file = script(
      'replace_v1.py',
      [
        'import requests',
        'service = {',
        '    "apiVersion": "serving.knative.dev/v1",',
        '    "kind": "Service",',
        '    "metadata": {"name": "api", "namespace": "acme"},',
        '    "spec": {"template": {"metadata": {"annotations": {"run.googleapis.com/vpc-access-connector": "c1", "run.googleapis.com/vpc-access-egress": "all-traffic"}}, "spec": {"containers": [{"image": "gcr.io/acme/api"}]}}},',
        '}',
        'requests.put("https://europe-west1-run.googleapis.com/apis/serving.knative.dev/v1/namespaces/acme/services/api", json=service)',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    assert.deepEqual(loaded.topology.services.map((s) => [s.name, s.egress, s.region]), [['api', 'all-traffic', 'europe-west1']]);
    const notes = loaded.merged.fragments.flatMap((f) => f.notes);
    assert.ok(!notes.some((n) => n.startsWith('services[api].region: not in the input')), notes.join('\n'));
  });

  it('URLs built with str.format() and % name the services as f-strings do', async () => {
    const file = script(
      'older.py',
      [
        'import requests',
        'PROJECT = "acme"',
        'REGION = "europe-west1"',
        'url = "https://run.googleapis.com/v2/projects/{}/locations/{}/services/{name}".format(PROJECT, REGION, name="api")',
        'url2 = "https://run.googleapis.com/v2/projects/%s/locations/%s/services/%s" % (PROJECT, REGION, "web")',
        'requests.patch(url, json={"template": {"vpcAccess": {"connector": "c1", "egress": "ALL_TRAFFIC"}}})',
        'requests.patch(url2, json={"template": {"containers": [{"image": "gcr.io/acme/web"}]}})',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    assert.deepEqual(loaded.topology.services.map((s) => [s.name, s.region, s.egress]), [
      ['api', 'europe-west1', 'all-traffic'],
      ['web', 'europe-west1', 'private-ranges-only'],
    ]);
    assert.equal(loaded.topology.project, 'acme');
  });

  it('a PATCH with an update mask changes only the masked fields: a body template outside the mask is not the service', async () => {
    const file = script(
      'labels.py',
      [
        'import requests',
        'body = {"labels": {"team": "orders"}, "template": {"vpcAccess": {"connector": "c1", "egress": "ALL_TRAFFIC"}}}',
        'requests.patch("https://run.googleapis.com/v2/projects/acme/locations/europe-west1/services/api", params={"updateMask": "labels"}, json=body)',
        '',
      ].join('\n'),
    );
    const loaded = await loadInputs(workTree, [file]);
    assert.equal(loaded.topology.services[0]?.egress, 'private-ranges-only', 'the default: this PATCH does not set egress');
    const notes = loaded.merged.fragments.flatMap((f) => f.notes);
    assert.ok(notes.some((n) => n.includes('update mask (labels)')), notes.join('\n'));
  });

  it('a body whose service name is only known at run time is left out, and the run says so', () => {
    const file = script(
      'unnamed.py',
      [
        'import sys, requests',
        'requests.patch(f"https://run.googleapis.com/v2/projects/acme/locations/europe-west1/services/{sys.argv[1]}",',
        '               json={"template": {"vpcAccess": {"connector": "c1", "egress": "ALL_TRAFFIC"}}})',
        'requests.patch("https://run.googleapis.com/v2/projects/acme/locations/europe-west1/services/web",',
        '               json={"template": {"containers": [{"image": "gcr.io/acme/web"}]}})',
        '',
      ].join('\n'),
    );
    const { report, status } = checkJson([file]);
    assert.equal(status, 1);
    assert.equal(report.status, 'INCOMPLETE');
    assert.ok(report.findings.some((f) => f.ruleId === 'incomplete' && /sys\.argv\[1\], which is a command-line argument/.test(f.message)));
  });

  it('a syntax error is a located error, exit 2, for Python and for TypeScript', () => {
    const python = lifeline(['check', script('broken.py', 'import requests\nbody = {"template": {"containers": [}\nrequests.patch("https://run.googleapis.com/v2/x", json=body)\n')]);
    assert.equal(python.status, 2);
    assert.match(python.stderr, /broken\.py:2:\d+: .*Python syntax/);
    const ts = lifeline(['check', script('broken.ts', "const body = { template: { vpcAccess: { egress: 'ALL_TRAFFIC' } };\nfetch('https://run.googleapis.com/v2/x', { body });\n")]);
    assert.equal(ts.status, 2);
    assert.match(ts.stderr, /broken\.ts:\d+:\d+: .*TypeScript syntax/);
    assert.doesNotMatch(python.stderr + ts.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a script the grammar refuses but the gcloud reader reads keeps its commands, and says the API calls are left out', () => {
    const file = script('mixed.py', 'import subprocess\n# enables vpc_access with gcloud\nsubprocess.run(["gcloud", "run", "deploy", "api", "--vpc-egress", "all-traffic"])\nx = (\n');
    const { report, status } = checkJson([file]);
    assert.equal(status, 1);
    assert.equal(report.status, 'INCOMPLETE');
    assert.ok(report.findings.some((f) => f.ruleId === 'incomplete' && /Cloud Run bodies it may send to the Admin API are left out \(line 5: Python syntax/.test(f.message)));
  });

  it('the code frame of a syntax error never shows a secret written on that line', () => {
    const python = lifeline(['check', script('leaky.py', 'import requests\nbody = {"template": {"containers": [{"env": [{"name": "DATABASE_URL", "value": "postgres://app:canary-py-pw@10.0.0.5/db"}]]}}\nrequests.patch("https://run.googleapis.com/v2/x", json=body)\n')]);
    assert.equal(python.status, 2);
    assert.match(python.stderr, /leaky\.py:2:/);
    assert.ok(!python.stderr.includes('canary-py-pw'), python.stderr);
    const ts = lifeline(['check', script('leaky.ts', "const key = 'sk-canary-ts-0123456789abcdef' +;\nfetch('https://run.googleapis.com/v2/x', { body: JSON.stringify({ template: { containers: [] } }) });\n")]);
    assert.equal(ts.status, 2);
    assert.ok(!ts.stderr.includes('sk-canary-ts-0123456789abcdef'), ts.stderr);
  });

  it('bounded work on hostile code: brackets nested past 500 levels and a body that doubles forty times are located errors, fast', () => {
    const deep = lifeline(['check', script('deep.py', `import requests\nbody = ${'['.repeat(100_000)}${']'.repeat(100_000)}\nrequests.patch("https://run.googleapis.com/v2/x", json=body)\n`)]);
    assert.equal(deep.status, 2);
    assert.match(deep.stderr, /deep\.py:2:508: error: nested more than 500 levels deep/);
    const lines = ['const a0 = ["x"];', 'const s0 = "ab";'];
    for (let i = 1; i <= 44; i++) lines.push(`const a${i} = [a${i - 1}, a${i - 1}];`, `const s${i} = s${i - 1} + s${i - 1};`);
    lines.push('const body = { template: { containers: [{ image: s44, args: a44 }] } };', 'fetch("https://run.googleapis.com/v2/projects/p/locations/r/services/api", { method: "PATCH", body: JSON.stringify(body) });');
    const bomb = lifeline(['check', script('bomb.mjs', `${lines.join('\n')}\n`)]);
    assert.equal(bomb.status, 2);
    assert.match(bomb.stderr, /bomb\.mjs:91:14: error: this Cloud Run body expands to more than 100,000 values/);
  });

  it('a Python file with neither gcloud nor a Cloud Run body, named explicitly, says what was expected', () => {
    const run = lifeline(['check', script('other.py', 'import requests\nrequests.get("https://run.googleapis.com/v2/projects/acme/locations/x/services")\n')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no Cloud Run deployment found; expected a gcloud command .* or a Cloud Run service body/);
  });
});

describe('deploy code: the google-github-actions/deploy-cloudrun action', () => {
  it('the incident as a deploy-cloudrun step: flags set all-traffic, MongoDB Atlas is UNREACHABLE at the --vpc-egress flag in `flags:`', () => {
    const { report, status } = checkJson([`${DIR}/workflow`]);
    assert.equal(status, 1);
    const mongodb = report.paths.find((p) => p.dependency === 'mongodb');
    assert.equal(mongodb?.verdict, 'UNREACHABLE');
    assert.deepEqual(mongodb.hops.find((h) => h.step === 'SELECT_EGRESS')?.location, { file: `${DIR}/workflow/.github/workflows/deploy.yml`, line: 36, column: 13 });
    assert.deepEqual(mongodb.location, { file: `${DIR}/workflow/.github/workflows/deploy.yml`, line: 23, column: 15 }, 'the env_vars entry it was inferred from');
  });

  it('reads every input the action turns into a flag: env_vars (an escaped comma stays in the value), secrets, region from env, flags', async () => {
    const { topology } = await loadInputs(workTree, [`${DIR}/workflow/.github/workflows/deploy.yml`]);
    const api = topology.services[0];
    assert.equal(api?.region, 'europe-west1', '${{ env.REGION }} from the workflow env');
    assert.equal(topology.project, 'acme-staging');
    assert.deepEqual(
      api.env.map((e) => [e.name, e.value]),
      [
        ['MONGODB_URI', 'mongodb+srv://orders.abc12.mongodb.net/orders'],
        ['ALLOWED_ORIGINS', 'https://a.example,https://b.example'],
      ],
    );
    assert.deepEqual(api.secretRefs.map((r) => [r.env, r.secret, r.version]), [['ANALYTICS_DB_PASSWORD', 'analytics-db-password', 'latest']]);
    assert.equal(api.maxInstances, 20);
  });

  it('a region and an egress from secrets or vars are unknown with their cause: the run is INCOMPLETE, not stopped', async () => {
    const file = script(
      'deploy.yml',
      [
        'on: push',
        'jobs:',
        '  deploy:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: google-github-actions/deploy-cloudrun@v2',
        '        with:',
        '          service: api',
        '          region: ${{ secrets.GCP_REGION }}',
        "          flags: '--vpc-connector=c1 --vpc-egress=${{ vars.EGRESS }}'",
        '',
      ].join('\n'),
    );
    const { report, status } = checkJson([file]);
    assert.equal(status, 1);
    assert.equal(report.status, 'INCOMPLETE');
    const messages = report.findings.map((f) => f.message).join('\n');
    assert.match(messages, /egress is unknown \(--vpc-egress is given by \$\{\{ vars\.EGRESS \}\}, which GitHub Actions fills in at run time\)/);
    const { topology } = await loadInputs(workTree, [file]);
    assert.deepEqual(topology.services[0]?.region, { unknown: true, reason: '--region is given by ${{ secrets.GCP_REGION }}, which GitHub Actions fills in from a secret at run time' });
  });

  it('with no region input, the action deploys to us-central1, as it documents', async () => {
    const file = script('default-region.yml', 'jobs:\n  d:\n    steps:\n      - uses: google-github-actions/deploy-cloudrun@v3\n        with:\n          service: web\n          image: gcr.io/acme/web\n');
    const { topology } = await loadInputs(workTree, [file]);
    assert.equal(topology.services[0]?.region, 'us-central1');
  });

  it('a secret-named env var from a GitHub secret is unknown, and the word "unknown" is never taken for its value', () => {
    const file = script(
      'secrets-env.yml',
      'jobs:\n  d:\n    steps:\n      - uses: google-github-actions/deploy-cloudrun@v2\n        with:\n          service: api\n          env_vars: |\n            JWT_SECRET=${{ secrets.JWT_SECRET }}\n            DATABASE_URL=${{ secrets.DATABASE_URL }}\n',
    );
    const run = lifeline(['check', file, '--no-color']);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^Lifeline check: INCOMPLETE/);
    assert.match(run.stdout, /unknown values: 1 leave paths undetermined/);
    assert.match(run.stdout, /where dependency database connects is unknown \(its value is given by \$\{\{ secrets\.DATABASE_URL \}\}/);
  });

  it('a composite action.yml is read like a workflow job: a service named by the caller is left out, saying so', () => {
    const dir = join(scratch, 'composite');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'action.yml'),
      'name: deploy\ninputs:\n  service: {required: true}\nruns:\n  using: composite\n  steps:\n    - uses: google-github-actions/deploy-cloudrun@v3\n      with:\n        service: ${{ inputs.service }}\n        image: ${{ inputs.image }}\n',
    );
    const run = lifeline(['check', dir]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /action\.yml:7 .*gcloud run deploy: the service name is given by \$\{\{ inputs\.service \}\}, which GitHub Actions fills in at run time; the command is left out/);
  });
});

describe('Cloud Run templates rendered at deploy time', () => {
  it('a Knative manifest named by a <PLACEHOLDER> is left out with the reason: beside a real service the run is INCOMPLETE, not an error', () => {
    const dir = join(scratch, 'templates');
    mkdirSync(dir);
    writeFileSync(join(dir, 'template.yaml'), 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: "<PROJECT_SERVICE>"\nspec:\n  template:\n    spec:\n      containers:\n        - image: "<CONTAINER_IMAGE>"\n');
    writeFileSync(join(dir, 'web.yaml'), 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: web\n  labels: {cloud.googleapis.com/location: europe-west1}\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/acme/web\n');
    const { report, status } = checkJson([dir]);
    assert.equal(status, 1);
    assert.equal(report.status, 'INCOMPLETE');
    assert.ok(report.findings.some((f) => f.ruleId === 'incomplete' && /the service name "<PROJECT_SERVICE>" is not a name but a placeholder filled in when the file is rendered/.test(f.message)));
  });
});

