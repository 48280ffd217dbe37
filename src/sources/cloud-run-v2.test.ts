import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importCloudRunService } from './cloud-run.js';

const v2 = (service: Record<string, unknown>) => importCloudRunService('service.json', JSON.stringify(service, null, 2));

describe('importCloudRunService: v2 details', () => {
  it('a connector path becomes its name; ALL_TRAFFIC becomes all-traffic; a grpc probe keeps only its type', () => {
    const fragment = v2({
      name: 'projects/acme-prod/locations/us-central1/services/api',
      template: {
        vpcAccess: { connector: 'projects/acme-prod/locations/us-central1/connectors/prod-connector', egress: 'ALL_TRAFFIC' },
        containers: [{ image: 'api:1', startupProbe: { grpc: { port: 8081, service: 'health' } } }],
      },
    });
    assert.deepEqual(fragment.data, {
      project: 'acme-prod',
      services: [{ name: 'api', region: 'us-central1', connector: 'prod-connector', egress: 'all-traffic', startupProbe: { type: 'grpc' } }],
    });
  });

  it('VPC_EGRESS_UNSPECIFIED is left out, as unset', () => {
    const fragment = v2({ name: 'projects/p/locations/europe-west1/services/api', template: { vpcAccess: { egress: 'VPC_EGRESS_UNSPECIFIED' } } });
    assert.deepEqual(fragment.data, { project: 'p', services: [{ name: 'api', region: 'europe-west1' }] });
  });

  it('a secret volume without items mounts one file named after the secret; with items, one per item', () => {
    const fragment = v2({
      name: 'projects/p/locations/europe-west1/services/api',
      template: {
        containers: [
          {
            image: 'api:1',
            volumeMounts: [
              { name: 'tls', mountPath: '/etc/tls' },
              { name: 'config', mountPath: '/etc/config/' },
              { name: 'scratch', mountPath: '/tmp/scratch' },
            ],
          },
        ],
        volumes: [
          { name: 'tls', secret: { secret: 'projects/shared/secrets/api-tls-key' } },
          { name: 'config', secret: { secret: 'api-config', items: [{ path: 'app.json', version: '5' }, { path: 'flags.json' }] } },
          { name: 'scratch', emptyDir: { medium: 'MEMORY' } },
        ],
      },
    });
    assert.deepEqual(fragment.data.services?.[0]?.secrets, [
      { mount: '/etc/tls/api-tls-key', secret: 'api-tls-key' },
      { mount: '/etc/config/app.json', secret: 'api-config', version: '5' },
      { mount: '/etc/config/flags.json', secret: 'api-config' },
    ]);
  });

  it('a bare name has no region, a project number is not a project ID, and service-level scaling is noted', () => {
    const bare = v2({ name: 'api', template: {} });
    assert.deepEqual(bare.data, { services: [{ name: 'api' }] });
    assert.deepEqual(bare.notes, ['services[api].region: not in the input (`name` is not a full resource name); the top-level region applies']);

    const numbered = v2({ name: 'projects/412873561920/locations/europe-west1/services/api', scaling: { minInstanceCount: 2 }, template: {} });
    assert.deepEqual(numbered.data, { services: [{ name: 'api', region: 'europe-west1' }] });
    assert.deepEqual(numbered.notes, [
      'services[api]: service-level `scaling` is not modelled; min/max instances are the revision template\'s',
      'services[api]: `name` holds project number 412873561920, not a project ID; the top-level project is left unset',
    ]);
  });

  it('env of every container is read, and a conflicting value is noted by name only', () => {
    const fragment = v2({
      name: 'projects/p/locations/europe-west1/services/api',
      template: {
        containers: [
          { image: 'proxy:1', env: [{ name: 'UPSTREAM_URL', value: 'http://localhost:8081' }, { name: 'TOKEN', value: 'sidecar-value' }] },
          { image: 'api:1', ports: [{ containerPort: 8080 }], env: [{ name: 'TOKEN', value: 'app-value' }] },
        ],
      },
    });
    assert.deepEqual(fragment.data.services?.[0]?.env, { TOKEN: 'app-value', UPSTREAM_URL: 'http://localhost:8081' });
    assert.deepEqual(fragment.notes, ['services[api].env.TOKEN: set differently in containers 1 and 0; the value from container 1 is used']);
  });

  it('two network interfaces, an interface without network or subnetwork, and a non-string instance are errors', () => {
    assert.throws(
      () =>
        v2({
          name: 'projects/p/locations/europe-west1/services/api',
          template: {
            vpcAccess: { networkInterfaces: [{ tags: ['a'] }, { network: 'b' }] },
            volumes: [{ name: 'cloudsql', cloudSqlInstance: { instances: [42] } }],
          },
        }),
      (error: unknown) => {
        assert.ok(error instanceof Error && 'diagnostics' in error);
        const diagnostics = (error as { diagnostics: readonly { line: number; keyPath: string; message: string }[] }).diagnostics;
        assert.deepEqual(
          diagnostics.map((d) => `${d.line} ${d.keyPath}: ${d.message}`),
          [
            '11 template.vpcAccess.networkInterfaces[1]: expected one network interface (Cloud Run supports one), got 2',
            '6 template.vpcAccess.networkInterfaces[0]: expected `network` or `subnetwork` in the network interface',
            '21 template.volumes[0].cloudSqlInstance.instances[0]: expected a connection name such as "project:region:instance", got the number 42',
          ],
        );
        return true;
      },
    );
  });
});
