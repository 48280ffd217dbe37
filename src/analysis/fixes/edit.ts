import { serviceNamed } from '../../model/lookup.js';
import { parseCidr } from '../../model/ip.js';
import type { EgressMode, Nat, Network, Service, Topology } from '../../model/topology.js';
import { isUnknown } from '../../model/topology.js';

/** One change to the model. A fix is a list of edits, verified together. */
export type Edit =
  | { readonly kind: 'set-egress'; readonly service: string; readonly egress: EgressMode }
  | {
      readonly kind: 'add-nat';
      readonly network: string;
      readonly region: string;
      /** An existing router in that network and region, or the name of one to create. */
      readonly router: string;
      readonly createRouter: boolean;
      readonly name: string;
      /** `all`, or the subnet names to cover. */
      readonly subnets: 'all' | readonly string[];
      /** Reserved address names to use as static NAT IPs; empty means auto-allocated. */
      readonly addresses: readonly string[];
    }
  | {
      /** Widen an existing NAT (a NAT covering all subnets must be the only one in its network and region). */
      readonly kind: 'set-nat-subnets';
      readonly network: string;
      readonly router: string;
      readonly nat: string;
      readonly subnets: 'all' | readonly string[];
    }
  | { readonly kind: 'enable-private-google-access'; readonly network: string; readonly subnet: string }
  | { readonly kind: 'add-authorized-network'; readonly database: string; readonly cidr: string }
  | { readonly kind: 'add-allowed-source'; readonly external: string; readonly cidr: string }
  | { readonly kind: 'add-cloudsql-mount'; readonly service: string; readonly connectionName: string }
  | { readonly kind: 'set-connector'; readonly service: string; readonly connector: string }
  | { readonly kind: 'add-private-services-access'; readonly network: string; readonly cidr: string };

/** The model entities an edit changes, as `kind:name` keys matching PathResult.consulted. */
export function editTouches(edit: Edit): string[] {
  switch (edit.kind) {
    case 'set-egress':
    case 'add-cloudsql-mount':
    case 'set-connector':
      return [`service:${edit.service}`];
    case 'add-nat':
    case 'set-nat-subnets':
    case 'enable-private-google-access':
    case 'add-private-services-access':
      return [`network:${edit.network}`];
    case 'add-authorized-network':
      return [`database:${edit.database}`];
    case 'add-allowed-source':
      return [`external:${edit.external}`];
  }
}

/** One line for people: what the edit does. */
export function describeEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'set-egress':
      return `set egress of service ${edit.service} to ${edit.egress}`;
    case 'add-nat': {
      const ips = edit.addresses.length > 0 ? `static IP ${edit.addresses.join(', ')}` : 'auto-allocated IPs';
      const covers = edit.subnets === 'all' ? 'all subnets' : `subnet ${edit.subnets.join(', ')}`;
      return `add Cloud NAT ${edit.name} on ${edit.createRouter ? 'a new ' : ''}router ${edit.router} (${edit.network}, ${edit.region}) covering ${covers}, using ${ips}`;
    }
    case 'set-nat-subnets':
      return `make Cloud NAT ${edit.nat} on router ${edit.router} (${edit.network}) cover ${edit.subnets === 'all' ? 'all subnets' : `subnets ${edit.subnets.join(', ')}`}`;
    case 'enable-private-google-access':
      return `enable Private Google Access on subnet ${edit.subnet} of ${edit.network}`;
    case 'add-authorized-network':
      return `add ${edit.cidr} to the authorized networks of database ${edit.database}`;
    case 'add-allowed-source':
      return `add ${edit.cidr} to the IP allow-list of ${edit.external}`;
    case 'add-cloudsql-mount':
      return `add Cloud SQL connection ${edit.connectionName} to service ${edit.service}`;
    case 'set-connector':
      return `attach service ${edit.service} to connector ${edit.connector}`;
    case 'add-private-services-access':
      return `add private services access (${edit.cidr}) to network ${edit.network}`;
  }
}

export function editKey(edits: readonly Edit[]): string {
  return JSON.stringify(edits);
}

const cidrOf = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new TypeError(`edit with invalid CIDR ${text}`);
  return parsed;
};

/**
 * Applies edits to a copy of the model; the input is not changed. Other entities are copied, but
 * an edited service is returned in `services` (by name) and the model's list of services stays the
 * original, so verifying a candidate costs what it changes, not the size of the estate (a copy of
 * the list per candidate was quadratic: 2,500 candidates × 50,000 services). Take a service from
 * `services` before the model.
 */
export function applyEdits(topology: Topology, edits: readonly Edit[]): { topology: Topology; services: ReadonlyMap<string, Service> } {
  const services = new Map<string, Service>();
  let t = topology;
  for (const edit of edits) {
    const change = serviceChange(edit);
    if (change === undefined) {
      t = applyEdit(t, edit);
      continue;
    }
    const name = (edit as { service: string }).service;
    const current = services.get(name) ?? serviceNamed(topology, name);
    if (current) services.set(name, change(current));
  }
  return { topology: t, services };
}

/** How an edit changes a service, for the edits that change one. */
function serviceChange(edit: Edit): ((s: Service) => Service) | undefined {
  switch (edit.kind) {
    case 'set-egress':
      return (s) => ({ ...s, egress: edit.egress });
    case 'add-cloudsql-mount':
      return (s) => ({ ...s, cloudSqlInstances: [...s.cloudSqlInstances, edit.connectionName] });
    case 'set-connector':
      return (s) => ({ ...s, vpcAccess: { kind: 'connector', connector: edit.connector, origin: s.origin } });
    default:
      return undefined;
  }
}

/** An edit of an entity other than a service (see serviceChange), applied to a copy. */
function applyEdit(t: Topology, edit: Edit): Topology {
  const mapNetwork = (name: string, f: (n: Network) => Network): Topology => {
    const network = t.networks.get(name);
    if (!network) return t;
    const networks = new Map(t.networks);
    networks.set(name, f(network));
    return { ...t, networks };
  };
  switch (edit.kind) {
    case 'set-egress':
    case 'add-cloudsql-mount':
    case 'set-connector':
      return t;
    case 'add-nat':
      return mapNetwork(edit.network, (n) => {
        const ips = edit.addresses.map((a) => {
          const known = t.addresses.get(a)?.address;
          return typeof known === 'string' ? known : a;
        });
        const nat: Nat = {
          name: edit.name,
          coverage: edit.subnets === 'all' ? { kind: 'all' } : { kind: 'list', subnets: edit.subnets },
          natIps: ips.length > 0 ? { kind: 'manual', ips } : { kind: 'auto' },
          origin: n.origin,
        };
        if (edit.createRouter) {
          return { ...n, routers: [...n.routers, { name: edit.router, network: n.name, region: edit.region, nats: [nat], origin: n.origin }] };
        }
        return { ...n, routers: n.routers.map((r) => (r.name === edit.router ? { ...r, nats: [...r.nats, nat] } : r)) };
      });
    case 'set-nat-subnets':
      return mapNetwork(edit.network, (n) => ({
        ...n,
        routers: n.routers.map((r) =>
          r.name !== edit.router
            ? r
            : { ...r, nats: r.nats.map((nat) => (nat.name === edit.nat ? { ...nat, coverage: edit.subnets === 'all' ? { kind: 'all' as const } : { kind: 'list' as const, subnets: edit.subnets } } : nat)) },
        ),
      }));
    case 'enable-private-google-access':
      return mapNetwork(edit.network, (n) => ({ ...n, subnets: n.subnets.map((s) => (s.name === edit.subnet ? { ...s, privateGoogleAccess: true } : s)) }));
    case 'add-private-services-access':
      return mapNetwork(edit.network, (n) => ({ ...n, privateServicesAccess: [...(n.privateServicesAccess === undefined || isUnknown(n.privateServicesAccess) ? [] : n.privateServicesAccess), cidrOf(edit.cidr)] }));
    case 'add-authorized-network': {
      const db = t.databases.get(edit.database);
      if (!db) return t;
      const databases = new Map(t.databases);
      databases.set(db.name, { ...db, authorizedNetworks: [...db.authorizedNetworks, { name: undefined, cidr: cidrOf(edit.cidr), origin: db.origin }] });
      return { ...t, databases };
    }
    case 'add-allowed-source': {
      const ext = t.externals.get(edit.external);
      if (!ext) return t;
      const externals = new Map(t.externals);
      externals.set(ext.name, { ...ext, allowedSourceRanges: [...(ext.allowedSourceRanges ?? []), cidrOf(edit.cidr)] });
      return { ...t, externals };
    }
  }
}
