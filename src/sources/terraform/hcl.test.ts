import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../errors.js';
import { workTree } from '../file-view.js';
import { loadInputs } from '../load.js';
import { resourceAt } from './hcl-memory-view.test-helper.js';
import { importTerraformDirectory, importTerraformFiles, readTerraformDirectory } from './hcl.js';

const FIXTURES = 'test/fixtures/import/terraform-hcl';
const STAGING = `${FIXTURES}/staging`;

function problems(error: unknown): unknown[] {
  assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
  return error.diagnostics.map((d) => [d.file, d.line, d.column, d.message]);
}

describe('readTerraformDirectory: a staging configuration', () => {
  it('reads every .tf file and terraform.tfvars, and the provider settings', async () => {
    const { files, provider, notes } = await readTerraformDirectory(STAGING);
    assert.deepEqual(files, ['database.tf', 'locals.tf', 'modules.tf', 'network.tf', 'providers.tf', 'service.tf', 'variables.tf', 'terraform.tfvars'].map((f) => `${STAGING}/${f}`));
    assert.deepEqual(provider, { project: 'acme-staging', region: 'europe-west1' });
    assert.deepEqual(notes, ['module "lb" (source "GoogleCloudPlatform/lb-http/google//modules/serverless_negs") not fetched: resources it creates are not in the model (run `terraform init` to fetch it, or check a plan)']);
  });

  it('resolves variables (tfvars over defaults), locals, interpolation and references to names', async () => {
    const { resources } = await readTerraformDirectory(STAGING);
    assert.deepEqual(resourceAt(resources, 'google_compute_network.vpc').values, { name: 'staging-vpc', auto_create_subnetworks: false });
    const subnet = resourceAt(resources, 'google_compute_subnetwork.app');
    assert.deepEqual(subnet.values, { name: 'app', network: 'staging-vpc', region: 'europe-west1', ip_cidr_range: '10.10.0.0/24', private_ip_google_access: true });
    assert.deepEqual(subnet.references(['network']), ['google_compute_network.vpc', 'google_compute_network.vpc.id']);
    const nat = resourceAt(resources, 'google_compute_router_nat.nat');
    assert.deepEqual(nat.values, {
      name: 'nat',
      router: 'router',
      region: 'europe-west1',
      nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [{ name: 'app', source_ip_ranges_to_nat: ['ALL_IP_RANGES'] }],
    });
    assert.deepEqual(nat.references([]), ['google_compute_router.router', 'google_compute_router.router.name', 'google_compute_router.router.region', 'google_compute_subnetwork.app', 'google_compute_subnetwork.app.id']);
    assert.deepEqual(resourceAt(resources, 'google_vpc_access_connector.connector').values, {
      name: 'staging-conn',
      region: 'europe-west1',
      network: 'staging-vpc',
      ip_cidr_range: '10.8.0.0/28',
      min_instances: 2,
      max_instances: 3,
    });
    const db = resourceAt(resources, 'google_sql_database_instance.main');
    assert.deepEqual(db.values.settings, [
      {
        tier: 'db-custom-2-7680',
        ip_configuration: [{ ipv4_enabled: true, private_network: 'staging-vpc', ssl_mode: 'ENCRYPTED_ONLY' }],
        database_flags: [{ name: 'max_connections', value: '200' }],
      },
    ]);
  });

  it('evaluates what the configuration gives (upper(var.region)) and leaves what is not known out, with the reason and the references', async () => {
    const { resources } = await readTerraformDirectory(STAGING);
    const api = resourceAt(resources, 'google_cloud_run_v2_service.api');
    const env = ['template', 0, 'containers', 0, 'env'];
    assert.deepEqual(api.values.template, [
      {
        scaling: [{}],
        vpc_access: [{ connector: 'staging-conn', egress: 'ALL_TRAFFIC' }],
        volumes: [{ name: 'cloudsql', cloud_sql_instance: [{ instances: ['acme-staging:europe-west1:staging-db'] }] }],
        containers: [
          {
            image: 'europe-docker.pkg.dev/acme-staging/app/api:1.4.2',
            env: [
              { name: 'DATABASE_HOST' },
              { name: 'DB_SOCKET', value: '/cloudsql/acme-staging:europe-west1:staging-db' },
              { name: 'REGION_LABEL', value: 'EUROPE-WEST1' },
            ],
            volume_mounts: [{ name: 'cloudsql', mount_path: '/cloudsql' }],
          },
        ],
      },
    ]);
    assert.equal(api.unknownReason(['template', 0, 'scaling', 0, 'max_instance_count']), 'var.max_instances has no default and no value in terraform.tfvars');
    assert.equal(api.unknownReason([...env, 0, 'value']), 'known only after apply (google_sql_database_instance.main.private_ip_address)');
    assert.equal(api.unknownReason([...env, 2, 'value']), undefined);
    assert.equal(api.unknownReason([...env, 1, 'value']), undefined);
    assert.deepEqual(api.references([...env, 0, 'value']), ['google_sql_database_instance.main', 'google_sql_database_instance.main.private_ip_address']);
    assert.deepEqual(api.references(['template', 0, 'vpc_access', 0, 'connector']), ['google_vpc_access_connector.connector', 'google_vpc_access_connector.connector.id']);
  });

  it('locates resources and attributes, nested blocks included', async () => {
    const { resources } = await readTerraformDirectory(STAGING);
    const api = resourceAt(resources, 'google_cloud_run_v2_service.api');
    const at = (line: number, column: number, file = 'service.tf') => ({ file: `${STAGING}/${file}`, line, column });
    assert.deepEqual(api.locate([]), at(1, 1));
    assert.deepEqual(api.locate(['template', 0, 'scaling', 0, 'max_instance_count']), at(7, 7));
    assert.deepEqual(api.locate(['template', 0, 'vpc_access', 0, 'egress']), at(12, 7));
    assert.deepEqual(api.locate(['template', 0, 'containers', 0, 'env', 2, 'value']), at(35, 9));
    assert.deepEqual(resourceAt(resources, 'google_compute_router_nat.nat').locate(['subnetwork', 0, 'name']), at(28, 5, 'network.tf'));
    assert.deepEqual(resourceAt(resources, 'google_vpc_access_connector.connector').locate(['network']), at(36, 3, 'network.tf'));
  });
});

describe('readTerraformDirectory: a local module', () => {
  it('reads the module\'s directory with its inputs and ties references across the call', async () => {
    const dir = `${FIXTURES}/local-module`;
    const { resources, files, notes } = await readTerraformDirectory(dir);
    assert.deepEqual(files, [`${dir}/main.tf`, `${dir}/modules/network/main.tf`]);
    assert.deepEqual(notes, []);
    const subnet = resourceAt(resources, 'module.network.google_compute_subnetwork.this');
    assert.deepEqual(subnet.values, { name: 'shared-subnet', network: 'shared-vpc', region: 'europe-west4', ip_cidr_range: '10.20.0.0/24' });
    assert.deepEqual(subnet.locate(['ip_cidr_range']), { file: `${dir}/modules/network/main.tf`, line: 23, column: 3 });
    const connector = resourceAt(resources, 'google_vpc_access_connector.connector');
    assert.equal(connector.values.network, 'shared-vpc');
    assert.deepEqual(connector.references(['network']), ['module.network.google_compute_network.this', 'module.network.google_compute_network.this.name']);
  });
});

describe('readTerraformDirectory: bad input', () => {
  it('locates an HCL syntax error, with the source line', async () => {
    await assert.rejects(readTerraformDirectory(`${FIXTURES}/malformed`), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${FIXTURES}/malformed/main.tf:8:19: error: HCL syntax: Invalid expression: Expected the start of an expression, but found an invalid expression token.`);
      assert.equal(error.diagnostics[0]?.sourceLine, '  ip_cidr_range = ');
      return true;
    });
  });

  it('refuses a directory with no .tf files', async () => {
    await assert.rejects(readTerraformDirectory(`${FIXTURES}/no-tf`), (error: unknown) => {
      assert.deepEqual(problems(error), [[`${FIXTURES}/no-tf`, undefined, undefined, 'contains no Terraform configuration files (*.tf); expected the directory you run `terraform plan` in']]);
      return true;
    });
  });

  it('refuses an empty directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-hcl-'));
    try {
      await assert.rejects(readTerraformDirectory(dir), (error: unknown) => {
        assert.deepEqual(problems(error), [[dir, undefined, undefined, 'contains no Terraform configuration files (*.tf); expected the directory you run `terraform plan` in']]);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('refuses a path that is missing or is a file', async () => {
    await assert.rejects(readTerraformDirectory(`${FIXTURES}/nowhere`), (error: unknown) => {
      assert.deepEqual(problems(error), [[`${FIXTURES}/nowhere`, undefined, undefined, 'no such directory in the work tree; expected a Terraform configuration directory']]);
      return true;
    });
    await assert.rejects(readTerraformDirectory(`${STAGING}/network.tf`), (error: unknown) => {
      assert.deepEqual(problems(error), [[`${STAGING}/network.tf`, undefined, undefined, 'is not a directory; expected a Terraform configuration directory (the one holding the *.tf files)']]);
      return true;
    });
  });
});

describe('importTerraformDirectory', () => {
  it('maps the staging configuration to topology data that points back at the .tf lines', async () => {
    const fragment = await importTerraformDirectory(STAGING);
    assert.equal(fragment.file, STAGING);
    assert.equal(fragment.format, 'terraform-hcl');
    const { data } = fragment;
    assert.equal(data.project, 'acme-staging');
    assert.equal(data.region, 'europe-west1');
    assert.deepEqual(data.networks?.map((n) => n.name), ['staging-vpc']);
    assert.deepEqual(data.networks[0]?.routers?.[0]?.nats, [{ name: 'nat', subnets: ['app'], natIps: 'auto' }]);
    assert.deepEqual(data.connectors, [{ name: 'staging-conn', region: 'europe-west1', network: 'staging-vpc', ipCidrRange: '10.8.0.0/28', minInstances: 2, maxInstances: 3 }]);
    const service = data.services?.[0];
    assert.equal(service?.name, 'api');
    assert.equal(service.connector, 'staging-conn');
    assert.equal(service.egress, 'all-traffic');
    assert.deepEqual(service.cloudSqlInstances, ['acme-staging:europe-west1:staging-db']);
    assert.equal(service.maxInstances, undefined);
    assert.equal(data.databases?.[0]?.privateIp, 'unknown');
    assert.deepEqual(fragment.locate(['services', 0, 'egress']), { file: `${STAGING}/service.tf`, line: 12, column: 7 });
    assert.deepEqual(fragment.locate(['connectors', 0]), { file: `${STAGING}/network.tf`, line: 33, column: 1 });
    assert.equal(fragment.lineText(`${STAGING}/service.tf`, 12), '      egress    = "ALL_TRAFFIC"');
    assert.ok(fragment.notes.includes('module "lb" (source "GoogleCloudPlatform/lb-http/google//modules/serverless_negs") not fetched: resources it creates are not in the model (run `terraform init` to fetch it, or check a plan)'));
  });
});

describe('references are links, even when values are unknown', () => {
  it('an env value known only after apply that is a cache\'s host or, through a module output, a database\'s private IP depends on it', async () => {
    const dir = `${FIXTURES}/references`;
    const { topology, merged } = await loadInputs(workTree, [dir]);
    const [api] = topology.services;
    assert.deepEqual(
      api?.dependencies.map((d) => [d.name, d.target, d.provenance.kind === 'inferred' ? d.provenance.rule : 'declared', d.origin.path.join('.')]),
      [
        ['google_redis_instance.cache', { kind: 'cache', cache: 'google_redis_instance.cache', port: 6379 }, 'terraform-reference', 'services.0.env.REDIS_URL'],
        ['orders', { kind: 'database', database: 'orders', address: 'private-ip', port: 5432 }, 'terraform-reference', 'services.0.env.DB_HOST'],
      ],
    );
    // An unknown value that names no cache or database is still left out with its cause.
    assert.ok(merged.fragments[0]?.notes.includes('services[api].env.REPORTS_URL: known only after apply (random_id.suffix.hex); its dependency cannot be inferred'));
    assert.equal(merged.source.unknownReason(['services', 0, 'env', 'DB_HOST']), 'known only after apply (module.orders.google_sql_database_instance.main.private_ip_address)');
  });
});

describe('importTerraformFiles', () => {
  it('uses the texts it is given for the directory (a git revision\'s, say), not the disk', async () => {
    const texts = new Map<string, string>();
    for (const name of await readdir(STAGING)) texts.set(name, await readFile(join(STAGING, name), 'utf8'));
    texts.set('terraform.tfvars', 'db_tier = "db-custom-4-15360"\nmax_instances = 20\n');
    const { fragment, files } = await importTerraformFiles(STAGING, texts, workTree);
    assert.ok(files.includes(`${STAGING}/terraform.tfvars`), files.join(', '));
    assert.equal(fragment.data.databases?.[0]?.tier, 'db-custom-4-15360');
    assert.equal(fragment.data.services?.[0]?.maxInstances, 20);
    assert.equal(fragment.lineText(`${STAGING}/terraform.tfvars`, 2), 'max_instances = 20');
  });
});
