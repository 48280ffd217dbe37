import type { Fragment, TopologyInput } from '../fragment.js';
import { runSecrets } from '../../model/secret-registry.js';
import { MappingContext, type TopologyLists } from './map-context.js';
import { mapConnectors } from './map-connector.js';
import { mapDatabases } from './map-databases.js';
import { mapFirewalls } from './map-firewall.js';
import { mapLoadBalancers } from './map-load-balancer.js';
import { mapNetworks } from './map-network.js';
import { mapRunServices } from './map-run-v2.js';
import { mapSecrets } from './map-secrets.js';
import type { TerraformInput, TerraformResource } from './resource.js';

/**
 * Maps Terraform resources (from a plan or from HCL) to a topology-shaped fragment. Identity is by
 * name, as Google names resources, so the fragment merges with fragments of other inputs that
 * describe the same resources. Values known only after apply become `unknown` (with the reason)
 * where the topology accepts it, and are left out with a note elsewhere; nothing is guessed.
 * Resource types that are not part of the model are ignored.
 *
 * @example
 * const fragment = terraformFragment('plan.json', 'terraform-plan', input, (file, line) => doc.lineText(line));
 * fragment.data.services?.[0]?.egress; // 'all-traffic'
 * fragment.locate(['services', 0, 'egress']); // { file: 'plan.json', line: 212, column: 17 }
 */
export function terraformFragment(
  file: string,
  format: 'terraform-plan' | 'terraform-hcl',
  input: TerraformInput,
  lineText: (file: string, line: number) => string | undefined,
): Fragment {
  const ctx = new MappingContext(input);
  const byType = new Map<string, TerraformResource[]>();
  for (const resource of input.resources) {
    // `secret_data`, passwords, tokens…: registered before anything about the input is written.
    registerSecretAttributes(resource.values, '');
    const list = byType.get(resource.type);
    if (list === undefined) byType.set(resource.type, [resource]);
    else list.push(resource);
  }
  const ofType = (type: string): readonly TerraformResource[] => byType.get(type) ?? [];
  // Order matters: networks before what names them, connectors after subnets (a connector on a
  // named subnet takes the subnet's network), services after the resources they refer to.
  mapNetworks(ctx, ofType);
  mapFirewalls(ctx, ofType);
  mapConnectors(ctx, ofType);
  mapDatabases(ctx, ofType);
  mapSecrets(ctx, ofType);
  mapRunServices(ctx, ofType);
  mapLoadBalancers(ctx, ofType);
  const data = topologyData(ctx.lists, input.provider);
  const notes = [...input.notes, ...ctx.notes];
  return {
    file,
    format,
    data,
    locate: (path) => ctx.locate(path),
    unknownReason: (path) => ctx.unknownReason(path),
    linkedEntity: (path) => ctx.linkedEntity(path),
    notes,
    lineText,
  };
}

function topologyData(lists: TopologyLists, provider: TerraformInput['provider']): TopologyInput {
  const data: TopologyInput = {};
  if (provider.project !== undefined) data.project = provider.project;
  if (provider.region !== undefined) data.region = provider.region;
  for (const key of Object.keys(lists) as (keyof TopologyLists)[]) {
    if (lists[key].length > 0) Object.assign(data, { [key]: withoutUndefined(lists[key]) });
  }
  return data;
}

/** The mappers assign optional fields unconditionally; a field with no value is not in the data at all. */
function withoutUndefined<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const item = value[key];
    if (item !== undefined) out[key] = withoutUndefined(item);
  }
  return out as T;
}

/** Registers every attribute value whose name says it is secret, and the credentials in any string. */
function registerSecretAttributes(value: unknown, key: string): void {
  if (typeof value === 'string') {
    runSecrets.addSetting(key, value);
  } else if (Array.isArray(value)) {
    for (const item of value) registerSecretAttributes(item, key);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) registerSecretAttributes(v, k);
  }
}
