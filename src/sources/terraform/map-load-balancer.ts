import type { Emit, MappingContext } from './map-context.js';
import { blocks, isNumber, read, resourceName, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * Backend services whose backends are serverless NEGs pointing at Cloud Run services
 * (google_compute_backend_service / google_compute_region_backend_service with `backend.group` →
 * google_compute_region_network_endpoint_group, network_endpoint_type SERVERLESS, `cloud_run.service`).
 */
export function mapLoadBalancers(ctx: MappingContext, ofType: ResourcesOfType): void {
  const negs = new Map<string, TerraformResource>();
  for (const r of ofType('google_compute_region_network_endpoint_group')) {
    const name = resourceName(r);
    if (name !== undefined) negs.set(name, r);
  }
  for (const r of [...ofType('google_compute_backend_service'), ...ofType('google_compute_region_backend_service')]) mapBackendService(ctx, r, negs);
}

const SERVICE_TYPES = ['google_cloud_run_v2_service', 'google_cloud_run_service'];

function mapBackendService(ctx: MappingContext, r: TerraformResource, negs: ReadonlyMap<string, TerraformResource>): void {
  const name = ctx.ownName(r);
  if (name === undefined) return;
  const e: Emit = { resource: r, path: ['loadBalancers', ctx.lists.loadBalancers.length], label: `loadBalancers[${name}]` };
  const backends: { service: string; serverlessNeg: boolean }[] = [];
  blocks(r, ['backend']).forEach((_backend, k) => {
    const groupAt = ['backend', k, 'group'];
    const group = ctx.nameAt(r, groupAt, ['google_compute_region_network_endpoint_group']);
    if (group.kind !== 'known') {
      if (group.kind === 'unknown') ctx.note(`${e.label}.backends: ${group.reason}; that backend is left out`);
      return;
    }
    const neg = negs.get(group.value);
    // Instance groups and zonal NEGs are not Cloud Run services: not part of this model.
    if (neg?.values.network_endpoint_type !== 'SERVERLESS') return;
    const service = ctx.nameAt(neg, ['cloud_run', 0, 'service'], SERVICE_TYPES);
    if (service.kind !== 'known') {
      ctx.note(`${e.label}.backends: NEG ${group.value} ${service.kind === 'unknown' ? service.reason : 'serves no named Cloud Run service (URL masks, functions and App Engine are not modelled)'}; left out`);
      return;
    }
    ctx.record([...e.path, 'backends', backends.length], r, groupAt);
    ctx.record([...e.path, 'backends', backends.length, 'service'], neg, ['cloud_run', 0, 'service']);
    backends.push({ service: service.value, serverlessNeg: true });
  });
  if (backends.length === 0) return;
  ctx.record(e.path, r);
  const checks = ctx.namesAt(r, ['health_checks'], ['google_compute_health_check', 'google_compute_region_health_check']);
  const [check] = checks.kind === 'known' ? checks.value : [];
  if (check !== undefined) ctx.record([...e.path, 'healthCheck'], r, ['health_checks']);
  ctx.lists.loadBalancers.push({
    name,
    timeoutSeconds: ctx.field(e, 'timeoutSeconds', ['timeout_sec'], read(r, ['timeout_sec'], isNumber)),
    backends,
    healthCheck: check,
  });
}
