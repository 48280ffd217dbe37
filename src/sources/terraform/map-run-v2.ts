import type { Emit, MappingContext, ServiceEntryInput } from './map-context.js';
import { blocks, isNumber, isStringList, read, type Read, type ResourcesOfType } from './map-read.js';
import { mapRunV1Service } from './map-run-v1.js';
import { addCloudSqlInstances, applyVpcAccess, durationSeconds, environment, environmentMap, functionSecrets, ingressProbe, secretMounts, serviceRegion, sqlConnectionNames } from './map-service.js';
import type { TerraformResource } from './resource.js';

/**
 * Cloud Run services: google_cloud_run_v2_service here (its template block mirrors the v2 REST
 * API's RevisionTemplate: registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_service),
 * google_cloud_run_service (v1, Knative annotations) in map-run-v1.ts.
 */
export function mapRunServices(ctx: MappingContext, ofType: ResourcesOfType): void {
  for (const r of ofType('google_cloud_run_v2_service')) mapRunV2Service(ctx, r, 'service');
  // A job's task template sits one level deeper: template.template (registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_job).
  for (const r of ofType('google_cloud_run_v2_job')) mapRunV2Service(ctx, r, 'job');
  for (const r of ofType('google_cloud_run_service')) mapRunV1Service(ctx, r);
  for (const r of ofType('google_cloudfunctions2_function')) mapFunction(ctx, r);
}

// VpcAccess.egress (cloud.google.com/run/docs/reference/rest/v2/VpcAccess#VpcEgress).
const EGRESS = { ALL_TRAFFIC: 'all-traffic', PRIVATE_RANGES_ONLY: 'private-ranges-only' } as const;
const isEgress = (v: unknown): v is keyof typeof EGRESS => v === 'ALL_TRAFFIC' || v === 'PRIVATE_RANGES_ONLY';

function mapRunV2Service(ctx: MappingContext, r: TerraformResource, workload: 'service' | 'job'): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['services', ctx.lists.services.length], label: `services[${name}]` };
  ctx.record(e.path, r);
  const entry: ServiceEntryInput = workload === 'job' ? { name, workload } : { name };
  ctx.lists.services.push(entry);
  const t = workload === 'job' ? ['template', 0, 'template', 0] : ['template', 0];
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
  secretMounts(ctx, e, entry, [...t, 'containers'], [...t, 'volumes'], { secretName: 'secret', itemVersion: 'version' });
  blocks(r, [...t, 'volumes']).forEach((_volume, k) => {
    const instances = [...t, 'volumes', k, 'cloud_sql_instance', 0, 'instances'];
    if (blocks(r, instances.slice(0, -2)).length === 0) return;
    addCloudSqlInstances(ctx, e, entry, instances, sqlConnectionNames(ctx, e, instances));
  });
  if (workload === 'job') {
    // Tasks run at most `parallelism` at a time (all of them, `task_count`, when it is not set);
    // each task is one instance handling one thing, with no request timeout and no startup probe.
    const parallelism = read(r, ['template', 0, 'parallelism'], isPositive);
    const tasks = read(r, ['template', 0, 'task_count'], isPositive);
    entry.maxInstances = parallelism.kind === 'known' ? ctx.field(e, 'maxInstances', ['template', 0, 'parallelism'], parallelism) : ctx.field(e, 'maxInstances', ['template', 0, 'task_count'], tasks);
    entry.concurrency = 1;
    return;
  }
  entry.minInstances = ctx.field(e, 'minInstances', [...t, 'scaling', 0, 'min_instance_count'], read(r, [...t, 'scaling', 0, 'min_instance_count'], isNumber));
  entry.maxInstances = ctx.field(e, 'maxInstances', [...t, 'scaling', 0, 'max_instance_count'], read(r, [...t, 'scaling', 0, 'max_instance_count'], isNumber));
  entry.concurrency = ctx.field(e, 'concurrency', [...t, 'max_instance_request_concurrency'], read(r, [...t, 'max_instance_request_concurrency'], isNumber));
  entry.timeoutSeconds = ctx.field(e, 'timeoutSeconds', [...t, 'timeout'], durationSeconds(r, [...t, 'timeout']));
  entry.startupProbe = ingressProbe(ctx, e, [...t, 'containers']);
}

const isPositive = (v: unknown): v is number => isNumber(v) && v > 0;

// ServiceConfig.vpc_connector_egress_settings (cloud.google.com/functions/docs/reference/rest/v2/projects.locations.functions#VpcConnectorEgressSettings).
const FUNCTION_EGRESS = { ALL_TRAFFIC: 'all-traffic', PRIVATE_RANGES_ONLY: 'private-ranges-only' } as const;

/**
 * google_cloudfunctions2_function: the function runs as a Cloud Run service, configured by its
 * service_config (registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloudfunctions2_function):
 * a connector and its egress setting, environment variables as a map, secret environment
 * variables, instance counts, concurrency and timeout.
 */
function mapFunction(ctx: MappingContext, r: TerraformResource): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['services', ctx.lists.services.length], label: `services[${name}]` };
  ctx.record(e.path, r);
  const entry: ServiceEntryInput = { name, workload: 'function' };
  ctx.lists.services.push(entry);
  const sc = ['service_config', 0];
  entry.region = serviceRegion(ctx, e, [[...sc, 'vpc_connector']]);
  const connector = ctx.nameAt(r, [...sc, 'vpc_connector'], ['google_vpc_access_connector']);
  if (connector.kind !== 'absent') {
    const egress = read(r, [...sc, 'vpc_connector_egress_settings'], isEgress);
    applyVpcAccess(ctx, e, entry, {
      connector,
      connectorAt: [...sc, 'vpc_connector'],
      egress: egress.kind === 'known' ? { kind: 'known', value: FUNCTION_EGRESS[egress.value] } : egress,
      egressAt: [...sc, 'vpc_connector_egress_settings'],
      directVpc: undefined,
    });
  }
  environmentMap(ctx, e, entry, [...sc, 'environment_variables']);
  functionSecrets(ctx, e, entry, [...sc, 'secret_environment_variables']);
  entry.minInstances = ctx.field(e, 'minInstances', [...sc, 'min_instance_count'], read(r, [...sc, 'min_instance_count'], isNumber));
  entry.maxInstances = ctx.field(e, 'maxInstances', [...sc, 'max_instance_count'], read(r, [...sc, 'max_instance_count'], isPositive));
  entry.concurrency = ctx.field(e, 'concurrency', [...sc, 'max_instance_request_concurrency'], read(r, [...sc, 'max_instance_request_concurrency'], isPositive));
  entry.timeoutSeconds = ctx.field(e, 'timeoutSeconds', [...sc, 'timeout_seconds'], read(r, [...sc, 'timeout_seconds'], isPositive));
}

function tagsAt(r: TerraformResource, path: readonly (string | number)[]): string[] {
  const tags: Read<string[]> = read(r, path, isStringList);
  return tags.kind === 'known' ? tags.value : [];
}
