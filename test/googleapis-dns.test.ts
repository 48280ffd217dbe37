import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function check(dir: string, file: string): Report {
  const run = spawnSync(process.execPath, [cli, 'check', file, '--format', 'json'], { encoding: 'utf8', cwd: dir });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

const googleApis = (report: Report) => report.paths.find((p) => p.destination === 'implicit' && p.dependency === 'google-apis');

/** A service on a connector with private-ranges-only egress; the connector's subnet has no Private Google Access. */
function topology(dns: string | undefined, privateGoogleAccess: boolean): string {
  return `version: 1
project: p
region: europe-west1
networks:
  - name: vpc
${dns === undefined ? '' : `    googleApisDns: ${dns}\n`}    subnets:
      - name: connector-subnet
        cidr: 10.8.0.0/28
        privateGoogleAccess: ${privateGoogleAccess}
connectors:
  - name: c1
    network: vpc
    subnet: connector-subnet
services:
  - name: api
    connector: c1
    egress: private-ranges-only
`;
}

/** The same in Terraform, with a private zone for googleapis.com whose wildcard record is `record`. */
function terraform(record: string): string {
  return `provider "google" {
  project = "p"
  region  = "europe-west1"
}
resource "google_compute_network" "vpc" {
  name = "vpc"
}
resource "google_compute_subnetwork" "connector" {
  name          = "connector-subnet"
  network       = google_compute_network.vpc.id
  ip_cidr_range = "10.8.0.0/28"
}
resource "google_vpc_access_connector" "c1" {
  name = "c1"
  subnet { name = google_compute_subnetwork.connector.name }
}
resource "google_dns_managed_zone" "googleapis" {
  name       = "googleapis"
  dns_name   = "googleapis.com."
  visibility = "private"
  private_visibility_config {
    networks { network_url = google_compute_network.vpc.id }
  }
}
resource "google_dns_record_set" "wildcard" {
  managed_zone = google_dns_managed_zone.googleapis.name
  name         = "*.googleapis.com."
${record}
}
resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "europe-west1"
  template {
    containers { image = "gcr.io/p/api" }
    vpc_access {
      connector = google_vpc_access_connector.c1.id
      egress    = "PRIVATE_RANGES_ONLY"
    }
  }
}
`;
}

describe('Google APIs where a private DNS zone points them at the VIPs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-googleapis-dns-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('by default, private-ranges-only keeps Google APIs on Cloud Run\'s own path: reachable without Private Google Access', () => {
    writeFileSync(join(dir, 'default.yaml'), topology(undefined, false));
    assert.equal(googleApis(check(dir, 'default.yaml'))?.verdict, 'REACHABLE');
  });

  it('with private.googleapis.com in DNS the traffic enters the VPC and needs Private Google Access on the subnet', () => {
    writeFileSync(join(dir, 'private.yaml'), topology('private', false));
    const path = googleApis(check(dir, 'private.yaml'));
    assert.equal(path?.verdict, 'UNREACHABLE');
    assert.equal(path.cause, 'PRIVATE_GOOGLE_ACCESS_DISALLOWED');
    const last = path.hops.at(-1);
    assert.equal(last?.fact?.id, 'googleapis-private-dns');
    assert.match(last.detail, /private\.googleapis\.com 199\.36\.153\.8\/30/);
    writeFileSync(join(dir, 'private-pga.yaml'), topology('private', true));
    assert.equal(googleApis(check(dir, 'private-pga.yaml'))?.verdict, 'REACHABLE');
  });

  it('restricted.googleapis.com is the same route to its own range', () => {
    writeFileSync(join(dir, 'restricted.yaml'), topology('restricted', false));
    assert.match(googleApis(check(dir, 'restricted.yaml'))?.hops.at(-1)?.detail ?? '', /restricted\.googleapis\.com 199\.36\.153\.4\/30/);
  });

  it('Terraform: a private googleapis.com zone with a CNAME to private.googleapis.com is read onto the network it is visible to', () => {
    const tf = join(dir, 'cname');
    spawnSync('mkdir', ['-p', tf]);
    writeFileSync(join(tf, 'main.tf'), terraform('  type = "CNAME"\n  ttl = 300\n  rrdatas = ["private.googleapis.com."]'));
    const path = googleApis(check(dir, 'cname'));
    assert.equal(path?.verdict, 'UNREACHABLE');
    assert.equal(path.cause, 'PRIVATE_GOOGLE_ACCESS_DISALLOWED');
  });

  it('Terraform: A records in the restricted range say restricted; a record pointing elsewhere leaves the DNS unknown, named in coverage', () => {
    const a = join(dir, 'a-records');
    spawnSync('mkdir', ['-p', a]);
    writeFileSync(join(a, 'main.tf'), terraform('  type = "A"\n  ttl = 300\n  rrdatas = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]'));
    assert.match(googleApis(check(dir, 'a-records'))?.hops.at(-1)?.detail ?? '', /restricted\.googleapis\.com/);
    const other = join(dir, 'other');
    spawnSync('mkdir', ['-p', other]);
    writeFileSync(join(other, 'main.tf'), terraform('  type = "A"\n  ttl = 300\n  rrdatas = ["10.1.2.3"]'));
    const report = check(dir, 'other');
    assert.ok(report.coverage.unknowns.some((u) => /points \*\.googleapis\.com at 10\.1\.2\.3/.test(u.reason)), JSON.stringify(report.coverage.unknowns));
    // Under private-ranges-only the route depends on it: undetermined, the network's DNS named.
    const path = googleApis(report);
    assert.equal(path?.verdict, 'UNDETERMINED');
    assert.ok(report.coverage.unknowns.some((u) => u.key === 'network:vpc.googleApisDns' && u.affects > 0));
    assert.equal(report.status, 'INCOMPLETE');
  });
});
