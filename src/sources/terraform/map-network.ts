import type { KeyPath } from '../document.js';
import { cidrContains, GOOGLE_API_VIP_RANGES, parseCidr, parseIpv4 } from '../../model/ip.js';
import type { Emit, MappingContext, NetworkEntry } from './map-context.js';
import { blocks, isBoolean, isNumber, isString, lastSegment, read, resourceName, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * VPC networks and what hangs off them: subnets, Cloud Routers with their NAT gateways, reserved
 * addresses, private services access and peerings. Field names follow the google provider
 * (registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_*).
 */

type RouterEntry = NonNullable<NetworkEntry['routers']>[number];
type NatEntry = NonNullable<RouterEntry['nats']>[number];

interface RouterPlace {
  readonly entry: RouterEntry;
  readonly path: KeyPath;
  readonly network: string;
  readonly region: string | undefined;
}

export function mapNetworks(ctx: MappingContext, ofType: ResourcesOfType): void {
  // Networks first, so every later entity finds (rather than creates) the network it names.
  for (const r of ofType('google_compute_network')) mapNetwork(ctx, r);
  for (const r of ofType('google_compute_subnetwork')) mapSubnet(ctx, r);
  const routers = new Map<string, RouterPlace[]>();
  for (const r of ofType('google_compute_router')) mapRouter(ctx, r, routers);
  for (const r of ofType('google_compute_router_nat')) mapNat(ctx, r, routers);
  for (const r of ofType('google_compute_address')) mapAddress(ctx, r);
  mapPrivateServicesAccess(ctx, ofType('google_compute_global_address'), ofType('google_service_networking_connection'));
  for (const r of ofType('google_compute_network_peering')) mapPeering(ctx, r);
  for (const r of ofType('google_dns_managed_zone')) mapGoogleApisZone(ctx, r, ofType('google_dns_record_set'));
}

/** The network an entity names in `attribute`, found or created; a note and undefined when it cannot be named. */
export function networkOf(ctx: MappingContext, r: TerraformResource, label: string, attribute: KeyPath): { entry: NetworkEntry; path: KeyPath; name: string } | undefined {
  const name = ctx.required(r, label, attribute, ctx.nameAt(r, attribute, ['google_compute_network']));
  return name === undefined ? undefined : { ...ctx.network(name, r, attribute), name };
}

function mapNetwork(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const { path } = ctx.network(name, r, []);
  ctx.record(path, r);
  ctx.record([...path, 'name'], r, ['name']);
}

function mapSubnet(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const network = networkOf(ctx, r, `subnet ${name}`, ['network']);
  if (network === undefined) return;
  const label = `networks[${network.name}].subnets[${name}]`;
  const cidr = ctx.required(r, label, ['ip_cidr_range'], read(r, ['ip_cidr_range'], isString));
  if (cidr === undefined) return;
  const subnets = (network.entry.subnets ??= []);
  const e: Emit = { resource: r, path: [...network.path, 'subnets', subnets.length], label };
  ctx.record(e.path, r);
  ctx.record([...e.path, 'cidr'], r, ['ip_cidr_range']);
  subnets.push({
    name,
    region: ctx.regionOrUnknown(e, ['region']),
    cidr,
    privateGoogleAccess: ctx.field(e, 'privateGoogleAccess', ['private_ip_google_access'], read(r, ['private_ip_google_access'], isBoolean)),
  });
}

function mapRouter(ctx: MappingContext, r: TerraformResource, routers: Map<string, RouterPlace[]>): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const network = networkOf(ctx, r, `router ${name}`, ['network']);
  if (network === undefined) return;
  const list = (network.entry.routers ??= []);
  const e: Emit = { resource: r, path: [...network.path, 'routers', list.length], label: `networks[${network.name}].routers[${name}]` };
  ctx.record(e.path, r);
  const entry: RouterEntry = { name, region: ctx.regionOrUnknown(e, ['region']) };
  list.push(entry);
  routers.set(name, [...(routers.get(name) ?? []), { entry, path: e.path, network: network.name, region: entry.region }]);
}

// source_subnetwork_ip_ranges_to_nat: both "all subnetworks" options cover every primary range,
// which is what connectors and Direct VPC send from (cloud.google.com/nat/docs/reference/rest).
const ALL_SUBNETWORKS = new Set(['ALL_SUBNETWORKS_ALL_IP_RANGES', 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES']);

function mapNat(ctx: MappingContext, r: TerraformResource, routers: ReadonlyMap<string, readonly RouterPlace[]>): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const label = `nat ${name}`;
  const routerName = ctx.required(r, label, ['router'], ctx.nameAt(r, ['router'], ['google_compute_router']));
  if (routerName === undefined) return;
  const region = read(r, ['region'], isString);
  const candidates = (routers.get(routerName) ?? []).filter((p) => region.kind !== 'known' || p.region === undefined || p.region === region.value);
  const [router] = candidates;
  if (router === undefined || candidates.length > 1) {
    ctx.note(`${label}: left out: ${router === undefined ? `its router "${routerName}" is not in the input` : `several routers are called "${routerName}"`}`);
    return;
  }
  const option = ctx.required(r, label, ['source_subnetwork_ip_ranges_to_nat'], read(r, ['source_subnetwork_ip_ranges_to_nat'], isString));
  if (option === undefined) return;
  const nats = (router.entry.nats ??= []);
  const e: Emit = { resource: r, path: [...router.path, 'nats', nats.length], label: `networks[${router.network}].routers[${routerName}].nats[${name}]` };
  const subnets = ALL_SUBNETWORKS.has(option) ? 'all' : natSubnets(ctx, e);
  if (subnets.length === 0) {
    ctx.note(`${e.label}: left out: it names no subnet whose primary range it translates`);
    return;
  }
  ctx.record(e.path, r);
  ctx.record([...e.path, 'subnets'], r, [subnets === 'all' ? 'source_subnetwork_ip_ranges_to_nat' : 'subnetwork']);
  const entry: NatEntry = { name, subnets };
  const natIps = natAddresses(ctx, e);
  if (natIps !== undefined) entry.natIps = natIps;
  nats.push(entry);
}

/** LIST_OF_SUBNETWORKS: the `subnetwork` blocks whose primary range is translated. */
function natSubnets(ctx: MappingContext, e: Emit): string[] {
  const names: string[] = [];
  blocks(e.resource, ['subnetwork']).forEach((block, k) => {
    const ranges = block.source_ip_ranges_to_nat;
    // A subnetwork listed only for its secondary ranges does not cover the primary one.
    if (Array.isArray(ranges) && !ranges.some((x) => x === 'ALL_IP_RANGES' || x === 'PRIMARY_IP_RANGE')) return;
    const name = ctx.nameAt(e.resource, ['subnetwork', k, 'name'], ['google_compute_subnetwork']);
    if (name.kind === 'known') names.push(name.value);
    else ctx.note(`${e.label}.subnets: ${name.kind === 'unknown' ? name.reason : `subnetwork ${k} has no name`}; that subnet is not counted as covered`);
  });
  return names;
}

/** AUTO_ONLY → `auto`; MANUAL_ONLY → reserved address names (or literal IPs). */
function natAddresses(ctx: MappingContext, e: Emit): NatEntry['natIps'] {
  const option = read(e.resource, ['nat_ip_allocate_option'], isString);
  if (option.kind === 'known' && option.value === 'AUTO_ONLY') return ctx.fieldOrUnknown(e, 'natIps', ['nat_ip_allocate_option'], { kind: 'known', value: 'auto' as const });
  if (option.kind === 'known' && option.value === 'MANUAL_ONLY') {
    const ips = ctx.namesAt(e.resource, ['nat_ips'], ['google_compute_address'], (v) => (parseIpv4(v) !== undefined ? v : lastSegment(v)));
    return ctx.fieldOrUnknown(e, 'natIps', ['nat_ips'], ips.kind === 'absent' ? { kind: 'known', value: [] } : ips);
  }
  return ctx.fieldOrUnknown(e, 'natIps', ['nat_ip_allocate_option'], option.kind === 'unknown' ? option : { kind: 'absent' });
}

function mapAddress(ctx: MappingContext, r: TerraformResource): void {
  // Only external addresses: the topology's `addresses` are the static IPs NAT and allow-lists use.
  if (r.values.address_type === 'INTERNAL') return;
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['addresses', ctx.lists.addresses.length], label: `addresses[${name}]` };
  // No `address` argument: Google picks the IP when the address is created, so it is known after
  // apply; the address still exists, and a NAT that names it uses it.
  const given = read(r, ['address'], isString);
  const address = ctx.fieldOrUnknown(e, 'address', ['address'], given.kind === 'absent' ? { kind: 'unknown', reason: `known after apply: ${r.address} sets no \`address\`, so Google assigns its IP when it is created` } : given);
  if (address === undefined) return;
  ctx.record(e.path, r);
  ctx.lists.addresses.push({ name, address, region: ctx.region(e, ['region']) });
}

function mapPrivateServicesAccess(ctx: MappingContext, globalAddresses: readonly TerraformResource[], connections: readonly TerraformResource[]): void {
  const allocated = new Map<string, TerraformResource>();
  for (const r of globalAddresses) {
    const name = resourceName(r);
    if (name !== undefined && r.values.purpose === 'VPC_PEERING') allocated.set(name, r);
  }
  for (const r of connections) {
    const network = networkOf(ctx, r, `${r.address} (private services access)`, ['network']);
    if (network === undefined) continue;
    const e: Emit = { resource: r, path: [...network.path, 'privateServicesAccess'], label: `networks[${network.name}].privateServicesAccess` };
    const names = ctx.namesAt(r, ['reserved_peering_ranges'], ['google_compute_global_address']);
    const ranges =
      names.kind === 'known' ? allocatedRanges(names.value, allocated) : names.kind === 'unknown' ? names : { kind: 'unknown' as const, reason: `${r.address} sets no reserved_peering_ranges` };
    const previous = network.entry.privateServicesAccess?.ranges;
    ctx.record(e.path, r);
    const value = ctx.fieldOrUnknown(e, 'ranges', ['reserved_peering_ranges'], ranges) ?? 'unknown';
    // Several connections on one network (other producer services) add their ranges.
    const merged = previous === undefined ? value : previous === 'unknown' || value === 'unknown' ? 'unknown' : [...previous, ...value];
    if (merged === 'unknown') network.entry.privateServicesAccess = { ranges: 'unknown' };
    else if (merged.length > 0) network.entry.privateServicesAccess = { ranges: merged };
  }
}

/** Reserved range names → CIDRs (`address/prefix_length`); unknown when Google is still to choose one. */
function allocatedRanges(names: readonly string[], allocated: ReadonlyMap<string, TerraformResource>): { kind: 'known'; value: string[] } | { kind: 'unknown'; reason: string } {
  const cidrs: string[] = [];
  for (const name of names) {
    const range = allocated.get(name);
    if (range === undefined) return { kind: 'unknown', reason: `the reserved range "${name}" is not a VPC_PEERING google_compute_global_address in the input` };
    const address = read(range, ['address'], isString);
    const prefix = read(range, ['prefix_length'], isNumber);
    if (address.kind === 'unknown') return address;
    if (prefix.kind === 'unknown') return prefix;
    if (address.kind === 'absent' || prefix.kind === 'absent') return { kind: 'unknown', reason: `${range.address} sets no address and prefix_length` };
    cidrs.push(`${address.value}/${prefix.value}`);
  }
  return { kind: 'known', value: cidrs };
}

function mapPeering(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const network = networkOf(ctx, r, `peering ${name}`, ['network']);
  if (network === undefined) return;
  const peer = ctx.required(r, `peering ${name}`, ['peer_network'], ctx.nameAt(r, ['peer_network'], ['google_compute_network']));
  if (peer === undefined) return;
  const peerings = (network.entry.peerings ??= []);
  const path = [...network.path, 'peerings', peerings.length];
  ctx.record(path, r);
  ctx.record([...path, 'peerNetwork'], r, ['peer_network']);
  peerings.push({ name, peerNetwork: peer });
}

/**
 * A private Cloud DNS zone for `googleapis.com.` (registry.terraform.io/providers/hashicorp/google/
 * latest/docs/resources/dns_managed_zone) changes where every Google API resolves in the networks
 * it is visible to: to private.googleapis.com or restricted.googleapis.com, as its
 * `*.googleapis.com.` record says (a CNAME to either name, or A records in either VIP range).
 */
function mapGoogleApisZone(ctx: MappingContext, zone: TerraformResource, records: readonly TerraformResource[]): void {
  const dnsName = read(zone, ['dns_name'], isString);
  if (dnsName.kind !== 'known' || dnsName.value.replace(/\.$/, '') !== 'googleapis.com') return;
  if (zone.values.visibility !== 'private') return;
  const zoneName = resourceName(zone);
  const own = records.filter((record) => {
    const name = ctx.nameAt(record, ['managed_zone'], ['google_dns_managed_zone']);
    return name.kind === 'known' && name.value === zoneName;
  });
  const target = googleApisTarget(zone, own);
  blocks(zone, ['private_visibility_config']).forEach((_, i) => {
    const networks = blocks(zone, ['private_visibility_config', i, 'networks']);
    networks.forEach((__, j) => {
      const attribute = ['private_visibility_config', i, 'networks', j, 'network_url'];
      const network = networkOf(ctx, zone, `${zone.address} (DNS for googleapis.com)`, attribute);
      if (network === undefined) return;
      const e: Emit = { resource: zone, path: network.path, label: `networks[${network.name}]` };
      network.entry.googleApisDns = ctx.fieldOrUnknown(e, 'googleApisDns', ['dns_name'], target) ?? 'unknown';
    });
  });
}

function googleApisTarget(zone: TerraformResource, records: readonly TerraformResource[]): { kind: 'known'; value: 'private' | 'restricted' } | { kind: 'unknown'; reason: string } {
  const wildcard = records.find((r) => r.values.name === '*.googleapis.com.');
  if (wildcard === undefined) return { kind: 'unknown', reason: `${zone.address} is a private zone for googleapis.com, and no *.googleapis.com. record of it is in the input: where Google APIs resolve is not known` };
  const rrdatas = read(wildcard, ['rrdatas'], (v): v is string[] => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string'));
  if (rrdatas.kind === 'unknown') return rrdatas;
  const values = rrdatas.kind === 'known' ? rrdatas.value : [];
  for (const vip of ['private', 'restricted'] as const) {
    const range = parseCidr(GOOGLE_API_VIP_RANGES[vip]);
    const cname = values.every((v) => v.replace(/\.$/, '') === `${vip}.googleapis.com`);
    const addresses = values.every((v) => {
      const ip = parseIpv4(v);
      return ip !== undefined && range !== undefined && cidrContains(range, ip);
    });
    if (values.length > 0 && (cname || addresses)) return { kind: 'known', value: vip };
  }
  return { kind: 'unknown', reason: `${wildcard.address} points *.googleapis.com at ${values.join(', ') || 'nothing the input gives'}, neither private.googleapis.com nor restricted.googleapis.com` };
}
