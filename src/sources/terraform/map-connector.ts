import type { KeyPath } from '../document.js';
import type { Emit, MappingContext } from './map-context.js';
import { isNumber, isString, read, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * Serverless VPC Access connectors (google_vpc_access_connector): the network and /28 range (or
 * named subnet) they occupy, their instance bounds and machine type, and their state when the plan
 * knows it (registry.terraform.io/providers/hashicorp/google/latest/docs/resources/vpc_access_connector).
 */
export function mapConnectors(ctx: MappingContext, ofType: ResourcesOfType): void {
  const subnetNetworks = new Map<string, string>();
  for (const network of ctx.lists.networks) {
    for (const subnet of network.subnets ?? []) subnetNetworks.set(subnet.name, network.name);
  }
  for (const r of ofType('google_vpc_access_connector')) mapConnector(ctx, r, subnetNetworks);
}

function mapConnector(ctx: MappingContext, r: TerraformResource, subnetNetworks: ReadonlyMap<string, string>): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['connectors', ctx.lists.connectors.length], label: `connectors[${name}]` };
  const subnet = ctx.nameAt(r, ['subnet', 0, 'name'], ['google_compute_subnetwork']);
  let network = ctx.nameAt(r, ['network'], ['google_compute_network']);
  let networkAttribute: KeyPath = ['network'];
  // A connector on a named subnet sets no `network`: it is the subnet's.
  const subnetNetwork = subnet.kind === 'known' ? subnetNetworks.get(subnet.value) : undefined;
  if (network.kind === 'absent' && subnetNetwork !== undefined) {
    network = { kind: 'known', value: subnetNetwork };
    networkAttribute = ['subnet', 0, 'name'];
  }
  const networkName = ctx.required(r, e.label, networkAttribute, network);
  if (networkName === undefined) return;
  ctx.record(e.path, r);
  ctx.record([...e.path, 'network'], r, networkAttribute);
  ctx.lists.connectors.push({
    name,
    region: ctx.regionOrUnknown(e, ['region']),
    network: networkName,
    ipCidrRange: ctx.field(e, 'ipCidrRange', ['ip_cidr_range'], read(r, ['ip_cidr_range'], isString)),
    subnet: ctx.field(e, 'subnet', ['subnet', 0, 'name'], subnet),
    minInstances: ctx.field(e, 'minInstances', ['min_instances'], read(r, ['min_instances'], isNumber)),
    maxInstances: ctx.field(e, 'maxInstances', ['max_instances'], read(r, ['max_instances'], isNumber)),
    machineType: ctx.field(e, 'machineType', ['machine_type'], read(r, ['machine_type'], isMachineType)),
    state: connectorState(ctx, e),
  });
}

const MACHINE_TYPES = ['e2-micro', 'f1-micro', 'e2-standard-4'] as const;
const isMachineType = (v: unknown): v is (typeof MACHINE_TYPES)[number] => MACHINE_TYPES.some((t) => t === v);

const STATES = ['READY', 'CREATING', 'UPDATING', 'DELETING', 'ERROR'] as const;
const isState = (v: unknown): v is (typeof STATES)[number] => STATES.some((s) => s === v);

/**
 * The state an existing connector is in. A connector the plan creates has no state yet; Terraform
 * waits for the create operation to finish, so after a successful apply it is READY: the schema's
 * default says so, and the note says it was assumed.
 */
function connectorState(ctx: MappingContext, e: Emit): (typeof STATES)[number] | undefined {
  const state = read(e.resource, ['state'], isState);
  if (state.kind === 'unknown') {
    ctx.note(`${e.label}.state: ${state.reason}; a connector being created is taken to be READY once apply succeeds`);
    return undefined;
  }
  return ctx.field(e, 'state', ['state'], state);
}
