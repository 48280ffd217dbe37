import type { Emit, MappingContext, ServiceEntryInput } from './map-context.js';
import { blocks, isNumber, isStringList, read, type Read, type ResourcesOfType } from './map-read.js';
import { mapRunV1Service } from './map-run-v1.js';
import { addCloudSqlInstances, applyVpcAccess, durationSeconds, environment, serviceRegion, sqlConnectionNames, startupProbe } from './map-service.js';
import type { TerraformResource } from './resource.js';

/**
 * Cloud Run services: google_cloud_run_v2_service here (its template block mirrors the v2 REST
 * API's RevisionTemplate: registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_service),
 * google_cloud_run_service (v1, Knative annotations) in map-run-v1.ts.
 */
export function mapRunServices(ctx: MappingContext, ofType: ResourcesOfType): void {
  for (const r of ofType('google_cloud_run_v2_service')) mapRunV2Service(ctx, r);
  for (const r of ofType('google_cloud_run_service')) mapRunV1Service(ctx, r);
}

// VpcAccess.egress (cloud.google.com/run/docs/reference/rest/v2/VpcAccess#VpcEgress).
const EGRESS = { ALL_TRAFFIC: 'all-traffic', PRIVATE_RANGES_ONLY: 'private-ranges-only' } as const;
const isEgress = (v: unknown): v is keyof typeof EGRESS => v === 'ALL_TRAFFIC' || v === 'PRIVATE_RANGES_ONLY';

function mapRunV2Service(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['services', ctx.lists.services.length], label: `services[${name}]` };
  ctx.record(e.path, r);
  const entry: ServiceEntryInput = { name };
  ctx.lists.services.push(entry);
  const t = ['template', 0];
  const vpc = [...t, 'vpc_access', 0];
  entry.region = serviceRegion(ctx, e, [[...vpc, 'connector'], [...vpc, 'network_interfaces', 0, 'subnetwork']]);
  if (blocks(r, [...t, 'vpc_access']).length > 0) {
    const egress = read(r, [...vpc, 'egress'], isEgress);
    const ni = [...vpc, 'network_interfaces', 0];
    applyVpcAccess(ctx, e, entry, {
      connector: ctx.nameAt(r, [...vpc, 'connector'], ['google_vpc_access_connector']),
      connectorAt: [...vpc, 'connector'],
      egress: egress.kind === 'known' ? { kind: 'known', value: EGRESS[egress.value] } : egress,
      egressAt: [...vpc, 'egress'],
      directVpc:
        blocks(r, [...vpc, 'network_interfaces']).length === 0
          ? undefined
          : {
              network: ctx.nameAt(r, [...ni, 'network'], ['google_compute_network']),
              subnet: ctx.nameAt(r, [...ni, 'subnetwork'], ['google_compute_subnetwork']),
              tags: tagsAt(r, [...ni, 'tags']),
              networkAt: [...ni, 'network'],
              subnetAt: [...ni, 'subnetwork'],
            },
    });
  } else {
    const reason = r.unknownReason([...t, 'vpc_access']);
    if (reason !== undefined) entry.egress = ctx.fieldOrUnknown(e, 'egress', [...t, 'vpc_access'], { kind: 'unknown', reason });
  }
  environment(ctx, e, entry, [...t, 'containers'], { secretRef: ['value_source', 0, 'secret_key_ref', 0], secretName: 'secret', secretVersion: 'version' });
  blocks(r, [...t, 'volumes']).forEach((_volume, k) => {
    const instances = [...t, 'volumes', k, 'cloud_sql_instance', 0, 'instances'];
    if (blocks(r, instances.slice(0, -2)).length === 0) return;
    addCloudSqlInstances(ctx, e, entry, instances, sqlConnectionNames(ctx, e, instances));
  });
  entry.minInstances = ctx.field(e, 'minInstances', [...t, 'scaling', 0, 'min_instance_count'], read(r, [...t, 'scaling', 0, 'min_instance_count'], isNumber));
  entry.maxInstances = ctx.field(e, 'maxInstances', [...t, 'scaling', 0, 'max_instance_count'], read(r, [...t, 'scaling', 0, 'max_instance_count'], isNumber));
  entry.concurrency = ctx.field(e, 'concurrency', [...t, 'max_instance_request_concurrency'], read(r, [...t, 'max_instance_request_concurrency'], isNumber));
  entry.timeoutSeconds = ctx.field(e, 'timeoutSeconds', [...t, 'timeout'], durationSeconds(r, [...t, 'timeout']));
  entry.startupProbe = startupProbe(ctx, e, [...t, 'containers', 0]);
}

function tagsAt(r: TerraformResource, path: readonly (string | number)[]): string[] {
  const tags: Read<string[]> = read(r, path, isStringList);
  return tags.kind === 'known' ? tags.value : [];
}
