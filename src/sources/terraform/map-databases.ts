import type { KeyPath } from '../document.js';
import { parseCidr, parseIpv4 } from '../../model/ip.js';
import type { Emit, MappingContext } from './map-context.js';
import { blocks, describeAttribute, isBoolean, isNumber, isString, read, type Read, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * Cloud SQL instances (google_sql_database_instance) and Memorystore for Redis instances
 * (google_redis_instance), as the provider documents their arguments and computed attributes:
 * registry.terraform.io/providers/hashicorp/google/latest/docs/resources/sql_database_instance
 * and …/redis_instance.
 */
export function mapDatabases(ctx: MappingContext, ofType: ResourcesOfType): void {
  for (const r of ofType('google_sql_database_instance')) mapSqlInstance(ctx, r);
  for (const r of ofType('google_redis_instance')) mapRedisInstance(ctx, r);
}

/** A computed attribute: unknown when the plan says so, and also when the input cannot hold it (HCL). */
function computed(r: TerraformResource, path: KeyPath, check: (v: unknown) => v is string): Read<string> {
  const value = read(r, path, check);
  if (value.kind !== 'absent') return value;
  return { kind: 'unknown', reason: `${describeAttribute(r, path)} is assigned by Google and is not in the input` };
}

const ENGINES = [
  ['POSTGRES_', 'postgres'],
  ['MYSQL_', 'mysql'],
  ['SQLSERVER_', 'sqlserver'],
] as const;

// ssl_mode values that refuse unencrypted connections (cloud.google.com/sql/docs/postgres/admin-api/rest/v1beta4/instances#SslMode).
const SSL_REQUIRED = new Set(['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED']);

function mapSqlInstance(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['databases', ctx.lists.databases.length], label: `databases[${name}]` };
  ctx.record(e.path, r);
  const ip: KeyPath = ['settings', 0, 'ip_configuration', 0];
  const version = read(r, ['database_version'], isString);
  const engine = version.kind === 'known' ? ENGINES.find(([prefix]) => version.value.startsWith(prefix))?.[1] : undefined;
  const privateNetwork = ctx.nameAt(r, [...ip, 'private_network'], ['google_compute_network']);
  ctx.lists.databases.push({
    name,
    connectionName: connectionName(ctx, e, name),
    region: ctx.regionOrUnknown(e, ['region']),
    engine: ctx.field(e, 'engine', ['database_version'], engine === undefined ? (version.kind === 'unknown' ? version : { kind: 'absent' }) : { kind: 'known', value: engine }),
    ipv4Enabled: ipv4Enabled(ctx, e, ip),
    publicIp: publicIp(ctx, e, ip),
    privateIp: privateIp(ctx, e, ip, privateNetwork),
    privateNetwork: ctx.field(e, 'privateNetwork', [...ip, 'private_network'], privateNetwork, 'its private IP cannot be placed in a network'),
    requireSsl: requireSsl(ctx, e, ip),
    authorizedNetworks: authorizedNetworks(ctx, e, ip),
    tier: ctx.field(e, 'tier', ['settings', 0, 'tier'], read(r, ['settings', 0, 'tier'], isString)),
    flags: flags(ctx, e),
    state: activationState(ctx, e),
  });
}

const isIpv4 = (v: unknown): v is string => typeof v === 'string' && parseIpv4(v) !== undefined;
const isCidr = (v: unknown): v is string => typeof v === 'string' && v.includes('/') && parseCidr(v) !== undefined;

/** An activation policy of NEVER keeps the instance stopped; ALWAYS and ON_DEMAND say nothing about its state. */
function activationState(ctx: MappingContext, e: Emit): 'STOPPED' | undefined {
  const policy = read(e.resource, ['settings', 0, 'activation_policy'], isString);
  if (policy.kind !== 'known' || policy.value !== 'NEVER') return undefined;
  return ctx.field(e, 'state', ['settings', 0, 'activation_policy'], { kind: 'known', value: 'STOPPED' as const });
}

/** No private_network: no private IP. With one, Google assigns the address from the allocated range. */
function privateIp(ctx: MappingContext, e: Emit, ip: KeyPath, network: Read<string>): string | null | undefined {
  const psc = read(e.resource, [...ip, 'psc_config', 0, 'psc_enabled'], isBoolean);
  if (network.kind === 'absent' && psc.kind !== 'absent' && !(psc.kind === 'known' && !psc.value)) {
    // A Private Service Connect instance is reached through an endpoint in the consumer's VPC, which
    // the model does not describe: its address is not "none".
    const reason = psc.kind === 'unknown' ? psc.reason : 'reached through a Private Service Connect endpoint (psc_config.psc_enabled), which Lifeline does not model';
    return ctx.fieldOrUnknown(e, 'privateIp', [...ip, 'psc_config', 0, 'psc_enabled'], { kind: 'unknown', reason });
  }
  if (network.kind === 'absent') return ctx.fieldOrUnknown(e, 'privateIp', [...ip, 'private_network'], { kind: 'known', value: null });
  return ctx.fieldOrUnknown(e, 'privateIp', ['private_ip_address'], computed(e.resource, ['private_ip_address'], isIpv4));
}

/** `PROJECT:REGION:INSTANCE`, as the plan gives it or from the instance's own project and region. */
function connectionName(ctx: MappingContext, e: Emit, name: string): string | undefined {
  const known = read(e.resource, ['connection_name'], isString);
  if (known.kind === 'known') return ctx.field(e, 'connectionName', ['connection_name'], known);
  const project = read(e.resource, ['project'], isString);
  const region = read(e.resource, ['region'], isString);
  if (project.kind !== 'known' || region.kind !== 'known') return undefined; // build derives it from the top-level project and region
  ctx.record([...e.path, 'connectionName'], e.resource, ['name']);
  return `${project.value}:${region.value}:${name}`;
}

/**
 * ipv4_enabled, true when absent (fact cloudsql-public-ip-default): with it, the instance has a
 * public IP even while its address is known only after apply.
 */
function ipv4Enabled(ctx: MappingContext, e: Emit, ip: KeyPath): boolean | undefined {
  const enabled = read(e.resource, [...ip, 'ipv4_enabled'], isBoolean);
  if (enabled.kind === 'unknown') return undefined;
  if (enabled.kind === 'absent') {
    ctx.record([...e.path, 'ipv4Enabled'], e.resource);
    return true;
  }
  return ctx.field(e, 'ipv4Enabled', [...ip, 'ipv4_enabled'], enabled);
}

/** ipv4_enabled (default true) decides whether there is a public IP at all; Google assigns it. */
function publicIp(ctx: MappingContext, e: Emit, ip: KeyPath): string | null | undefined {
  const enabled = read(e.resource, [...ip, 'ipv4_enabled'], isBoolean);
  if (enabled.kind === 'unknown') return ctx.fieldOrUnknown(e, 'publicIp', [...ip, 'ipv4_enabled'], enabled);
  if (enabled.kind === 'known' && !enabled.value) return ctx.fieldOrUnknown(e, 'publicIp', [...ip, 'ipv4_enabled'], { kind: 'known', value: null });
  return ctx.fieldOrUnknown(e, 'publicIp', ['public_ip_address'], computed(e.resource, ['public_ip_address'], isIpv4));
}

function requireSsl(ctx: MappingContext, e: Emit, ip: KeyPath): boolean | undefined {
  const mode = read(e.resource, [...ip, 'ssl_mode'], isString);
  const legacy = read(e.resource, [...ip, 'require_ssl'], isBoolean);
  // require_ssl = true is ENCRYPTED_ONLY in all but name; an explicit ssl_mode says the rest.
  if (legacy.kind === 'known' && legacy.value) return ctx.field(e, 'requireSsl', [...ip, 'require_ssl'], legacy);
  if (mode.kind === 'known') return ctx.field(e, 'requireSsl', [...ip, 'ssl_mode'], { kind: 'known', value: SSL_REQUIRED.has(mode.value) });
  return ctx.field(e, 'requireSsl', legacy.kind === 'absent' ? [...ip, 'ssl_mode'] : [...ip, 'require_ssl'], legacy.kind === 'absent' ? mode : legacy);
}

function authorizedNetworks(ctx: MappingContext, e: Emit, ip: KeyPath): { name?: string; cidr: string }[] | undefined {
  const list = blocks(e.resource, [...ip, 'authorized_networks']);
  if (list.length === 0) return undefined;
  const out: { name?: string; cidr: string }[] = [];
  list.forEach((block, k) => {
    const at = [...ip, 'authorized_networks', k];
    const value = read(e.resource, [...at, 'value'], isString);
    if (value.kind !== 'known') {
      ctx.note(`${e.label}.authorizedNetworks: ${value.kind === 'unknown' ? value.reason : `entry ${k} has no value`}; that entry is left out`);
      return;
    }
    // Cloud SQL accepts a bare address for a single host.
    const cidr = value.value.includes('/') ? value.value : `${value.value}/32`;
    ctx.record([...e.path, 'authorizedNetworks', out.length], e.resource, at);
    out.push(typeof block.name === 'string' && block.name !== '' ? { name: block.name, cidr } : { cidr });
  });
  return out;
}

function flags(ctx: MappingContext, e: Emit): Record<string, string> | undefined {
  const list = blocks(e.resource, ['settings', 0, 'database_flags']);
  if (list.length === 0) return undefined;
  const out: Record<string, string> = {};
  list.forEach((block, k) => {
    if (typeof block.name !== 'string' || typeof block.value !== 'string') return;
    out[block.name] = block.value;
    ctx.record([...e.path, 'flags', block.name], e.resource, ['settings', 0, 'database_flags', k, 'value']);
  });
  return out;
}

const CONNECT_MODES = ['DIRECT_PEERING', 'PRIVATE_SERVICE_ACCESS'] as const;
const isConnectMode = (v: unknown): v is (typeof CONNECT_MODES)[number] => CONNECT_MODES.some((m) => m === v);
const TRANSIT = ['DISABLED', 'SERVER_AUTHENTICATION'] as const;
const isTransit = (v: unknown): v is (typeof TRANSIT)[number] => TRANSIT.some((m) => m === v);

function mapRedisInstance(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['caches', ctx.lists.caches.length], label: `caches[${name}]` };
  ctx.record(e.path, r);
  ctx.lists.caches.push({
    name,
    host: ctx.fieldOrUnknown(e, 'host', ['host'], computed(r, ['host'], isIpv4)) ?? 'unknown',
    // With DIRECT_PEERING, a CIDR; with private services access, the name of an allocated range (left out).
    reservedIpRange: ctx.field(e, 'reservedIpRange', ['reserved_ip_range'], read(r, ['reserved_ip_range'], isCidr)),
    port: ctx.field(e, 'port', ['port'], read(r, ['port'], isNumber)),
    region: ctx.regionOrUnknown(e, ['region']),
    authorizedNetwork: ctx.field(e, 'authorizedNetwork', ['authorized_network'], ctx.nameAt(r, ['authorized_network'], ['google_compute_network'])),
    connectMode: ctx.field(e, 'connectMode', ['connect_mode'], read(r, ['connect_mode'], isConnectMode)),
    authEnabled: ctx.field(e, 'authEnabled', ['auth_enabled'], read(r, ['auth_enabled'], isBoolean)),
    transitEncryption: ctx.field(e, 'transitEncryption', ['transit_encryption_mode'], read(r, ['transit_encryption_mode'], isTransit)),
  });
}
