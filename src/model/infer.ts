import { cloudSqlConnectionFromSocketDir, parseEndpoint, type Endpoint } from './endpoint.js';
import type { Cache, Database, DependencyKind, External, Target } from './topology.js';

/** The entities a target can resolve to, indexed for lookup by address. */
export interface TargetIndex {
  readonly databases: ReadonlyMap<string, Database>;
  readonly caches: ReadonlyMap<string, Cache>;
  readonly externals: ReadonlyMap<string, External>;
  readonly databaseByConnection: ReadonlyMap<string, Database>;
  readonly byAddress: ReadonlyMap<string, Target>;
  readonly externalByHost: ReadonlyMap<string, External>;
}

export function indexTargets(
  databases: ReadonlyMap<string, Database>,
  caches: ReadonlyMap<string, Cache>,
  externals: ReadonlyMap<string, External>,
): TargetIndex {
  const databaseByConnection = new Map<string, Database>();
  const byAddress = new Map<string, Target>();
  for (const db of databases.values()) {
    databaseByConnection.set(db.connectionName, db);
    if (typeof db.privateIp === 'string') byAddress.set(db.privateIp, { kind: 'database', database: db.name, address: 'private-ip', port: 5432 });
    if (typeof db.publicIp === 'string') byAddress.set(db.publicIp, { kind: 'database', database: db.name, address: 'public-ip', port: 5432 });
  }
  for (const cache of caches.values()) if (typeof cache.host === 'string') byAddress.set(cache.host, { kind: 'cache', cache: cache.name, port: cache.port });
  // Keyed by host:port: two endpoints on one host (a cache and an API on 127.0.0.1, say) differ.
  const externalByHost = new Map<string, External>();
  for (const ext of externals.values()) externalByHost.set(`${ext.host}:${ext.port ?? ''}`, ext);
  return { databases, caches, externals, databaseByConnection, byAddress, externalByHost };
}

const KIND_BY_SCHEME: Readonly<Record<string, DependencyKind>> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  redis: 'redis',
  rediss: 'redis',
  http: 'http',
  https: 'https',
  ws: 'websocket',
  wss: 'websocket',
  clickhouse: 'clickhouse',
};

export function kindFromScheme(scheme: string | undefined): DependencyKind | undefined {
  return scheme === undefined ? undefined : KIND_BY_SCHEME[scheme];
}

/** Guesses a dependency kind from a variable name (REDIS_HOST → redis). */
export function kindFromVariable(variable: string): DependencyKind | undefined {
  const upper = variable.toUpperCase();
  if (upper.includes('REDIS')) return 'redis';
  if (upper.includes('CLICKHOUSE')) return 'clickhouse';
  if (/(^|_)(PG|POSTGRES|POSTGRESQL|DB|DATABASE)(_|$)/.test(upper) || upper.startsWith('PG')) return 'postgres';
  return undefined;
}

/** Resolves an endpoint to a model entity where one matches its socket, address or host name. */
export function resolveEndpoint(endpoint: Endpoint, index: TargetIndex): Target {
  if (endpoint.socketDir !== undefined) {
    const connectionName = cloudSqlConnectionFromSocketDir(endpoint.socketDir);
    if (connectionName !== undefined) return { kind: 'cloudsql-socket', connectionName };
    return { kind: 'unresolved', reason: `Unix socket ${endpoint.socketDir} is not a Cloud SQL socket path` };
  }
  const host = endpoint.host;
  if (host === undefined || host === '') return { kind: 'unresolved', reason: 'the connection string names no host' };
  const known = index.byAddress.get(host);
  if (known) {
    if (known.kind === 'database') return { ...known, port: endpoint.port ?? known.port };
    if (known.kind === 'cache') return { ...known, port: endpoint.port ?? known.port };
    return known;
  }
  const external = index.externalByHost.get(`${host}:${endpoint.port ?? ''}`);
  if (external) return { kind: 'external', external: external.name };
  if (host.endsWith('.googleapis.com')) return { kind: 'google-api', host };
  return { kind: 'address', host, port: endpoint.port };
}

/** A short, redacted description of a target for people. */
export function describeTarget(target: Target, index: TargetIndex): string {
  switch (target.kind) {
    case 'cloudsql-socket':
      return `/cloudsql/${target.connectionName}`;
    case 'database': {
      const db = index.databases.get(target.database);
      const ip = target.address === 'private-ip' ? db?.privateIp : db?.publicIp;
      return `${target.database} ${target.address} ${typeof ip === 'string' ? ip : '?'}:${target.port}`;
    }
    case 'cache': {
      const cache = index.caches.get(target.cache);
      return `${target.cache} ${typeof cache?.host === 'string' ? cache.host : '?'}:${target.port}`;
    }
    case 'external': {
      const ext = index.externals.get(target.external);
      return ext ? `${ext.host}${ext.port === undefined ? '' : `:${ext.port}`}` : target.external;
    }
    case 'google-api':
      return `${target.host}:443`;
    case 'address':
      return target.port === undefined ? target.host : `${target.host}:${target.port}`;
    case 'unresolved':
      return `(unresolved: ${target.reason})`;
  }
}

/** A stable identity for de-duplicating dependencies that reach the same place. */
export function targetKey(target: Target): string {
  switch (target.kind) {
    case 'cloudsql-socket':
      return `socket:${target.connectionName}`;
    case 'database':
      return `db:${target.database}:${target.address}`;
    case 'cache':
      return `cache:${target.cache}`;
    case 'external':
      return `ext:${target.external}`;
    case 'google-api':
      return `gapi:${target.host}`;
    case 'address':
      return `addr:${target.host}:${target.port ?? ''}`;
    case 'unresolved':
      return `unresolved:${target.reason}`;
  }
}

// Variables whose URL names a dependency. URLs of our own front end, callbacks and origins do not.
const CONNECTION_VARIABLE = /(^|_)(URL|URI|DSN|ENDPOINT|ADDR|ADDRESS|HOST)$/i;
const NOT_A_DEPENDENCY = /(CALLBACK|REDIRECT|ORIGIN|FRONTEND|SITE|HOMEPAGE|PUBLIC_URL|WEBHOOK|CORS|BASE_PATH)/i;

export function isConnectionVariable(name: string): boolean {
  return CONNECTION_VARIABLE.test(name) && !NOT_A_DEPENDENCY.test(name);
}

/** A name for an inferred dependency: the entity it resolved to, else the variable without its suffix. */
export function inferredName(target: Target, variable: string | undefined): string {
  switch (target.kind) {
    case 'cloudsql-socket':
      return target.connectionName.split(':')[2] ?? target.connectionName;
    case 'database':
      return target.database;
    case 'cache':
      return target.cache;
    case 'external':
      return target.external;
    case 'google-api':
      return target.host.split('.')[0] ?? target.host;
    case 'address':
    case 'unresolved':
      return (variable ?? 'dependency').replace(CONNECTION_VARIABLE, '').replace(/_$/, '').toLowerCase().replace(/_/g, '-') || 'dependency';
  }
}

export { parseEndpoint };
