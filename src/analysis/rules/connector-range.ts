import { cidrsOverlap, type Cidr } from '../../model/ip.js';
import type { Connector, Origin, Topology } from '../../model/topology.js';
import { isUnknown } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';

const ID = 'connector-range';

// Each connector needs its own /28, overlapping no range in use (fact connector-range).
const CONNECTOR_PREFIX = 28;

const at = (origin: Origin, ...keys: (string | number)[]): Origin => ({ ...origin, path: [...origin.path, ...keys] });

/** The connector's range and where it is written: its custom range, or its named subnet's. */
function rangeOf(topology: Topology, connector: Connector): { readonly cidr: Cidr; readonly what: string; readonly origin: Origin } | undefined {
  if (connector.range.kind === 'custom') return { cidr: connector.range.cidr, what: `range ${connector.range.cidr.text}`, origin: at(connector.origin, 'ipCidrRange') };
  const name = connector.range.subnet;
  const subnet = topology.networks.get(connector.network)?.subnets.find((s) => s.name === name);
  return subnet && { cidr: subnet.cidr, what: `subnet ${name} (${subnet.cidr.text})`, origin: subnet.origin };
}

function overlap(key: string, connector: Connector, cidr: Cidr, origin: Origin, other: string): Finding {
  return {
    ruleId: ID,
    key,
    severity: 'critical',
    message: `connector ${connector.name}'s range ${cidr.text} overlaps ${other} in network ${connector.network}: a connector's /28 must not overlap any range in use, so it cannot be created. Choose an unused /28 for it.`,
    origin,
  };
}

export const connectorRange: Rule = {
  id: ID,
  title: "A connector's range is not a /28 or overlaps another range",
  category: 'configuration',
  severity: 'critical',
  rationale:
    'A Serverless VPC Access connector needs its own /28: an unused subnet, or a custom range that overlaps no range in use in its network (subnets, private services access, other connectors). Google requires both, and traffic through the connector enters the VPC from that range. A connector whose range breaks either requirement cannot be created, so every path through it is UNREACHABLE (VPC_CONNECTOR_INVALID_RANGE); of two overlapping connectors, the later one in the topology is reported.',
  sources: ['https://cloud.google.com/vpc/docs/serverless-vpc-access', 'https://cloud.google.com/functions/docs/connecting-vpc'],
  facts: ['connector-range'],
  check({ topology }) {
    const connectors = [...topology.connectors.values()];
    return connectors.flatMap((connector, index) => {
      const findings: Finding[] = [];
      const range = rangeOf(topology, connector);
      if (range && range.cidr.prefix !== CONNECTOR_PREFIX) {
        findings.push({
          ruleId: ID,
          key: `connector:${connector.name}:size`,
          severity: 'critical',
          message: `connector ${connector.name} uses ${range.what}, a /${range.cidr.prefix}, but a connector needs exactly a /${CONNECTOR_PREFIX} (16 addresses), so it cannot be created: give it a /${CONNECTOR_PREFIX}.`,
          origin: range.origin,
        });
      }
      if (connector.range.kind !== 'custom') return findings;
      const cidr = connector.range.cidr;
      const origin = at(connector.origin, 'ipCidrRange');
      const network = topology.networks.get(connector.network);
      for (const subnet of network?.subnets ?? []) {
        if (cidrsOverlap(cidr, subnet.cidr)) findings.push(overlap(`connector:${connector.name}:overlaps:subnet:${subnet.name}`, connector, cidr, origin, `subnet ${subnet.name} (${subnet.cidr.text})`));
      }
      const allocatedRanges = network?.privateServicesAccess;
      for (const allocated of allocatedRanges === undefined || isUnknown(allocatedRanges) ? [] : allocatedRanges) {
        if (cidrsOverlap(cidr, allocated)) {
          const key = `connector:${connector.name}:overlaps:private-services-access:${allocated.text}`;
          findings.push(overlap(key, connector, cidr, origin, `the private services access range ${allocated.text}`));
        }
      }
      // Each pair once, on the later connector, keyed by both names in order.
      for (const earlier of connectors.slice(0, index)) {
        if (earlier.network !== connector.network || earlier.range.kind !== 'custom' || !cidrsOverlap(cidr, earlier.range.cidr)) continue;
        const [a, b] = [earlier.name, connector.name].sort();
        const key = `connector:${a ?? ''}:overlaps:connector:${b ?? ''}`;
        findings.push(overlap(key, connector, cidr, origin, `connector ${earlier.name}'s range ${earlier.range.cidr.text}`));
      }
      return findings;
    });
  },
};
