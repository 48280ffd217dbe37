import { cidrContains, parseIpv4 } from '../../model/ip.js';
import { isUnknown, type Service, type Topology } from '../../model/topology.js';
import type { PathResult } from '../reachability/path.js';
import type { Edit } from './edit.js';

/** Where a service's VPC-bound traffic enters the VPC, as far as the model says. */
interface EgressPoint {
  readonly network: string;
  readonly region: string;
  readonly subnet: string | undefined;
  readonly hidden: boolean;
}

function egressPointOf(topology: Topology, service: Service): EgressPoint | undefined {
  const access = service.vpcAccess;
  if (access.kind === 'connector') {
    const c = topology.connectors.get(access.connector);
    // Without its region there is no router to put a NAT on.
    if (!c || isUnknown(c.region)) return undefined;
    return { network: c.network, region: c.region, subnet: c.range.kind === 'subnet' ? c.range.subnet : undefined, hidden: c.range.kind === 'custom' };
  }
  if (access.kind === 'direct') {
    const subnetName = access.subnet ?? access.network;
    const network = [...topology.networks.values()].find((n) => (access.network === undefined || n.name === access.network) && n.subnets.some((s) => s.name === subnetName));
    const subnet = network?.subnets.find((s) => s.name === subnetName);
    if (!network || !subnet || isUnknown(subnet.region)) return undefined;
    return { network: network.name, region: subnet.region, subnet: subnet.name, hidden: false };
  }
  return undefined;
}

/**
 * Reserved addresses that the allow-lists of the service's own dependencies accept: the static IP a
 * new NAT should use so that allow-listed endpoints keep (or start) working.
 */
function allowListedAddresses(topology: Topology, services: readonly Service[], region: string): string[] {
  const ranges = services.flatMap((s) =>
    s.dependencies.flatMap((d) => (d.target.kind === 'external' ? (topology.externals.get(d.target.external)?.allowedSourceRanges ?? []) : [])),
  );
  return [...topology.addresses.values()]
    .filter((a) => a.region === undefined || a.region === region)
    .filter((a) => {
      const ip = typeof a.address === 'string' ? parseIpv4(a.address) : undefined;
      return ip !== undefined && ranges.some((r) => r.prefix > 0 && cidrContains(r, ip));
    })
    .map((a) => a.name);
}

function addNatEdit(topology: Topology, point: EgressPoint): Edit {
  const network = topology.networks.get(point.network);
  const router = network?.routers.find((r) => r.region === point.region);
  // A router that already has a NAT: widen it rather than add a second one (a NAT covering all
  // subnets must be the only NAT of its network and region).
  const existing = network?.routers.filter((r) => r.region === point.region).flatMap((r) => r.nats.map((nat) => ({ router: r, nat })))[0];
  if (existing && existing.nat.coverage.kind === 'list') {
    const subnets = point.hidden || point.subnet === undefined ? 'all' : [...new Set([...existing.nat.coverage.subnets, point.subnet])];
    return { kind: 'set-nat-subnets', network: point.network, router: existing.router.name, nat: existing.nat.name, subnets };
  }
  const sharing = topology.services.filter((s) => {
    const p = egressPointOf(topology, s);
    return p?.network === point.network && p.region === point.region;
  });
  return {
    kind: 'add-nat',
    network: point.network,
    region: point.region,
    router: router?.name ?? `${point.network}-router`,
    createRouter: router === undefined,
    name: `${point.network}-nat`,
    // A custom-range connector's subnet is hidden: only "all subnets" covers it.
    subnets: point.hidden || point.subnet === undefined ? 'all' : [point.subnet],
    addresses: allowListedAddresses(topology, sharing, point.region).slice(0, 1),
  };
}

/**
 * Candidate fixes for the failed paths, one list of edits each. Candidates are cheap guesses:
 * only those that pass verification are offered. Some (an authorized network of 0.0.0.0/0) are
 * generated so that verification can reject them visibly.
 */
export function candidateFixes(topology: Topology, failed: readonly PathResult[]): Edit[][] {
  const out: Edit[][] = [];
  const services = new Map(topology.services.map((s) => [s.name, s]));
  // One NAT candidate per network and region, however many paths it would repair.
  const natEdits = new Map<string, Edit>();
  const natFor = (point: EgressPoint): Edit => {
    const key = `${point.network}/${point.region}/${point.hidden ? 'hidden' : (point.subnet ?? '')}`;
    let edit = natEdits.get(key);
    if (!edit) natEdits.set(key, (edit = addNatEdit(topology, point)));
    return edit;
  };
  for (const path of failed) {
    const service = services.get(path.service);
    if (!service) continue;
    const point = egressPointOf(topology, service);
    const dependency = service.dependencies.find((d) => d.name === path.dependency);
    switch (path.cause) {
      case 'NO_EXTERNAL_ADDRESS':
      case 'PRIVATE_GOOGLE_ACCESS_DISALLOWED':
        if (point) out.push([natFor(point)]);
        if (service.egress === 'all-traffic') out.push([{ kind: 'set-egress', service: service.name, egress: 'private-ranges-only' }]);
        if (path.cause === 'PRIVATE_GOOGLE_ACCESS_DISALLOWED' && point?.subnet !== undefined && !point.hidden) {
          out.push([{ kind: 'enable-private-google-access', network: point.network, subnet: point.subnet }]);
        }
        break;
      case 'SOURCE_IP_NOT_ALLOWLISTED': {
        if (!point || dependency?.target.kind !== 'external') break;
        const external = dependency.target.external;
        const nat = natFor(point);
        if (service.egress !== 'all-traffic') {
          out.push([{ kind: 'set-egress', service: service.name, egress: 'all-traffic' }]);
          out.push([{ kind: 'set-egress', service: service.name, egress: 'all-traffic' }, nat]);
        }
        for (const ip of natIpsOf(topology, point)) out.push([{ kind: 'add-allowed-source', external, cidr: `${ip}/32` }]);
        break;
      }
      case 'CLOUD_SQL_INSTANCE_UNAUTHORIZED_ACCESS': {
        if (dependency?.target.kind !== 'database') break;
        const database = dependency.target.database;
        out.push([{ kind: 'add-authorized-network', database, cidr: '0.0.0.0/0' }]);
        if (point) for (const ip of natIpsOf(topology, point)) out.push([{ kind: 'add-authorized-network', database, cidr: `${ip}/32` }]);
        break;
      }
      case 'CLOUD_SQL_SOCKET_NOT_MOUNTED':
        if (dependency?.target.kind === 'cloudsql-socket') out.push([{ kind: 'add-cloudsql-mount', service: service.name, connectionName: dependency.target.connectionName }]);
        break;
      case 'VPC_CONNECTOR_NOT_SET':
      case 'VPC_CONNECTOR_REGION_MISMATCH':
        for (const c of topology.connectors.values()) {
          if (c.region === service.region && c.state === 'READY') out.push([{ kind: 'set-connector', service: service.name, connector: c.name }]);
        }
        break;
      case 'GOOGLE_MANAGED_SERVICE_NO_PEERING': {
        if (!point) break;
        const host = dependency?.target.kind === 'cloudsql-socket' || dependency?.target.kind === 'database' ? privateIpOf(topology, dependency.target) : undefined;
        const ip = host === undefined ? undefined : parseIpv4(host);
        if (ip !== undefined) {
          const base = ip - (ip % 65536);
          out.push([{ kind: 'add-private-services-access', network: point.network, cidr: `${[base >>> 24, (base >>> 16) & 255, 0, 0].join('.')}/16` }]);
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function privateIpOf(topology: Topology, target: { kind: 'cloudsql-socket'; connectionName: string } | { kind: 'database'; database: string }): string | undefined {
  const db = target.kind === 'database' ? topology.databases.get(target.database) : [...topology.databases.values()].find((d) => d.connectionName === target.connectionName);
  return typeof db?.privateIp === 'string' ? db.privateIp : undefined;
}

function natIpsOf(topology: Topology, point: EgressPoint): string[] {
  const network = topology.networks.get(point.network);
  return (network?.routers ?? [])
    .filter((r) => r.region === point.region)
    .flatMap((r) => r.nats)
    .flatMap((n) => ('kind' in n.natIps && n.natIps.kind === 'manual' ? n.natIps.ips : []));
}
