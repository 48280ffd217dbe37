import type { KeyPath } from '../document.js';
import type { Emit, MappingContext, ServiceEntryInput } from './map-context.js';
import { isNumber, isString, read, type Read } from './map-read.js';
import { addCloudSqlInstances, applyVpcAccess, connectionNameOf, environment, ingressProbe, secretMounts, serviceRegion } from './map-service.js';
import type { TerraformResource } from './resource.js';

/**
 * google_cloud_run_service (Cloud Run v1, Knative shape): VPC access, Cloud SQL and scaling are
 * revision-template annotations (cloud.google.com/run/docs/reference/rest/v1/RevisionTemplate and
 * registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_service).
 */

const ANNOTATIONS: KeyPath = ['template', 0, 'metadata', 0, 'annotations'];
const SPEC: KeyPath = ['template', 0, 'spec', 0];
const annotation = (key: string): KeyPath => [...ANNOTATIONS, key];

const EGRESS = ['all-traffic', 'private-ranges-only', 'all'] as const;
const isEgress = (v: unknown): v is (typeof EGRESS)[number] => EGRESS.some((x) => x === v);

export function mapRunV1Service(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['services', ctx.lists.services.length], label: `services[${name}]` };
  ctx.record(e.path, r);
  const entry: ServiceEntryInput = { name };
  ctx.lists.services.push(entry);
  const connectorAt = annotation('run.googleapis.com/vpc-access-connector');
  entry.region = serviceRegion(ctx, e, [connectorAt]);
  const interfacesAt = annotation('run.googleapis.com/network-interfaces');
  const connector = ctx.nameAt(r, connectorAt, ['google_vpc_access_connector']);
  const interfaces = read(r, interfacesAt, isString);
  if (connector.kind !== 'absent' || interfaces.kind !== 'absent') {
    applyVpcAccess(ctx, e, entry, {
      connector,
      connectorAt,
      egress: read(r, annotation('run.googleapis.com/vpc-access-egress'), isEgress),
      egressAt: annotation('run.googleapis.com/vpc-access-egress'),
      directVpc: interfaces.kind === 'absent' ? undefined : networkInterface(interfaces),
    });
  }
  cloudSql(ctx, e, entry);
  entry.minInstances = ctx.field(e, 'minInstances', annotation('autoscaling.knative.dev/minScale'), scale(r, 'autoscaling.knative.dev/minScale'));
  entry.maxInstances = ctx.field(e, 'maxInstances', annotation('autoscaling.knative.dev/maxScale'), scale(r, 'autoscaling.knative.dev/maxScale'));
  // containerConcurrency 0 means "the default" (cloud.google.com/run/docs/reference/rest/v1/RevisionSpec).
  const concurrency = read(r, [...SPEC, 'container_concurrency'], isNumber);
  entry.concurrency = ctx.field(e, 'concurrency', [...SPEC, 'container_concurrency'], concurrency.kind === 'known' && concurrency.value === 0 ? { kind: 'absent' } : concurrency);
  entry.timeoutSeconds = ctx.field(e, 'timeoutSeconds', [...SPEC, 'timeout_seconds'], read(r, [...SPEC, 'timeout_seconds'], isNumber));
  environment(ctx, e, entry, [...SPEC, 'containers'], { secretRef: ['value_from', 0, 'secret_key_ref', 0], secretName: 'name', secretVersion: 'key' });
  secretMounts(ctx, e, entry, [...SPEC, 'containers'], [...SPEC, 'volumes'], { secretName: 'secret_name', itemVersion: 'key' });
  entry.startupProbe = ingressProbe(ctx, e, [...SPEC, 'containers']);
}

/** `run.googleapis.com/network-interfaces`: a JSON list of `{network, subnetwork, tags}`; the first is used. */
function networkInterface(text: Read<string>): NonNullable<Parameters<typeof applyVpcAccess>[3]['directVpc']> {
  const at = annotation('run.googleapis.com/network-interfaces');
  const base = { networkAt: at, subnetAt: at };
  if (text.kind !== 'known') return { ...base, network: text, subnet: text, tags: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch {
    parsed = undefined;
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
  if (typeof first !== 'object' || first === null) {
    const unreadable = { kind: 'unknown' as const, reason: 'the run.googleapis.com/network-interfaces annotation is not a JSON list of interfaces' };
    return { ...base, network: unreadable, subnet: unreadable, tags: [] };
  }
  const item = first as Record<string, unknown>;
  const named = (v: unknown): Read<string> => (isString(v) ? { kind: 'known', value: v.slice(v.lastIndexOf('/') + 1) } : { kind: 'absent' });
  const tags = Array.isArray(item.tags) ? item.tags.filter((t): t is string => typeof t === 'string') : [];
  return { ...base, network: named(item.network), subnet: named(item.subnetwork), tags };
}

/** `run.googleapis.com/cloudsql-instances`: a comma-separated list of connection names. */
function cloudSql(ctx: MappingContext, e: Emit, entry: ServiceEntryInput): void {
  const at = annotation('run.googleapis.com/cloudsql-instances');
  const value = read(e.resource, at, isString);
  if (value.kind === 'known') {
    addCloudSqlInstances(ctx, e, entry, at, value.value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    return;
  }
  if (value.kind === 'absent') return;
  const referenced = ctx.referenced(e.resource, at, ['google_sql_database_instance']);
  const names = referenced.map((sql) => connectionNameOf(ctx, sql)).filter((n): n is string => n !== undefined);
  if (names.length === 0) ctx.note(`${e.label}.cloudSqlInstances: ${value.reason}; those connections are not checked`);
  // The whole annotation is one expression: every instance it refers to is in the list.
  for (const name of names) {
    entry.cloudSqlInstances ??= [];
    ctx.record([...e.path, 'cloudSqlInstances', entry.cloudSqlInstances.length], e.resource, at);
    entry.cloudSqlInstances.push(name);
  }
}

/** Knative scale annotations are strings of digits. */
function scale(r: TerraformResource, key: string): Read<number> {
  const value = read(r, annotation(key), isString);
  if (value.kind !== 'known') return value;
  return /^\d+$/.test(value.value.trim()) ? { kind: 'known', value: Number(value.value) } : { kind: 'absent' };
}
