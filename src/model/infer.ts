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

/**
 * Every way a dependency is inferred, by the id its provenance carries (`rule`), so reports can
 * say which rule found what. `docs/inference.md` lists these and a test keeps it in step.
 */
export const INFERENCE_RULES = {
  'url-variable': '`*_URL`, `*_URI`, `*_DSN` holding a postgres, redis, http(s), ws(s) or clickhouse URL, or host:port → that host and port (the scheme\'s port when none is written)',
  'endpoint-variable': '`*_ENDPOINT`, `*_ADDR`, `*_ADDRESS`, `*_SERVER` holding a URL, host:port, or a host whose port is in the matching `*_PORT` → that host and port',
  'host-port-pair': '`X_HOST` with `X_PORT`, or `XHOST` with `XPORT` (`REDISHOST`/`REDISPORT`, `DBHOST`/`DBPORT`) → one dependency on host:port',
  'host-variable': '`*_HOST` (or `XHOST`) alone holding a Unix-socket directory (`/cloudsql/P:R:I` → that Cloud SQL socket), or a Redis host → port 6379; any other host without a port gives none',
  'jdbc-url': '`jdbc:` URLs of postgresql, mysql, mariadb, sqlserver, oracle (thin), db2, redshift, clickhouse → each host of the URL, on its port or the driver\'s default',
  'cloudsql-connector': 'a JDBC URL with `cloudSqlInstance=P:R:I` (Cloud SQL socket factory) → the mounted `/cloudsql` socket if the service mounts P:R:I; otherwise the instance on port 3307 and the Cloud SQL Admin API',
  'mongodb-srv': '`mongodb+srv://…@HOST/…` → HOST on 27017 (SRV lookup under HOST, then TLS)',
  'mongodb-hosts': '`mongodb://h1:p1,h2:p2/…` → one dependency per host (27017 when no port is written)',
  'oracle-easy-connect': '`[//]host[:port]/service` in an Oracle connect-string variable (`ORACLE_DSN`, `ORACLE_CONNECTION_STRING`, `TNS_…`) → host on its port or 1521',
  'oracle-descriptor': 'a TNS connect descriptor `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=p))…)` → one dependency per TCP address',
  'bucket-variable': '`*_BUCKET`, `*_BUCKET_NAME`, `BUCKET_NAME` (not S3) → Cloud Storage through Google APIs, storage.googleapis.com',
  'saas-api-key': 'the credential variable of a well-known SaaS API (`OPENAI_API_KEY`, `STRIPE_SECRET_KEY`…), in env or a secret → its public API host on 443, unless a base-URL variable points the client elsewhere',
  'secret-url': 'a connection variable whose value comes from a secret → a dependency whose target is not in the configuration (the mounted Cloud SQL socket, when a database URL and exactly one mount)',
  'cloudsql-mount': 'each Cloud SQL instance the service mounts → its `/cloudsql` socket',
  'terraform-reference':
    'a connection variable whose Terraform value is known only after apply but refers to a Memorystore instance\'s `host` or a Cloud SQL instance\'s `private_ip_address` / `public_ip_address` (directly, in a template, or through a module output) → that cache or database',
} as const satisfies Record<string, string>;

export type InferenceRuleId = keyof typeof INFERENCE_RULES;

// Variables whose URL names a dependency. URLs of our own front end, callbacks and origins do not.
const CONNECTION_VARIABLE = /(^|_)(URL|URI|DSN|ENDPOINT|ADDR|ADDRESS|HOST|SERVER)$/i;
const NOT_A_DEPENDENCY = /(CALLBACK|REDIRECT|ORIGIN|FRONTEND|SITE|HOMEPAGE|PUBLIC_URL|WEBHOOK|CORS|BASE_PATH)/i;

// Where the service itself listens: the address it binds and the port it serves on.
const LISTEN_VARIABLE =
  /^(HOST|HOSTNAME|PORT|ADDR|ADDRESS)$|(^|_)(LISTEN|BIND)(_|$)|^(SERVER|HTTP|HTTPS|GRPC|METRICS|HEALTH|ADMIN|APP|WEB)_(HOST|PORT|ADDR|ADDRESS)$/i;
// 0.0.0.0, ::, [::] and an empty host (`:8080`), with or without a port: addresses to bind, not to reach.
const WILDCARD_ADDRESS = /^(0\.0\.0\.0|::|\[::\]|)(:\d{1,5})?$/;

/** True for a variable that names where the service listens, or whose value is a bind-all address. */
export function isListenSetting(name: string, value: string | undefined): boolean {
  return LISTEN_VARIABLE.test(name) || (value !== undefined && WILDCARD_ADDRESS.test(value.trim()));
}

export function isConnectionVariable(name: string): boolean {
  return CONNECTION_VARIABLE.test(name) && !NOT_A_DEPENDENCY.test(name) && !LISTEN_VARIABLE.test(name);
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
