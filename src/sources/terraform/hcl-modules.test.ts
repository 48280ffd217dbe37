import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../errors.js';
import { readInMemory as read, resourceAt } from './hcl-memory-view.test-helper.js';

/** The diagnostics of an InputError, as [file, line, column, message]. */
function problems(error: unknown): unknown[] {
  assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
  return error.diagnostics.map((d) => [d.file, d.line, d.column, d.message]);
}

describe('modules', () => {
  const ROOT = [
    'module "net" {',
    '  source = "./modules/net"',
    '  name   = "shared"',
    '}',
    'module "off" {',
    '  source = "./modules/net"',
    '  count  = 0',
    '}',
    'module "dns" {',
    '  source = "git::https://deploy:s3cr3t@git.example.com/infra/dns.git?ref=v1"',
    '}',
    'resource "google_vpc_access_connector" "c" {',
    '  name    = "c"',
    '  network = module.net.network',
    '  subnet { name = module.dns.subnet }',
    '}',
  ].join('\n');
  const NET = [
    'variable "name" {}',
    'variable "cidr" {}',
    'resource "google_compute_network" "this" { name = "${var.name}-vpc" }',
    'resource "google_compute_subnetwork" "this" {',
    '  name          = "${var.name}-subnet"',
    '  network       = google_compute_network.this.id',
    '  ip_cidr_range = var.cidr',
    '}',
    'output "network" { value = google_compute_network.this.name }',
  ].join('\n');

  it('reads local modules with their inputs, prefixing addresses and references', async () => {
    const { resources, files } = await read({ 'main.tf': ROOT, 'modules/net/main.tf': NET });
    assert.deepEqual(
      resources.map((r) => r.address),
      ['google_vpc_access_connector.c', 'module.net.google_compute_network.this', 'module.net.google_compute_subnetwork.this'],
    );
    const subnet = resourceAt(resources, 'module.net.google_compute_subnetwork.this');
    assert.deepEqual(subnet.values, { name: 'shared-subnet', network: 'shared-vpc' });
    assert.deepEqual(subnet.references(['network']), ['module.net.google_compute_network.this', 'module.net.google_compute_network.this.id']);
    assert.equal(subnet.unknownReason(['ip_cidr_range']), 'var.cidr has no default and module "net" does not set it');
    assert.deepEqual(subnet.locate(['ip_cidr_range']), { file: 'cfg/modules/net/main.tf', line: 7, column: 3 });
    const connector = resourceAt(resources, 'google_vpc_access_connector.c');
    assert.equal(connector.values.network, 'shared-vpc');
    assert.deepEqual(connector.references(['network']), ['module.net.google_compute_network.this', 'module.net.google_compute_network.this.name']);
    assert.deepEqual(files, ['cfg/main.tf', 'cfg/modules/net/main.tf']);
  });

  it('does not fetch registry or git modules: a note, with URL passwords redacted, and their outputs unknown', async () => {
    const { resources, notes } = await read({ 'main.tf': ROOT, 'modules/net/main.tf': NET });
    assert.deepEqual(notes, ['module "dns" (source "git::https://deploy:***@git.example.com/infra/dns.git?ref=v1") not fetched: resources it creates are not in the model (run `terraform init` to fetch it, or check a plan)']);
    const connector = resourceAt(resources, 'google_vpc_access_connector.c');
    assert.equal(
      connector.unknownReason(['subnet', 0, 'name']),
      'module "dns" (source "git::https://deploy:***@git.example.com/infra/dns.git?ref=v1") not fetched: its outputs are not known',
    );
  });

  it('refuses a local module directory that does not exist, at the module\'s source', async () => {
    await assert.rejects(read({ 'main.tf': 'module "net" {\n  source = "./modules/missing"\n}\n' }), (error: unknown) => {
      assert.deepEqual(problems(error), [
        ['cfg/main.tf', 2, 3, 'module "net": source "./modules/missing" no such directory in memory; expected a Terraform configuration directory (cfg/modules/missing)'],
      ]);
      return true;
    });
  });

  it('refuses a module that calls itself', async () => {
    await assert.rejects(read({ 'main.tf': 'module "loop" {\n  source = "./"\n}\n' }), (error: unknown) => {
      assert.deepEqual(problems(error), [['cfg/main.tf', 2, 3, 'module "loop": source "./" calls a module that calls it (a cycle)']]);
      return true;
    });
  });
});

describe('providers', () => {
  it('notes a provider setting that is not known', async () => {
    const { provider, notes } = await read({ 'main.tf': 'variable "project" {}\nprovider "google" {\n  project = var.project\n  region = "europe-west1"\n}\nprovider "google" {\n  alias = "us"\n  region = "us-central1"\n}\n' });
    assert.deepEqual(provider, { region: 'europe-west1' });
    assert.deepEqual(notes, ['provider "google" project: var.project has no default and no value in terraform.tfvars; the topology\'s project is not set from it']);
  });
});

describe('files Terraform reads', () => {
  it('reports every syntax error of every file at once, each located', async () => {
    await assert.rejects(read({ 'a.tf': 'locals {\n  x = \n}\n', 'b.tf': 'resource "a" "b" {\n' }), (error: unknown) => {
      assert.deepEqual(problems(error), [
        ['cfg/a.tf', 2, 7, 'HCL syntax: Invalid expression: Expected the start of an expression, but found an invalid expression token.'],
        ['cfg/b.tf', 1, 18, 'HCL syntax: Unclosed configuration block: There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.'],
      ]);
      return true;
    });
  });

  it('refuses the same resource declared twice, pointing at the second', async () => {
    const network = 'resource "google_compute_network" "vpc" {\n  name = "vpc"\n}\n';
    await assert.rejects(read({ 'a.tf': network, 'b.tf': `\n${network}` }), (error: unknown) => {
      assert.deepEqual(problems(error), [['cfg/b.tf', 2, 1, 'resource "google_compute_network" "vpc" is declared twice (first at cfg/a.tf:1); Terraform refuses duplicates']]);
      return true;
    });
  });

  it('locates a syntax error in terraform.tfvars', async () => {
    await assert.rejects(read({ 'main.tf': 'variable "a" {}\n', 'terraform.tfvars': 'a = "x"\nb = \n' }), (error: unknown) => {
      assert.deepEqual(problems(error), [['cfg/terraform.tfvars', 2, 5, 'HCL syntax: Invalid expression: Expected the start of an expression, but found an invalid expression token.']]);
      return true;
    });
  });

  it('notes JSON configuration, override files and variable files Terraform does not load by itself', async () => {
    const { notes, files } = await read({ 'main.tf': '', 'extra.tf.json': '{}', 'main_override.tf': 'locals {}\n', 'prod.tfvars': 'a = 1\n', 'README.md': '# x' });
    assert.deepEqual(notes, [
      'cfg/extra.tf.json: JSON configuration syntax (*.tf.json) is not read; what it declares is not in the model',
      'cfg/main_override.tf: override files are not applied; the model shows the configuration without them',
      'cfg/prod.tfvars: not read (Terraform loads it only with -var-file); variables take terraform.tfvars, *.auto.tfvars and defaults',
    ]);
    assert.deepEqual(files, ['cfg/main.tf']);
  });

  it('refuses a directory holding only JSON configuration, saying what to check instead', async () => {
    await assert.rejects(read({ 'main.tf.json': '{}' }), (error: unknown) => {
      assert.deepEqual(problems(error), [['cfg', undefined, undefined, 'holds only JSON configuration (*.tf.json), which Lifeline does not read; check a plan instead (terraform show -json PLAN > plan.json)']]);
      return true;
    });
  });
});

describe('modules fetched by terraform init', () => {
  const ROOT = [
    'module "vpc" {',
    '  source  = "terraform-google-modules/network/google"',
    '  version = "~> 9.0"',
    '  name    = "shared"',
    '}',
    'module "lb" {',
    '  source = "GoogleCloudPlatform/lb-http/google"',
    '}',
    'resource "google_vpc_access_connector" "c" {',
    '  name    = "c"',
    '  network = module.vpc.network_name',
    '}',
  ].join('\n');
  const VPC = [
    'variable "name" {}',
    'resource "google_compute_network" "this" { name = "${var.name}-vpc" }',
    'module "nat" {',
    '  source  = "terraform-google-modules/cloud-nat/google"',
    '  network = google_compute_network.this.name',
    '}',
    'module "subnets" {',
    '  source       = "./modules/subnets"',
    '  network_name = google_compute_network.this.name',
    '}',
    'output "network_name" { value = google_compute_network.this.name }',
  ].join('\n');
  const manifest = (modules: readonly object[]) => JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, ...modules] }, null, 2);
  const FETCHED = {
    'main.tf': ROOT,
    '.terraform/modules/modules.json': manifest([
      { Key: 'vpc', Source: 'registry.terraform.io/terraform-google-modules/network/google', Version: '9.1.0', Dir: '.terraform/modules/vpc' },
      { Key: 'vpc.nat', Source: 'registry.terraform.io/terraform-google-modules/cloud-nat/google', Version: '5.0.0', Dir: '.terraform/modules/vpc.nat' },
      { Key: 'vpc.subnets', Source: './modules/subnets', Dir: '.terraform/modules/vpc/modules/subnets' },
    ]),
    '.terraform/modules/vpc/main.tf': VPC,
    '.terraform/modules/vpc/modules/subnets/main.tf': 'variable "network_name" {}\nresource "google_compute_subnetwork" "s" {\n  name          = "s"\n  network       = var.network_name\n  ip_cidr_range = "10.0.0.0/24"\n}\n',
    '.terraform/modules/vpc.nat/main.tf': 'variable "network" {}\nresource "google_compute_router" "r" {\n  name    = "r"\n  network = var.network\n}\n',
  };

  it('reads registry modules, nested ones too, from where .terraform/modules/modules.json says', async () => {
    const { resources, notes, files } = await read(FETCHED);
    assert.deepEqual(resources.map((r) => r.address).sort(), [
      'google_vpc_access_connector.c',
      'module.vpc.google_compute_network.this',
      'module.vpc.module.nat.google_compute_router.r',
      'module.vpc.module.subnets.google_compute_subnetwork.s',
    ]);
    assert.equal(resourceAt(resources, 'google_vpc_access_connector.c').values.network, 'shared-vpc');
    assert.equal(resourceAt(resources, 'module.vpc.module.nat.google_compute_router.r').values.network, 'shared-vpc');
    assert.deepEqual(resourceAt(resources, 'module.vpc.google_compute_network.this').locate(['name']), { file: 'cfg/.terraform/modules/vpc/main.tf', line: 2, column: 44 });
    // A call init did not fetch (or that is new since) is still named.
    assert.deepEqual(notes, ['module "lb" (source "GoogleCloudPlatform/lb-http/google") not fetched: resources it creates are not in the model (run `terraform init` to fetch it, or check a plan)']);
    assert.ok(files.includes('cfg/.terraform/modules/modules.json'));
  });

  it('a manifest that is not what terraform init writes is a located error; a directory outside the configuration is not read', async () => {
    const bad = { ...FETCHED, '.terraform/modules/modules.json': '{\n  "Modules": [\n    {"Key": "vpc"}\n  ]\n}\n' };
    await assert.rejects(read(bad), (error: unknown) => {
      assert.deepEqual(problems(error), [['cfg/.terraform/modules/modules.json', 3, 5, 'expected a module entry with string "Key" and "Dir", as `terraform init` writes it']]);
      return true;
    });
    const outside = { 'main.tf': ROOT, '.terraform/modules/modules.json': manifest([{ Key: 'vpc', Source: 'x', Dir: '../elsewhere' }]) };
    const { notes } = await read(outside);
    assert.ok(notes.includes('cfg/.terraform/modules/modules.json: module "vpc" is in ../elsewhere, outside the configuration directory; not read'));
  });
});
