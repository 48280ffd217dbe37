import type { Emit, MappingContext, NetworkEntry } from './map-context.js';
import { networkOf } from './map-network.js';
import { blocks, isNumber, isString, isStringList, read, type Read, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * VPC firewall rules (google_compute_firewall: registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_firewall).
 * The topology models what a rule does to TCP connections, so a rule is kept when one of its
 * allow/deny blocks covers TCP, with the ports of those blocks.
 */

type FirewallEntry = NonNullable<NetworkEntry['firewall']>[number];
type Ports = NonNullable<FirewallEntry['ports']>;

export function mapFirewalls(ctx: MappingContext, ofType: ResourcesOfType): void {
  for (const r of ofType('google_compute_firewall')) mapFirewall(ctx, r);
}

// The API's default direction (cloud.google.com/compute/docs/reference/rest/v1/firewalls: "If unspecified, defaults to INGRESS").
const DIRECTIONS = { EGRESS: 'egress', INGRESS: 'ingress' } as const;
const isDirection = (v: unknown): v is keyof typeof DIRECTIONS => v === 'EGRESS' || v === 'INGRESS';

function mapFirewall(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined || r.values.disabled === true) return;
  const label = `firewall ${name}`;
  const accounts = read(r, ['target_service_accounts'], isStringList);
  if (accounts.kind === 'known' && accounts.value.length > 0) {
    ctx.note(`${label}: left out: it targets service accounts, which the topology does not model`);
    return;
  }
  const direction = read(r, ['direction'], isDirection);
  if (direction.kind === 'unknown') {
    ctx.note(`${label}: left out: direction ${direction.reason}`);
    return;
  }
  const action = blocks(r, ['allow']).length > 0 ? 'allow' : blocks(r, ['deny']).length > 0 ? 'deny' : undefined;
  if (action === undefined) return;
  const ports = tcpPorts(r, action);
  // A rule with no TCP block does not touch the connections Lifeline checks.
  if (ports === null) return;
  const network = networkOf(ctx, r, label, ['network']);
  if (network === undefined) return;
  const list = (network.entry.firewall ??= []);
  const e: Emit = { resource: r, path: [...network.path, 'firewall', list.length], label: `networks[${network.name}].firewall[${name}]` };
  ctx.record(e.path, r);
  ctx.record([...e.path, 'action'], r, [action]);
  ctx.record([...e.path, 'direction'], r, ['direction']);
  if (ports !== undefined) ctx.record([...e.path, 'ports'], r, [action]);
  list.push({
    name,
    direction: DIRECTIONS[direction.kind === 'known' ? direction.value : 'INGRESS'],
    action,
    priority: ctx.field(e, 'priority', ['priority'], read(r, ['priority'], isNumber)),
    destinationRanges: ctx.field(e, 'destinationRanges', ['destination_ranges'], nonEmpty(read(r, ['destination_ranges'], isStringList))),
    ports,
    targetTags: ctx.field(e, 'targetTags', ['target_tags'], nonEmpty(read(r, ['target_tags'], isStringList))),
  });
}

const nonEmpty = <T>(value: Read<T[]>): Read<T[]> => (value.kind === 'known' && value.value.length === 0 ? { kind: 'absent' } : value);

/**
 * The TCP ports the rule's blocks cover: undefined for every port, null when no block covers TCP
 * (protocol `tcp`, `6` or `all`; a block with no ports covers them all).
 */
function tcpPorts(r: TerraformResource, action: 'allow' | 'deny'): Ports | undefined | null {
  const ports: Ports = [];
  let tcp = false;
  for (const block of blocks(r, [action])) {
    const protocol = isString(block.protocol) ? block.protocol.toLowerCase() : '';
    if (protocol !== 'tcp' && protocol !== '6' && protocol !== 'all') continue;
    tcp = true;
    const listed = Array.isArray(block.ports) ? block.ports.filter(isString) : [];
    if (protocol === 'all' || listed.length === 0) return undefined;
    for (const port of listed) ports.push(/^\d+$/.test(port) ? Number(port) : port);
  }
  return tcp ? ports : null;
}
