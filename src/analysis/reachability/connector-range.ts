import { cidrsOverlap } from '../../model/ip.js';
import type { Connector, Network, Topology } from '../../model/topology.js';
import { isUnknown } from '../../model/topology.js';

// A connector needs its own /28 (fact connector-range).
const CONNECTOR_PREFIX = 28;

/**
 * Why a connector cannot be created with its range, or undefined when nothing known rules it out:
 * a range that is not a /28, or a custom range overlapping a subnet, a private services access
 * range or an earlier connector's range in its network (fact connector-range). Of two overlapping
 * connectors the later one in the topology is the one that fails, as the connector-range rule
 * reports it.
 */
export function invalidConnectorRange(topology: Topology, connector: Connector, network: Network | undefined): string | undefined {
  const range = connector.range;
  const cidr = range.kind === 'custom' ? range.cidr : network?.subnets.find((s) => s.name === range.subnet)?.cidr;
  if (cidr === undefined) return undefined;
  const what = range.kind === 'custom' ? `range ${cidr.text}` : `subnet ${range.subnet} (${cidr.text})`;
  if (cidr.prefix !== CONNECTOR_PREFIX) return `connector ${connector.name}'s ${what} is a /${cidr.prefix}, but a connector needs exactly a /${CONNECTOR_PREFIX}: it cannot be created`;
  if (range.kind !== 'custom') return undefined;
  const overlapped = (other: string): string => `connector ${connector.name}'s ${what} overlaps ${other} in network ${connector.network}: it cannot be created`;
  const subnet = network?.subnets.find((s) => cidrsOverlap(cidr, s.cidr));
  if (subnet) return overlapped(`subnet ${subnet.name} (${subnet.cidr.text})`);
  const allocated = network?.privateServicesAccess;
  const psa = allocated === undefined || isUnknown(allocated) ? undefined : allocated.find((r) => cidrsOverlap(cidr, r));
  if (psa) return overlapped(`the private services access range ${psa.text}`);
  for (const earlier of topology.connectors.values()) {
    if (earlier === connector) break;
    if (earlier.network === connector.network && earlier.range.kind === 'custom' && cidrsOverlap(cidr, earlier.range.cidr)) {
      return overlapped(`connector ${earlier.name}'s range ${earlier.range.cidr.text}`);
    }
  }
  return undefined;
}
