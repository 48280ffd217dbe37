import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInMemory as read, resourceAt } from './hcl-memory-view.test-helper.js';

describe('variables', () => {
  it('takes tfvars over defaults, later files winning: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars in lexical order', async () => {
    const { resources, files } = await read({
      'main.tf': [
        'variable "a" { default = "default" }',
        'variable "b" { default = "default" }',
        'variable "c" { default = "default" }',
        'variable "d" { default = "default" }',
        'resource "google_compute_network" "n" {',
        '  name        = "${var.a}/${var.b}/${var.c}/${var.d}"',
        '  description = var.e_json',
        '}',
        'variable "e_json" {}',
      ].join('\n'),
      'terraform.tfvars': 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\n',
      'terraform.tfvars.json': '{"b": "tfvars.json", "c": "tfvars.json", "e_json": "${not.a.template}"}',
      'b.auto.tfvars': 'c = "b.auto"\n',
      'a.auto.tfvars.json': '{"c": "a.auto.json"}',
    });
    assert.equal(resourceAt(resources, 'google_compute_network.n').values.name, 'tfvars/tfvars.json/b.auto/default');
    assert.equal(resourceAt(resources, 'google_compute_network.n').values.description, '${not.a.template}');
    assert.deepEqual(files, ['cfg/main.tf', 'cfg/terraform.tfvars', 'cfg/terraform.tfvars.json', 'cfg/a.auto.tfvars.json', 'cfg/b.auto.tfvars']);
  });

  it('leaves a variable with no default and no value unknown, saying so', async () => {
    const { resources } = await read({ 'main.tf': 'variable "name" {}\nresource "google_compute_network" "n" {\n  name = "${var.name}-vpc"\n  mtu = var.nope\n}\n' });
    const network = resourceAt(resources, 'google_compute_network.n');
    assert.deepEqual(network.values, {});
    assert.equal(network.unknownReason(['name']), 'var.name has no default and no value in terraform.tfvars');
    assert.equal(network.unknownReason(['mtu']), 'var.nope is not declared (no variable "nope" block in cfg)');
    assert.deepEqual(network.locate(['mtu']), { file: 'cfg/main.tf', line: 4, column: 3 });
  });
});

describe('locals and expressions', () => {
  it('resolves locals through other locals and variables, and reports cycles', async () => {
    const { resources } = await read({
      'main.tf': [
        'variable "env" { default = "staging" }',
        'locals {',
        '  prefix = "${var.env}-app"',
        '  name   = "${local.prefix}-db"',
        '  a      = local.b',
        '  b      = "${local.a}x"',
        '}',
        'resource "google_sql_database_instance" "db" {',
        '  name   = local.name',
        '  region = local.a',
        '}',
      ].join('\n'),
    });
    const db = resourceAt(resources, 'google_sql_database_instance.db');
    assert.deepEqual(db.values, { name: 'staging-app-db' });
    assert.equal(db.unknownReason(['region']), 'local.a refers to itself (local.a → local.b → local.a)');
  });

  it('evaluates function calls; what they cannot know names its cause, and no reason quotes a password', async () => {
    const { resources } = await read({
      'main.tf': [
        'resource "google_cloud_run_v2_service" "api" {',
        '  name = lower("API")',
        '  description = tonumber("postgres://app:hunter2@db/x")',
        '  template {',
        '    containers {',
        '      env {',
        '        name  = "DATABASE_URL"',
        '        value = format("postgres://app:hunter2@%s/db", google_sql_database_instance.db.private_ip_address)',
        '      }',
        '    }',
        '  }',
        '}',
        'resource "google_sql_database_instance" "db" { name = "db" }',
      ].join('\n'),
    });
    const api = resourceAt(resources, 'google_cloud_run_v2_service.api');
    const value = ['template', 0, 'containers', 0, 'env', 0, 'value'];
    assert.equal(api.values.name, 'api');
    assert.equal(api.unknownReason(value), 'known only after apply (google_sql_database_instance.db.private_ip_address)');
    assert.equal(
      api.unknownReason(['description']),
      'tonumber("postgres://app:***@db/x") cannot be evaluated: tonumber(): a string that does not read as a number is not a number',
    );
    assert.deepEqual(api.references(value), ['google_sql_database_instance.db', 'google_sql_database_instance.db.private_ip_address']);
    assert.deepEqual(api.locate(value), { file: 'cfg/main.tf', line: 8, column: 9 });
    assert.deepEqual(api.values.template, [{ containers: [{ env: [{ name: 'DATABASE_URL' }] }] }]);
  });
});

describe('references between resources', () => {
  const NETWORK = [
    'provider "google" {',
    '  project = "acme"',
    '  region  = "europe-west1"',
    '}',
    'resource "google_compute_network" "vpc" { name = "main" }',
    'resource "google_compute_router" "r" {',
    '  name    = "r"',
    '  region  = "europe-west4"',
    '  network = google_compute_network.vpc.self_link',
    '}',
    'resource "google_compute_router_nat" "nat" {',
    '  name   = "nat"',
    '  router = google_compute_router.r.id',
    '  region = google_compute_router.r.region',
    '  nat_ips = [google_compute_address.ip.self_link, "10.0.0.1"]',
    '}',
    'resource "google_compute_address" "ip" {}',
    'resource "google_secret_manager_secret" "key" { secret_id = "api-key" }',
    'resource "google_sql_database_instance" "db" { name = "db" }',
    'resource "google_cloud_run_v2_service" "api" {',
    '  name     = "api"',
    '  location = google_sql_database_instance.db.region',
    '  template {',
    '    volumes {',
    '      cloud_sql_instance { instances = [google_sql_database_instance.db.connection_name] }',
    '    }',
    '    containers {',
    '      env {',
    '        name = "KEY"',
    '        value_source {',
    '          secret_key_ref { secret = google_secret_manager_secret.key.id }',
    '        }',
    '      }',
    '      env {',
    '        name  = "DB_HOST"',
    '        value = google_sql_database_instance.db.private_ip_address',
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');

  it('gives the name for id, self_link and name, the configured value for other arguments, and the reference', async () => {
    const { resources, provider } = await read({ 'main.tf': NETWORK });
    assert.deepEqual(provider, { project: 'acme', region: 'europe-west1' });
    const router = resourceAt(resources, 'google_compute_router.r');
    assert.equal(router.values.network, 'main');
    assert.deepEqual(router.references(['network']), ['google_compute_network.vpc', 'google_compute_network.vpc.self_link']);
    const nat = resourceAt(resources, 'google_compute_router_nat.nat');
    assert.deepEqual(nat.values, { name: 'nat', router: 'r', region: 'europe-west4', nat_ips: [null, '10.0.0.1'] });
    assert.deepEqual(nat.references([]), ['google_compute_address.ip', 'google_compute_address.ip.self_link', 'google_compute_router.r', 'google_compute_router.r.id', 'google_compute_router.r.region']);
    assert.deepEqual(nat.references(['nat_ips', 0]), ['google_compute_address.ip', 'google_compute_address.ip.self_link']);
    assert.equal(nat.unknownReason(['nat_ips', 0]), 'known only after apply (google_compute_address.ip.self_link)');
    assert.equal(nat.unknownReason(['nat_ips', 1]), undefined);
  });

  it('names secrets by secret_id, derives Cloud SQL connection names, and leaves computed attributes unknown', async () => {
    const { resources } = await read({ 'main.tf': NETWORK });
    const api = resourceAt(resources, 'google_cloud_run_v2_service.api');
    const env = ['template', 0, 'containers', 0, 'env'];
    assert.deepEqual(api.values.template, [
      {
        // PROJECT:REGION:NAME, the instance's region defaulting to the provider's.
        volumes: [{ cloud_sql_instance: [{ instances: ['acme:europe-west1:db'] }] }],
        containers: [{ env: [{ name: 'KEY', value_source: [{ secret_key_ref: [{ secret: 'api-key' }] }] }, { name: 'DB_HOST' }] }],
      },
    ]);
    assert.deepEqual(api.references(['template', 0, 'volumes']), ['google_sql_database_instance.db', 'google_sql_database_instance.db.connection_name']);
    assert.equal(api.unknownReason(['location']), 'known only after apply (google_sql_database_instance.db.region)');
    assert.equal(api.unknownReason([...env, 1, 'value']), 'known only after apply (google_sql_database_instance.db.private_ip_address)');
    assert.deepEqual(api.references([...env, 1, 'value']), ['google_sql_database_instance.db', 'google_sql_database_instance.db.private_ip_address']);
    assert.deepEqual(api.references([...env, 0]), ['google_secret_manager_secret.key', 'google_secret_manager_secret.key.id']);
  });

  it('leaves the connection name unknown when the region is not known', async () => {
    const text = NETWORK.replace('  region  = "europe-west1"\n', '');
    const api = resourceAt((await read({ 'main.tf': text })).resources, 'google_cloud_run_v2_service.api');
    const instance = ['template', 0, 'volumes', 0, 'cloud_sql_instance', 0, 'instances', 0];
    assert.deepEqual(api.values.template, [
      {
        volumes: [{ cloud_sql_instance: [{ instances: [null] }] }],
        containers: [{ env: [{ name: 'KEY', value_source: [{ secret_key_ref: [{ secret: 'api-key' }] }] }, { name: 'DB_HOST' }] }],
      },
    ]);
    assert.equal(api.unknownReason(instance), 'known only after apply (google_sql_database_instance.db.connection_name)');
    assert.deepEqual(api.locate(instance), { file: 'cfg/main.tf', line: 24, column: 28 });
  });
});

describe('count, for_each and dynamic blocks', () => {
  it('skips count = 0, makes one resource per count index and for_each key, and reads an unknown count as one instance with a note', async () => {
    const { resources, notes } = await read({
      'main.tf': [
        'variable "replicas" {}',
        'resource "google_compute_network" "off" {',
        '  count = 0',
        '  name  = "off"',
        '}',
        'resource "google_compute_network" "many" {',
        '  count = var.replicas',
        '  name  = "many-${count.index}"',
        '}',
        'resource "google_compute_network" "three" {',
        '  count = 3',
        '  name  = "three"',
        '}',
        'resource "google_compute_subnetwork" "each" {',
        '  for_each = toset(["a", "b"])',
        '  name     = each.key',
        '  network  = google_compute_network.off[0].id',
        '  dynamic "secondary_ip_range" {',
        '    for_each = []',
        '    content {}',
        '  }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(
      resources.map((r) => r.address),
      [
        'google_compute_network.many',
        'google_compute_network.three[0]',
        'google_compute_network.three[1]',
        'google_compute_network.three[2]',
        'google_compute_subnetwork.each["a"]',
        'google_compute_subnetwork.each["b"]',
      ],
    );
    const each = resourceAt(resources, 'google_compute_subnetwork.each["b"]');
    assert.equal(each.values.name, 'b');
    assert.equal(each.unknownReason(['network']), 'google_compute_network.off[0].id cannot be evaluated: google_compute_network.off[0].id: index 0 is out of range (0 elements)');
    assert.deepEqual(each.values.secondary_ip_range, []);
    assert.equal(resourceAt(resources, 'google_compute_network.many').unknownReason(['name']), 'count is not known (var.replicas has no default and no value in terraform.tfvars)');
    assert.deepEqual(notes, ['google_compute_network.many: count is not known (var.replicas has no default and no value in terraform.tfvars); read as one instance']);
  });
});
