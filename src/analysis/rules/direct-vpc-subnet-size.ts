import type { Origin, Service, Subnet, Topology } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';

const ID = 'direct-vpc-subnet-size';

// Direct VPC needs a subnet of /26 or larger, and uses about 2 IPs per instance in steady state
// (fact direct-vpc-subnet-size).
const LARGEST_PREFIX = 26;
const IPS_PER_INSTANCE = 2;
// Google reserves 4 addresses of every subnet's primary range (network, gateway, second-to-last, broadcast).
const RESERVED_PER_SUBNET = 4;

const usableAddresses = (prefix: number): number => 2 ** (32 - prefix) - RESERVED_PER_SUBNET;

/**
 * The subnet a Direct VPC service sends from: the named one, else the subnet named like the
 * network (fact direct-vpc-subnet-size); the one in the service's region when names repeat.
 */
function subnetOf(topology: Topology, service: Service): Subnet | undefined {
  if (service.vpcAccess.kind !== 'direct') return undefined;
  const { network, subnet } = service.vpcAccess;
  const name = subnet ?? network;
  const candidates = [...topology.networks.values()].filter((n) => network === undefined || n.name === network).flatMap((n) => n.subnets.filter((s) => s.name === name));
  return candidates.find((s) => s.region === service.region) ?? candidates[0];
}

export const directVpcSubnetSize: Rule = {
  id: ID,
  title: 'A Direct VPC subnet is too small for its services',
  category: 'configuration',
  severity: 'warning',
  rationale:
    'Direct VPC egress gives each Cloud Run instance addresses from the subnet: Google requires a /26 or larger, reserves them in blocks of 16, uses about 2 per instance in steady state (older pages said 4), and holds them for a while after instances scale down. A subnet shared by services that can together need more addresses than it has runs out before they reach their max instances.',
  sources: [
    'https://cloud.google.com/run/docs/configuring/vpc-direct-vpc',
    'https://cloud.google.com/run/docs/configuring/networking-best-practices',
    'https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet',
  ],
  facts: ['direct-vpc-subnet-size'],
  check({ topology }) {
    const users = new Map<Subnet, Service[]>();
    for (const service of topology.services) {
      const subnet = subnetOf(topology, service);
      if (subnet) users.set(subnet, [...(users.get(subnet) ?? []), service]);
    }
    const findings: Finding[] = [];
    for (const [subnet, services] of users) {
      const names = services.map((s) => s.name).join(', ');
      const where = `subnet ${subnet.name} (${subnet.cidr.text}) of network ${subnet.network}`;
      const origin: Origin = { ...subnet.origin, path: [...subnet.origin.path, 'cidr'] };
      if (subnet.cidr.prefix > LARGEST_PREFIX) {
        findings.push({
          ruleId: ID,
          key: `subnet:${subnet.network}/${subnet.name}:size`,
          severity: 'warning',
          message: `${where} is a /${subnet.cidr.prefix}, but Direct VPC egress (used by ${names}) needs a /${LARGEST_PREFIX} or larger: give these services a /${LARGEST_PREFIX} or larger subnet.`,
          origin,
        });
      }
      const needed = services.reduce((sum, s) => sum + IPS_PER_INSTANCE * s.maxInstances, 0);
      const usable = usableAddresses(subnet.cidr.prefix);
      if (needed > usable) {
        let fits = LARGEST_PREFIX;
        while (fits > 0 && usableAddresses(fits) < needed) fits--;
        const demand = services.map((s) => `${s.name} ${IPS_PER_INSTANCE} × ${s.maxInstances}`).join(' + ');
        findings.push({
          ruleId: ID,
          key: `subnet:${subnet.network}/${subnet.name}:addresses`,
          severity: 'warning',
          message: `${where} has ${usable} usable addresses, but Direct VPC egress needs about ${needed} at full scale (about ${IPS_PER_INSTANCE} per instance: ${demand}), more while scaled-down instances still hold theirs: it runs out before the services reach their max instances. Use a /${fits} or larger subnet, or lower maxInstances.`,
          origin,
        });
      }
    }
    return findings;
  },
};
