import { cidrContains, cidrsOverlap, classifyAddress, GOOGLE_API_VIP_RANGES, isInternalClass, parseIpv4, type AddressClass, type Cidr } from '../../model/ip.js';
import type { Database, Dependency, EgressMode, FirewallRule, Maybe, Nat, Network, Origin, Router, Service, Topology } from '../../model/topology.js';
import { isUnknown } from '../../model/topology.js';
import { targetKey } from '../../model/infer.js';
import { invalidConnectorRange } from './connector-range.js';
import { FACTS } from './facts.js';
import { GOOGLE_APIS, implicitDestinations, INTERNET, privateRanges, type ImplicitDestination } from './implicit.js';
import { hop, mountsCloudSql, planLegs, unknownValue, type Leg, type LegPlan, type UnknownAddressScope } from './legs.js';
import type { Cause, Hop, PathResult, UnknownValue, Verdict } from './path.js';

/** Lookups the engine needs, built once per Topology. */
export interface ReachabilityIndex {
  readonly topology: Topology;
  readonly databaseByConnection: ReadonlyMap<string, Database>;
  readonly nats: ReadonlyMap<string, readonly { readonly router: Router; readonly nat: Nat }[]>;
  readonly peers: ReadonlyMap<string, ReadonlySet<string>>;
}

export function indexTopology(topology: Topology): ReachabilityIndex {
  const databaseByConnection = new Map<string, Database>();
  for (const db of topology.databases.values()) databaseByConnection.set(db.connectionName, db);
  const nats = new Map<string, { router: Router; nat: Nat }[]>();
  const peers = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    let set = peers.get(a);
    if (!set) peers.set(a, (set = new Set()));
    set.add(b);
  };
  for (const network of topology.networks.values()) {
    for (const router of network.routers) {
      // A router whose region is not known is kept apart: it may or may not serve a region.
      const key = `${network.name}/${isUnknown(router.region) ? '?' : router.region}`;
      const list = nats.get(key) ?? [];
      for (const nat of router.nats) list.push({ router, nat });
      nats.set(key, list);
    }
    // A peering declared on either side is taken as active.
    for (const peering of network.peerings) {
      link(network.name, peering.peerNetwork);
      link(peering.peerNetwork, network.name);
    }
  }
  return { topology, databaseByConnection, nats, peers };
}

/**
 * Checks every (service, dependency) of the topology, or of the given services only. Services that
 * agree on everything a dependency's trace reads (egress, region, VPC access, the target and how it
 * is shown) share one trace: the others' hops are the owner's, with the owner's own lines (its
 * egress, connector, service and dependency entries) pointing at theirs.
 */
export function analyzeReachability(index: ReachabilityIndex, services: readonly Service[] = index.topology.services): PathResult[] {
  const shared = new Map<string, SharedTrace>();
  const results: PathResult[] = [];
  for (const service of services) {
    const egress = egressKey(service);
    for (const dependency of service.dependencies) {
      const own = ownOriginList(service, dependency);
      const key = egress === undefined ? undefined : dependencyTraceKey(egress, service, dependency, own);
      const known = key === undefined ? undefined : shared.get(key);
      if (known) {
        results.push(sharedPath(service, dependency, known, own));
        continue;
      }
      const path = analyzePath(index, service, dependency);
      if (key !== undefined) shared.set(key, { own, path });
      results.push(path);
    }
  }
  return results;
}

interface SharedTrace {
  /** The owner's own origins ({@link ownOriginList}): what a user's hops are re-pointed from. */
  readonly own: readonly Origin[];
  readonly path: PathResult;
}

/**
 * Everything a dependency's trace reads besides the shared entities, or undefined when the trace
 * names the service itself (an unresolved target's unknown is the service's own).
 */
function dependencyTraceKey(egress: string, service: Service, dependency: Dependency, own: readonly Origin[]): string | undefined {
  const target = dependency.target;
  if (target.kind === 'unresolved') return undefined;
  const mounted = target.kind === 'cloudsql-socket' && mountsCloudSql(service, target.connectionName);
  const port = target.kind === 'database' || target.kind === 'cache' || target.kind === 'address' ? `:${target.port ?? ''}` : '';
  return `${egress}|${originShape(own)}|${mounted ? 'm' : ''}|${targetKey(target)}${port}|${dependency.display}`;
}

/**
 * A service's own origins (its egress, its entry, its VPC access, and the dependency's when one is
 * given): the lines a shared trace is re-pointed at, in this order.
 */
function ownOriginList(service: Service, dependency?: Dependency): Origin[] {
  const list = [service.egressOrigin, service.origin];
  if (service.vpcAccess.kind !== 'none') list.push(service.vpcAccess.origin);
  if (dependency) list.push(dependency.origin);
  return list;
}

/**
 * Which of a service's own origins are the same object: a shared trace is re-pointed origin by
 * origin, so owner and user must agree on which coincide.
 */
function originShape(own: readonly Origin[]): number {
  let shape = own.length;
  for (let i = 0; i < own.length; i++) shape = shape * 8 + own.indexOf(own[i] as Origin);
  return shape;
}

/** A shared hop as the user's own: origins (its own and its unknown's) re-pointed from `from` to `to`; a hop with none of the owner's stays shared. */
function reown(h: Hop, from: readonly Origin[], to: readonly Origin[]): Hop {
  const at = h.origin === undefined ? -1 : from.indexOf(h.origin);
  const unknownAt = h.unknown?.origin === undefined ? -1 : from.indexOf(h.unknown.origin);
  if (at < 0 && unknownAt < 0) return h;
  const origin = to[at];
  const unknownOrigin = to[unknownAt];
  return { ...h, ...(origin ? { origin } : {}), ...(unknownOrigin && h.unknown ? { unknown: { ...h.unknown, origin: unknownOrigin } } : {}) };
}

/** A shared trace's hops as the user's own: its start hop, then the owner's re-pointed (see {@link reown}). */
function ownHops(service: Service, hops: readonly Hop[], from: readonly Origin[], to: readonly Origin[]): Hop[] {
  const out: Hop[] = new Array<Hop>(hops.length);
  out[0] = startHop(service);
  for (let i = 1; i < hops.length; i++) out[i] = reown(hops[i] as Hop, from, to);
  return out;
}

function sharedPath(service: Service, dependency: Dependency, known: SharedTrace, own: readonly Origin[]): PathResult {
  const { path } = known;
  return dependencyResult(service, dependency, { ...path, hops: ownHops(service, path.hops, known.own, own) });
}

/** A dependency's path from its trace: verdict, cause and blame from the hops. */
function dependencyResult(service: Service, dependency: Dependency, traced: Omit<TraceResult, 'consulted'> & { readonly consulted: PathResult['consulted'] }): PathResult {
  const { hops } = traced;
  const { verdict, cause, decisive } = verdictOf(hops);
  return {
    service: service.name,
    dependency: dependency.name,
    kind: dependency.kind,
    target: dependency.display,
    critical: dependency.critical,
    verdict,
    cause,
    confidence: traced.confidence,
    hops,
    assumptions: traced.assumptions,
    destination: 'dependency',
    provenance: dependency.provenance,
    reliesOn: traced.reliesOn,
    origin: dependency.origin,
    blame: (verdict === 'REACHABLE' ? undefined : decisive?.origin) ?? dependency.origin,
    consulted: traced.consulted,
  };
}

/**
 * Checks every service's implicit destinations (the public internet, Google APIs, each private
 * range its VPC routes to), declared dependencies or not: a service's egress is judged even when it
 * declares nothing. Services with the same egress configuration share one trace.
 */
export function analyzeImplicitDestinations(index: ReachabilityIndex, services: readonly Service[] = index.topology.services): PathResult[] {
  const traces = new Map<string, readonly Traced[]>();
  const results: PathResult[] = [];
  for (const service of services) {
    const egress = egressKey(service);
    const own = ownOriginList(service);
    const key = egress === undefined ? undefined : `${egress}|${originShape(own)}`;
    let shared = key === undefined ? undefined : traces.get(key);
    if (!shared) {
      shared = implicitDestinations(index, service).map((destination) => ({ destination, own, ...trace(index, service, { hops: [], legs: [destination.leg] }) }));
      if (key !== undefined) traces.set(key, shared);
    }
    for (const t of shared) results.push(implicitResult(service, t, own));
  }
  return results;
}

interface Traced extends TraceResult {
  readonly destination: ImplicitDestination;
  /** The own origins of the service the trace was made for; others with the same egress reuse it. */
  readonly own: readonly Origin[];
}

/**
 * Everything a trace reads of the service itself: services that agree on it share one trace.
 * Undefined when the trace would name the service (its egress or region is unknown, and the
 * unknown is the service's own).
 */
function egressKey(service: Service): string | undefined {
  if (isUnknown(service.egress) || isUnknown(service.region)) return undefined;
  const access = service.vpcAccess;
  const vpc = access.kind === 'none' ? 'none' : access.kind === 'connector' ? `c:${access.connector}` : `d:${access.network ?? ''}/${access.subnet ?? ''}/${access.tags.join(',')}`;
  return `${service.egress}|${service.region}|${vpc}`;
}

function implicitResult(service: Service, t: Traced, own: readonly Origin[]): PathResult {
  const hops = ownHops(service, t.hops, t.own, own);
  const { verdict, cause, decisive } = verdictOf(hops);
  return {
    service: service.name,
    dependency: t.destination.name,
    kind: undefined,
    target: t.destination.display,
    critical: undefined,
    verdict,
    cause,
    confidence: t.confidence,
    hops,
    assumptions: t.assumptions,
    destination: 'implicit',
    provenance: { kind: 'implicit' },
    reliesOn: [t.destination.name],
    origin: service.origin,
    blame: (verdict === 'REACHABLE' ? undefined : decisive?.origin) ?? service.egressOrigin,
    consulted: t.consulted,
  };
}

/** Where a service's VPC-bound traffic enters the VPC. */
interface VpcEntry {
  readonly network: Network;
  readonly networkName: string;
  readonly subnetName: string | undefined;
  readonly subnetCidr: Cidr | undefined;
  /** A connector's custom range: a subnet that NAT can cover only with `all`. */
  readonly hidden: boolean;
  readonly region: string;
  readonly privateGoogleAccess: boolean;
  readonly tags: readonly string[];
  readonly hops: readonly Hop[];
}

type EntryResult = { readonly entry: VpcEntry } | { readonly stop: readonly Hop[] } | { readonly none: true };

interface LegOutcome {
  readonly hops: readonly Hop[];
  readonly assumptions: readonly string[];
}

const startHops = new WeakMap<Service, Hop>();

/** The first hop of every path of a service (one object per service, shared by its paths). */
function startHop(service: Service): Hop {
  let start = startHops.get(service);
  if (!start) {
    start = hop('START_FROM_CLOUD_RUN_REVISION', `Cloud Run service ${service.name} in ${isUnknown(service.region) ? 'an unknown region' : service.region}`, 'forward');
    startHops.set(service, start);
  }
  return start;
}

export function analyzePath(index: ReachabilityIndex, service: Service, dependency: Dependency): PathResult {
  const consulted = new Set<string>();
  const plan = planLegs(index.topology, index.databaseByConnection, service, dependency, (key) => consulted.add(key));
  const traced = trace(index, service, plan, dependency.display);
  return dependencyResult(service, dependency, { ...traced, consulted: new Set([...consulted, ...traced.consulted]) });
}

interface TraceResult {
  readonly hops: readonly Hop[];
  readonly assumptions: readonly string[];
  readonly confidence: 'documented' | 'assumed';
  readonly reliesOn: readonly string[];
  readonly consulted: ReadonlySet<string>;
}

/** Routes a plan's legs from the service, under its egress mode (both modes when it is unknown). */
function trace(index: ReachabilityIndex, service: Service, plan: LegPlan, deliverTo?: string): TraceResult {
  const consulted = new Set<string>();
  const consult = (key: string): void => {
    consulted.add(key);
  };
  const start = startHop(service);
  let hops: Hop[];
  let assumptions: string[] = [];
  let reliesOn: string[] = [];
  if ('stop' in plan) {
    hops = [start, ...plan.stop];
  } else {
    const entry = resolveEntry(index, service, consult);
    reliesOn = plan.legs.map((leg) => implicitNameOf(index, entry, leg)).filter((n): n is string => n !== undefined);
    const route = (mode: EgressMode): LegOutcome => {
      const out: Hop[] = [...plan.hops];
      const notes: string[] = [];
      for (const leg of plan.legs) {
        const legHops = routeLeg(index, service, mode, entry, leg, consult, notes);
        out.push(...legHops);
        // A later leg can still drop (e.g. port 3307 after an undetermined Admin API call), and a
        // drop on any leg decides the path: only a drop ends the walk.
        if (legHops.some((h) => h.outcome === 'drop')) break;
      }
      return { hops: out, assumptions: notes };
    };
    if (isUnknown(service.egress)) {
      // Try both values: when they agree the unknown does not matter.
      const privateRanges = route('private-ranges-only');
      const allTraffic = route('all-traffic');
      const a = verdictOf(privateRanges.hops);
      const b = verdictOf(allTraffic.hops);
      if (a.verdict === b.verdict) {
        hops = [start, ...privateRanges.hops];
        assumptions = [`egress is unknown; private-ranges-only and all-traffic both give ${a.verdict}`, ...privateRanges.assumptions];
      } else {
        hops = [
          start,
          hop('SELECT_EGRESS', `egress is unknown (${service.egress.reason}): private-ranges-only gives ${a.verdict}, all-traffic gives ${b.verdict}`, 'undetermined', undefined, {
            cause: 'UNKNOWN_CONFIGURATION',
            origin: service.egressOrigin,
            unknown: unknownValue(`service:${service.name}.egress`, `service ${service.name}: egress`, service.egress.reason, service.egressOrigin),
          }),
        ];
        assumptions = [service.egress.reason];
      }
    } else {
      const outcome = route(service.egress);
      hops = [start, ...outcome.hops];
      assumptions = [...outcome.assumptions];
    }
  }
  if (hops.every((h) => h.outcome === 'forward')) hops.push(hop('DELIVER', deliverTo === undefined ? 'delivered' : `delivered to ${deliverTo}`, 'deliver'));
  const { verdict, decisive } = verdictOf(hops);
  const decisiveHops = verdict === 'REACHABLE' ? hops : decisive ? [decisive] : hops;
  const confidence = decisiveHops.some((h) => h.confidence === 'assumed') ? 'assumed' : 'documented';
  for (const h of hops) {
    if (h.fact && FACTS[h.fact].confidence === 'assumed') {
      const note = `unconfirmed: ${FACTS[h.fact].statement}`;
      if (!assumptions.includes(note)) assumptions.push(note);
    }
  }
  return { hops, assumptions, confidence, reliesOn, consulted };
}

/** The implicit destination a leg goes to: `internet`, `google-apis` or the private range it lies in. */
function implicitNameOf(index: ReachabilityIndex, entry: EntryResult, leg: Leg): string | undefined {
  const cls = classify(leg);
  if (cls === 'google-api' || cls === 'google-vip') return GOOGLE_APIS;
  if (cls === 'public' || cls === 'public-host') return INTERNET;
  if (leg.internal.kind === 'range') return undefined;
  if (leg.ip === undefined || !('entry' in entry)) return undefined;
  const ip = leg.ip;
  const range = privateRanges(index, entry.entry.network).find((r) => cidrContains(r.cidr, ip));
  return range?.name;
}

function verdictOf(hops: readonly Hop[]): { verdict: Verdict; cause: Cause | undefined; decisive: Hop | undefined } {
  const drop = hops.find((h) => h.outcome === 'drop');
  if (drop) return { verdict: 'UNREACHABLE', cause: drop.cause, decisive: drop };
  const undetermined = hops.find((h) => h.outcome === 'undetermined');
  if (undetermined) return { verdict: 'UNDETERMINED', cause: undetermined.cause, decisive: undetermined };
  const ambiguous = hops.find((h) => h.outcome === 'ambiguous');
  if (ambiguous) return { verdict: 'AMBIGUOUS', cause: ambiguous.cause, decisive: ambiguous };
  return { verdict: 'REACHABLE', cause: undefined, decisive: undefined };
}

function resolveEntry(index: ReachabilityIndex, service: Service, consult: (key: string) => void): EntryResult {
  const access = service.vpcAccess;
  const { topology } = index;
  if (access.kind === 'none') return { none: true };
  if (access.kind === 'connector') {
    consult(`connector:${access.connector}`);
    const connector = topology.connectors.get(access.connector);
    if (!connector) {
      const unknown = unknownValue(`connector:${access.connector}`, `connector ${access.connector}`, 'not described in the configuration', access.origin);
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `connector ${access.connector} is not described in the configuration`, 'undetermined', undefined, { cause: 'UNKNOWN_CONFIGURATION', origin: access.origin, unknown })] };
    }
    const invalidRange = invalidConnectorRange(topology, connector, topology.networks.get(connector.network));
    if (invalidRange !== undefined) {
      const origin = { ...connector.origin, path: [...connector.origin.path, connector.range.kind === 'custom' ? 'ipCidrRange' : 'subnet'] };
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', invalidRange, 'drop', 'connector-range', { cause: 'VPC_CONNECTOR_INVALID_RANGE', origin })] };
    }
    if (isUnknown(connector.state)) {
      const unknown = unknownValue(`connector:${connector.name}.state`, `connector ${connector.name}: state`, connector.state.reason, connector.origin);
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `the state of connector ${connector.name} is unknown (${connector.state.reason})`, 'undetermined', 'connector-state', { cause: 'UNKNOWN_CONFIGURATION', origin: connector.origin, unknown })] };
    }
    if (connector.state !== 'READY') {
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `connector ${connector.name} is ${connector.state}, not READY`, 'drop', 'connector-state', { cause: 'VPC_CONNECTOR_NOT_RUNNING', origin: connector.origin })] };
    }
    // The connector must be in the service's region: with either region unknown, that cannot be told.
    if (isUnknown(service.region)) return { stop: [regionUnknown(service, `whether connector ${connector.name} (${regionText(connector.region)}) is in the service's region`)] };
    if (isUnknown(connector.region)) {
      const unknown = unknownValue(`connector:${connector.name}.region`, `connector ${connector.name}: region`, connector.region.reason, connector.origin);
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `the region of connector ${connector.name} is unknown (${connector.region.reason}), so whether it is in the service's region (${service.region}) is not known`, 'undetermined', 'connector-region', { cause: 'UNKNOWN_CONFIGURATION', origin: connector.origin, unknown })] };
    }
    if (connector.region !== service.region) {
      return {
        stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `connector ${connector.name} is in ${connector.region}, the service in ${service.region}`, 'drop', 'connector-region', { cause: 'VPC_CONNECTOR_REGION_MISMATCH', origin: access.origin })],
      };
    }
    consult(`network:${connector.network}`);
    const network = topology.networks.get(connector.network);
    if (!network) {
      const unknown = unknownValue(`network:${connector.network}`, `network ${connector.network}`, 'not described in the configuration', connector.origin);
      return { stop: [hop('ARRIVE_AT_VPC_CONNECTOR', `connector ${connector.name}'s network ${connector.network} is not described in the configuration`, 'undetermined', undefined, { cause: 'UNKNOWN_CONFIGURATION', origin: connector.origin, unknown })] };
    }
    const subnet = connector.range.kind === 'subnet' ? network.subnets.find((s) => s.name === (connector.range as { subnet: string }).subnet) : undefined;
    const where = connector.range.kind === 'custom' ? `custom range ${connector.range.cidr.text} (hidden subnet)` : `subnet ${connector.range.subnet}`;
    return {
      entry: {
        network,
        networkName: connector.network,
        subnetName: connector.range.kind === 'subnet' ? connector.range.subnet : undefined,
        subnetCidr: connector.range.kind === 'custom' ? connector.range.cidr : subnet?.cidr,
        hidden: connector.range.kind === 'custom',
        region: connector.region,
        privateGoogleAccess: subnet?.privateGoogleAccess ?? false,
        // Egress firewall rules reach connector traffic through the connector's network tags.
        tags: ['vpc-connector', `vpc-connector-${connector.region}-${connector.name}`],
        hops: [hop('ARRIVE_AT_VPC_CONNECTOR', `connector ${connector.name} (READY) into network ${connector.network}, source ${where}`, 'forward', 'connector-state', { origin: access.origin })],
      },
    };
  }
  const networkName = access.network ?? [...topology.networks.values()].find((n) => n.subnets.some((s) => s.name === access.subnet))?.name;
  const subnetName = access.subnet ?? access.network;
  if (networkName !== undefined) consult(`network:${networkName}`);
  const network = networkName === undefined ? undefined : topology.networks.get(networkName);
  const subnet = network?.subnets.find((s) => s.name === subnetName);
  if (!network || !subnet || networkName === undefined) {
    return {
      stop: [
        hop('ARRIVE_AT_DIRECT_VPC_EGRESS', `Direct VPC subnet ${subnetName ?? '?'} is not described in the configuration`, 'undetermined', 'direct-vpc-subnet', {
          cause: 'UNKNOWN_CONFIGURATION',
          origin: access.origin,
          unknown: unknownValue(`subnet:${subnetName ?? '?'}`, `Direct VPC subnet ${subnetName ?? '?'}`, 'not described in the configuration', access.origin),
        }),
      ],
    };
  }
  if (isUnknown(service.region)) return { stop: [regionUnknown(service, `whether Direct VPC subnet ${subnet.name} (${regionText(subnet.region)}) is in the service's region`)] };
  if (isUnknown(subnet.region)) {
    const unknown = unknownValue(`subnet:${subnet.name}.region`, `subnet ${subnet.name}: region`, subnet.region.reason, subnet.origin);
    return { stop: [hop('ARRIVE_AT_DIRECT_VPC_EGRESS', `the region of Direct VPC subnet ${subnet.name} is unknown (${subnet.region.reason}), so whether it is in the service's region (${service.region}) is not known`, 'undetermined', 'direct-vpc-subnet', { cause: 'UNKNOWN_CONFIGURATION', origin: access.origin, unknown })] };
  }
  if (subnet.region !== service.region) {
    return {
      stop: [hop('ARRIVE_AT_DIRECT_VPC_EGRESS', `Direct VPC subnet ${subnet.name} is in ${subnet.region}, the service in ${service.region}`, 'drop', 'direct-vpc-subnet', { cause: 'DIRECT_VPC_SUBNET_REGION_MISMATCH', origin: access.origin })],
    };
  }
  return {
    entry: {
      network,
      networkName,
      subnetName: subnet.name,
      subnetCidr: subnet.cidr,
      hidden: false,
      region: subnet.region,
      privateGoogleAccess: subnet.privateGoogleAccess,
      tags: access.tags,
      hops: [hop('ARRIVE_AT_DIRECT_VPC_EGRESS', `Direct VPC egress into network ${networkName}, subnet ${subnet.name} (${subnet.cidr.text})`, 'forward', 'direct-vpc-subnet', { origin: access.origin })],
    },
  };
}

type DestinationClass = AddressClass | 'google-api' | 'public-host' | 'internal-host';

const INTERNAL_HOST = /(\.internal|\.local|\.localdomain|\.svc|\.cluster\.local|\.lan|\.corp)$|^[^.]+$/;

function classify(leg: Leg): DestinationClass {
  if (leg.googleApi) return 'google-api';
  if (leg.anyPublic) return 'public';
  if (leg.unknownAddress) return classOfUnknownAddress(leg.unknownAddress);
  if (leg.ip !== undefined) return classifyAddress(leg.ip);
  if (leg.host === 'localhost') return 'loopback';
  return INTERNAL_HOST.test(leg.host) ? 'internal-host' : 'public-host';
}

/**
 * The class of an address known only by where it lies: its ranges' class, the least favourable
 * one when they differ; RFC 1918 for a range Google allocates (fact managed-range-rfc1918).
 */
function classOfUnknownAddress(address: UnknownAddressScope): AddressClass {
  if (address.scope === 'public') return 'public';
  if (address.within === undefined) return 'rfc1918';
  const classes = new Set(address.within.flatMap((r) => [classifyAddress(r.base), classifyAddress(r.base + 2 ** (32 - r.prefix) - 1)]));
  return (['public', 'class-e', 'rfc6598', 'loopback', 'google-vip'] as const).find((c) => classes.has(c)) ?? 'rfc1918';
}

function routeLeg(
  index: ReachabilityIndex,
  service: Service,
  mode: EgressMode,
  entryResult: EntryResult,
  leg: Leg,
  consult: (key: string) => void,
  notes: string[],
): Hop[] {
  // A private DNS zone for googleapis.com in the network the service enters sends API traffic to
  // the private.googleapis.com or restricted.googleapis.com VIPs (fact googleapis-private-dns).
  const dns = leg.googleApi && 'entry' in entryResult ? entryResult.entry.network.googleApisDns : 'default';
  const vip = dns === 'private' || dns === 'restricted' ? dns : undefined;
  const cls = vip ? 'google-vip' : classify(leg);
  const dest = `${leg.label} (${leg.host}${leg.port === undefined ? '' : `:${leg.port}`}${vip ? `, which the network's DNS resolves to ${vip}.googleapis.com ${GOOGLE_API_VIP_RANGES[vip]}` : ''})`;
  const hops: Hop[] = [];
  if (cls === 'public-host') notes.push(`assumes ${leg.host} resolves to a public address`);
  const internal = isInternalClass(cls) || cls === 'internal-host';
  if (cls === 'loopback' || leg.host === 'localhost') {
    return [hop('SELECT_EGRESS', `${dest} is a loopback address: it stays inside the instance (a sidecar container must listen there)`, 'forward', 'loopback-sidecar')];
  }

  if ('none' in entryResult) {
    if (internal || cls === 'google-vip') {
      const detail =
        cls === 'internal-host'
          ? `${dest} looks like an internal name, and the service has no connector or Direct VPC egress`
          : `${dest} is an internal address, and the service has no connector or Direct VPC egress`;
      return [hop('SELECT_EGRESS', detail, 'drop', 'vpc-needs-connector', { cause: 'VPC_CONNECTOR_NOT_SET', origin: service.origin })];
    }
    hops.push(hop('SELECT_EGRESS', `${dest}: no VPC access, so Cloud Run's own internet path`, 'forward', 'default-internet-path'));
    return [...hops, ...admit(leg, { kind: 'shared' })];
  }

  if (mode === 'private-ranges-only' && leg.googleApi && isUnknown(dns) && 'entry' in entryResult) {
    // To the VIPs the traffic enters the VPC; to the public addresses it does not.
    return [hop('SELECT_EGRESS', `${dest}: private-ranges-only sends it into the VPC only if the network's DNS resolves it to the private or restricted VIPs, and where it resolves is not known`, 'undetermined', 'googleapis-private-dns', { cause: 'UNKNOWN_CONFIGURATION', origin: service.egressOrigin, unknown: googleApisDnsUnknown(entryResult.entry.network, dns) })];
  }
  const intoVpc = mode === 'all-traffic' || cls === 'rfc1918' || cls === 'google-vip';
  if (mode === 'private-ranges-only' && (cls === 'rfc6598' || cls === 'class-e')) {
    return [hop('SELECT_EGRESS', `${dest} is in ${cls === 'rfc6598' ? 'RFC 6598' : 'Class E'} space; whether private-ranges-only sends it into the VPC is not documented`, 'undetermined', 'egress-other-private-ranges', { cause: 'UNKNOWN_CONFIGURATION', origin: service.egressOrigin })];
  }
  if (mode === 'private-ranges-only' && cls === 'internal-host') {
    return [hop('SELECT_EGRESS', `${leg.host} looks like an internal name; where it resolves is not in the configuration`, 'undetermined', 'hostname-resolution', { cause: 'UNKNOWN_CONFIGURATION', origin: service.egressOrigin, unknown: hostUnknown(leg.host) })];
  }
  if (!intoVpc) {
    hops.push(hop('SELECT_EGRESS', `${dest} is public; private-ranges-only sends it over Cloud Run's own internet path`, 'forward', 'egress-private-ranges', { origin: service.egressOrigin }));
    return [...hops, ...admit(leg, { kind: 'shared' })];
  }
  const allocatedRange = mode === 'private-ranges-only' && leg.unknownAddress?.scope === 'internal' && leg.unknownAddress.within === undefined;
  hops.push(hop('SELECT_EGRESS', `${mode} sends ${dest} into the VPC`, 'forward', allocatedRange ? 'managed-range-rfc1918' : 'egress-private-ranges', { origin: service.egressOrigin }));
  if ('stop' in entryResult) return [...hops, ...entryResult.stop];
  const entry = entryResult.entry;
  hops.push(...entry.hops);
  const firewall = applyFirewall(entry, leg);
  if (firewall) {
    hops.push(firewall);
    if (firewall.outcome === 'drop') return hops;
  }

  if (isInternalClass(cls) || cls === 'internal-host') return [...hops, ...deliverInternal(index, entry, leg, consult)];

  if (cls === 'google-api' || cls === 'google-vip') {
    if (entry.privateGoogleAccess) {
      hops.push(hop('PRIVATE_GOOGLE_ACCESS', `subnet ${entry.subnetName ?? '?'} has Private Google Access: ${leg.host} is reached internally`, 'forward', vip ? 'googleapis-private-dns' : 'private-google-access'));
      return [...hops, ...admit(leg, { kind: 'internal' })];
    }
    const nat = findNat(index, entry);
    if (vip && !entry.hidden) {
      return [
        ...hops,
        hop('PRIVATE_GOOGLE_ACCESS', `${dest}: the VIPs are reached only with Private Google Access, which subnet ${entry.subnetName ?? '?'} does not have${nat ? ' (Cloud NAT does not carry traffic to them)' : ''}`, 'drop', 'googleapis-private-dns', {
          cause: 'PRIVATE_GOOGLE_ACCESS_DISALLOWED',
          origin: service.egressOrigin,
        }),
      ];
    }
    if (leg.googleApi && isUnknown(dns) && nat) {
      // Through NAT when *.googleapis.com resolves to its public addresses, not when a private zone points it at the VIPs.
      return [
        ...hops,
        hop('PRIVATE_GOOGLE_ACCESS', `${dest}: subnet ${entry.subnetName ?? '?'} has no Private Google Access; Cloud NAT reaches Google APIs at their public addresses, but not the private VIPs a DNS zone may point them at`, 'undetermined', 'googleapis-private-dns', {
          cause: 'UNKNOWN_CONFIGURATION',
          origin: service.egressOrigin,
          unknown: googleApisDnsUnknown(entry.network, dns),
        }),
      ];
    }
    if (!nat && entry.hidden) {
      // Nothing says whether Private Google Access applies to a hidden subnet (fact connector-hidden-subnet-pga).
      return [
        ...hops,
        hop('PRIVATE_GOOGLE_ACCESS', `${dest}: no Cloud NAT covers the connector's hidden subnet (${entry.subnetCidr?.text ?? '?'}), and whether Private Google Access applies to a hidden subnet is not documented`, 'undetermined', 'connector-hidden-subnet-pga', {
          cause: 'UNKNOWN_CONFIGURATION',
          origin: service.egressOrigin,
        }),
      ];
    }
    const unplaced = nat ? undefined : natOfUnknownRegion(index, entry, dest);
    if (unplaced) return [...hops, unplaced];
    if (!nat) {
      return [
        ...hops,
        hop('PRIVATE_GOOGLE_ACCESS', `${dest}: subnet ${entry.subnetName ?? '?'} has no Private Google Access and no Cloud NAT covers it`, 'drop', leg.vpcExitFact ?? 'private-google-access', {
          cause: 'PRIVATE_GOOGLE_ACCESS_DISALLOWED',
          origin: service.egressOrigin,
        }),
      ];
    }
    return [...hops, ...throughNat(nat, entry, leg, dest)];
  }

  // A public destination inside the VPC: out through Cloud NAT or not at all.
  const nat = findNat(index, entry);
  const unplaced = nat ? undefined : natOfUnknownRegion(index, entry, dest);
  if (unplaced) return [...hops, unplaced];
  if (!nat) {
    const routers = entry.network.routers.filter((r) => r.region === entry.region);
    const namedOnly = routers.some((r) => r.nats.length > 0) && entry.hidden;
    const why =
      namedOnly
        ? `the Cloud NAT in ${entry.region} covers named subnets only, and the connector's custom range is a hidden subnet`
        : `no Cloud NAT in network ${entry.networkName} (${entry.region}) covers ${entry.subnetName ? `subnet ${entry.subnetName}` : `the connector range ${entry.subnetCidr?.text ?? '?'}`}`;
    return [
      ...hops,
      hop('NAT', `${dest} is public, but ${why}: the packets have no way out and connections time out`, 'drop', leg.vpcExitFact ?? (namedOnly ? 'connector-hidden-subnet' : 'all-traffic-needs-nat'), {
        cause: 'NO_EXTERNAL_ADDRESS',
        origin: service.egressOrigin,
      }),
    ];
  }
  return [...hops, ...throughNat(nat, entry, leg, dest)];
}

function regionUnknown(service: Service, what: string): Hop {
  const region = service.region as { reason: string };
  return hop('ARRIVE_AT_VPC_CONNECTOR', `the region of service ${service.name} is unknown (${region.reason}), so ${what} is not known`, 'undetermined', 'connector-region', {
    cause: 'UNKNOWN_CONFIGURATION',
    origin: service.origin,
    unknown: unknownValue(`service:${service.name}.region`, `service ${service.name}: region`, region.reason, service.origin),
  });
}

/** Where `*.googleapis.com` resolves in a network, not known (keyed as coverage lists the model's unknowns). */
function googleApisDnsUnknown(network: Network, dns: { readonly reason: string }): UnknownValue {
  return unknownValue(`network:${network.name}.googleApisDns`, `network ${network.name}: where *.googleapis.com resolves`, dns.reason, network.origin);
}

function hostUnknown(host: string): UnknownValue {
  return unknownValue(`host:${host}`, `the address ${host} resolves to`, 'where it resolves is not in the configuration');
}

function findNat(index: ReachabilityIndex, entry: VpcEntry, region = entry.region): { router: Router; nat: Nat } | undefined {
  const candidates = index.nats.get(`${entry.networkName}/${region}`) ?? [];
  return candidates.find(({ nat }) => nat.coverage.kind === 'all' || (!entry.hidden && entry.subnetName !== undefined && nat.coverage.subnets.includes(entry.subnetName)));
}

/** No NAT of the entry's region covers it, but one on a router whose region is unknown would: not known. */
function natOfUnknownRegion(index: ReachabilityIndex, entry: VpcEntry, dest: string): Hop | undefined {
  const found = findNat(index, entry, '?');
  if (found === undefined || !isUnknown(found.router.region)) return undefined;
  const { router, nat } = found;
  const reason = found.router.region.reason;
  return hop('NAT', `${dest}: Cloud NAT ${nat.name} on router ${router.name} would cover ${entry.subnetName ? `subnet ${entry.subnetName}` : 'the connector range'}, but the router's region is unknown (${reason}), so whether it serves ${entry.region} is not known`, 'undetermined', 'nat-coverage', {
    cause: 'UNKNOWN_CONFIGURATION',
    origin: router.origin,
    unknown: unknownValue(`router:${router.name}.region`, `router ${router.name}: region`, reason, router.origin),
  });
}

/** A region for messages: its name, or "an unknown region". */
function regionText(region: Maybe<string>): string {
  return isUnknown(region) ? 'an unknown region' : region;
}

function throughNat({ router, nat }: { router: Router; nat: Nat }, entry: VpcEntry, leg: Leg, dest: string): Hop[] {
  const via = `Cloud NAT ${nat.name} on router ${router.name} covers ${entry.hidden ? 'all subnets (including the connector\'s hidden one)' : `subnet ${entry.subnetName ?? '?'}`}`;
  if (isUnknown(nat.natIps)) {
    return [hop('NAT', `${via}; its IPs are unknown (${nat.natIps.reason})`, 'forward', 'nat-coverage', { origin: nat.origin }), ...admit(leg, { kind: 'unknown', unknown: unknownValue(`nat:${nat.name}.natIps`, `Cloud NAT ${nat.name}: IPs`, nat.natIps.reason, nat.origin) })];
  }
  if (nat.natIps.kind === 'manual' && nat.natIps.ips.length === 0) {
    return [hop('NAT', `${via}, but it has no NAT IPs`, 'drop', 'nat-no-addresses', { cause: 'CLOUD_NAT_NO_ADDRESSES', origin: nat.origin })];
  }
  const ips = nat.natIps.kind === 'manual' ? nat.natIps.ips : undefined;
  const hops = [hop('NAT', `${via}; ${dest} leaves from ${ips ? ips.join(', ') : 'auto-allocated IPs'}`, 'forward', 'nat-static-ips', { origin: nat.origin })];
  return [...hops, ...admit(leg, ips ? { kind: 'static', ips } : { kind: 'auto' })];
}

type Source = { kind: 'shared' } | { kind: 'internal' } | { kind: 'auto' } | { kind: 'unknown'; unknown: UnknownValue } | { kind: 'static'; ips: readonly string[] };

function admit(leg: Leg, source: Source): Hop[] {
  const admission = leg.admission;
  if (!admission) return [];
  const any = admission.ranges.some((r) => r.prefix === 0);
  const detail = (text: string): string => `${admission.what}: ${text}`;
  if (any) return [hop('ARRIVE_AT_DESTINATION', detail('allows any source (0.0.0.0/0)'), 'forward', admission.fact)];
  const extra = { cause: admission.cause, origin: admission.origin };
  switch (source.kind) {
    case 'shared':
      return [hop('ARRIVE_AT_DESTINATION', detail("Cloud Run's shared egress IPs are not on it and cannot be added (they change)"), 'drop', 'default-internet-path', extra)];
    case 'internal':
      return [hop('ARRIVE_AT_DESTINATION', detail('the source is an internal address'), 'drop', admission.fact, extra)];
    case 'auto':
      return [hop('ARRIVE_AT_DESTINATION', detail('the NAT uses auto-allocated IPs, which are not known and can change'), 'undetermined', 'nat-static-ips', extra)];
    case 'unknown':
      return [hop('ARRIVE_AT_DESTINATION', detail('the NAT IPs are unknown'), 'undetermined', 'nat-static-ips', { ...extra, unknown: source.unknown })];
    case 'static': {
      const allowed = source.ips.filter((ip) => {
        const n = parseIpv4(ip);
        return n !== undefined && admission.ranges.some((r) => cidrContains(r, n));
      });
      if (allowed.length === source.ips.length) return [hop('ARRIVE_AT_DESTINATION', detail(`allows ${allowed.join(', ')}`), 'forward', admission.fact)];
      if (allowed.length === 0) return [hop('ARRIVE_AT_DESTINATION', detail(`${source.ips.join(', ')} not on it`), 'drop', admission.fact, extra)];
      const missing = source.ips.filter((ip) => !allowed.includes(ip));
      return [hop('ARRIVE_AT_DESTINATION', detail(`allows ${allowed.join(', ')} but not ${missing.join(', ')}: some connections are refused`), 'ambiguous', admission.fact, extra)];
    }
  }
}

function applyFirewall(entry: VpcEntry, leg: Leg): Hop | undefined {
  if (leg.unknownAddress) return applyFirewallToUnknownAddress(entry, leg, leg.unknownAddress);
  const rules = entry.network.firewall
    .filter((r) => r.direction === 'egress')
    .filter((r) => r.targetTags.length === 0 || r.targetTags.some((t) => entry.tags.includes(t)))
    .filter((r) => r.ports === undefined || (leg.port !== undefined && r.ports.some(([lo, hi]) => leg.port !== undefined && leg.port >= lo && leg.port <= hi)))
    .filter((r) => r.destinationRanges.some((range) => range.prefix === 0 || (leg.ip !== undefined && cidrContains(range, leg.ip))))
    .sort((a, b) => a.priority - b.priority || (a.action === 'deny' ? -1 : 1));
  const rule = rules[0];
  if (!rule) return undefined;
  if (rule.action === 'deny') {
    return hop('APPLY_EGRESS_FIREWALL_RULE', `egress firewall rule ${rule.name} (priority ${rule.priority}${rule.targetTags.length > 0 ? `, tags ${rule.targetTags.join(', ')}` : ''}) denies ${leg.host}${leg.port === undefined ? '' : `:${leg.port}`}`, 'drop', rule.targetTags.some((t) => t.startsWith('vpc-connector')) ? 'connector-network-tags' : 'firewall-egress', { cause: 'FIREWALL_RULE', origin: rule.origin });
  }
  return hop('APPLY_EGRESS_FIREWALL_RULE', `egress firewall rule ${rule.name} allows it`, 'forward', 'firewall-egress');
}

/**
 * The egress rules for an address whose value is not known: a rule whose ranges may or may not
 * hold it decides nothing alone; the verdict follows only when every rule that might apply, and
 * the first that surely does, agree.
 */
function applyFirewallToUnknownAddress(entry: VpcEntry, leg: Leg, address: UnknownAddressScope): Hop | undefined {
  const holds = (range: Cidr): 'yes' | 'maybe' | 'no' => {
    if (range.prefix === 0) return 'yes';
    const ends = [classifyAddress(range.base), classifyAddress(range.base + 2 ** (32 - range.prefix) - 1)];
    if (address.scope === 'public') return ends.every((c) => c !== 'public') ? 'no' : 'maybe';
    if (address.within === undefined) return ends.every((c) => c === 'public') ? 'no' : 'maybe';
    if (address.within.every((w) => w.prefix >= range.prefix && cidrContains(range, w.base))) return 'yes';
    return address.within.some((w) => cidrsOverlap(range, w)) ? 'maybe' : 'no';
  };
  const rank = { no: 0, maybe: 1, yes: 2 } as const;
  const matchOf = (rule: FirewallRule): 'yes' | 'maybe' | 'no' => rule.destinationRanges.map(holds).reduce<'yes' | 'maybe' | 'no'>((a, b) => (rank[b] > rank[a] ? b : a), 'no');
  const rules = entry.network.firewall
    .filter((r) => r.direction === 'egress')
    .filter((r) => r.targetTags.length === 0 || r.targetTags.some((t) => entry.tags.includes(t)))
    .filter((r) => r.ports === undefined || (leg.port !== undefined && r.ports.some(([lo, hi]) => leg.port !== undefined && leg.port >= lo && leg.port <= hi)))
    .sort((a, b) => a.priority - b.priority || (a.action === 'deny' ? -1 : 1));
  const maybe: FirewallRule[] = [];
  let decided: FirewallRule | undefined;
  for (const rule of rules) {
    const match = matchOf(rule);
    if (match === 'yes') {
      decided = rule;
      break;
    }
    if (match === 'maybe') maybe.push(rule);
  }
  const actions = new Set([...maybe.map((r) => r.action), decided?.action ?? 'allow']);
  const deny = [...maybe, ...(decided ? [decided] : [])].find((r) => r.action === 'deny');
  const fact = (rule: FirewallRule) => (rule.targetTags.some((t) => t.startsWith('vpc-connector')) ? 'connector-network-tags' : 'firewall-egress');
  if (actions.size > 1 && deny) {
    const ranges = deny.destinationRanges.map((r) => r.text).join(', ');
    return hop('APPLY_EGRESS_FIREWALL_RULE', `egress firewall rule ${deny.name} (priority ${deny.priority}) denies ${ranges}; whether ${leg.label}'s address, which is not known, lies there is not known`, 'undetermined', fact(deny), { cause: 'UNKNOWN_CONFIGURATION', origin: deny.origin });
  }
  if (deny) return hop('APPLY_EGRESS_FIREWALL_RULE', `egress firewall rule ${deny.name} (priority ${deny.priority}) denies ${leg.label}`, 'drop', fact(deny), { cause: 'FIREWALL_RULE', origin: deny.origin });
  const allow = decided ?? maybe[0];
  return allow && hop('APPLY_EGRESS_FIREWALL_RULE', `egress firewall rule ${allow.name} allows it`, 'forward', 'firewall-egress');
}

function deliverInternal(index: ReachabilityIndex, entry: VpcEntry, leg: Leg, consult: (key: string) => void): Hop[] {
  const network = entry.network;
  const target = leg.internal;
  switch (target.kind) {
    case 'cloudsql-private': {
      const db = target.database;
      if (db.privateNetwork !== undefined && db.privateNetwork !== entry.networkName) {
        const peered = index.peers.get(entry.networkName)?.has(db.privateNetwork) === true;
        return [
          hop('APPLY_ROUTE', `${db.name}'s private IP lives in network ${db.privateNetwork}, the service enters ${entry.networkName}${peered ? ' (peered, but peering is not transitive to Google\'s service network)' : ''}`, 'drop', 'cloudsql-private-ip', {
            cause: peered ? 'GOOGLE_MANAGED_SERVICE_NO_PEERING' : 'NO_ROUTE',
            origin: db.origin,
          }),
        ];
      }
      if (!network.privateServicesAccess) {
        return [hop('APPLY_ROUTE', `network ${entry.networkName} has no private services access, so ${db.name}'s private IP has no route`, 'drop', 'cloudsql-private-ip', { cause: 'GOOGLE_MANAGED_SERVICE_NO_PEERING', origin: network.origin })];
      }
      return [hop('APPLY_ROUTE', `private services access peering of ${entry.networkName} reaches ${db.name} (${leg.host})`, 'forward', 'cloudsql-private-ip')];
    }
    case 'cache': {
      const cache = target.cache;
      const expectedPort = cache.transitEncryption === 'SERVER_AUTHENTICATION' ? 6378 : 6379;
      if (leg.port !== undefined && leg.port !== expectedPort) {
        return [hop('ARRIVE_AT_DESTINATION', `${cache.name} listens on ${expectedPort}, not ${leg.port}`, 'drop', 'redis-port', { cause: 'REDIS_INSTANCE_UNSUPPORTED_PORT', origin: cache.origin })];
      }
      if (cache.authorizedNetwork !== entry.networkName) {
        const peered = index.peers.get(entry.networkName)?.has(cache.authorizedNetwork) === true;
        return [
          hop('APPLY_ROUTE', `${cache.name} is authorized for network ${cache.authorizedNetwork}, the service enters ${entry.networkName}${peered ? ' (peered, but peering is not transitive)' : ''}`, 'drop', 'redis-authorized-network', {
            cause: 'REDIS_INSTANCE_NO_ROUTE_TO_DESTINATION_NETWORK',
            origin: cache.origin,
          }),
        ];
      }
      if (cache.connectMode === 'PRIVATE_SERVICE_ACCESS' && !network.privateServicesAccess) {
        return [hop('APPLY_ROUTE', `${cache.name} uses private services access, which network ${entry.networkName} does not have`, 'drop', 'redis-authorized-network', { cause: 'GOOGLE_MANAGED_SERVICE_NO_PEERING', origin: network.origin })];
      }
      // Direct peering needs no private services access: the instance's own peering routes its range (fact redis-direct-peering).
      const how = cache.connectMode === 'PRIVATE_SERVICE_ACCESS' ? 'private services access' : 'direct peering';
      return [hop('APPLY_ROUTE', `${how} of ${entry.networkName} reaches ${cache.name} (${leg.host}:${leg.port ?? cache.port})`, 'forward', cache.connectMode === 'DIRECT_PEERING' ? 'redis-direct-peering' : 'redis-authorized-network')];
    }
    case 'address': {
      if (leg.ip === undefined) {
        return [hop('APPLY_ROUTE', `${leg.host} is an internal name; where it resolves is not in the configuration`, 'undetermined', 'hostname-resolution', { cause: 'UNKNOWN_CONFIGURATION', unknown: hostUnknown(leg.host) })];
      }
      const ip = leg.ip;
      const inNetwork = (net: Network): string | undefined => {
        const subnet = net.subnets.find((s) => cidrContains(s.cidr, ip));
        if (subnet) return `subnet ${subnet.name} of ${net.name}`;
        const psa = isUnknown(net.privateServicesAccess) ? undefined : net.privateServicesAccess?.find((r) => cidrContains(r, ip));
        if (psa) return `the private services range ${psa.text} of ${net.name}`;
        // A DIRECT_PEERING cache's own range is routed over its peering with its authorized network (fact redis-direct-peering).
        const cache = [...index.topology.caches.values()].find((c) => c.connectMode === 'DIRECT_PEERING' && c.authorizedNetwork === net.name && c.reservedIpRange && cidrContains(c.reservedIpRange, ip));
        return cache?.reservedIpRange ? `the reserved range ${cache.reservedIpRange.text} of cache ${cache.name}, peered with ${net.name}` : undefined;
      };
      const local = inNetwork(network);
      if (local) return [hop('APPLY_ROUTE', `${leg.host} is in ${local}`, 'forward', 'internal-address-in-vpc')];
      for (const peer of index.peers.get(entry.networkName) ?? []) {
        consult(`network:${peer}`);
        const subnet = index.topology.networks.get(peer)?.subnets.find((s) => cidrContains(s.cidr, ip));
        if (subnet) return [hop('APPLY_ROUTE', `${leg.host} is in subnet ${subnet.name} of peered network ${peer}`, 'forward', 'internal-address-in-vpc')];
      }
      return [
        hop('APPLY_ROUTE', `${leg.host} matches no subnet or service range known in network ${entry.networkName}`, 'undetermined', 'internal-address-in-vpc', {
          cause: 'UNKNOWN_INTERNAL_ADDRESS',
          unknown: unknownValue(`address:${leg.host}`, `where ${leg.host} lives`, `matches no subnet or service range described in network ${entry.networkName}`),
        }),
      ];
    }
    case 'range':
      return [hop('APPLY_ROUTE', `${target.cidr.text} is ${target.where}`, 'forward', 'internal-address-in-vpc')];
  }
}

