import { Draft } from './draft.js';
import type { FlagUse } from './flags.js';
import type { AddressInput, ConnectorInput, NatInput, RouterInput, SubnetInput } from './model.js';
import type { CommandReader } from './reader.js';
import { parseCount, resourceName, splitList } from './values.js';
import { describeUnknown, literalText } from './words.js';

/** A flag's literal value as a resource name, noting on `where` when the script leaves it to run time. */
function nameFlag(r: CommandReader, flag: FlagUse | undefined, where: string, consequence?: string): string | undefined {
  const value = flag === undefined ? undefined : r.value(flag, where, consequence);
  return value === undefined ? undefined : resourceName(value);
}

/**
 * `gcloud compute networks vpc-access connectors create|update NAME`
 * (cloud.google.com/sdk/gcloud/reference/compute/networks/vpc-access/connectors/create).
 */
export function applyConnector(r: CommandReader): void {
  const resource = r.resource('connector');
  if (resource === undefined) return;
  const label = `connectors[${resource.name}]`;
  const connector = r.model.connectors.get(resource.name) ?? new Draft<ConnectorInput>(resource.name, r.located(r.command.at), r.model);
  r.model.connectors.set(resource.name, connector);
  // Only --region: the connectors reference names no property to fall back on.
  const region = r.region(undefined, `${label}.region`);
  if (region !== undefined) connector.set('region', region.value, region.at);
  const rangeFlag = r.last('range');
  const range = rangeFlag === undefined ? undefined : r.value(rangeFlag, `${label}.ipCidrRange`);
  if (rangeFlag !== undefined && range !== undefined) connector.set('ipCidrRange', range, r.located(rangeFlag.at));
  const subnetFlag = r.last('subnet');
  const subnet = nameFlag(r, subnetFlag, `${label}.subnet`);
  if (subnetFlag !== undefined && subnet !== undefined) connector.set('subnet', subnet, r.located(subnetFlag.at));
  const networkFlag = r.last('network');
  const network = nameFlag(r, networkFlag, `${label}.network`);
  if (networkFlag !== undefined && network !== undefined) connector.set('network', network, r.located(networkFlag.at));
  else if (networkFlag === undefined && subnet !== undefined) {
    // A connector on a named subnet is in that subnet's network.
    const owner = [...r.model.networks.values()].find((n) => n.subnets.has(subnet));
    if (owner !== undefined) connector.set('network', owner.draft.name, r.located(subnetFlag?.at ?? r.command.at));
  } else if (networkFlag === undefined && r.command.path.at(-1) === 'create') {
    // Documented default: --network=NETWORK; default="default".
    connector.set('network', 'default', r.located(r.command.at));
  }
  for (const [flagName, field] of [['min-instances', 'minInstances'], ['max-instances', 'maxInstances']] as const) {
    const flag = r.last(flagName);
    const value = flag === undefined ? undefined : r.value(flag, `${label}.${field}`, 'not imported, so the schema default applies');
    if (flag === undefined || value === undefined) continue;
    const count = parseCount(value);
    if (count === undefined) r.fail(flag.value?.at ?? flag.at, `--${flagName}: expected a whole number of instances, got "${value}"`);
    else connector.set(field, count, r.located(flag.at));
  }
  const machine = r.last('machine-type');
  const machineType = machine === undefined ? undefined : r.value(machine, `${label}.machineType`, 'not imported, so the schema default applies');
  if (machine !== undefined && machineType !== undefined) connector.set('machineType', machineType as ConnectorInput['machineType'], r.located(machine.at));
  if (r.has('min-throughput') || r.has('max-throughput')) r.note(`${label}: --min-throughput/--max-throughput are not modelled; the instance bounds apply`);
}

/** `gcloud compute networks create NAME`: without `--subnet-mode=custom` Google creates a subnet in every region. */
export function applyNetworkCreate(r: CommandReader): void {
  const resource = r.resource('network');
  if (resource === undefined) return;
  r.model.network(resource.name, r.located(r.command.at));
  const modeFlag = r.last('subnet-mode');
  const mode = modeFlag === undefined ? 'auto' : r.value(modeFlag, `networks[${resource.name}]`);
  if (mode === 'auto') r.note(`networks[${resource.name}]: auto mode creates a subnet in every region; those subnets are not imported`);
}

/** `gcloud compute networks subnets create NAME --network N --range CIDR [--enable-private-ip-google-access]`. */
export function applySubnetCreate(r: CommandReader): void {
  const resource = r.resource('subnet');
  if (resource === undefined) return;
  const label = `subnet ${resource.name}`;
  const networkFlag = r.last('network');
  const network = nameFlag(r, networkFlag, label, 'the subnet is not imported');
  const rangeFlag = r.last('range');
  const range = rangeFlag === undefined ? undefined : r.value(rangeFlag, label, 'the subnet is not imported');
  if (networkFlag === undefined || network === undefined || rangeFlag === undefined || range === undefined) {
    if (networkFlag === undefined || rangeFlag === undefined) r.note(`${label}: ${r.title} without --network and --range; not imported`);
    return;
  }
  const net = r.model.network(network, r.located(networkFlag.at));
  const subnet = net.subnets.get(resource.name) ?? new Draft<SubnetInput>(resource.name, r.located(r.command.at), r.model);
  net.subnets.set(resource.name, subnet);
  subnet.set('cidr', range, r.located(rangeFlag.at));
  const region = r.region('compute/region', `networks[${network}].subnets[${resource.name}].region`);
  if (region !== undefined) subnet.set('region', region.value, region.at);
  applyPrivateGoogleAccess(r, subnet);
}

/** `gcloud compute networks subnets update NAME --[no-]enable-private-ip-google-access`. */
export function applySubnetUpdate(r: CommandReader): void {
  const resource = r.resource('subnet');
  if (resource === undefined) return;
  const subnet = [...r.model.networks.values()].map((n) => n.subnets.get(resource.name)).find((s) => s !== undefined);
  if (subnet === undefined) {
    if (r.has('enable-private-ip-google-access') || r.has('no-enable-private-ip-google-access')) {
      r.note(`subnet ${resource.name}: ${r.title} changes a subnet whose network is not known in ${r.file}; not imported`);
    }
    return;
  }
  applyPrivateGoogleAccess(r, subnet);
}

function applyPrivateGoogleAccess(r: CommandReader, subnet: Draft<SubnetInput>): void {
  const flag = r.command.flags.filter((f) => f.name === 'enable-private-ip-google-access' || f.name === 'no-enable-private-ip-google-access').pop();
  if (flag !== undefined) subnet.set('privateGoogleAccess', flag.name === 'enable-private-ip-google-access', r.located(flag.at));
}

/** `gcloud compute routers create NAME --network N --region R`: a Cloud Router in its network. */
export function applyRouterCreate(r: CommandReader): void {
  const resource = r.resource('router');
  if (resource === undefined) return;
  const networkFlag = r.last('network');
  const network = nameFlag(r, networkFlag, `router ${resource.name}`, 'the router is not imported');
  if (networkFlag === undefined || network === undefined) {
    if (networkFlag === undefined) r.note(`router ${resource.name}: ${r.title} without --network; not imported`);
    return;
  }
  const net = r.model.network(network, r.located(networkFlag.at));
  const router = net.routers.get(resource.name) ?? new Draft<RouterInput>(resource.name, r.located(r.command.at), r.model);
  net.routers.set(resource.name, router);
  const region = r.region('compute/region', `networks[${network}].routers[${resource.name}].region`);
  if (region !== undefined) router.set('region', region.value, region.at);
}

/**
 * `gcloud compute routers nats create|update NAME --router R`
 * (cloud.google.com/sdk/gcloud/reference/compute/routers/nats/create): which subnets it
 * translates and with which external IPs. It joins router R's network when the model is written.
 */
export function applyNat(r: CommandReader): void {
  const resource = r.resource('NAT');
  if (resource === undefined) return;
  const routerFlag = r.last('router');
  const router = nameFlag(r, routerFlag, `Cloud NAT ${resource.name}`, 'the NAT is not imported');
  if (routerFlag === undefined || router === undefined) {
    if (routerFlag === undefined) r.fail(r.command.at, `${r.title} ${resource.name}: expected --router, the Cloud Router the NAT belongs to`);
    return;
  }
  const key = `${router}/${resource.name}`;
  const nat = r.model.nats.get(key)?.draft ?? new Draft<NatInput>(resource.name, r.located(r.command.at), r.model);
  r.model.nats.set(key, { router, draft: nat });
  const label = `Cloud NAT ${resource.name}`;
  // --nat-primary-subnet-ip-ranges covers every subnet's primary range: where connector and Cloud Run traffic comes from.
  const all = r.command.flags.filter((f) => f.name === 'nat-all-subnet-ip-ranges' || f.name === 'nat-primary-subnet-ip-ranges').pop();
  if (all !== undefined) nat.set('subnets', 'all', r.located(all.at));
  const custom = r.last('nat-custom-subnet-ip-ranges');
  const ranges = custom === undefined ? undefined : r.value(custom, `${label}.subnets`);
  // SUBNETWORK[:RANGE_NAME|:ALL]: the subnet is what the model covers.
  const subnets = ranges === undefined ? [] : [...new Set(splitList(ranges).map((s) => resourceName(s.split(':')[0] ?? s)))];
  if (custom !== undefined && ranges !== undefined) nat.set('subnets', subnets, r.located(custom.at));
  const auto = r.last('auto-allocate-nat-external-ips');
  if (auto !== undefined) nat.set('natIps', 'auto', r.located(auto.at));
  const pool = r.last('nat-external-ip-pool');
  if (pool?.value !== undefined && literalText(pool.value.pieces) === undefined) {
    nat.setUnknown('natIps', `--nat-external-ip-pool is given by ${describeUnknown(r.unknownOf(pool))}`, r.located(pool.at));
  } else if (pool !== undefined) {
    // Each IP is the name (or self link) of a reserved static address.
    const value = r.value(pool, `${label}.natIps`);
    if (value !== undefined) nat.set('natIps', splitList(value).map(resourceName), r.located(pool.at));
  }
}

/**
 * `gcloud compute addresses create NAME… [--addresses IP,…] (--region R | --global)`: reserved
 * external addresses, which a NAT's `--nat-external-ip-pool` names. Without `--addresses` Google
 * picks the address; an internal address (`--subnet`) is not an egress IP and is skipped.
 */
export function applyAddressCreate(r: CommandReader): void {
  if (r.has('subnet')) return;
  const region = r.has('global') ? undefined : r.region('compute/region', 'addresses.region');
  const ipsFlag = r.last('addresses');
  if (ipsFlag !== undefined && ipsFlag.value === undefined) {
    r.fail(ipsFlag.at, '--addresses: expected a value after the flag');
    return;
  }
  const ipsText = ipsFlag?.value === undefined ? undefined : literalText(ipsFlag.value.pieces);
  const ips = ipsText === undefined ? [] : splitList(ipsText);
  r.command.args.forEach((word, i) => {
    const name = literalText(word.pieces);
    if (name === undefined) return;
    const address = r.model.addresses.get(resourceName(name)) ?? new Draft<AddressInput>(resourceName(name), r.located(word.at), r.model);
    r.model.addresses.set(address.name, address);
    if (region !== undefined) address.set('region', region.value, region.at);
    const ip = ips[i];
    if (ipsFlag !== undefined && ip !== undefined) address.set('address', ip, r.located(ipsFlag.at));
    else if (ipsFlag === undefined) address.setUnknown('address', `allocated by Google: \`${r.title}\` names no --addresses`, r.located(word.at));
    else address.setUnknown('address', `--addresses is given by ${describeUnknown(r.unknownOf(ipsFlag))}`, r.located(ipsFlag.at));
  });
}
