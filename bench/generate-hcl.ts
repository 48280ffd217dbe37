/**
 * Deterministic generator of a synthetic Terraform configuration directory for
 * `npm run bench:import`: a root module calling one module per group, each group module calling a
 * nested database module. Resources come in stacks of five — subnet, connector, Memorystore, Cloud
 * SQL instance (in the nested module), Cloud Run v2 service — written out one block each, with what
 * real configurations use: variables and a tfvars file, locals, `format()`, conditionals, a
 * `dynamic "env"` block over a map, references between resources and through a module output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RESOURCES_PER_STACK = 5;
const STACKS_PER_GROUP = 20;

function stack(g: number, s: number): string {
  const id = `${g}_${s}`;
  const octet = (g * STACKS_PER_GROUP + s) % 250;
  const third = Math.floor((g * STACKS_PER_GROUP + s) / 250);
  return `
resource "google_compute_subnetwork" "run_${s}" {
  name                     = format("%s-run-%02d", local.prefix, ${s})
  network                  = google_compute_network.vpc.id
  region                   = var.region
  ip_cidr_range            = "10.${third}.${octet}.0/24"
  private_ip_google_access = ${s % 2 === 0 ? 'true' : 'var.private_access'}
}

resource "google_vpc_access_connector" "conn_${s}" {
  name          = "\${local.prefix}-c${s}"
  region        = var.region
  network       = google_compute_network.vpc.name
  ip_cidr_range = "10.${100 + third}.${octet}.0/28"
  min_instances = 2
  max_instances = var.environment == "prod" ? 10 : 3
}

resource "google_redis_instance" "cache_${s}" {
  name               = "\${local.prefix}-cache-${s}"
  region             = var.region
  memory_size_gb     = 1
  authorized_network = google_compute_network.vpc.id
}

resource "google_cloud_run_v2_service" "svc_${s}" {
  name     = "\${local.prefix}-svc-${id}"
  location = var.region
  template {
    vpc_access {
      connector = google_vpc_access_connector.conn_${s}.id
      egress    = ${s % 5 === 0 ? '"ALL_TRAFFIC"' : 'upper(var.egress)'}
    }
    scaling {
      max_instance_count = lookup(local.scaling, var.environment, 4)
    }
    containers {
      image = "europe-docker.pkg.dev/acme/app/svc:\${var.tag}"
      env {
        name  = "REDIS_URL"
        value = "redis://\${google_redis_instance.cache_${s}.host}:6379"
      }
      env {
        name  = "DB_HOST"
        value = module.db_${s}.private_ip
      }
      dynamic "env" {
        for_each = local.common_env
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }
}

module "db_${s}" {
  source  = "./db"
  name    = "\${local.prefix}-db-${s}"
  region  = var.region
  network = google_compute_network.vpc.id
}
`;
}

function groupModule(g: number): string {
  const stacks = Array.from({ length: STACKS_PER_GROUP }, (_, s) => stack(g, s)).join('');
  return `variable "environment" {}
variable "region" {}
variable "egress" {
  default = "private_ranges_only"
}
variable "tag" {
  default = "latest"
}
variable "private_access" {
  type    = bool
  default = false
}

locals {
  prefix     = "g${g}-\${var.environment}"
  scaling    = { prod = 20, staging = 4 }
  common_env = { LOG_LEVEL = "info", GROUP = "${g}" }
}

resource "google_compute_network" "vpc" {
  name                    = "\${local.prefix}-vpc"
  auto_create_subnetworks = false
}
${stacks}`;
}

const DB_MODULE = `variable "name" {}
variable "region" {}
variable "network" {}

resource "google_sql_database_instance" "main" {
  name             = var.name
  region           = var.region
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-1-3840"
    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network
    }
  }
}

output "private_ip" {
  value = google_sql_database_instance.main.private_ip_address
}
`;

/**
 * Writes a configuration of about `resources` resources (rounded to whole groups of stacks) under
 * `dir`, and returns its root directory and the number of resources written.
 */
export async function writeHclTree(dir: string, resources: number): Promise<{ readonly root: string; readonly resources: number; readonly bytes: number }> {
  const perGroup = STACKS_PER_GROUP * RESOURCES_PER_STACK + 1;
  const groups = Math.max(1, Math.round(resources / perGroup));
  const root = join(dir, `hcl-${resources}`);
  let bytes = 0;
  const write = async (file: string, text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    await writeFile(file, text);
  };
  await mkdir(root, { recursive: true });
  const calls: string[] = ['provider "google" {\n  project = "acme-prod"\n  region  = var.region\n}\n\nvariable "region" {}\nvariable "environment" {}\n'];
  for (let g = 0; g < groups; g++) {
    const groupDir = join(root, 'modules', `group-${g}`);
    await mkdir(groupDir, { recursive: true });
    await write(join(groupDir, 'main.tf'), groupModule(g));
    // Each group's nested module is the shared database module, reached relative to the group.
    await mkdir(join(groupDir, 'db'), { recursive: true });
    await write(join(groupDir, 'db', 'main.tf'), DB_MODULE);
    calls.push(`module "group_${g}" {\n  source      = "./modules/group-${g}"\n  environment = var.environment\n  region      = var.region\n}\n`);
  }
  await write(join(root, 'main.tf'), calls.join('\n'));
  await write(join(root, 'terraform.tfvars'), 'region      = "europe-west1"\nenvironment = "staging"\n');
  return { root, resources: groups * perGroup, bytes };
}
