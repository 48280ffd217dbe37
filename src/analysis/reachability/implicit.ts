import { isUnknown, type Network, type Service } from '../../model/topology.js';
import type { Cidr } from '../../model/ip.js';
import type { ReachabilityIndex } from './engine.js';
import type { Leg } from './legs.js';

/** The implicit destination of any public address. */
export const INTERNET = 'internet';
/** The implicit destination of Google APIs at their default addresses (`*.googleapis.com`). */
export const GOOGLE_APIS = 'google-apis';

/**
 * A destination every service has, declared or not: where its traffic can go at all. Names are
 * stable (`internet`, `google-apis`, `private:NETWORK:RANGE`) so that findings about them can be
 * baselined.
 */
export interface ImplicitDestination {
  readonly name: string;
  readonly display: string;
  readonly leg: Leg;
}

export interface PrivateRange {
  readonly name: string;
  readonly cidr: Cidr;
  /** What the range is, for people: `subnet app of staging-vpc`. */
  readonly where: string;
}

/**
 * The private ranges a network routes to: its subnets, its private services access ranges, and
 * the subnets of the networks it peers with (peering is not transitive, so only direct peers).
 */
export function privateRanges(index: ReachabilityIndex, network: Network): readonly PrivateRange[] {
  const ranges: PrivateRange[] = [];
  const add = (networkName: string, cidr: Cidr, where: string): void => {
    if (!ranges.some((r) => r.cidr.text === cidr.text)) ranges.push({ name: `private:${networkName}:${cidr.text}`, cidr, where });
  };
  for (const subnet of network.subnets) add(network.name, subnet.cidr, `subnet ${subnet.name} of ${network.name}`);
  const psa = network.privateServicesAccess;
  if (psa !== undefined && !isUnknown(psa)) for (const cidr of psa) add(network.name, cidr, `the private services range of ${network.name}`);
  for (const peer of index.peers.get(network.name) ?? []) {
    const peered = index.topology.networks.get(peer);
    for (const subnet of peered?.subnets ?? []) add(peer, subnet.cidr, `subnet ${subnet.name} of peered network ${peer}`);
  }
  return ranges;
}

/** The network a service's VPC traffic enters, when the configuration describes it. */
function networkOf(index: ReachabilityIndex, service: Service): Network | undefined {
  const access = service.vpcAccess;
  if (access.kind === 'none') return undefined;
  const { topology } = index;
  if (access.kind === 'connector') {
    const connector = topology.connectors.get(access.connector);
    return connector ? topology.networks.get(connector.network) : undefined;
  }
  const name = access.network ?? [...topology.networks.values()].find((n) => n.subnets.some((s) => s.name === access.subnet))?.name;
  return name === undefined ? undefined : topology.networks.get(name);
}

const INTERNET_LEG: Leg = {
  label: 'the public internet',
  host: '0.0.0.0/0',
  ip: undefined,
  port: undefined,
  googleApi: false,
  internal: { kind: 'address' },
  admission: undefined,
  anyPublic: true,
};

const GOOGLE_APIS_LEG: Leg = {
  label: 'Google APIs',
  host: '*.googleapis.com',
  ip: undefined,
  port: 443,
  googleApi: true,
  internal: { kind: 'address' },
  admission: undefined,
};

/**
 * A service's implicit destinations: the internet and Google APIs always, and each private range
 * of the network its VPC egress enters. A service whose network is not described gets no private
 * ranges here; its internet and Google API paths then say that the network is unknown.
 */
export function implicitDestinations(index: ReachabilityIndex, service: Service): readonly ImplicitDestination[] {
  const destinations: ImplicitDestination[] = [
    { name: INTERNET, display: '0.0.0.0/0', leg: INTERNET_LEG },
    { name: GOOGLE_APIS, display: '*.googleapis.com:443', leg: GOOGLE_APIS_LEG },
  ];
  const network = networkOf(index, service);
  if (network) {
    for (const range of privateRanges(index, network)) {
      destinations.push({
        name: range.name,
        display: range.cidr.text,
        leg: {
          label: range.where,
          host: range.cidr.text,
          ip: range.cidr.base,
          port: undefined,
          googleApi: false,
          internal: { kind: 'range', cidr: range.cidr, where: range.where },
          admission: undefined,
        },
      });
    }
  }
  return destinations;
}
