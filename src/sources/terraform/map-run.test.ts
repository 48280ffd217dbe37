import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeResource as resource, fragmentOf } from './map-testing.js';

const v2 = (template: Record<string, unknown>, unknown?: Record<string, string>, refs?: Record<string, string[]>) =>
  resource('google_cloud_run_v2_service.api', { name: 'api', location: 'europe-west1', template: [template] }, { unknown, refs });

const v1 = (annotations: Record<string, unknown>, spec: Record<string, unknown> = {}, unknown?: Record<string, string>, refs?: Record<string, string[]>) =>
  resource('google_cloud_run_service.worker', { name: 'worker', location: 'europe-west1', template: [{ metadata: [{ annotations }], spec: [spec] }] }, { unknown, refs });

describe('terraformFragment: google_cloud_run_v2_service', () => {
  it('takes an unknown location\'s region from the connector path, and otherwise keeps it unknown with its reason', () => {
    const unknown = { location: 'var.region has no default and no value in terraform.tfvars' };
    const located = resource('google_cloud_run_v2_service.api', { name: 'api', template: [{ vpc_access: [{ connector: 'projects/p/locations/us-central1/connectors/c1', egress: 'ALL_TRAFFIC' }] }] }, { unknown });
    const fragment = fragmentOf([located]);
    assert.equal(fragment.data.services?.[0]?.region, 'us-central1');
    assert.match(fragment.notes.join('\n'), /region: var\.region has no default .*; us-central1 from google_cloud_run_v2_service\.api\.template\.vpc_access\.connector/);
    const bare = fragmentOf([resource('google_cloud_run_v2_service.api', { name: 'api', template: [{}] }, { unknown })]);
    assert.equal(bare.data.services?.[0]?.region, 'unknown');
    assert.equal(bare.unknownReason(['services', 0, 'region']), unknown.location);
    // No location at all: the provider's region applies, so nothing is recorded here.
    assert.equal(fragmentOf([resource('google_cloud_run_v2_service.api', { name: 'api', template: [{}] })]).data.services?.[0]?.region, undefined);
  });

  it('makes the egress unknown when the connector cannot be named, rather than dropping VPC access', () => {
    const fragment = fragmentOf([v2({ vpc_access: [{ egress: 'ALL_TRAFFIC' }] }, { 'template[0].vpc_access[0].connector': 'known after apply (google_cloud_run_v2_service.api.template[0].vpc_access[0].connector)' })]);
    assert.deepEqual(fragment.data.services, [{ name: 'api', region: 'europe-west1', egress: 'unknown' }]);
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), 'its connector is unknown: known after apply (google_cloud_run_v2_service.api.template[0].vpc_access[0].connector)');
    assert.deepEqual(fragment.notes, [
      'services[api].connector: known after apply (google_cloud_run_v2_service.api.template[0].vpc_access[0].connector); its egress is unknown',
    ]);
  });

  it('reads env values into env and never into notes', () => {
    const env = [
      { name: 'DATABASE_URL', value: 'postgres://app:s3cret-pw@10.0.0.5:5432/app' },
      { name: 'REDIS_HOST', value: null },
      { name: 'TOKEN', value_source: [{ secret_key_ref: [{ secret: 'projects/1/secrets/token', version: '4' }] }] },
    ];
    const fragment = fragmentOf([v2({ containers: [{ env }, { env: [{ name: 'SIDECAR_MODE', value: 'proxy' }] }] }, { 'template[0].containers[0].env[1].value': 'known after apply (google_redis_instance.cache.host)' })]);
    assert.deepEqual(fragment.data.services, [
      {
        name: 'api',
        region: 'europe-west1',
        env: { DATABASE_URL: 'postgres://app:s3cret-pw@10.0.0.5:5432/app', SIDECAR_MODE: 'proxy' },
        secrets: [{ env: 'TOKEN', secret: 'token', version: '4' }],
      },
    ]);
    assert.deepEqual(fragment.notes, ['services[api].env.REDIS_HOST: known after apply (google_redis_instance.cache.host); its dependency cannot be inferred']);
  });

  it('reads Direct VPC, Cloud SQL volumes, scaling, timeout and a TCP startup probe', () => {
    const fragment = fragmentOf([
      v2({
        vpc_access: [{ egress: 'PRIVATE_RANGES_ONLY', network_interfaces: [{ subnetwork: 'projects/acme/regions/europe-west1/subnetworks/app', tags: ['api'] }] }],
        volumes: [{ name: 'secrets', secret: [{ secret: 'x' }] }, { name: 'sql', cloud_sql_instance: [{ instances: ['acme:europe-west1:a', 'acme:europe-west1:b'] }] }],
        scaling: [{ min_instance_count: 0, max_instance_count: 3 }],
        timeout: '1.5s',
        containers: [{ startup_probe: [{ tcp_socket: [{ port: 8080 }], http_get: [], period_seconds: 2 }] }],
      }),
    ]);
    assert.deepEqual(fragment.data.services, [
      {
        name: 'api',
        region: 'europe-west1',
        directVpc: { subnet: 'app', tags: ['api'] },
        egress: 'private-ranges-only',
        cloudSqlInstances: ['acme:europe-west1:a', 'acme:europe-west1:b'],
        minInstances: 0,
        maxInstances: 3,
        timeoutSeconds: 1.5,
        startupProbe: { type: 'tcp', periodSeconds: 2 },
      },
    ]);
  });
});

describe('terraformFragment: google_cloud_run_service (v1 annotations)', () => {
  it('reads the Direct VPC interface from its JSON annotation', () => {
    const fragment = fragmentOf([
      v1({ 'run.googleapis.com/network-interfaces': '[{"network":"vpc","subnetwork":"app","tags":["worker"]}]', 'run.googleapis.com/vpc-access-egress': 'all-traffic' }, { container_concurrency: 0, timeout_seconds: 600 }),
    ]);
    assert.deepEqual(fragment.data.services, [
      { name: 'worker', region: 'europe-west1', directVpc: { network: 'vpc', subnet: 'app', tags: ['worker'] }, egress: 'all-traffic', timeoutSeconds: 600 },
    ]);
  });

  it('makes the egress unknown when the interface annotation cannot be read', () => {
    const fragment = fragmentOf([v1({ 'run.googleapis.com/network-interfaces': '[{network: vpc}]' })]);
    assert.equal(fragment.data.services?.[0]?.egress, 'unknown');
    assert.equal(fragment.unknownReason(['services', 0, 'egress']), 'its Direct VPC interface is unknown: the run.googleapis.com/network-interfaces annotation is not a JSON list of interfaces');
    assert.deepEqual(fragment.notes, ['services[worker].directVpc: the run.googleapis.com/network-interfaces annotation is not a JSON list of interfaces; its egress is unknown']);
  });

  it('takes unknown Cloud SQL instances from the instances the annotation refers to', () => {
    const instance = resource('google_sql_database_instance.main', { name: 'orders' }, { unknown: { connection_name: 'known after apply' } });
    const at = 'template[0].metadata[0].annotations';
    const fragment = fragmentOf([
      instance,
      v1({ 'autoscaling.knative.dev/maxScale': '7', 'autoscaling.knative.dev/minScale': 'one' }, {}, { [`${at}.run.googleapis.com/cloudsql-instances`]: 'known after apply' }, {
        [at]: ['google_sql_database_instance.main'],
      }),
    ]);
    const [service] = fragment.data.services ?? [];
    assert.deepEqual(service?.cloudSqlInstances, ['acme:europe-west1:orders']);
    assert.equal(service.maxInstances, 7);
    assert.equal(service.minInstances, undefined);
  });

  it('connects to an instance whose name is known only after apply under the name the database gets: its address', () => {
    const instance = resource('google_sql_database_instance.main[0]', { region: 'europe-west1' }, { unknown: { name: 'known after apply (random_id.db.hex)', connection_name: 'known after apply' } });
    const at = 'template[0].metadata[0].annotations';
    const fragment = fragmentOf([instance, v1({}, {}, { [`${at}.run.googleapis.com/cloudsql-instances`]: 'known after apply' }, { [at]: ['google_sql_database_instance.main[0]'] })]);
    assert.deepEqual(fragment.data.services?.[0]?.cloudSqlInstances, ['acme:europe-west1:google_sql_database_instance.main[0]']);
    assert.equal(fragment.data.databases?.[0]?.name, 'google_sql_database_instance.main[0]');
  });
});

describe('terraformFragment: load balancers', () => {
  const neg = (name: string, values: Record<string, unknown>) => resource(`google_compute_region_network_endpoint_group.${name}`, { name, region: 'europe-west1', ...values });
  const backendService = (groups: string[]) =>
    resource('google_compute_backend_service.web', {
      name: 'web',
      timeout_sec: 15,
      backend: groups.map((g) => ({ group: `https://www.googleapis.com/compute/v1/projects/acme/regions/europe-west1/networkEndpointGroups/${g}` })),
      health_checks: ['https://www.googleapis.com/compute/v1/projects/acme/global/healthChecks/web-hc'],
    });

  it('keeps serverless NEG backends by Cloud Run service name, and the health check by name', () => {
    const fragment = fragmentOf([neg('web-neg', { network_endpoint_type: 'SERVERLESS', cloud_run: [{ service: 'web' }] }), neg('zonal', { network_endpoint_type: 'GCE_VM_IP_PORT' }), backendService(['web-neg', 'zonal'])]);
    assert.deepEqual(fragment.data.loadBalancers, [{ name: 'web', timeoutSeconds: 15, backends: [{ service: 'web', serverlessNeg: true }], healthCheck: 'web-hc' }]);
  });

  it('leaves out a backend service with no Cloud Run backend', () => {
    const fragment = fragmentOf([neg('fn', { network_endpoint_type: 'SERVERLESS', cloud_function: [{ function: 'f' }] }), backendService(['fn'])]);
    assert.equal(fragment.data.loadBalancers, undefined);
    assert.deepEqual(fragment.notes, ['loadBalancers[web].backends: NEG fn serves no named Cloud Run service (URL masks, functions and App Engine are not modelled); left out']);
  });
});

describe('terraformFragment: jobs and functions', () => {
  it('a google_cloud_run_v2_job is a workload for reachability: its task template, parallelism as its instances', () => {
    const job = resource('google_cloud_run_v2_job.etl', {
      name: 'etl',
      location: 'europe-west1',
      template: [
        {
          parallelism: 4,
          task_count: 20,
          template: [
            {
              vpc_access: [{ connector: 'projects/p/locations/europe-west1/connectors/c1', egress: 'ALL_TRAFFIC' }],
              containers: [{ env: [{ name: 'DATABASE_URL', value: 'postgresql://etl@10.20.0.3/warehouse' }] }],
              volumes: [{ name: 'sql', cloud_sql_instance: [{ instances: ['p:europe-west1:warehouse'] }] }],
              timeout: '86400s',
            },
          ],
        },
      ],
    });
    assert.deepEqual(fragmentOf([job]).data.services, [
      {
        name: 'etl',
        workload: 'job',
        region: 'europe-west1',
        connector: 'c1',
        egress: 'all-traffic',
        env: { DATABASE_URL: 'postgresql://etl@10.20.0.3/warehouse' },
        cloudSqlInstances: ['p:europe-west1:warehouse'],
        maxInstances: 4,
        concurrency: 1,
      },
    ]);
    const unbounded = resource('google_cloud_run_v2_job.etl', { name: 'etl', location: 'europe-west1', template: [{ task_count: 20, template: [{}] }] });
    assert.equal(fragmentOf([unbounded]).data.services?.[0]?.maxInstances, 20, 'without parallelism, every task may run at once');
  });

  it('a google_cloudfunctions2_function runs as a service: its connector, egress, env map and secret env from service_config', () => {
    const fn = resource(
      'google_cloudfunctions2_function.thumbs',
      {
        name: 'thumbs',
        location: 'us-central1',
        service_config: [
          {
            vpc_connector: 'projects/p/locations/us-central1/connectors/c1',
            vpc_connector_egress_settings: 'PRIVATE_RANGES_ONLY',
            environment_variables: { BUCKET_NAME: 'images', PORT_HINT: '8080' },
            secret_environment_variables: [{ key: 'API_KEY', secret: 'thumbs-key', version: 'latest', project_id: 'p' }],
            max_instance_count: 10,
            max_instance_request_concurrency: 1,
            timeout_seconds: 60,
          },
        ],
      },
      { unknown: { 'service_config[0].environment_variables.REDIS_HOST': 'known after apply (google_redis_instance.cache.host)' }, refs: { 'service_config[0].environment_variables.REDIS_HOST': ['google_redis_instance.cache.host', 'google_redis_instance.cache'] } },
    );
    const cache = resource('google_redis_instance.cache', { name: 'cache', region: 'us-central1', authorized_network: 'vpc' }, { unknown: { host: 'known after apply' } });
    const fragment = fragmentOf([cache, fn]);
    const [service] = fragment.data.services ?? [];
    assert.deepEqual(service, {
      name: 'thumbs',
      workload: 'function',
      region: 'us-central1',
      connector: 'c1',
      egress: 'private-ranges-only',
      env: { BUCKET_NAME: 'images', PORT_HINT: '8080', REDIS_HOST: 'unknown' },
      secrets: [{ env: 'API_KEY', secret: 'thumbs-key', version: 'latest' }],
      maxInstances: 10,
      concurrency: 1,
      timeoutSeconds: 60,
    });
    // A map value known only after apply is still a variable of the function, linked to what it names.
    assert.deepEqual(fragment.linkedEntity?.(['services', 0, 'env', 'REDIS_HOST']), { kind: 'cache', name: 'cache' });
  });
});
