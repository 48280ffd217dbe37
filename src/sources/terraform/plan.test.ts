import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyzeTopology } from '../../analysis/analyze.js';
import { buildTopology } from '../../model/build.js';
import { topologyFileSchema } from '../../model/schema.js';
import { runSecrets } from '../../model/secret-registry.js';
import { isUnknownAddress } from '../../model/topology.js';
import { importTerraformPlan, isTerraformPlan } from './plan.js';

const FIXTURES = 'test/fixtures/import/terraform-plan';
const read = (name: string): string => readFileSync(new URL(`../../../../${FIXTURES}/${name}`, import.meta.url), 'utf8');
const load = (name: string) => importTerraformPlan(`${FIXTURES}/${name}`, read(name));

describe('importTerraformPlan: a staging plan', () => {
  const fragment = load('staging.json');
  const file = `${FIXTURES}/staging.json`;

  it('maps every modelled resource, by name, and nothing else', () => {
    assert.equal(fragment.format, 'terraform-plan');
    assert.deepEqual(fragment.data, {
      project: 'acme-staging',
      region: 'europe-west1',
      networks: [
        {
          name: 'staging-vpc',
          subnets: [{ name: 'app', region: 'europe-west1', cidr: '10.10.0.0/24', privateGoogleAccess: true }],
          routers: [{ name: 'staging-router', region: 'europe-west1', nats: [{ name: 'staging-nat', subnets: 'all', natIps: ['nat-ip-1'] }] }],
          privateServicesAccess: { ranges: ['10.100.0.0/16'] },
          firewall: [
            { name: 'allow-data-egress', direction: 'egress', action: 'allow', priority: 900, destinationRanges: ['10.100.0.0/16'], ports: [5432, 6378], targetTags: ['run'] },
            { name: 'allow-health-checks', direction: 'ingress', action: 'allow', priority: 1000, ports: [80] },
          ],
        },
      ],
      addresses: [{ name: 'nat-ip-1', address: '34.76.10.20', region: 'europe-west1' }],
      connectors: [
        { name: 'staging-connector', region: 'europe-west1', network: 'staging-vpc', ipCidrRange: '10.8.0.0/28', minInstances: 2, maxInstances: 3, machineType: 'e2-micro', state: 'READY' },
      ],
      databases: [
        {
          name: 'staging-db',
          connectionName: 'acme-staging:europe-west1:staging-db',
          region: 'europe-west1',
          engine: 'postgres',
          ipv4Enabled: true,
          publicIp: '34.77.1.2',
          privateIp: '10.100.0.3',
          privateNetwork: 'staging-vpc',
          requireSsl: true,
          authorizedNetworks: [{ name: 'office', cidr: '203.0.113.0/24' }, { cidr: '198.51.100.7/32' }],
          tier: 'db-custom-2-7680',
          flags: { max_connections: '200' },
        },
      ],
      caches: [
        {
          name: 'staging-cache',
          host: '10.100.1.4',
          port: 6378,
          region: 'europe-west1',
          authorizedNetwork: 'staging-vpc',
          connectMode: 'PRIVATE_SERVICE_ACCESS',
          authEnabled: true,
          transitEncryption: 'SERVER_AUTHENTICATION',
        },
      ],
      secrets: [
        { name: 'db-url', versions: ['3'] },
        { name: 'openai-api-key', versions: ['2'] },
      ],
      services: [
        {
          name: 'api',
          region: 'europe-west1',
          connector: 'staging-connector',
          egress: 'all-traffic',
          env: { REDIS_URL: 'rediss://10.100.1.4:6378/0' },
          secrets: [
            { env: 'DATABASE_URL', secret: 'db-url', version: 'latest' },
            { env: 'OPENAI_API_KEY', secret: 'openai-api-key', version: '2' },
          ],
          cloudSqlInstances: ['acme-staging:europe-west1:staging-db'],
          minInstances: 1,
          maxInstances: 20,
          concurrency: 40,
          timeoutSeconds: 60,
          startupProbe: { type: 'http', path: '/health/started', initialDelaySeconds: 0, timeoutSeconds: 3, periodSeconds: 5, failureThreshold: 10 },
        },
        {
          name: 'worker',
          region: 'europe-west1',
          connector: 'staging-connector',
          egress: 'private-ranges-only',
          cloudSqlInstances: ['acme-staging:europe-west1:staging-db'],
          minInstances: 0,
          maxInstances: 5,
          concurrency: 10,
          timeoutSeconds: 900,
          env: { CACHE_HOST: '10.100.1.4', CACHE_PORT: '6378' },
          secrets: [{ env: 'DATABASE_URL', secret: 'db-url', version: '3' }],
        },
      ],
      loadBalancers: [{ name: 'api-backend', timeoutSeconds: 30, backends: [{ service: 'api', serverlessNeg: true }] }],
    });
    assert.deepEqual(fragment.notes, []);
  });

  it('points each value at its attribute in planned_values', () => {
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file, line: 485, column: 31 });
    assert.deepEqual(fragment.locate(['databases', 0, 'privateIp']), { file, line: 233, column: 35 });
    assert.deepEqual(fragment.locate(['networks', 0, 'subnets', 0, 'cidr']), { file, line: 31, column: 30 });
    assert.deepEqual(fragment.locate(['services', 1, 'cloudSqlInstances', 0]), { file, line: 513, column: 64 });
    assert.deepEqual(fragment.locate(['services', 0, 'env', 'REDIS_URL']), { file, line: 403, column: 34 });
    assert.deepEqual(fragment.locate(['services', 0, 'secrets', 0, 'secret']), { file, line: 413, column: 43 });
    assert.deepEqual(fragment.locate(['secrets', 0, 'versions', 0]), { file, line: 329, column: 24 });
    // A backend's service is where its serverless NEG names it.
    assert.deepEqual(fragment.locate(['loadBalancers', 0, 'backends', 0, 'service']), { file, line: 572, column: 28 });
  });

  it('points an entity with no position of its own at its resource address', () => {
    assert.deepEqual(fragment.locate(['connectors', 0, 'expectedPeakMbps']), { file, line: 201, column: 22 });
    assert.deepEqual(fragment.locate(['networks', 0, 'subnets', 0]), { file, line: 24, column: 22 });
    assert.equal(fragment.locate(['externals', 0]), undefined);
  });

  it('gives the source lines of its own file only', () => {
    assert.equal(fragment.lineText(file, 485), '                    "egress": "ALL_TRAFFIC",');
    assert.equal(fragment.lineText('other.json', 485), undefined);
  });

  it('validates and builds with no issues', () => {
    const { issues } = buildTopology(topologyFileSchema.parse(fragment.data), file);
    assert.deepEqual(issues, []);
  });
});

describe('importTerraformPlan: values known only after apply', () => {
  const file = `${FIXTURES}/new-database-known-after-apply.json`;
  const fragment = load('new-database-known-after-apply.json');
  const data = fragment.data;

  it("keeps the new database's addresses as unknown, with the reason", () => {
    const [db] = data.databases ?? [];
    assert.deepEqual([db?.publicIp, db?.privateIp], ['unknown', 'unknown']);
    assert.equal(fragment.unknownReason(['databases', 0, 'publicIp']), 'known after apply (google_sql_database_instance.main.public_ip_address)');
    assert.equal(fragment.unknownReason(['databases', 0, 'privateIp']), 'known after apply (google_sql_database_instance.main.private_ip_address)');
    // The attribute is not in planned_values: the position is the resource's values.
    assert.deepEqual(fragment.locate(['databases', 0, 'publicIp']), { file, line: 80, column: 21 });
  });

  it('names what an unknown attribute refers to through configuration references', () => {
    assert.equal(data.connectors?.[0]?.network, 'prod-vpc');
    const [service] = data.services ?? [];
    assert.deepEqual(
      [service?.connector, service?.cloudSqlInstances, service?.secrets],
      ['orders-connector', ['acme-prod:europe-west1:orders-db'], [{ env: 'DATABASE_URL', secret: 'orders-db-url' }]],
    );
  });

  it('makes the versions of a secret with a version being created unknown', () => {
    assert.deepEqual(data.secrets, [{ name: 'orders-db-url', versions: 'unknown' }]);
    assert.equal(fragment.unknownReason(['secrets', 0, 'versions']), 'known after apply (google_secret_manager_secret_version.db_url.name)');
  });

  it('leaves out unknown values of fields that do not accept unknown, and says so', () => {
    assert.equal(data.connectors?.[0]?.state, undefined);
    assert.equal(data.services?.[0]?.timeoutSeconds, undefined);
    assert.deepEqual(fragment.notes, [
      'connectors[orders-connector].state: known after apply (google_vpc_access_connector.main.state); a connector being created is taken to be READY once apply succeeds',
      'databases[orders-db].requireSsl: known after apply (google_sql_database_instance.main.settings[0].ip_configuration[0].ssl_mode); the schema default applies',
      'services[orders].secrets[DATABASE_URL].version: known after apply (google_cloud_run_v2_service.orders.template[0].containers[0].env[0].value_source[0].secret_key_ref[0].version); "latest" is assumed',
      'services[orders].minInstances: known after apply (google_cloud_run_v2_service.orders.template[0].scaling[0].min_instance_count); the schema default applies',
      'services[orders].concurrency: known after apply (google_cloud_run_v2_service.orders.template[0].max_instance_request_concurrency); the schema default applies',
      'services[orders].timeoutSeconds: known after apply (google_cloud_run_v2_service.orders.template[0].timeout); the schema default applies',
      "services[orders].startupProbe: known after apply (google_cloud_run_v2_service.orders.template[0].containers[0].startup_probe); Cloud Run's default startup probe applies",
    ]);
  });

  it('analyses the service that uses the new database without its address: ipv4_enabled says it has a public IP, which the proxy takes', () => {
    const { topology, issues } = buildTopology(topologyFileSchema.parse(data), file);
    assert.deepEqual(issues, []);
    assert.ok(isUnknownAddress(topology.databases.get('orders-db')?.publicIp), 'a public IP that exists, address unknown');
    const paths = analyzeTopology(topology).paths.map((p) => [p.service, p.dependency, p.verdict]);
    assert.deepEqual(paths, [['orders', 'orders-db', 'REACHABLE']]);
  });
});

describe('importTerraformPlan: child modules', () => {
  const file = `${FIXTURES}/child-modules.json`;
  const fragment = load('child-modules.json');

  it('reads resources of nested and for_each modules, resolving references inside each module', () => {
    assert.deepEqual(fragment.data, {
      project: 'acme-shop',
      networks: [
        {
          name: 'shop-vpc',
          subnets: [
            { name: 'app', region: 'us-central1', cidr: '10.20.0.0/24', privateGoogleAccess: false },
            { name: 'connector-subnet', region: 'us-central1', cidr: '10.20.8.0/28', privateGoogleAccess: false },
          ],
          routers: [{ name: 'shop-router', region: 'us-central1', nats: [{ name: 'shop-nat', subnets: ['app'], natIps: 'auto' }] }],
        },
      ],
      connectors: [{ name: 'shop-connector', region: 'us-central1', network: 'shop-vpc', subnet: 'connector-subnet', minInstances: 3, maxInstances: 10, machineType: 'e2-standard-4' }],
      services: [
        { name: 'shop-api', region: 'us-central1', directVpc: { network: 'shop-vpc', subnet: 'app', tags: ['api', 'egress-nat'] }, egress: 'private-ranges-only' },
        { name: 'shop-web', region: 'us-central1', connector: 'shop-connector', egress: 'all-traffic' },
      ],
    });
  });

  it('points at resources inside child modules', () => {
    assert.deepEqual(fragment.locate(['networks', 0, 'routers', 0, 'nats', 0]), { file, line: 67, column: 26 });
    assert.deepEqual(fragment.locate(['services', 0, 'directVpc']), { file, line: 135, column: 40 });
  });
});

describe('importTerraformPlan: resource instances and actions', () => {
  const plan = (resourceChanges: unknown[]): string =>
    JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            { address: 'google_compute_network.vpc[0]', mode: 'managed', type: 'google_compute_network', name: 'vpc', index: 0, values: { name: 'vpc-a' } },
            { address: 'google_compute_subnetwork.app', mode: 'managed', type: 'google_compute_subnetwork', name: 'app', values: { name: 'app', ip_cidr_range: '10.0.0.0/24' } },
            { address: 'data.google_compute_network.shared', mode: 'data', type: 'google_compute_network', name: 'shared', values: { name: 'shared' } },
          ],
        },
      },
      resource_changes: resourceChanges,
      configuration: {
        root_module: {
          resources: [{ address: 'google_compute_subnetwork.app', mode: 'managed', type: 'google_compute_subnetwork', name: 'app', expressions: { network: { references: ['google_compute_network.vpc[0].id', 'google_compute_network.vpc[0]', 'google_compute_network.vpc'] } } }],
        },
      },
    });

  it('resolves references to counted resources and skips data sources', () => {
    const fragment = importTerraformPlan('p.json', plan([{ address: 'google_compute_subnetwork.app', change: { actions: ['create'], after_unknown: { network: true } } }]));
    assert.deepEqual(fragment.data.networks, [{ name: 'vpc-a', subnets: [{ name: 'app', cidr: '10.0.0.0/24' }] }]);
  });

  it('leaves out a resource whose only action is delete', () => {
    const fragment = importTerraformPlan('p.json', plan([{ address: 'google_compute_network.vpc[0]', change: { actions: ['delete'], after_unknown: {} } }]));
    assert.equal(fragment.data.networks, undefined);
    assert.deepEqual(fragment.notes, ['subnet app: left out: google_compute_subnetwork.app.network is not set']);
  });
});

describe('isTerraformPlan', () => {
  it('recognises plan and state JSON by their top-level keys', () => {
    assert.equal(isTerraformPlan({ format_version: '1.2', planned_values: {} }), true);
    assert.equal(isTerraformPlan({ format_version: '1.0', terraform_version: '1.7.5', values: {} }), true);
    assert.equal(isTerraformPlan({ format_version: '1.2', resource_changes: [] }), true);
  });

  it('rejects anything else', () => {
    assert.equal(isTerraformPlan({ planned_values: {} }), false);
    assert.equal(isTerraformPlan({ format_version: '1.0' }), false);
    assert.equal(isTerraformPlan([{ format_version: '1.2', planned_values: {} }]), false);
    assert.equal(isTerraformPlan(null), false);
  });
});

describe('importTerraformPlan: sensitive values', () => {
  it('registers what sensitive_values and after_sensitive mark, so it is never printed', () => {
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'google_compute_network.vpc',
              mode: 'managed',
              type: 'google_compute_network',
              name: 'vpc',
              values: { name: 'vpc', description: 'Canary-plan-3319k', labels: { owner: 'Canary-label-6672j' } },
              sensitive_values: { description: true },
            },
          ],
        },
      },
      resource_changes: [{ address: 'google_compute_network.vpc', change: { actions: ['create'], after_sensitive: { labels: { owner: true } } } }],
    };
    importTerraformPlan('p.json', JSON.stringify(plan));
    assert.equal(runSecrets.redact('Canary-plan-3319k Canary-label-6672j vpc'), '*** *** vpc');
  });
});

describe('importTerraformPlan: references through the configuration', () => {
  const file = `${FIXTURES}/references-through-module.json`;
  const fragment = load('references-through-module.json');

  it('lists references as Terraform does, and follows a module output to the resource it reads', () => {
    const [service] = fragment.data.services ?? [];
    assert.deepEqual(service?.env, { REDIS_HOST: 'unknown', DB_HOST: 'unknown' });
    const linked = (variable: string) => fragment.linkedEntity?.(['services', 0, 'env', variable]);
    assert.deepEqual(linked('REDIS_HOST'), { kind: 'cache', name: 'shop-cache' });
    assert.deepEqual(linked('DB_HOST'), { kind: 'database', name: 'orders-db', address: 'private-ip' });
  });

  it('judges both paths although neither address is known before apply', () => {
    const { topology, issues } = buildTopology(topologyFileSchema.parse(fragment.data), {
      origin: (path) => ({ file, path }),
      unknownReason: (path) => fragment.unknownReason(path),
      linkedEntity: (path) => fragment.linkedEntity?.(path),
    });
    assert.deepEqual(issues, []);
    const paths = analyzeTopology(topology).paths.map((p) => [p.dependency, p.verdict]);
    assert.deepEqual(paths, [
      ['shop-cache', 'REACHABLE'],
      ['orders-db', 'REACHABLE'],
    ]);
  });
});
