import type { EntityLink } from '../../model/build.js';
import { joinMountPath } from '../cloud-run-reader.js';
import type { KeyPath } from '../document.js';
import type { Emit, MappingContext, ServiceEntryInput } from './map-context.js';
import { blocks, isNumber, isString, read, resourceName, valueAt, type Read } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * What the Cloud Run v1 and v2 resources share once their paths are known: startup probes,
 * environment variables and secret references, Cloud SQL connection names and durations.
 */

type ProbeInput = NonNullable<ServiceEntryInput['startupProbe']>;
type SecretRefInput = NonNullable<ServiceEntryInput['secrets']>[number];

// The probe's check, by the block that holds it (google_cloud_run_v2_service
// template.containers.startup_probe; google_cloud_run_service template.spec.containers.startup_probe).
const HANDLERS = [
  ['tcp_socket', 'tcp'],
  ['http_get', 'http'],
  ['grpc', 'grpc'],
] as const;

const TIMINGS = [
  ['initial_delay_seconds', 'initialDelaySeconds'],
  ['timeout_seconds', 'timeoutSeconds'],
  ['period_seconds', 'periodSeconds'],
  ['failure_threshold', 'failureThreshold'],
] as const;

export function startupProbe(ctx: MappingContext, e: Emit, container: KeyPath): ProbeInput | undefined {
  const at = [...container, 'startup_probe', 0];
  if (blocks(e.resource, [...container, 'startup_probe']).length === 0) {
    const reason = e.resource.unknownReason([...container, 'startup_probe']);
    if (reason !== undefined) ctx.note(`${e.label}.startupProbe: ${reason}; Cloud Run's default startup probe applies`);
    return undefined;
  }
  const probe: ProbeInput = {};
  const p: Emit = { ...e, path: [...e.path, 'startupProbe'], label: `${e.label}.startupProbe` };
  ctx.record(p.path, e.resource, at);
  const handler = HANDLERS.find(([block]) => blocks(e.resource, [...at, block]).length > 0);
  if (handler !== undefined) {
    const [block, type] = handler;
    probe.type = ctx.field(p, 'type', [...at, block], { kind: 'known', value: type });
    if (type === 'http') probe.path = ctx.field(p, 'path', [...at, block, 0, 'path'], read(e.resource, [...at, block, 0, 'path'], isString));
  }
  for (const [attribute, field] of TIMINGS) probe[field] = ctx.field(p, field, [...at, attribute], read(e.resource, [...at, attribute], isNumber));
  return probe;
}

/**
 * The container that receives requests: the one that declares `ports`, as Cloud Run has it (and
 * as the Cloud Run YAML/JSON reader reads it); the first when none does. Its probe is the
 * service's; a sidecar's is noted.
 */
export function ingressProbe(ctx: MappingContext, e: Emit, containers: KeyPath): ProbeInput | undefined {
  const all = blocks(e.resource, containers);
  const ingress = Math.max(0, all.findIndex((_c, k) => blocks(e.resource, [...containers, k, 'ports']).length > 0));
  all.forEach((container, k) => {
    if (k === ingress || blocks(e.resource, [...containers, k, 'startup_probe']).length === 0) return;
    const name = typeof container.name === 'string' ? `"${container.name}"` : `${k}`;
    ctx.note(`${e.label}.startupProbe: the probe of sidecar container ${name} is not modelled; the topology holds the ingress container's`);
  });
  return startupProbe(ctx, e, [...containers, ingress]);
}

/** Where a secret volume's name and its items' versions are, by resource version. */
export interface SecretVolumeShape {
  /** v2: `secret`; v1: `secret_name`. */
  readonly secretName: string;
  /** v2: `version`; v1: `key`. */
  readonly itemVersion: string;
}

/**
 * Secrets mounted as files: each container's `volume_mounts` naming a `secret` volume, one
 * reference per item (`mount_path/path`, at the item's version), or the whole secret at
 * `mount_path/<secret>` without items, as the Cloud Run YAML/JSON reader reads them.
 */
export function secretMounts(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, containers: KeyPath, volumes: KeyPath, shape: SecretVolumeShape): void {
  const r = e.resource;
  const volumeList = blocks(r, volumes);
  blocks(r, containers).forEach((_container, c) => {
    blocks(r, [...containers, c, 'volume_mounts']).forEach((mount, m) => {
      const at = [...containers, c, 'volume_mounts', m];
      if (typeof mount.name !== 'string' || typeof mount.mount_path !== 'string') return;
      const v = volumeList.findIndex((volume) => volume.name === mount.name);
      if (v === -1 || blocks(r, [...volumes, v, 'secret']).length === 0) return;
      const secretAt = [...volumes, v, 'secret', 0];
      const secret = ctx.required(r, `${e.label}.secrets[${mount.mount_path}]`, [...secretAt, shape.secretName], ctx.nameAt(r, [...secretAt, shape.secretName], ['google_secret_manager_secret']));
      if (secret === undefined) return;
      const items = blocks(r, [...secretAt, 'items']);
      const directory = mount.mount_path;
      const refs: { mount: string; version: string | undefined; from: KeyPath }[] = items.length === 0 ? [{ mount: joinMountPath(directory, secret), version: undefined, from: at }] : [];
      items.forEach((item, k) => {
        if (typeof item.path !== 'string') return;
        const version = read(r, [...secretAt, 'items', k, shape.itemVersion], isString);
        refs.push({ mount: joinMountPath(directory, item.path), version: version.kind === 'known' ? version.value : undefined, from: [...secretAt, 'items', k] });
      });
      for (const ref of refs) {
        entry.secrets ??= [];
        ctx.record([...e.path, 'secrets', entry.secrets.length], r, ref.from);
        entry.secrets.push(ref.version === undefined ? { mount: ref.mount, secret } : { mount: ref.mount, secret, version: ref.version });
      }
    });
  });
}

/** One `env` entry: a literal value, or a secret reference as `secret` and `version` attributes. */
export interface EnvShape {
  /** Path (relative to an env entry) of the block holding the secret reference, e.g. `value_source[0].secret_key_ref[0]`. */
  readonly secretRef: KeyPath;
  readonly secretName: string;
  readonly secretVersion: string;
}

/** Literal env vars into `entry.env`, secret references into `entry.secrets`. Values never reach a note. */
export function environment(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, containers: KeyPath, shape: EnvShape): void {
  const r = e.resource;
  blocks(r, containers).forEach((_container, c) => {
    blocks(r, [...containers, c, 'env']).forEach((variable, k) => {
      const at = [...containers, c, 'env', k];
      if (typeof variable.name !== 'string') return;
      const name = variable.name;
      const ref = [...at, ...shape.secretRef];
      if (blocks(r, ref.slice(0, -1)).length > 0) {
        const secret = secretReference(ctx, { ...e, label: `${e.label}.secrets[${name}]` }, ref, shape);
        if (secret === undefined) return;
        // Several containers (a sidecar) may take the same variable: the service's model has one.
        const twin = entry.secrets?.find((s) => s.env === name);
        if (twin !== undefined) {
          if (twin.secret !== secret.secret || twin.version !== secret.version) ctx.note(`${e.label}.secrets[${name}]: container ${c} references another secret than an earlier container; the first reference is checked`);
          return;
        }
        entry.secrets ??= [];
        const path = [...e.path, 'secrets', entry.secrets.length];
        ctx.record(path, r, at);
        ctx.record([...path, 'secret'], r, [...ref, shape.secretName]);
        if (secret.version !== undefined) ctx.record([...path, 'version'], r, [...ref, shape.secretVersion]);
        entry.secrets.push({ env: name, ...secret });
        return;
      }
      envValue(ctx, e, entry, name, [...at, 'value']);
    });
  });
}

/** One env var's value at `at`: known, or unknown and linked to the cache or database it names, or noted. */
function envValue(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, name: string, at: KeyPath): void {
  const r = e.resource;
  const value = read(r, at, (v): v is string => typeof v === 'string');
  if (value.kind === 'unknown') {
    const link = entityLink(ctx, r, at);
    if (link === undefined) {
      ctx.note(`${e.label}.env.${name}: ${value.reason}; its dependency cannot be inferred`);
      return;
    }
    // Known only after apply, but the address of a cache or database of the model: the
    // dependency is inferred on that entity, and its path is judged.
    entry.env ??= {};
    entry.env[name] = 'unknown';
    const path = [...e.path, 'env', name];
    ctx.record(path, r, at);
    ctx.unknown(path, value.reason);
    ctx.link(path, link);
    return;
  }
  if (value.kind !== 'known') return;
  entry.env ??= {};
  entry.env[name] = value.value;
  ctx.record([...e.path, 'env', name], r, at);
}

/** Env vars given as one map attribute (a function's `environment_variables`). */
export function environmentMap(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, at: KeyPath): void {
  const map = valueAt(e.resource.values, at);
  const reason = e.resource.unknownReason(at);
  if (reason !== undefined && (typeof map !== 'object' || map === null)) {
    ctx.note(`${e.label}.env: ${reason}; the dependencies its variables name cannot be inferred`);
    return;
  }
  const known = typeof map === 'object' && map !== null && !Array.isArray(map) ? Object.keys(map) : [];
  for (const name of new Set([...known, ...e.resource.unknownKeys(at)])) envValue(ctx, e, entry, name, [...at, name]);
}

/** A function's `secret_environment_variables` blocks: `key` exposed from `secret` at `version`. */
export function functionSecrets(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, at: KeyPath): void {
  blocks(e.resource, at).forEach((block, k) => {
    if (typeof block.key !== 'string') return;
    const secret = secretReference(ctx, { ...e, label: `${e.label}.secrets[${block.key}]` }, [...at, k], { secretRef: [], secretName: 'secret', secretVersion: 'version' });
    if (secret === undefined) return;
    entry.secrets ??= [];
    const path = [...e.path, 'secrets', entry.secrets.length];
    ctx.record(path, e.resource, [...at, k]);
    entry.secrets.push({ env: block.key, ...secret });
  });
}

/** Attributes that are the address of a cache or a database, by resource type. */
const ADDRESS_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, 'cache' | 'private-ip' | 'public-ip'>>>> = {
  google_redis_instance: { host: 'cache', read_endpoint: 'cache' },
  google_sql_database_instance: { private_ip_address: 'private-ip', public_ip_address: 'public-ip' },
};

/** The one entity whose address the expression at `path` reads, or undefined when none or several. */
function entityLink(ctx: MappingContext, r: TerraformResource, path: KeyPath): EntityLink | undefined {
  const links: EntityLink[] = [];
  for (const { target, attribute } of ctx.referencedAttributes(r, path)) {
    const as = ADDRESS_ATTRIBUTES[target.type]?.[attribute];
    const name = resourceName(target);
    if (as === undefined || name === undefined) continue;
    const link: EntityLink = as === 'cache' ? { kind: 'cache', name } : { kind: 'database', name, address: as };
    if (!links.some((l) => JSON.stringify(l) === JSON.stringify(link))) links.push(link);
  }
  return links.length === 1 ? links[0] : undefined;
}

function secretReference(ctx: MappingContext, e: Emit, ref: KeyPath, shape: EnvShape): Omit<SecretRefInput, 'env'> | undefined {
  const secret = ctx.required(e.resource, e.label, [...ref, shape.secretName], ctx.nameAt(e.resource, [...ref, shape.secretName], ['google_secret_manager_secret']));
  if (secret === undefined) return undefined;
  const version = read(e.resource, [...ref, shape.secretVersion], isString);
  // The schema's `latest` is what Cloud Run uses when no version is given; an unknown one is noted.
  if (version.kind === 'unknown') ctx.note(`${e.label}.version: ${version.reason}; "latest" is assumed`);
  return version.kind === 'known' ? { secret, version: version.value } : { secret };
}

/** `PROJECT:REGION:INSTANCE` of a Cloud SQL instance resource: its connection_name, or built from its parts. */
export function connectionNameOf(ctx: MappingContext, sql: TerraformResource): string | undefined {
  const known = sql.values.connection_name;
  if (typeof known === 'string' && known !== '') return known;
  // An instance whose name is known only after apply is named by its address, here as in the model.
  const name = resourceName(sql);
  if (name === undefined) return undefined;
  const project = typeof sql.values.project === 'string' ? sql.values.project : ctx.input.provider.project;
  const region = typeof sql.values.region === 'string' ? sql.values.region : ctx.input.provider.region;
  // Without project and region the bare name still identifies a database described in the topology.
  return project !== undefined && region !== undefined ? `${project}:${region}:${name}` : name;
}

/**
 * Cloud SQL connection names in the list at `path`; elements known only after apply are taken
 * from the instances the expression refers to, and otherwise noted and left out.
 */
export function sqlConnectionNames(ctx: MappingContext, e: Emit, path: KeyPath): string[] {
  const list = ctx.namesAt(e.resource, path, ['google_sql_database_instance'], (v) => v.trim(), (sql) => connectionNameOf(ctx, sql));
  if (list.kind === 'unknown') ctx.note(`${e.label}.cloudSqlInstances: ${list.reason}; those connections are not checked`);
  return list.kind === 'known' ? list.value.filter((name) => name !== '') : [];
}

/** A protobuf Duration as Terraform writes it (`"300s"`, `"1.5s"`) → seconds. */
export function durationSeconds(r: TerraformResource, path: KeyPath): Read<number> {
  const text = read(r, path, isString);
  if (text.kind !== 'known') return text;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.value.trim());
  return match?.[1] === undefined ? { kind: 'absent' } : { kind: 'known', value: Number(match[1]) };
}

type EgressInput = NonNullable<ServiceEntryInput['egress']>;

/** How a service reaches its VPC, read from either resource version; positions are attribute paths. */
export interface VpcAccessRead {
  readonly connector: Read<string>;
  readonly connectorAt: KeyPath;
  readonly egress: Read<EgressInput>;
  readonly egressAt: KeyPath;
  readonly directVpc: { readonly network: Read<string>; readonly subnet: Read<string>; readonly tags: readonly string[]; readonly networkAt: KeyPath; readonly subnetAt: KeyPath } | undefined;
}

/**
 * Connector, Direct VPC interface and egress into `entry`. A connector or interface known only
 * after apply cannot be named in the topology, so the service's egress becomes unknown instead:
 * leaving it out would claim the service has no VPC access at all.
 */
export function applyVpcAccess(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, v: VpcAccessRead): void {
  entry.connector = ctx.field(e, 'connector', v.connectorAt, v.connector, 'its egress is unknown');
  let unknownRoute = v.connector.kind === 'unknown' ? `its connector is unknown: ${v.connector.reason}` : undefined;
  if (v.directVpc !== undefined) {
    const { network, subnet, tags, networkAt, subnetAt } = v.directVpc;
    if (network.kind === 'known' || subnet.kind === 'known') {
      const d: Emit = { ...e, path: [...e.path, 'directVpc'], label: `${e.label}.directVpc` };
      ctx.record(d.path, e.resource, network.kind === 'known' ? networkAt : subnetAt);
      entry.directVpc = { network: ctx.field(d, 'network', networkAt, network), subnet: ctx.field(d, 'subnet', subnetAt, subnet), tags: tags.length > 0 ? [...tags] : undefined };
    } else {
      const reason = network.kind === 'unknown' ? network.reason : subnet.kind === 'unknown' ? subnet.reason : 'it names neither a network nor a subnet';
      ctx.note(`${e.label}.directVpc: ${reason}; its egress is unknown`);
      unknownRoute ??= `its Direct VPC interface is unknown: ${reason}`;
    }
  }
  const egress: Read<EgressInput> = unknownRoute === undefined ? v.egress : { kind: 'unknown', reason: unknownRoute };
  entry.egress = ctx.fieldOrUnknown(e, 'egress', unknownRoute === undefined ? v.egressAt : v.connectorAt, egress);
}

/** Cloud SQL connection names into `entry.cloudSqlInstances`, each recorded at `path[index]`. */
export function addCloudSqlInstances(ctx: MappingContext, e: Emit, entry: ServiceEntryInput, path: KeyPath, names: readonly string[]): void {
  for (const [k, name] of names.entries()) {
    entry.cloudSqlInstances ??= [];
    ctx.record([...e.path, 'cloudSqlInstances', entry.cloudSqlInstances.length], e.resource, [...path, k]);
    entry.cloudSqlInstances.push(name);
  }
}

/**
 * A service's region: its `location`; when that is not known, the region its connector or
 * subnetwork names (`projects/p/locations/R/connectors/c`, `…/regions/R/subnetworks/s`, or the
 * `region` of the connector resource referred to), since a connector must be in its service's
 * region (fact connector-region); else unknown with the location's reason. Absent: the provider's
 * region applies.
 */
export function serviceRegion(ctx: MappingContext, e: Emit, access: readonly KeyPath[]): string | undefined {
  const r = e.resource;
  const location = read(r, ['location'], isString);
  if (location.kind === 'known') return ctx.field(e, 'region', ['location'], location);
  for (const at of access) {
    const found = regionNamedAt(ctx, r, at);
    if (found === undefined) continue;
    ctx.record([...e.path, 'region'], r, at);
    ctx.note(`${e.label}.region: ${location.kind === 'unknown' ? `${location.reason}; ` : ''}${found} from ${describeAt(r, at)} (a connector is in its service's region)`);
    return found;
  }
  if (location.kind === 'absent') return undefined;
  return ctx.fieldOrUnknown(e, 'region', ['location'], location);
}

function describeAt(r: TerraformResource, at: KeyPath): string {
  return `${r.address}.${at.filter((k) => typeof k === 'string').join('.')}`;
}

/** The region in a resource path (`projects/P/locations/R/…`, `projects/P/regions/R/…`) or of the resource an expression refers to. */
function regionNamedAt(ctx: MappingContext, r: TerraformResource, at: KeyPath): string | undefined {
  const value = read(r, at, isString);
  if (value.kind === 'known') {
    const segments = value.value.split('/');
    const i = segments.findIndex((s) => s === 'locations' || s === 'regions');
    const region = i >= 0 ? segments[i + 1] : undefined;
    return region !== undefined && region !== '' ? region : undefined;
  }
  const [target] = ctx.referenced(r, at, ['google_vpc_access_connector', 'google_compute_subnetwork']);
  const region = target?.values.region;
  return typeof region === 'string' && region !== '' ? region : undefined;
}
