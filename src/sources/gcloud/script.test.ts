import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { formatDiagnostic, InputError } from '../errors.js';
import type { Fragment } from '../fragment.js';
import { containsGcloudCommand, importGcloudScript, scriptKind } from './script.js';

/** Reads `test/fixtures/import/gcloud/<name>` (from dist/src/sources/gcloud/) and imports it under its bare name. */
function importFixture(name: string): Fragment {
  return importGcloudScript(name, readFixture(name));
}

/** The incident's deploy script, before and after the change, as examples/review ships it. */
function importExample(name: string, path: string): Fragment {
  return importGcloudScript(name, readFileSync(fileURLToPath(new URL(`../../../../examples/review/${path}`, import.meta.url)), 'utf8'));
}

function readFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../test/fixtures/import/gcloud/${name}`, import.meta.url)), 'utf8');
}

function importError(name: string, text: string): InputError {
  try {
    importGcloudScript(name, text);
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  assert.fail(`${name} imported without an error`);
}

const INCIDENT_SERVICE = {
  name: 'api',
  region: 'europe-west1',
  connector: 'run-egress',
  maxInstances: 20,
  env: { DATABASE_URL: 'postgresql://api:hunter2-prod@/app?host=/cloudsql/acme-prod:europe-west1:main-db', LOG_LEVEL: 'info' },
  cloudSqlInstances: ['acme-prod:europe-west1:main-db'],
  secrets: [{ env: 'OPENAI_API_KEY', secret: 'openai-key', version: 'latest' }],
};

describe('importGcloudScript: the incident, as two versions of a Python deploy script', () => {
  it('reads the script before the change: private-ranges-only through the connector', () => {
    const fragment = importExample('deploy_before.py', 'deploy/deploy.py');
    assert.equal(fragment.format, 'gcloud');
    assert.deepEqual(fragment.data, { project: 'acme-prod', services: [{ ...INCIDENT_SERVICE, egress: 'private-ranges-only' }] });
  });

  it('reads the script after the change: all-traffic, at the line and column of the flag', () => {
    const fragment = importExample('deploy_after.py', 'after/deploy.py');
    assert.deepEqual(fragment.data, { project: 'acme-prod', services: [{ ...INCIDENT_SERVICE, egress: 'all-traffic' }] });
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'deploy_after.py', line: 20, column: 9 });
    assert.equal(fragment.lineText('deploy_after.py', 20), '        "--vpc-egress", "all-traffic",');
  });

  it('locates the service at its gcloud word and each attribute at its flag', () => {
    const fragment = importExample('deploy_after.py', 'after/deploy.py');
    assert.deepEqual(fragment.locate(['services', 0]), { file: 'deploy_after.py', line: 15, column: 9 });
    assert.deepEqual(fragment.locate(['services', 0, 'connector']), { file: 'deploy_after.py', line: 19, column: 9 });
    assert.deepEqual(fragment.locate(['services', 0, 'env', 'DATABASE_URL']), { file: 'deploy_after.py', line: 22, column: 9 });
    assert.deepEqual(fragment.locate(['services', 0, 'cloudSqlInstances', 0]), { file: 'deploy_after.py', line: 21, column: 9 });
    assert.deepEqual(fragment.locate(['project']), { file: 'deploy_after.py', line: 17, column: 9 });
  });

  it('notes that --add-cloudsql-instances cannot show the instances already attached, and never the password', () => {
    const fragment = importExample('deploy_after.py', 'after/deploy.py');
    assert.deepEqual(fragment.notes, [
      'services[api].cloudSqlInstances: --add-cloudsql-instances adds to the instances the service may already have, which deploy_after.py does not show; only the added ones are listed',
    ]);
    assert.ok(fragment.notes.every((note) => !note.includes('hunter2')));
  });
});

describe('importGcloudScript: other script languages', () => {
  it('reads a bash script with continuations, variables, a flag list in a variable and gcloud config', () => {
    const fragment = importFixture('deploy-api.sh');
    assert.deepEqual(fragment.data, {
      project: 'acme-prod',
      services: [
        {
          name: 'api',
          region: 'europe-west1',
          connector: 'run-egress',
          egress: 'private-ranges-only',
          minInstances: 1,
          maxInstances: 20,
          concurrency: 40,
          timeoutSeconds: 300,
          env: { LOG_LEVEL: 'info', REDIS_URL: 'redis://10.0.0.3:6379' },
          cloudSqlInstances: ['acme-prod:europe-west1:main-db'],
        },
        { name: 'worker', region: 'europe-west1', egress: 'unknown', timeoutSeconds: 2700, directVpc: { network: 'vpc', subnet: 'run-subnet', tags: ['worker', 'egress'] } },
      ],
    });
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'deploy-api.sh', line: 17, column: 3 });
    assert.deepEqual(fragment.locate(['services', 1, 'egress']), { file: 'deploy-api.sh', line: 24, column: 3 });
    assert.equal(fragment.unknownReason(['services', 1, 'egress']), '--vpc-egress is given by $WORKER_EGRESS, which is not set in deploy-api.sh');
    assert.deepEqual(fragment.locate(['project']), { file: 'deploy-api.sh', line: 11, column: 27 });
    assert.deepEqual(fragment.notes, ['services[api].env: --update-env-vars keeps the variables the service may already have, which deploy-api.sh does not show']);
  });

  it('reads a GitHub Actions workflow: env at every level, ${{ env.X }}, positions in the YAML file', () => {
    const fragment = importFixture('github-deploy.yml');
    assert.deepEqual(fragment.data, {
      project: 'acme-prod',
      services: [{ name: 'api', region: 'europe-west1', connector: 'run-egress', egress: 'all-traffic', secrets: [{ env: 'DATABASE_URL', secret: 'database-url', version: '3' }] }],
    });
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'github-deploy.yml', line: 27, column: 13 });
    assert.deepEqual(fragment.locate(['services', 0]), { file: 'github-deploy.yml', line: 22, column: 11 });
  });

  it('reads a Cloud Build config: entrypoint gcloud with args, substitutions, and a bash -c step', () => {
    const fragment = importFixture('cloudbuild.yaml');
    assert.deepEqual(fragment.data, {
      networks: [{ name: 'vpc', routers: [{ name: 'egress-router', region: 'europe-west1', nats: [{ name: 'egress-nat', subnets: 'all', natIps: 'auto' }] }] }],
      services: [{ name: 'api', region: 'europe-west1', connector: 'run-egress', egress: 'all-traffic' }],
    });
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'cloudbuild.yaml', line: 17, column: 9 });
    assert.deepEqual(fragment.locate(['networks', 0, 'routers', 0, 'nats', 0, 'natIps']), { file: 'cloudbuild.yaml', line: 26, column: 38 });
    assert.deepEqual(fragment.notes, ['services[api].cloudSqlInstances: --add-cloudsql-instances is given by $PROJECT_ID, which Cloud Build fills in at build time; not imported']);
  });

  it('reads a JavaScript module that builds the argument array and pushes to it before execFile', () => {
    const fragment = importFixture('deploy-execfile.mjs');
    assert.deepEqual(fragment.data, {
      services: [
        {
          name: 'web',
          region: 'europe-west1',
          egress: 'private-ranges-only',
          directVpc: { network: 'vpc', subnet: 'run-subnet' },
          env: { API_URL: 'https://api.example.com', REGION: 'europe-west1' },
        },
      ],
    });
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'deploy-execfile.mjs', line: 15, column: 5 });
    assert.deepEqual(fragment.locate(['services', 0, 'env', 'REGION']), { file: 'deploy-execfile.mjs', line: 17, column: 13 });
  });
});

describe('importGcloudScript: commands in different branches', () => {
  const UNSETTLED = '(which command runs is not known from the script)';

  it('makes an egress that two branches set differently unknown, at the later flag, and keeps what they agree on', () => {
    const fragment = importFixture('branches.sh');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', region: 'europe-west1', connector: 'run-egress', egress: 'unknown' }] });
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), `--vpc-egress is all-traffic at branches.sh:3 and private-ranges-only at branches.sh:5 ${UNSETTLED}`);
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'branches.sh', line: 5, column: 74 });
    assert.equal(fragment.lineText('branches.sh', 5)?.slice(73), '--vpc-egress=private-ranges-only');
    assert.deepEqual(fragment.locate(['services', 0, 'connector']), { file: 'branches.sh', line: 5, column: 47 });
    assert.equal(fragment.unknownReason(['services', 0, 'connector']), undefined);
    assert.equal(fragment.unknownReason(['services', 0, 'region']), undefined);
    assert.deepEqual(fragment.notes, []);
  });

  it('keeps a value both branches give, and lets a later command at the top level decide', () => {
    const same = importGcloudScript('deploy.sh', 'if [ "$ENV" = prod ]; then\n  gcloud run deploy api --vpc-egress all\nelse\n  gcloud run deploy api --vpc-egress all-traffic\nfi\n');
    assert.deepEqual(same.data, { services: [{ name: 'api', egress: 'all-traffic' }] });
    assert.deepEqual(same.notes, []);
    const after = importGcloudScript('deploy.sh', `${readFixture('branches.sh')}gcloud run services update api --vpc-egress private-ranges-only\n`);
    assert.deepEqual(after.data, { services: [{ name: 'api', region: 'europe-west1', connector: 'run-egress', egress: 'private-ranges-only' }] });
    assert.equal(after.unknownReason(['services', 0, 'egress']), undefined);
  });

  it('applies straight-line commands in order: a later flag wins, --update-env-vars adds keys', () => {
    const fragment = importGcloudScript('deploy.sh', 'gcloud run deploy api --vpc-egress all-traffic --set-env-vars A=1\ngcloud run services update api --vpc-egress private-ranges-only --update-env-vars B=2\n');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', egress: 'private-ranges-only', env: { A: '1', B: '2' } }] });
    assert.deepEqual(fragment.notes, []);
  });

  it('makes a command in one branch unsettle the value a top-level command gave', () => {
    const fragment = importGcloudScript('deploy.sh', 'gcloud run deploy api --vpc-egress private-ranges-only\n[ "$ENV" = prod ] && gcloud run services update api --vpc-egress all-traffic\n');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', egress: 'unknown' }] });
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), `--vpc-egress is private-ranges-only at deploy.sh:1 and all-traffic at deploy.sh:2 ${UNSETTLED}`);
  });

  it('a region set differently on two branches is unknown, with a note', () => {
    const fragment = importGcloudScript('deploy.sh', 'case "$ENV" in\n  prod) gcloud run deploy api --region europe-west1 --max-instances 20 ;;\n  *) gcloud run deploy api --region us-east1 --max-instances 20 ;;\nesac\n');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', region: 'unknown', maxInstances: 20 }] });
    // The two branches' values are the unknown's reason, so the paths that need the region say why.
    assert.match(fragment.unknownReason(['services', 0, 'region']) ?? '', /europe-west1 at deploy\.sh:2 and us-east1 at deploy\.sh:3/);
  });

  it('names env variables but never their values', () => {
    const script = [
      'if [ "$ENV" = prod ]; then',
      '  gcloud run deploy api --set-env-vars DATABASE_URL=postgres://app:hunter2@/db,LOG_LEVEL=info',
      'else',
      '  gcloud run deploy api --set-env-vars DATABASE_URL=postgres://app:letmein@/db,LOG_LEVEL=info,DEBUG=1',
      'fi',
      '',
    ].join('\n');
    const fragment = importGcloudScript('deploy.sh', script);
    assert.deepEqual(fragment.data, { services: [{ name: 'api', env: { LOG_LEVEL: 'info' } }] });
    assert.deepEqual(fragment.notes, [
      `services[api].env.DATABASE_URL: --set-env-vars sets it to different values at deploy.sh:2 and deploy.sh:4 ${UNSETTLED}; not imported`,
      `services[api].env.DEBUG: --set-env-vars is not set at deploy.sh:2 and set at deploy.sh:4 ${UNSETTLED}; not imported`,
    ]);
    assert.ok(fragment.notes.every((note) => !note.includes('hunter2') && !note.includes('letmein') && !note.includes('=1')));
  });

  it('does not order a function body before the commands below it', () => {
    const fragment = importGcloudScript('deploy.sh', 'open_egress() {\n  gcloud run services update api --vpc-egress all-traffic\n}\ngcloud run deploy api --vpc-egress private-ranges-only\nopen_egress\n');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', egress: 'unknown' }] });
  });

  it('reads the branches of Python and JavaScript code, Makefile rules and CI jobs', () => {
    const python = importGcloudScript('deploy.py', 'if env == "prod":\n    subprocess.run(["gcloud", "run", "deploy", "api", "--vpc-egress", "all-traffic"])\nelse:\n    subprocess.run(["gcloud", "run", "deploy", "api", "--vpc-egress", "private-ranges-only"])\n');
    assert.equal(python.unknownReason(['services', 0, 'egress']), `--vpc-egress is all-traffic at deploy.py:2 and private-ranges-only at deploy.py:4 ${UNSETTLED}`);
    const javascript = importGcloudScript('deploy.mjs', "if (prod) execFileSync('gcloud', ['run', 'deploy', 'api', '--vpc-egress=all-traffic']);\nelse execFileSync('gcloud', ['run', 'deploy', 'api', '--vpc-egress=private-ranges-only']);\n");
    assert.equal(javascript.unknownReason(['services', 0, 'egress']), `--vpc-egress is all-traffic at deploy.mjs:1 and private-ranges-only at deploy.mjs:2 ${UNSETTLED}`);
    const make = importGcloudScript('Makefile', 'prod:\n\tgcloud run deploy api --vpc-egress all-traffic\nstaging:\n\tgcloud run deploy api --vpc-egress private-ranges-only\n');
    assert.deepEqual(make.data, { services: [{ name: 'api', egress: 'unknown' }] });
    const workflow = importGcloudScript('deploy.yml', 'jobs:\n  prod:\n    steps:\n      - run: gcloud run deploy api --vpc-egress all-traffic\n  staging:\n    steps:\n      - run: gcloud run deploy api --vpc-egress private-ranges-only\n');
    assert.deepEqual(workflow.data, { services: [{ name: 'api', egress: 'unknown' }] });
    const steps = importGcloudScript('deploy.yml', 'jobs:\n  prod:\n    steps:\n      - run: gcloud run deploy api --vpc-egress all-traffic\n      - run: gcloud run services update api --vpc-egress private-ranges-only\n');
    assert.deepEqual(steps.data, { services: [{ name: 'api', egress: 'private-ranges-only' }] });
  });
});

describe('importGcloudScript: malformed input', () => {
  it('refuses a script with no gcloud command', () => {
    const error = importError('no-gcloud.sh', readFixture('no-gcloud.sh'));
    assert.deepEqual(error.diagnostics, [
      {
        file: 'no-gcloud.sh',
        line: undefined,
        column: undefined,
        keyPath: undefined,
        message: 'no gcloud command found; expected a deploy script calling `gcloud run deploy` (or `gcloud sql instances create`, `gcloud compute networks …`) from shell, Python, JavaScript, a Makefile, a Dockerfile or CI YAML',
        sourceLine: undefined,
      },
    ]);
  });

  it('points at an unterminated quote, and never shows the password on its line', () => {
    const error = importError('unterminated-quote.sh', readFixture('unterminated-quote.sh'));
    const [diagnostic] = error.diagnostics;
    assert.equal(error.diagnostics.length, 1);
    assert.equal(diagnostic?.line, 4);
    assert.equal(diagnostic.column, 18);
    assert.equal(diagnostic.message, 'unterminated double quote; expected a closing " before the end of the script');
    assert.ok(!error.message.includes('hunter2'));
    assert.ok(!formatDiagnostic(diagnostic).includes('hunter2'));
  });

  it('points at an unterminated string in Python', () => {
    const error = importError('deploy.py', 'cmd = ["gcloud", "run", "deploy", "api",\n       "--vpc-egress", "all-traffic]\n');
    assert.deepEqual(error.diagnostics.map((d) => [d.line, d.column, d.message]), [[2, 24, 'unterminated string; expected a closing " on the same line']]);
  });

  it('reports every bad flag value at once, naming env items by number rather than quoting them', () => {
    const error = importError('deploy.sh', 'gcloud run deploy api --vpc-egress everything \\\n  --set-env-vars "DATABASE_URL=postgres://u:hunter2@h/db,DEBUG" --timeout soon\n');
    assert.deepEqual(
      error.diagnostics.map((d) => [d.line, d.column, d.message]),
      [
        [1, 36, '--vpc-egress: expected all-traffic or private-ranges-only, got "everything"'],
        [2, 18, '--set-env-vars: expected KEY=VALUE pairs separated by "," (item 2 has no "="); to put a "," inside a value, start the list with ^DELIM^ (see `gcloud topic escaping`)'],
        [2, 75, '--timeout: expected seconds, or a duration such as 300s, 5m or 1h, got "soon"'],
      ],
    );
    assert.ok(!error.message.includes('hunter2'));
    assert.ok(error.diagnostics.every((d) => !formatDiagnostic(d).includes('hunter2')));
  });

  it('redacts a URL password quoted in the reason an egress is unknown', () => {
    const fragment = importGcloudScript('deploy.sh', 'gcloud run deploy api --vpc-egress "$(curl -s https://ops:hunter2-and-then-some-more@config.internal/egress)"\n');
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), '--vpc-egress is given by $(curl -s https://ops:***@config.intern…, which is the output of a command, known only at run time');
  });

  it('an env value it cannot read is unknown, not absent, and its reason keeps the password out', () => {
    const fragment = importGcloudScript('deploy.sh', 'gcloud run deploy api --set-env-vars "DATABASE_URL=postgres://app:hunter2@/db?host=/cloudsql/p:europe-west1:db&x=$SUFFIX"\n');
    assert.deepEqual(fragment.data, { services: [{ name: 'api', env: { DATABASE_URL: 'unknown' } }] });
    assert.equal(fragment.unknownReason(['services', 0, 'env', 'DATABASE_URL']), 'its value is given by $SUFFIX, which is not set in deploy.sh');
    assert.deepEqual(fragment.notes, []);
  });
});

describe('containsGcloudCommand and scriptKind', () => {
  it('finds gcloud as a command word in every supported form', () => {
    assert.equal(containsGcloudCommand('gcloud run deploy api'), true);
    assert.equal(containsGcloudCommand('cmd = ["gcloud", "run"]'), true);
    assert.equal(containsGcloudCommand("execFile('gcloud', args)"), true);
    assert.equal(containsGcloudCommand('    entrypoint: gcloud\n'), true);
    assert.equal(containsGcloudCommand('  - name: gcr.io/cloud-builders/gcloud\n'), true);
    assert.equal(containsGcloudCommand('/usr/lib/google-cloud-sdk/bin/gcloud config list'), true);
  });

  it('ignores text that only contains the letters', () => {
    assert.equal(containsGcloudCommand('docker build -t api .'), false);
    assert.equal(containsGcloudCommand('GCLOUD_PROJECT=x node app.js'), false);
    assert.equal(containsGcloudCommand('see https://cloud.google.com/sdk/gcloud-overview'), false);
  });

  it('tells script languages apart by name, then by the #! line', () => {
    assert.equal(scriptKind('deploy.py', ''), 'python');
    assert.equal(scriptKind('deploy.ts', ''), 'javascript');
    assert.equal(scriptKind('.gitlab-ci.yml', ''), 'ci-yaml');
    assert.equal(scriptKind('infra/Makefile', ''), 'makefile');
    assert.equal(scriptKind('Dockerfile.deploy', ''), 'dockerfile');
    assert.equal(scriptKind('bin/deploy', '#!/usr/bin/env python3\n'), 'python');
    assert.equal(scriptKind('bin/deploy', '#!/usr/bin/env node\n'), 'javascript');
    assert.equal(scriptKind('bin/deploy', '#!/bin/bash\n'), 'shell');
  });
});
