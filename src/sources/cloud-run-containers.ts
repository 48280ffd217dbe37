import type { KeyPath } from './document.js';
import { readStartupProbe } from './cloud-run-probe.js';
import { isRecord, joinMountPath, type CloudRunReader, type ServiceInput } from './cloud-run-reader.js';

type SecretRefInput = NonNullable<ServiceInput['secrets']>[number];

/**
 * Where v1 (Knative) and v2 keep the same facts under different keys. v1:
 * cloud.google.com/run/docs/reference/rest/v1/Container (EnvVar.valueFrom.secretKeyRef {name, key},
 * SecretVolumeSource {secretName, items[{key, path}]}); v2:
 * cloud.google.com/run/docs/reference/rest/v2/Container (EnvVar.valueSource.secretKeyRef
 * {secret, version}, SecretVolumeSource {secret, items[{path, version}]}).
 */
export interface ContainerShape {
  readonly envSource: 'valueFrom' | 'valueSource';
  readonly refSecret: 'name' | 'secret';
  readonly refVersion: 'key' | 'version';
  readonly volumeSecret: 'secretName' | 'secret';
  readonly itemVersion: 'key' | 'version';
}

export const V1_SHAPE: ContainerShape = { envSource: 'valueFrom', refSecret: 'name', refVersion: 'key', volumeSecret: 'secretName', itemVersion: 'key' };
export const V2_SHAPE: ContainerShape = { envSource: 'valueSource', refSecret: 'secret', refVersion: 'version', volumeSecret: 'secret', itemVersion: 'version' };

export interface ContainerContext {
  readonly reader: CloudRunReader;
  readonly shape: ContainerShape;
  /** Path of the object holding `containers` and `volumes` (v1 `spec.template.spec`, v2 `template`). */
  readonly specPath: KeyPath;
  /** Path of the service in the fragment, e.g. `['services', 0]`. */
  readonly servicePath: KeyPath;
  /** The Secret Manager secret a reference names (v1 aliases, v2 `projects/P/secrets/S`). */
  readonly resolveSecret: (name: string) => string;
  /** For notes. */
  readonly serviceName: string;
}

/**
 * Reads env vars, secret references and the startup probe of a revision's containers into
 * `service`. Every container's env and secrets count (a sidecar's connections leave through the
 * same egress); the startup probe is the ingress container's, the one that declares `ports`.
 */
export function readContainers(ctx: ContainerContext, service: ServiceInput): void {
  const { reader, specPath, servicePath } = ctx;
  const containers = reader.list([...specPath, 'containers']) ?? [];
  const ingress = Math.max(0, containers.findIndex((c) => isRecord(c) && Array.isArray(c.ports) && c.ports.length > 0));
  const order = [ingress, ...containers.keys()].filter((i, n, all) => all.indexOf(i) === n && i < containers.length);
  const env: Record<string, string | number | boolean> = {};
  const envFrom = new Map<string, number>();
  const secrets: SecretRefInput[] = [];
  for (const index of order) {
    const containerPath = [...specPath, 'containers', index];
    if (reader.entry(containerPath, 'a container (a mapping with `image`)') === undefined) continue;
    readEnv(ctx, containerPath, { env, envFrom, secrets });
    readSecretMounts(ctx, containerPath, secrets);
    if (index === ingress) {
      const probe = readStartupProbe(reader, [...containerPath, 'startupProbe'], [...servicePath, 'startupProbe']);
      if (probe !== undefined) service.startupProbe = probe;
    } else if (reader.valueAt([...containerPath, 'startupProbe']) !== undefined) {
      reader.notes.push(`services[${service.name}].startupProbe: the probe of sidecar container ${containerName(reader, containerPath)} is not modelled; the topology holds the ingress container's`);
    }
  }
  if (Object.keys(env).length > 0) service.env = env;
  if (secrets.length > 0) service.secrets = secrets;
}

interface EnvTarget {
  readonly env: Record<string, string | number | boolean>;
  /** Which container each variable was first read from, to name conflicts. */
  readonly envFrom: Map<string, number>;
  readonly secrets: SecretRefInput[];
}

function readEnv(ctx: ContainerContext, containerPath: KeyPath, target: EnvTarget): void {
  const { reader, shape, servicePath } = ctx;
  const list = reader.list([...containerPath, 'env']) ?? [];
  list.forEach((_, i) => {
    const path = [...containerPath, 'env', i];
    if (reader.entry(path, 'an env var (a mapping with `name` and `value`)') === undefined) return;
    const name = requiredString(reader, [...path, 'name'], 'the name of the env var');
    if (name === undefined) return;
    const refPath = [...path, shape.envSource, 'secretKeyRef'];
    if (reader.valueAt([...path, shape.envSource]) !== undefined) {
      if (!isRecord(reader.valueAt(refPath))) {
        reader.fail([...path, shape.envSource], `expected \`secretKeyRef\` here: Cloud Run env vars come from a value or a Secret Manager secret`);
        return;
      }
      const ref = readSecretKeyRef(ctx, refPath, name);
      if (ref === undefined) return;
      reader.from([...servicePath, 'secrets', target.secrets.length], refPath);
      target.secrets.push(ref);
      return;
    }
    const unknown = reader.unknownAt([...path, 'value']);
    const value = unknown !== undefined ? 'unknown' : (reader.valueAt([...path, 'value']) ?? '');
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      reader.fail([...path, 'value'], 'expected a string value');
      return;
    }
    const index = Number(containerPath[containerPath.length - 1]);
    const first = target.envFrom.get(name);
    if (first !== undefined && first !== index) {
      // The value is never named: env vars hold passwords.
      if (target.env[name] !== value) {
        reader.notes.push(`services[${ctx.serviceName}].env.${name}: set differently in containers ${first} and ${index}; the value from container ${first} is used`);
      }
      return;
    }
    target.env[name] = value;
    target.envFrom.set(name, index);
    if (unknown !== undefined) reader.unknown([...servicePath, 'env', name], [...path, 'value'], unknown.reason);
    else reader.from([...servicePath, 'env', name], reader.valueAt([...path, 'value']) === undefined ? path : [...path, 'value']);
  });
}

function readSecretKeyRef(ctx: ContainerContext, refPath: KeyPath, env: string): SecretRefInput | undefined {
  const { reader, shape } = ctx;
  const secret = requiredString(reader, [...refPath, shape.refSecret], 'the name of the Secret Manager secret');
  if (secret === undefined) return undefined;
  const ref: SecretRefInput = { env, secret: ctx.resolveSecret(secret) };
  const version = readVersion(reader, [...refPath, shape.refVersion]);
  if (version !== undefined) ref.version = version;
  return ref;
}

/** A secret version: `latest`, a number, or an alias; numbers may be written either way. */
function readVersion(reader: CloudRunReader, path: KeyPath): string | number | undefined {
  const value = reader.valueAt(path);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') return value;
  reader.fail(path, 'expected a secret version such as "latest" or "3"');
  return undefined;
}

/**
 * Secret volumes become one reference per file the container sees: with `items`, each item's
 * `path` under the mount (its version from the item); without, one file named after the secret
 * (docs: SecretVolumeSource.items, "If unspecified, the volume will expose a file whose name is
 * the secret").
 */
function readSecretMounts(ctx: ContainerContext, containerPath: KeyPath, secrets: SecretRefInput[]): void {
  const { reader, shape, specPath, servicePath } = ctx;
  const volumes = reader.list([...specPath, 'volumes']) ?? [];
  const mounts = reader.list([...containerPath, 'volumeMounts']) ?? [];
  mounts.forEach((_, i) => {
    const mountPath = [...containerPath, 'volumeMounts', i];
    if (reader.entry(mountPath, 'a volume mount (a mapping with `name` and `mountPath`)') === undefined) return;
    const volumeName = requiredString(reader, [...mountPath, 'name'], 'the name of the volume');
    const directory = requiredString(reader, [...mountPath, 'mountPath'], 'the directory the volume is mounted at');
    if (volumeName === undefined || directory === undefined) return;
    const v = volumes.findIndex((volume) => isRecord(volume) && volume.name === volumeName);
    if (v === -1) {
      reader.fail([...mountPath, 'name'], `no volume named "${volumeName}" in \`volumes\``);
      return;
    }
    const secretPath = [...specPath, 'volumes', v, 'secret'];
    if (reader.mapping(secretPath) === undefined) return;
    const secretName = requiredString(reader, [...secretPath, shape.volumeSecret], 'the name of the Secret Manager secret');
    if (secretName === undefined) return;
    const secret = ctx.resolveSecret(secretName);
    const items = reader.list([...secretPath, 'items']) ?? [];
    if (items.length === 0) {
      reader.from([...servicePath, 'secrets', secrets.length], mountPath);
      secrets.push({ mount: joinMountPath(directory, secret), secret });
    }
    items.forEach((__, j) => {
      const itemPath = [...secretPath, 'items', j];
      if (reader.entry(itemPath, 'an item (a mapping with `path`)') === undefined) return;
      const file = requiredString(reader, [...itemPath, 'path'], 'the file name under the mount');
      if (file === undefined) return;
      const ref: SecretRefInput = { mount: joinMountPath(directory, file), secret };
      const version = readVersion(reader, [...itemPath, shape.itemVersion]);
      if (version !== undefined) ref.version = version;
      reader.from([...servicePath, 'secrets', secrets.length], itemPath);
      secrets.push(ref);
    });
  });
}

/** A string that must be present and not blank; a missing one is reported at its parent. */
function requiredString(reader: CloudRunReader, path: KeyPath, what: string): string | undefined {
  const key = String(path[path.length - 1]);
  const raw = reader.valueAt(path);
  if (raw === undefined) {
    reader.fail(path.slice(0, -1), `missing \`${key}\`: ${what}`);
    return undefined;
  }
  if (raw === null) {
    reader.fail(path, `expected ${what}, got null`);
    return undefined;
  }
  const value = reader.string(path);
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    reader.fail(path, `expected ${what}, got an empty string`);
    return undefined;
  }
  return value;
}

function containerName(reader: CloudRunReader, containerPath: KeyPath): string {
  const name = reader.valueAt([...containerPath, 'name']);
  return typeof name === 'string' ? `"${name}"` : String(containerPath[containerPath.length - 1]);
}
