import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fragment } from '../fragment.js';
import { importGcloudScript } from './script.js';

const read = (script: string): Fragment => importGcloudScript('deploy.sh', script);
const services = (script: string): unknown => read(script).data.services;

describe('gcloud run deploy: egress and connectivity', () => {
  it('maps --vpc-egress all to all-traffic, and --vpc-connector paths to names', () => {
    assert.deepEqual(services('gcloud beta run deploy api --vpc-egress=all --vpc-connector=projects/p/locations/europe-west1/connectors/c1\n'), [{ name: 'api', egress: 'all-traffic', connector: 'c1' }]);
  });

  it('makes an egress given by an unset variable unknown, with why, at the flag', () => {
    const fragment = read('gcloud run deploy api \\\n  --vpc-egress "$EGRESS"\n');
    assert.deepEqual(fragment.data.services, [{ name: 'api', egress: 'unknown' }]);
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), '--vpc-egress is given by $EGRESS, which is not set in deploy.sh');
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: 'deploy.sh', line: 2, column: 3 });
  });

  it('reads Direct VPC egress, and clears what the script clears', () => {
    const script = 'gcloud run deploy api --vpc-connector c1 --network projects/p/global/networks/vpc --subnet run --network-tags a,b\ngcloud run services update api --clear-vpc-connector --clear-network-tags\n';
    const fragment = read(script);
    assert.deepEqual(fragment.data.services, [{ name: 'api', directVpc: { network: 'vpc', subnet: 'run', tags: [] } }]);
    assert.deepEqual(fragment.notes, ["services[api].connector: --clear-vpc-connector removes the service's connector"]);
    assert.deepEqual(fragment.locate(['services', 0, 'directVpc', 'tags']), { file: 'deploy.sh', line: 2, column: 54 });
  });

  it('uses gcloud config and CLOUDSDK_* variables when a command has no --region or --project', () => {
    const script = 'export CLOUDSDK_CORE_PROJECT=acme\ngcloud config set run/region europe-west1\ngcloud run deploy api --add-cloudsql-instances main-db\n';
    const fragment = read(script);
    assert.deepEqual(fragment.data, { project: 'acme', services: [{ name: 'api', region: 'europe-west1', cloudSqlInstances: ['acme:europe-west1:main-db'] }] });
    assert.deepEqual(fragment.locate(['services', 0, 'region']), { file: 'deploy.sh', line: 2, column: 30 });
  });
});

describe('gcloud run deploy: Cloud SQL instances, env vars and secrets', () => {
  it('sets, adds and removes Cloud SQL instances in script order', () => {
    const script = 'gcloud run deploy api --set-cloudsql-instances p:europe-west1:a,p:europe-west1:b\ngcloud run services update api --remove-cloudsql-instances p:europe-west1:a --add-cloudsql-instances p:europe-west1:c,p:europe-west1:b\n';
    const fragment = read(script);
    assert.deepEqual(fragment.data.services, [{ name: 'api', cloudSqlInstances: ['p:europe-west1:b', 'p:europe-west1:c'] }]);
    assert.deepEqual(fragment.notes, []);
  });

  it('keeps a bare instance name when the project or region is not known, and notes a removal it cannot apply', () => {
    const fragment = read('gcloud run deploy api --add-cloudsql-instances main-db --remove-cloudsql-instances old-db\n');
    assert.deepEqual(fragment.data.services, [{ name: 'api', cloudSqlInstances: ['main-db'] }]);
    assert.deepEqual(fragment.notes, [
      'services[api].cloudSqlInstances: --remove-cloudsql-instances removes instances from a list deploy.sh does not show',
      'services[api].cloudSqlInstances: --add-cloudsql-instances adds to the instances the service may already have, which deploy.sh does not show; only the added ones are listed',
    ]);
  });

  it("reads env vars, with gcloud's ^DELIM^ syntax for values holding commas", () => {
    const script = "gcloud run deploy api --set-env-vars '^;^ORIGINS=https://a.example,https://b.example;MODE=fast'\ngcloud run services update api --update-env-vars=EXTRA=1 --remove-env-vars MODE\n";
    const fragment = read(script);
    assert.deepEqual(fragment.data.services, [{ name: 'api', env: { ORIGINS: 'https://a.example,https://b.example', EXTRA: '1' } }]);
    assert.deepEqual(fragment.notes, []);
  });

  it('notes an --env-vars-file it does not read and --update-env-vars on a service it cannot see', () => {
    assert.deepEqual(read('gcloud run deploy api --update-env-vars A=1 --env-vars-file=env.yaml\n').notes, [
      'services[api].env: --update-env-vars keeps the variables the service may already have, which deploy.sh does not show',
      'services[api].env: --env-vars-file is not read; the variables it sets are not imported',
    ]);
  });

  it('leaves env and secrets out, rather than empty, when the script hides what they hold', () => {
    const fragment = read('gcloud run deploy api --set-env-vars A=1 --set-secrets K=k:1\ngcloud run deploy api --set-env-vars "$ENV_VARS" --set-secrets "$SECRETS"\n');
    assert.deepEqual(fragment.data.services, [{ name: 'api' }]);
    assert.deepEqual(fragment.notes, [
      'services[api].env: part of --set-env-vars is given by $ENV_VARS, which is not set in deploy.sh; what it sets is not imported',
      'services[api].secrets: part of --set-secrets is given by $SECRETS, which is not set in deploy.sh; what it sets is not imported',
    ]);
    assert.deepEqual(read('gcloud run deploy api --clear-env-vars\n').data.services, [{ name: 'api', env: {} }]);
  });

  it('reads secrets as env vars and mounts, by name or full path, and updates them by key', () => {
    const script = 'gcloud run deploy api --set-secrets=DB_URL=projects/123/secrets/db-url:2,/etc/tls/cert=tls:latest\ngcloud run services update api --update-secrets DB_URL=db-url-v2:1 --remove-secrets /etc/tls/cert\n';
    assert.deepEqual(services(script), [{ name: 'api', secrets: [{ env: 'DB_URL', secret: 'db-url-v2', version: '1' }] }]);
  });
});

describe('gcloud run deploy: scaling and timeouts', () => {
  it('reads instance bounds, concurrency and every timeout form', () => {
    const forms: [string, number][] = [['300', 300], ['300s', 300], ['5m', 300], ['1h', 3600], ['1m20s', 80]];
    for (const [timeout, seconds] of forms) {
      assert.deepEqual(services(`gcloud run deploy api --min-instances 1 --max-instances=30 --concurrency 50 --timeout ${timeout}\n`), [{ name: 'api', minInstances: 1, maxInstances: 30, concurrency: 50, timeoutSeconds: seconds }]);
    }
  });

  it('notes what it does not model or cannot know, and ignores --image', () => {
    const fragment = read('gcloud run deploy api --image gcr.io/p/api --cpu 2 --memory=1Gi --max-instances default --concurrency $CONC\n');
    assert.deepEqual(fragment.data.services, [{ name: 'api' }]);
    assert.deepEqual(fragment.notes, [
      'services[api].maxInstances: --max-instances default resets it; the schema default applies',
      'services[api].concurrency: --concurrency is given by $CONC, which is not set in deploy.sh; not imported, so the schema default applies',
      'services[api]: --cpu 2 is not modelled; ignored',
      'services[api]: --memory 1Gi is not modelled; ignored',
    ]);
  });

  it('skips a command whose service name is not known, and notes flags hidden in a variable', () => {
    const fragment = read('gcloud run deploy "$1" --vpc-egress all-traffic\ngcloud run deploy api $EXTRA_FLAGS\n');
    assert.deepEqual(fragment.data.services, [{ name: 'api' }]);
    assert.deepEqual(fragment.notes, [
      'deploy.sh:1: gcloud run deploy: the service name is given by $1, which is an argument the script is given at run time; the command is left out',
      'deploy.sh:2: gcloud run deploy: $EXTRA_FLAGS, which is not set in deploy.sh stands where flags are expected; any flags it holds are not imported',
    ]);
  });

  it('notes a gcloud command whose command group the script leaves to run time', () => {
    const python = importGcloudScript('deploy.py', 'def gcloud(*args):\n    subprocess.run(["gcloud", *args])\ngcloud("run", "deploy", "api")\n');
    assert.deepEqual(python.data, {});
    assert.deepEqual(python.notes, [
      'deploy.py:2: a gcloud command is given by *args, which adds arguments that are not a literal list in deploy.py; not imported',
      'deploy.py: none of its 1 gcloud command(s) configures Cloud Run, Cloud SQL, Serverless VPC Access or the network',
    ]);
    assert.deepEqual(read('gcloud run $VERB api\ngcloud auth login $USER\n').notes.slice(0, 1), ['deploy.sh:1: a gcloud command is given by $VERB, which is not set in deploy.sh; not imported']);
  });

  it('notes a second project and keeps the first', () => {
    const fragment = read('gcloud run deploy a --project one\ngcloud run deploy b --project two\n');
    assert.equal(fragment.data.project, 'one');
    assert.deepEqual(fragment.notes, ['project: deploy.sh names project one (line 1) and two (line 2); the first is used']);
  });
});

describe('gcloud: jobs, functions, replace', () => {
  it('reads `gcloud run jobs deploy` as a job: its network flags, one task per instance, --parallelism instances at once', () => {
    assert.deepEqual(services('gcloud run jobs deploy nightly --image gcr.io/acme/job --region europe-west1 --tasks 50 --parallelism 5 --vpc-connector c1 --vpc-egress all-traffic\n'), [
      { name: 'nightly', workload: 'job', region: 'europe-west1', connector: 'c1', egress: 'all-traffic', maxInstances: 5, concurrency: 1 },
    ]);
    assert.deepEqual(services('gcloud beta run jobs create weekly --tasks 3 --parallelism 0\n'), [{ name: 'weekly', workload: 'job', maxInstances: 3, concurrency: 1 }], 'parallelism 0 runs every task at once');
  });

  it('reads `gcloud functions deploy` (2nd gen) as a function: --egress-settings all is all-traffic; --no-gen2 is left out', () => {
    const fragment = read('gcloud functions deploy bot --gen2 --trigger-http --region=europe-west1 --vpc-connector=c1 --egress-settings=all --max-instances=30\ngcloud functions deploy old --no-gen2 --trigger-http\n');
    assert.deepEqual(fragment.data.services, [{ name: 'bot', workload: 'function', region: 'europe-west1', connector: 'c1', egress: 'all-traffic', maxInstances: 30 }]);
    assert.deepEqual(fragment.notes, ['deploy.sh:2: gcloud functions deploy old --no-gen2 deploys a 1st gen function, which is not in the model; it is left out']);
    assert.throws(() => read('gcloud functions deploy bot --egress-settings=all-traffic\n'), /--egress-settings: expected all or private-ranges-only, got "all-traffic"/);
  });

  it('a revision deployed with --no-traffic is still deployed: its settings are read', () => {
    assert.deepEqual(services('gcloud run deploy api --no-traffic --tag canary --vpc-connector c1 --vpc-egress all-traffic\n'), [{ name: 'api', connector: 'c1', egress: 'all-traffic' }]);
  });

  it('notes `gcloud run services replace FILE`: the file is the input that describes the service', () => {
    const fragment = read('gcloud run services replace service.yaml --region europe-west1\ngcloud run deploy api --vpc-connector c1\n');
    assert.deepEqual(fragment.notes, ['deploy.sh:1: gcloud run services replace service.yaml deploys the service that file describes: it is read as a Cloud Run service input when it is among the inputs']);
  });
});

