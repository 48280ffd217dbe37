import { parseEndpoint, type Endpoint } from '../model/endpoint.js';
import { kindFromVariable, resolveEndpoint, targetKey, indexTargets } from '../model/infer.js';
import type { Dependency, Service, Topology } from '../model/topology.js';
import { isUnknown } from '../model/topology.js';
import type { ProbeSpec } from './run.js';

/** Where secret values come from at probe time: the runtime's env and its mounted secret files. */
export interface CredentialSource {
  /** The value of an environment variable, if set. */
  env(name: string): string | undefined;
  /** The content of a mounted secret file, if readable. */
  file(path: string): string | undefined;
}

export interface ProbeSettings {
  /** Where Cloud SQL sockets are mounted. @default '/cloudsql' */
  readonly cloudSqlDir: string;
  /** Extra trusted CA certificates (PEM) for TLS, HTTPS and rediss. */
  readonly ca?: string;
}

export type PlannedProbe =
  | { readonly service: string; readonly dependency: string; readonly spec: ProbeSpec; readonly target: string }
  | { readonly service: string; readonly dependency: string; readonly skipped: string; readonly target: string };

interface Credentials {
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
}

/**
 * Turns every (service, dependency) of a topology into a probe: the protocol its kind implies,
 * aimed where the configuration says, with credentials from the connection string the service
 * itself uses (its env var or secret, read from this runtime). Pure apart from `credentials`.
 */
export function planProbes(topology: Topology, credentials: CredentialSource, settings: ProbeSettings, onlyService?: string): PlannedProbe[] {
  const index = indexTargets(topology.databases, topology.caches, topology.externals);
  const planned: PlannedProbe[] = [];
  for (const service of topology.services) {
    if (onlyService !== undefined && service.name !== onlyService) continue;
    for (const dependency of service.dependencies) {
      const base = { service: service.name, dependency: dependency.name, target: dependency.display };
      const url = connectionString(service, dependency, credentials, index);
      const creds = credentialsOf(url);
      const spec = specFor(topology, dependency, creds, url, settings);
      planned.push(typeof spec === 'string' ? { ...base, skipped: spec } : { ...base, spec });
    }
  }
  return planned;
}

/** The connection string the service uses for this dependency, read as the runtime sees it. */
function connectionString(service: Service, dependency: Dependency, source: CredentialSource, index: ReturnType<typeof indexTargets>): string | undefined {
  const key = targetKey(dependency.target);
  const candidates: { name: string; value: () => string | undefined }[] = [
    ...service.env.map((e) => ({ name: e.name, value: () => source.env(e.name) ?? e.value })),
    ...service.secretRefs.map((r) => ({
      name: r.env ?? r.mountPath ?? r.secret,
      value: () => (r.env !== undefined ? source.env(r.env) : r.mountPath !== undefined ? source.file(r.mountPath)?.trim() : undefined),
    })),
  ];
  if (dependency.provenance.kind === 'inferred' && dependency.provenance.from === 'env') {
    const variable = dependency.provenance.detail.replace(/^env /, '');
    const found = candidates.find((c) => c.name === variable)?.value();
    if (found !== undefined) return found;
  }
  // A variable whose connection string points at the same target, else one of the same kind.
  let sameKind: string | undefined;
  for (const candidate of candidates) {
    const value = candidate.value();
    if (value === undefined) continue;
    const endpoint = parseEndpoint(value);
    if (endpoint && targetKey(resolveEndpoint(endpoint, index)) === key) return value;
    if (sameKind === undefined && endpoint?.scheme !== undefined && kindFromVariable(candidate.name) === dependency.kind) sameKind = value;
  }
  return sameKind;
}

function credentialsOf(url: string | undefined): Credentials {
  if (url === undefined) return {};
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:([^:@/]*)(?::(.*))?@)?[^/?#]*(?:\/([^?#]*))?/i.exec(url);
  if (!match) return {};
  const decode = (s: string | undefined) => (s === undefined || s === '' ? undefined : decodeURIComponent(s));
  const user = decode(match[1]);
  const password = decode(match[2]);
  const database = decode(match[3]);
  return { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}), ...(database !== undefined ? { database } : {}) };
}

function specFor(topology: Topology, dependency: Dependency, creds: Credentials, url: string | undefined, settings: ProbeSettings): ProbeSpec | string {
  const ca = settings.ca !== undefined ? { ca: settings.ca } : {};
  const target = dependency.target;
  switch (target.kind) {
    case 'cloudsql-socket': {
      const host = `${settings.cloudSqlDir.replace(/\/$/, '')}/${target.connectionName}`;
      if (creds.user === undefined) return { protocol: 'unix', path: `${host}/.s.PGSQL.5432` };
      return { protocol: 'postgres', host, port: 5432, ...creds };
    }
    case 'database': {
      const db = topology.databases.get(target.database);
      const ip = target.address === 'private-ip' ? db?.privateIp : db?.publicIp;
      if (typeof ip !== 'string') return `the ${target.address} of ${target.database} is not known`;
      return { protocol: 'postgres', host: ip, port: target.port, ...creds };
    }
    case 'cache': {
      const cache = topology.caches.get(target.cache);
      if (!cache) return `cache ${target.cache} is not described`;
      if (isUnknown(cache.host)) return `the address of cache ${target.cache} is not known`;
      return { protocol: 'redis', host: cache.host, port: target.port, ...(creds.password !== undefined ? { password: creds.password } : {}), tls: cache.transitEncryption === 'SERVER_AUTHENTICATION', ...ca };
    }
    case 'external': {
      const ext = topology.externals.get(target.external);
      if (!ext) return `external ${target.external} is not described`;
      const endpoint: Endpoint = { scheme: ext.scheme, host: ext.host, port: ext.port, socketDir: undefined, display: ext.host };
      return specForEndpoint(dependency, endpoint, creds, ca);
    }
    case 'google-api':
      return { protocol: 'http', url: `https://${target.host}/`, ...ca };
    case 'address': {
      const endpoint = (url !== undefined ? parseEndpoint(url) : undefined) ?? { scheme: undefined, host: target.host, port: target.port, socketDir: undefined, display: target.host };
      return specForEndpoint(dependency, { ...endpoint, host: target.host, port: target.port ?? endpoint.port }, creds, ca);
    }
    case 'unresolved':
      return `target not known: ${target.reason}`;
  }
}

function specForEndpoint(dependency: Dependency, endpoint: Endpoint, creds: Credentials, ca: { ca?: string }): ProbeSpec | string {
  const host = endpoint.host;
  if (host === undefined) return 'no host to probe';
  const scheme = endpoint.scheme;
  const port = endpoint.port;
  const hostPort = port === undefined ? host : `${host}:${port}`;
  switch (dependency.kind) {
    case 'postgres':
      return { protocol: 'postgres', host, ...(port !== undefined ? { port } : {}), ...creds };
    case 'redis':
      return { protocol: 'redis', host, ...(port !== undefined ? { port } : {}), ...(creds.password !== undefined ? { password: creds.password } : {}), tls: scheme === 'rediss', ...ca };
    case 'clickhouse':
      return { protocol: 'clickhouse', url: `${scheme === 'http' ? 'http' : 'https'}://${hostPort}/`, ...(creds.user !== undefined ? { user: creds.user } : {}), ...(creds.password !== undefined ? { password: creds.password } : {}), ...ca };
    case 'websocket':
      return { protocol: 'websocket', url: `${scheme === 'ws' ? 'ws' : 'wss'}://${hostPort}/`, ...ca };
    case 'http':
    case 'https':
    case 'google-api':
      return { protocol: 'http', url: `${scheme === 'http' ? 'http' : 'https'}://${hostPort}/`, ...ca };
    case 'tcp':
    case undefined:
      if (scheme === 'https' || scheme === 'http') return { protocol: 'http', url: `${scheme}://${hostPort}/`, ...ca };
      if (port === undefined) return `no port to probe on ${host}`;
      return { protocol: 'tcp', host, port };
  }
}
