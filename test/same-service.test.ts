import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workTree } from '../src/sources/file-view.js';
import { loadInputs } from '../src/sources/load.js';
import type { Service } from '../src/model/topology.js';

const DIR = 'test/fixtures/import/same-service';

/** What the model says about the service, without where each value was read. */
function described(service: Service | undefined): Record<string, unknown> {
  assert.ok(service);
  const withoutOrigins = JSON.stringify(service, (key, value: unknown) => (key === 'origin' || key === 'egressOrigin' ? undefined : value));
  return JSON.parse(withoutOrigins) as Record<string, unknown>;
}

async function serviceOf(input: string): Promise<Record<string, unknown>> {
  const { topology } = await loadInputs(workTree, [`${DIR}/${input}`]);
  assert.equal(topology.services.length, 1, input);
  return described(topology.services[0]);
}

describe('one service, five ways: the same model', () => {
  it('Knative v1 YAML, v2 JSON, Terraform v1, Terraform v2, the Python client library and a TypeScript REST call give the identical service, ingress container probe and mounted secret included', async () => {
    const yaml = await serviceOf('service-v1.yaml');
    for (const other of ['service-v2.json', 'terraform-v1', 'terraform-v2', 'deploy_client.py', 'deploy-rest.ts']) assert.deepEqual(await serviceOf(other), yaml, other);
    assert.deepEqual(yaml.startupProbe, { type: 'http', path: '/healthz', initialDelaySeconds: 0, timeoutSeconds: 2, periodSeconds: 5, failureThreshold: 12 }, "the ingress container's, not the sidecar's");
    assert.deepEqual(yaml.secretRefs, [
      { env: 'API_KEY', secret: 'api-key', version: '3' },
      { mountPath: '/secrets/config.json', secret: 'cfg', version: 'latest' },
    ]);
  });

  it('gcloud flags give the same, but for the startup probe, which flags do not set', async () => {
    const yaml = await serviceOf('service-v1.yaml');
    const gcloud = await serviceOf('deploy.sh');
    assert.equal(gcloud.startupProbe, undefined);
    assert.deepEqual(gcloud, Object.fromEntries(Object.entries(yaml).filter(([key]) => key !== 'startupProbe')));
  });
});
