import type { KeyPath } from './document.js';
import { readContainers, V1_SHAPE } from './cloud-run-containers.js';
import { parseNetworkInterfaces } from './cloud-run-network-interfaces.js';
import { isProjectNumber, placeholderName, resourceName, type CloudRunReader, type ServiceInput, type ServiceRead } from './cloud-run-reader.js';

// Annotation names: cloud.google.com/run/docs/reference/yaml/v1.
const SERVICE: KeyPath = ['services', 0];
const TEMPLATE: KeyPath = ['spec', 'template'];
const ANNOTATIONS: KeyPath = [...TEMPLATE, 'metadata', 'annotations'];
const SPEC: KeyPath = [...TEMPLATE, 'spec'];

const annotation = (name: string): KeyPath => [...ANNOTATIONS, name];

// `all` is the older spelling of `all-traffic` (gcloud --vpc-egress accepts both).
const EGRESS = { 'all-traffic': 'all-traffic', all: 'all-traffic', 'private-ranges-only': 'private-ranges-only' } as const;

/**
 * Reads a Cloud Run service in the v1 Knative form that `gcloud run services describe SERVICE
 * --format export` prints and `gcloud run services replace` takes.
 */
export function readKnativeService(reader: CloudRunReader): ServiceRead | undefined {
  const name = requiredMapping(reader, ['metadata'], 'name', 'the name of the service') ? reader.string(['metadata', 'name']) : undefined;
  if (requiredMapping(reader, ['spec'], 'template', 'the revision template, with its containers and annotations')) reader.mapping(TEMPLATE);
  if (name === undefined || reader.diagnostics.length > 0) return undefined;
  const placeholder = placeholderName(name, `${reader.doc.file}:${reader.doc.locate(['metadata', 'name'])?.line ?? 1}`);
  if (placeholder !== undefined) {
    reader.notes.push(placeholder);
    return undefined;
  }

  const service: ServiceInput = { name };
  reader.from(SERVICE, ['metadata', 'name']);
  reader.from([...SERVICE, 'name'], ['metadata', 'name']);
  const region = reader.string(['metadata', 'labels', 'cloud.googleapis.com/location']);
  if (region !== undefined) {
    service.region = region;
    reader.from([...SERVICE, 'region'], ['metadata', 'labels', 'cloud.googleapis.com/location']);
  } else {
    reader.notes.push(`services[${name}].region: not in the input (metadata.labels["cloud.googleapis.com/location"]); the top-level region applies`);
  }
  reader.mapping(ANNOTATIONS);
  readVpcAccess(reader, service);
  readCloudSql(reader, service);
  readScaling(reader, service);
  readRevisionSpec(reader, service);
  readContainers(
    { reader, shape: V1_SHAPE, specPath: SPEC, servicePath: SERVICE, resolveSecret: secretAliases(reader), serviceName: name },
    service,
  );
  return { service, project: readProject(reader, name) };
}

/** True when `path` is a mapping holding `key`; a missing one is reported at the nearest parent. */
function requiredMapping(reader: CloudRunReader, path: KeyPath, key: string, what: string): boolean {
  const parent = reader.mapping(path);
  if (parent === undefined) {
    if (reader.valueAt(path) === undefined || reader.valueAt(path) === null) reader.fail([], `missing \`${formatKey([...path, key])}\`: ${what}`);
    return false;
  }
  if (parent[key] === undefined || parent[key] === null) {
    reader.fail(path, `missing \`${key}\`: ${what}`);
    return false;
  }
  return true;
}

const formatKey = (path: KeyPath): string => path.join('.');

function readVpcAccess(reader: CloudRunReader, service: ServiceInput): void {
  const connector = reader.string(annotation('run.googleapis.com/vpc-access-connector'));
  if (connector !== undefined && connector.trim() !== '') {
    service.connector = resourceName(connector);
    reader.from([...SERVICE, 'connector'], annotation('run.googleapis.com/vpc-access-connector'));
  }
  const unknownEgress = reader.unknownAt(annotation('run.googleapis.com/vpc-access-egress'));
  if (unknownEgress !== undefined) {
    service.egress = 'unknown';
    reader.unknown([...SERVICE, 'egress'], annotation('run.googleapis.com/vpc-access-egress'), unknownEgress.reason);
  }
  const egress = reader.oneOf(annotation('run.googleapis.com/vpc-access-egress'), ['all-traffic', 'private-ranges-only', 'all']);
  if (egress !== undefined) {
    service.egress = EGRESS[egress];
    reader.from([...SERVICE, 'egress'], annotation('run.googleapis.com/vpc-access-egress'));
  }
  const interfacesPath = annotation('run.googleapis.com/network-interfaces');
  const interfaces = reader.string(interfacesPath);
  if (interfaces === undefined) return;
  const parsed = parseNetworkInterfaces(interfaces);
  if (parsed.kind === 'invalid') {
    reader.fail(interfacesPath, `run.googleapis.com/network-interfaces ${parsed.message}`, parsed.offset === undefined ? undefined : { inValue: parsed.offset });
    return;
  }
  service.directVpc = parsed.directVpc;
  reader.from([...SERVICE, 'directVpc'], interfacesPath);
}

function readCloudSql(reader: CloudRunReader, service: ServiceInput): void {
  const path = annotation('run.googleapis.com/cloudsql-instances');
  const instances = reader.string(path);
  if (instances === undefined) return;
  // Comma-separated connection names (PROJECT:REGION:INSTANCE), as `--add-cloudsql-instances` writes them.
  const names = instances.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return;
  service.cloudSqlInstances = names;
  reader.from([...SERVICE, 'cloudSqlInstances'], path);
}

function readScaling(reader: CloudRunReader, service: ServiceInput): void {
  const min = reader.integer(annotation('autoscaling.knative.dev/minScale'), { min: 0, example: '"1"' });
  if (min !== undefined) {
    service.minInstances = min;
    reader.from([...SERVICE, 'minInstances'], annotation('autoscaling.knative.dev/minScale'));
  }
  const max = reader.integer(annotation('autoscaling.knative.dev/maxScale'), { min: 1, example: '"10"' });
  if (max !== undefined) {
    service.maxInstances = max;
    reader.from([...SERVICE, 'maxInstances'], annotation('autoscaling.knative.dev/maxScale'));
  }
  if (reader.valueAt(['metadata', 'annotations', 'run.googleapis.com/minScale']) !== undefined) {
    reader.notes.push(`services[${service.name}]: the service-level minimum (metadata.annotations["run.googleapis.com/minScale"]) is not modelled; minInstances is the revision's`);
  }
}

function readRevisionSpec(reader: CloudRunReader, service: ServiceInput): void {
  reader.mapping(SPEC);
  const concurrency = reader.integer([...SPEC, 'containerConcurrency'], { min: 0, example: '80' });
  if (concurrency === 0) {
    // 0 asks Cloud Run for its default, which depends on how the service was created (docs: about-concurrency).
    reader.notes.push(`services[${service.name}].concurrency: containerConcurrency 0 asks for Cloud Run's default; the schema default applies`);
  } else if (concurrency !== undefined) {
    service.concurrency = concurrency;
    reader.from([...SERVICE, 'concurrency'], [...SPEC, 'containerConcurrency']);
  }
  const timeout = reader.integer([...SPEC, 'timeoutSeconds'], { min: 1, example: '300' });
  if (timeout !== undefined) {
    service.timeoutSeconds = timeout;
    reader.from([...SERVICE, 'timeoutSeconds'], [...SPEC, 'timeoutSeconds']);
  }
}

/**
 * `run.googleapis.com/secrets: ALIAS:projects/P/secrets/S,…` names secrets of other projects; env
 * and volume references then use ALIAS (docs: v1 SecretKeySelector). References resolve to S.
 */
function secretAliases(reader: CloudRunReader): (name: string) => string {
  const path = annotation('run.googleapis.com/secrets');
  const text = reader.string(path) ?? '';
  const aliases = new Map<string, string>();
  for (const entry of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const match = /^([^:\s]+):(projects\/[^/\s]+\/secrets\/[^/\s]+)$/.exec(entry);
    if (match?.[1] === undefined || match[2] === undefined) {
      reader.fail(path, `expected ALIAS:projects/PROJECT/secrets/SECRET entries separated by commas, got "${entry}"`);
      continue;
    }
    aliases.set(match[1], resourceName(match[2]));
  }
  return (name) => aliases.get(name) ?? resourceName(name);
}

function readProject(reader: CloudRunReader, service: string): ServiceRead['project'] {
  const namespace = reader.valueAt(['metadata', 'namespace']);
  const id = typeof namespace === 'number' ? String(namespace) : namespace;
  if (typeof id !== 'string' || id === '') return undefined;
  if (isProjectNumber(id)) {
    // Connection names and other inputs use the project ID; a number would never match them.
    reader.notes.push(`services[${service}]: metadata.namespace is project number ${id}, not a project ID; the top-level project is left unset`);
    return undefined;
  }
  return { id, path: ['metadata', 'namespace'] };
}
