import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildTopology } from '../model/build.js';
import { topologyFileSchema } from '../model/schema.js';
import { cloudRunKind, importCloudRunService } from './cloud-run.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/import/cloud-run/${name}`, import.meta.url), 'utf8');
const importFixture = (name: string) => importCloudRunService(name, fixture(name));
const lineOf = (fragment: ReturnType<typeof importFixture>, path: readonly (string | number)[]) => {
  const at = fragment.locate(path);
  return at === undefined ? undefined : `${at.file}:${at.line}:${at.column}`;
};

const PASSWORD = 'Tr0ub4dor-staging';

describe('importCloudRunService: v1 export (the staging backend after the outage change)', () => {
  const file = 'v1-backend-all-traffic.yaml';
  const fragment = importFixture(file);

  it('keeps exactly what the export says, with the connector path reduced to its name', () => {
    assert.equal(fragment.format, 'cloud-run');
    assert.deepEqual(fragment.data, {
      services: [
        {
          name: 'backend',
          region: 'europe-west1',
          connector: 'staging-connector',
          egress: 'all-traffic',
          cloudSqlInstances: ['acme-staging:europe-west1:staging-db'],
          minInstances: 1,
          maxInstances: 20,
          concurrency: 80,
          timeoutSeconds: 300,
          startupProbe: { type: 'tcp', timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1 },
          env: {
            DATABASE_URL: `postgresql://backend:${PASSWORD}@/backend?host=/cloudsql/acme-staging:europe-west1:staging-db`,
            REDIS_HOST: '10.20.1.4',
            CLICKHOUSE_URL: 'https://analytics.europe-west4.gcp.clickhouse.cloud:8443',
          },
          secrets: [{ env: 'OPENAI_API_KEY', secret: 'openai-api-key', version: '4' }],
        },
      ],
    });
  });

  it('points each value at its line: egress and connector at their annotations', () => {
    assert.equal(lineOf(fragment, ['services', 0, 'egress']), `${file}:24:47`);
    assert.equal(lineOf(fragment, ['services', 0, 'connector']), `${file}:23:50`);
    assert.deepEqual(fragment.locate(['services', 0, 'egress'], { key: true }), { file, line: 24, column: 9 });
    assert.equal(lineOf(fragment, ['services', 0, 'cloudSqlInstances', 0]), `${file}:21:48`);
    assert.equal(lineOf(fragment, ['services', 0, 'maxInstances']), `${file}:18:43`);
    assert.equal(lineOf(fragment, ['services', 0, 'minInstances']), `${file}:19:43`);
    assert.equal(lineOf(fragment, ['services', 0, 'env', 'DATABASE_URL']), `${file}:32:18`);
    assert.equal(lineOf(fragment, ['services', 0, 'secrets', 0]), `${file}:40:15`);
    assert.equal(lineOf(fragment, ['services', 0, 'startupProbe', 'type']), `${file}:54:13`);
    assert.equal(lineOf(fragment, ['services', 0, 'timeoutSeconds']), `${file}:57:23`);
    // A value the input does not give points at the service.
    assert.equal(lineOf(fragment, ['services', 0, 'directVpc']), `${file}:12:9`);
    assert.equal(fragment.lineText(file, 24), '        run.googleapis.com/vpc-access-egress: all-traffic');
    assert.equal(fragment.lineText('other.yaml', 24), undefined);
  });

  it('leaves the project unset for a project number, says so, and never repeats the password', () => {
    assert.deepEqual(fragment.notes, [
      'services[backend]: metadata.namespace is project number 412873561920, not a project ID; the top-level project is left unset',
    ]);
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), undefined);
    assert.ok(!JSON.stringify(fragment.notes).includes(PASSWORD));
  });

  it('builds: the schema accepts the fragment and the dependencies are inferred from env and the Cloud SQL mount', () => {
    const { topology } = buildTopology(topologyFileSchema.parse(fragment.data), file);
    const [service] = topology.services;
    assert.ok(service);
    assert.equal(service.egress, 'all-traffic');
    assert.deepEqual(service.vpcAccess, { kind: 'connector', connector: 'staging-connector', origin: { file, path: ['services', 0, 'connector'] } });
    assert.deepEqual([service.minInstances, service.maxInstances, service.concurrency, service.timeoutSeconds], [1, 20, 80, 300]);
    assert.deepEqual(
      service.dependencies.map((d) => [d.name, d.kind, d.display, d.provenance.kind === 'inferred' ? d.provenance.detail : 'declared']),
      [
        ['staging-db', 'postgres', '/cloudsql/acme-staging:europe-west1:staging-db', 'env DATABASE_URL'],
        ['redis', 'redis', '10.20.1.4:6379', 'env REDIS_HOST'],
        ['clickhouse', 'https', 'https://analytics.europe-west4.gcp.clickhouse.cloud:8443', 'env CLICKHOUSE_URL'],
        // The key is read from Secret Manager: its name says which API the service calls.
        ['openai', 'https', 'https://api.openai.com', 'secret openai-api-key as OPENAI_API_KEY'],
      ],
    );
    assert.equal(service.env.find((e) => e.name === 'DATABASE_URL')?.display.includes(PASSWORD), false);
  });
});

describe('importCloudRunService: v2 REST JSON with Direct VPC and a Cloud SQL volume', () => {
  const file = 'v2-worker-direct-vpc.json';
  const fragment = importFixture(file);

  it('reads the name, region and project from the resource name, and the interface as names', () => {
    assert.deepEqual(fragment.data, {
      project: 'acme-staging',
      services: [
        {
          name: 'worker',
          region: 'europe-west1',
          egress: 'private-ranges-only',
          directVpc: { network: 'staging-vpc', subnet: 'staging-run', tags: ['run-worker'] },
          cloudSqlInstances: ['acme-staging:europe-west1:staging-db'],
          minInstances: 0,
          maxInstances: 8,
          concurrency: 40,
          timeoutSeconds: 900,
          startupProbe: { type: 'http', path: '/health/startup', initialDelaySeconds: 5, timeoutSeconds: 3, periodSeconds: 10, failureThreshold: 6 },
          env: { DB_HOST: '/cloudsql/acme-staging:europe-west1:staging-db', QUEUE_URL: 'redis://10.20.1.4:6379/2' },
          secrets: [{ env: 'DB_PASSWORD', secret: 'worker-db-password', version: '2' }],
        },
      ],
    });
    assert.deepEqual(fragment.notes, []);
  });

  it('points each value at its JSON line', () => {
    assert.equal(lineOf(fragment, ['project']), `${file}:2:11`);
    assert.equal(lineOf(fragment, ['services', 0, 'egress']), `${file}:13:17`);
    assert.equal(lineOf(fragment, ['services', 0, 'directVpc']), `${file}:15:9`);
    assert.equal(lineOf(fragment, ['services', 0, 'directVpc', 'subnet']), `${file}:17:25`);
    assert.equal(lineOf(fragment, ['services', 0, 'cloudSqlInstances', 0]), `${file}:46:65`);
    assert.equal(lineOf(fragment, ['services', 0, 'secrets', 0]), `${file}:30:69`);
    assert.equal(lineOf(fragment, ['services', 0, 'timeoutSeconds']), `${file}:22:16`);
  });

  it('builds with a Direct VPC interface and the socket dependency', () => {
    const { topology } = buildTopology(topologyFileSchema.parse(fragment.data), file);
    const [service] = topology.services;
    assert.ok(service);
    assert.equal(service.vpcAccess.kind, 'direct');
    assert.deepEqual(
      service.dependencies.map((d) => [d.name, d.target.kind]),
      [
        ['staging-db', 'cloudsql-socket'],
        ['queue', 'address'],
      ],
    );
  });
});

describe('importCloudRunService: v1 with Direct VPC, secret alias, secret volume and a sidecar', () => {
  const file = 'v1-auth-direct-vpc-secret-volume.yaml';
  const fragment = importFixture(file);

  it('resolves the alias, mounts one file per item, takes the ingress container\'s probe, and maps `all`', () => {
    assert.deepEqual(fragment.data, {
      project: 'acme-staging',
      services: [
        {
          name: 'auth',
          region: 'europe-west1',
          egress: 'all-traffic',
          directVpc: { network: 'staging-vpc', subnet: 'staging-run', tags: ['run-auth'] },
          maxInstances: 10,
          startupProbe: { type: 'http', path: '/health/startup', periodSeconds: 5, failureThreshold: 12 },
          env: { PORT_METRICS: 9464, OTLP_ENDPOINT: 'https://telemetry.googleapis.com' },
          secrets: [
            { env: 'JWT_SIGNING_KEY', secret: 'jwt-signing-key', version: 'latest' },
            { mount: '/secrets/db/url', secret: 'auth-database-url', version: '2' },
          ],
        },
      ],
    });
    assert.deepEqual(fragment.notes, [
      "services[auth].concurrency: containerConcurrency 0 asks for Cloud Run's default; the schema default applies",
      'services[auth].startupProbe: the probe of sidecar container "collector" is not modelled; the topology holds the ingress container\'s',
    ]);
  });

  it('points the Direct VPC interface and the mounted secret at their lines', () => {
    assert.equal(lineOf(fragment, ['services', 0, 'directVpc']), `${file}:15:48`);
    assert.equal(lineOf(fragment, ['services', 0, 'egress']), `${file}:16:47`);
    assert.equal(lineOf(fragment, ['services', 0, 'secrets', 1]), `${file}:53:17`);
    assert.equal(lineOf(fragment, ['services', 0, 'env', 'OTLP_ENDPOINT']), `${file}:26:22`);
  });
});

describe('cloudRunKind', () => {
  it('tells v1, v2 and everything else apart', () => {
    assert.equal(cloudRunKind({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' }), 'v1');
    assert.equal(cloudRunKind({ name: 'projects/p/locations/europe-west1/services/api', template: {} }), 'v2');
    assert.equal(cloudRunKind({ apiVersion: 'run.googleapis.com/v1', kind: 'Job' }), undefined);
    assert.equal(cloudRunKind({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' } }), undefined);
    assert.equal(cloudRunKind({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', template: {} }), undefined);
    assert.equal(cloudRunKind({ name: 'api', template: 'x' }), undefined);
    assert.equal(cloudRunKind({ services: [{ name: 'api' }] }), undefined);
    assert.equal(cloudRunKind([{ name: 'api', template: {} }]), undefined);
    assert.equal(cloudRunKind('Service'), undefined);
  });
});
