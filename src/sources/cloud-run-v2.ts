import type { KeyPath } from './document.js';
import { readContainers, V2_SHAPE } from './cloud-run-containers.js';
import type { DirectVpcInput } from './cloud-run-network-interfaces.js';
import { describeValue, isProjectNumber, placeholderName, resourceName, type CloudRunReader, type ServiceInput, type ServiceRead } from './cloud-run-reader.js';

/**
 * Reads a Cloud Run service as the Admin API v2 returns it (`GET
 * projects/P/locations/R/services/S`; docs: cloud.google.com/run/docs/reference/rest/v2/projects.locations.services).
 */

const SERVICE: KeyPath = ['services', 0];
const TEMPLATE: KeyPath = ['template'];
const VPC: KeyPath = [...TEMPLATE, 'vpcAccess'];
const FULL_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/services\/([^/]+)$/;

// VPC_EGRESS_UNSPECIFIED means the documented default, PRIVATE_RANGES_ONLY: left out, as unset.
const EGRESS = { ALL_TRAFFIC: 'all-traffic', PRIVATE_RANGES_ONLY: 'private-ranges-only', VPC_EGRESS_UNSPECIFIED: undefined } as const;

export function readV2Service(reader: CloudRunReader): ServiceRead | undefined {
  const fullName = reader.string(['name']);
  reader.mapping(TEMPLATE);
  if (fullName === undefined || reader.diagnostics.length > 0) return undefined;
  const match = FULL_NAME.exec(fullName);
  if (fullName.includes('/') && !match) {
    reader.fail(['name'], `expected projects/PROJECT/locations/REGION/services/NAME, got "${fullName}"`);
    return undefined;
  }
  const name = match?.[3] ?? fullName;
  const placeholder = placeholderName(name, `${reader.doc.file}:${reader.doc.locate(['name'])?.line ?? 1}`);
  if (placeholder !== undefined) {
    reader.notes.push(placeholder);
    return undefined;
  }
  const service: ServiceInput = { name };
  reader.from(SERVICE, ['name']);
  reader.from([...SERVICE, 'name'], ['name']);
  const region = match?.[2];
  if (region !== undefined) {
    service.region = region;
    reader.from([...SERVICE, 'region'], ['name']);
  } else reader.notes.push(`services[${name}].region: not in the input (\`name\` is not a full resource name); the top-level region applies`);
  readVpcAccess(reader, service);
  readCloudSqlVolumes(reader, service);
  readScaling(reader, service);
  readLimits(reader, service);
  readContainers(
    { reader, shape: V2_SHAPE, specPath: TEMPLATE, servicePath: SERVICE, resolveSecret: resourceName, serviceName: name },
    service,
  );
  return { service, project: readProject(reader, match?.[1], name) };
}

function readVpcAccess(reader: CloudRunReader, service: ServiceInput): void {
  if (reader.mapping(VPC) === undefined) return;
  const connector = reader.string([...VPC, 'connector']);
  if (connector !== undefined && connector.trim() !== '') {
    service.connector = resourceName(connector);
    reader.from([...SERVICE, 'connector'], [...VPC, 'connector']);
  }
  const unknownEgress = reader.unknownAt([...VPC, 'egress']);
  if (unknownEgress !== undefined) {
    service.egress = 'unknown';
    reader.unknown([...SERVICE, 'egress'], [...VPC, 'egress'], unknownEgress.reason);
  }
  const egress = reader.oneOf([...VPC, 'egress'], ['ALL_TRAFFIC', 'PRIVATE_RANGES_ONLY', 'VPC_EGRESS_UNSPECIFIED']);
  const mode = egress === undefined ? undefined : EGRESS[egress];
  if (mode !== undefined) {
    service.egress = mode;
    reader.from([...SERVICE, 'egress'], [...VPC, 'egress']);
  }
  const interfaces = reader.list([...VPC, 'networkInterfaces']) ?? [];
  if (interfaces.length > 1) {
    reader.fail([...VPC, 'networkInterfaces', 1], `expected one network interface (Cloud Run supports one), got ${interfaces.length}`);
  }
  if (interfaces.length === 0) return;
  const path = [...VPC, 'networkInterfaces', 0];
  if (reader.entry(path, 'a network interface (a mapping with `network` or `subnetwork`)') === undefined) return;
  const directVpc: DirectVpcInput = {};
  reader.from([...SERVICE, 'directVpc'], path);
  for (const [key, field] of [['network', 'network'], ['subnetwork', 'subnet']] as const) {
    const value = reader.string([...path, key]);
    if (value === undefined || value.trim() === '') continue;
    directVpc[field] = resourceName(value);
    reader.from([...SERVICE, 'directVpc', field], [...path, key]);
  }
  if (directVpc.network === undefined && directVpc.subnet === undefined) {
    reader.fail(path, 'expected `network` or `subnetwork` in the network interface');
    return;
  }
  const tags = reader.list([...path, 'tags']);
  if (tags !== undefined) {
    if (!tags.every((t): t is string => typeof t === 'string')) {
      reader.fail([...path, 'tags'], 'expected a list of network tags (strings)');
      return;
    }
    directVpc.tags = [...tags];
    reader.from([...SERVICE, 'directVpc', 'tags'], [...path, 'tags']);
  }
  service.directVpc = directVpc;
}

/** `volumes[{cloudSqlInstance: {instances: [PROJECT:REGION:INSTANCE]}}]`: the built-in Cloud SQL connection. */
function readCloudSqlVolumes(reader: CloudRunReader, service: ServiceInput): void {
  const instances: string[] = [];
  const volumes = reader.list([...TEMPLATE, 'volumes']) ?? [];
  volumes.forEach((_, v) => {
    const list = reader.list([...TEMPLATE, 'volumes', v, 'cloudSqlInstance', 'instances']) ?? [];
    list.forEach((__, i) => {
      const path = [...TEMPLATE, 'volumes', v, 'cloudSqlInstance', 'instances', i];
      const instance = reader.valueAt(path);
      if (typeof instance !== 'string' || instance.trim() === '') {
        reader.fail(path, `expected a connection name such as "project:region:instance", got ${describeValue(instance)}`);
        return;
      }
      reader.from([...SERVICE, 'cloudSqlInstances', instances.length], path);
      instances.push(instance);
    });
  });
  if (instances.length > 0) service.cloudSqlInstances = instances;
}

function readScaling(reader: CloudRunReader, service: ServiceInput): void {
  const scaling = [...TEMPLATE, 'scaling'];
  reader.mapping(scaling);
  const min = reader.integer([...scaling, 'minInstanceCount'], { min: 0, example: '1' });
  if (min !== undefined) {
    service.minInstances = min;
    reader.from([...SERVICE, 'minInstances'], [...scaling, 'minInstanceCount']);
  }
  const max = reader.integer([...scaling, 'maxInstanceCount'], { min: 1, example: '10' });
  if (max !== undefined) {
    service.maxInstances = max;
    reader.from([...SERVICE, 'maxInstances'], [...scaling, 'maxInstanceCount']);
  }
  if (reader.mapping(['scaling']) !== undefined) {
    reader.notes.push(`services[${service.name}]: service-level \`scaling\` is not modelled; min/max instances are the revision template's`);
  }
}

function readLimits(reader: CloudRunReader, service: ServiceInput): void {
  const concurrency = reader.integer([...TEMPLATE, 'maxInstanceRequestConcurrency'], { min: 0, example: '80' });
  if (concurrency === 0) {
    // 0 asks for Cloud Run's default, which depends on the CPU limit (docs: RevisionTemplate).
    reader.notes.push(`services[${service.name}].concurrency: maxInstanceRequestConcurrency 0 asks for Cloud Run's default; the schema default applies`);
  } else if (concurrency !== undefined) {
    service.concurrency = concurrency;
    reader.from([...SERVICE, 'concurrency'], [...TEMPLATE, 'maxInstanceRequestConcurrency']);
  }
  const timeoutPath = [...TEMPLATE, 'timeout'];
  const timeout = reader.valueAt(timeoutPath);
  if (timeout === undefined || timeout === null) return;
  // A protobuf Duration in JSON: decimal seconds with an `s` suffix ("300s", "1.5s").
  const seconds = typeof timeout === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(timeout.trim())?.[1] : undefined;
  if (seconds === undefined) {
    reader.fail(timeoutPath, `expected a duration in seconds such as "300s", got ${describeValue(timeout)}`);
    return;
  }
  service.timeoutSeconds = Number(seconds);
  reader.from([...SERVICE, 'timeoutSeconds'], timeoutPath);
}

function readProject(reader: CloudRunReader, project: string | undefined, service: string): ServiceRead['project'] {
  if (project === undefined) return undefined;
  if (isProjectNumber(project)) {
    // Connection names and other inputs use the project ID; a number would never match them.
    reader.notes.push(`services[${service}]: \`name\` holds project number ${project}, not a project ID; the top-level project is left unset`);
    return undefined;
  }
  return { id: project, path: ['name'] };
}
