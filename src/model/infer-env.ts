import { parseConnectionString, type HostPort, type ParsedConnection } from './connection-string.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import {
  describeTarget,
  inferredName,
  isConnectionVariable,
  isListenSetting,
  kindFromScheme,
  kindFromVariable,
  resolveEndpoint,
  type InferenceRuleId,
  type TargetIndex,
} from './infer.js';
import { isCredentialKey, redactConnectionString } from './redact.js';
import { saasApiForKey } from './saas-apis.js';
import type { EntityLink } from './build.js';
import type { Dependency, DependencyKind, EnvVar, Origin, SecretRef, Target } from './topology.js';

/** What inference reads of one service. */
export interface InferenceInput {
  readonly env: readonly EnvVar[];
  readonly secretRefs: readonly SecretRef[];
  readonly cloudSqlInstances: readonly { readonly instance: string; readonly origin: Origin }[];
  /** Why an env value given as `unknown` is unknown, when its source said. */
  readonly unknownReason: (variable: EnvVar) => string | undefined;
  /** The entity an `unknown` env value is the address of, when its source knows (a Terraform reference). */
  readonly linkedEntity?: (variable: EnvVar) => EntityLink | undefined;
}

type Inferred = Omit<Dependency, 'critical' | 'poolSize' | 'maxOverflow' | 'connectTimeoutSeconds' | 'retries'>;

/**
 * The dependencies a service's env vars, secret references and Cloud SQL mounts imply, each with
 * the rule that found it (`INFERENCE_RULES`). Values of secrets are never read; of a SaaS key,
 * only the variable's name matters.
 */
export function inferDependencies(input: InferenceInput, index: TargetIndex): Dependency[] {
  const found: Inferred[] = [];
  const names = new Set([...input.env.map((e) => e.name.toUpperCase()), ...input.secretRefs.flatMap((r) => (r.env === undefined ? [] : [r.env.toUpperCase()]))]);
  const mounted = [...new Set(input.cloudSqlInstances.map((m) => m.instance))];
  for (const variable of input.env) found.push(...fromVariable(variable, input, index, mounted));
  for (const variable of input.env) found.push(...fromNameAlone(variable.name, { from: 'env', detail: `env ${variable.name}`, origin: variable.origin }, names, index));
  for (const ref of input.secretRefs) found.push(...fromSecret(ref, names, mounted, index));
  input.cloudSqlInstances.forEach(({ instance, origin }) => {
    const connectionName = instance.includes(':') ? instance : (index.databases.get(instance)?.connectionName ?? instance);
    const target: Target = { kind: 'cloudsql-socket', connectionName };
    const viaSecret = input.secretRefs.find((r) => r.env !== undefined && kindFromVariable(r.env) === 'postgres');
    const detail = viaSecret?.env !== undefined ? `Cloud SQL mount, used by ${viaSecret.env}` : 'Cloud SQL mount';
    found.push(dependency(target, 'postgres', describeTarget(target, index), { from: 'cloudsql-mount', detail, origin }, 'cloudsql-mount', inferredName(target, undefined)));
  });
  return found.map((d) => ({
    name: d.name,
    kind: d.kind,
    target: d.target,
    display: d.display,
    provenance: d.provenance,
    origin: d.origin,
    critical: undefined,
    poolSize: undefined,
    maxOverflow: undefined,
    connectTimeoutSeconds: undefined,
    retries: undefined,
  }));
}

interface Source {
  readonly from: 'env' | 'secret' | 'cloudsql-mount';
  readonly detail: string;
  readonly origin: Origin;
}

function dependency(target: Target, kind: DependencyKind | undefined, display: string, source: Source, rule: InferenceRuleId, name: string): Inferred {
  return { name, kind, target, display, provenance: { kind: 'inferred', from: source.from, detail: source.detail, rule }, origin: source.origin };
}

// URL, URI, DSN: a URL or host:port. ENDPOINT, ADDR, ADDRESS, SERVER: that, or a bare host.
const URL_SUFFIX = /(^|_)(URL|URI|DSN)$/i;
const HOST_SUFFIX = /(^|_)HOST$/i;
// REDISHOST, DBHOST, PGHOST: the libpq and Cloud Run samples' spelling.
const GLUED_HOST = /^([A-Z][A-Z0-9]*?)HOST$/i;
// Connection strings also come under these names (MONGO_CONNECTION_STRING, ORACLE_CONNECT_STRING, JDBC_DATABASE).
const CONNECTION_STRING_VARIABLE = /(CONNECTION_STRING|CONNECT_STRING|CONN_STR|CONNSTR|JDBC|DATASOURCE|TNS)/i;
const ORACLE_VARIABLE = /(^|_)(ORACLE|ORA|TNS)(_|$)/i;
const STEM = /(_?HOST|_?PORT|_(URL|URI|DSN|ENDPOINT|ADDR|ADDRESS|SERVER|CONNECTION_STRING|CONNECT_STRING|CONN_STR|JDBC_URL|JDBC))+$/i;

/** `SEARCH_HOST` → `search`, `REDISHOST` → `redis`: the name an inferred address dependency gets. */
function stemName(variable: string): string {
  return variable.replace(STEM, '').toLowerCase().replace(/_/g, '-') || 'dependency';
}

function nameFor(target: Target, variable: string): string {
  return target.kind === 'address' || target.kind === 'unresolved' ? stemName(variable) : inferredName(target, variable);
}

function fromVariable(variable: EnvVar, input: InferenceInput, index: TargetIndex, mounted: readonly string[]): Inferred[] {
  const name = variable.name;
  const value = variable.value.trim();
  if (isListenSetting(name, value)) return [];
  const glued = !HOST_SUFFIX.test(name) ? GLUED_HOST.exec(name) : null;
  const connection = isConnectionVariable(name) || glued !== null;
  // SPRING_DATASOURCE_PASSWORD: a password's value is never parsed, so no part of it reaches a message.
  if (!connection && (!CONNECTION_STRING_VARIABLE.test(name) || isCredentialKey(name))) return [];
  const source: Source = { from: 'env', detail: `env ${name}`, origin: variable.origin };
  const link = value === 'unknown' ? input.linkedEntity?.(variable) : undefined;
  if (link !== undefined) {
    // Its address is known only after apply, but which entity it is the address of is known.
    const port = pairedPort(name, input.env);
    const target: Target =
      link.kind === 'cache'
        ? { kind: 'cache', cache: link.name, port: port ?? index.caches.get(link.name)?.port ?? 6379 }
        : { kind: 'database', database: link.name, address: link.address, port: port ?? 5432 };
    return [dependency(target, link.kind === 'cache' ? 'redis' : 'postgres', describeTarget(target, index), source, 'terraform-reference', inferredName(target, name))];
  }
  const rule: InferenceRuleId = URL_SUFFIX.test(name) ? 'url-variable' : HOST_SUFFIX.test(name) || glued ? 'host-variable' : 'endpoint-variable';
  const hostOnly = rule === 'host-variable' && kindFromVariable(glued ? `${glued[1] ?? ''}_HOST` : name) !== 'redis' && !hasPortVariable(name, glued, input.env);
  if (value === 'unknown' && !hostOnly) {
    // Unknown is not absent: the variable says there is a connection; where it goes is not known.
    const target: Target = { kind: 'unresolved', reason: input.unknownReason(variable) ?? `${name} is not given: its value is unknown` };
    const paired = rule === 'host-variable' && hasPortVariable(name, glued, input.env);
    return [dependency(target, kindFromVariable(name), describeTarget(target, index), source, paired ? 'host-port-pair' : rule, stemName(name))];
  }
  const oracleHint = ORACLE_VARIABLE.test(name) && (rule === 'url-variable' || CONNECTION_STRING_VARIABLE.test(name));
  const parsed = parseConnectionString(value, oracleHint);
  if (parsed) return fromConnectionString(parsed, name, source, index, mounted);
  if (!connection) return [];

  let endpoint: Endpoint | undefined = parseEndpoint(value);
  let ruleUsed: InferenceRuleId = rule;
  if (rule !== 'url-variable' && endpoint?.scheme === undefined) {
    const prefix = glued?.[1] ?? name.replace(/_?(HOST|ENDPOINT|ADDR|ADDRESS|SERVER)$/i, '');
    const kind = kindFromVariable(glued ? `${prefix}_HOST` : name);
    if (value.startsWith('/')) {
      endpoint = { scheme: undefined, host: undefined, port: undefined, socketDir: value, display: value };
    } else if (endpoint === undefined) {
      if (!/^[a-z0-9.-]+$/i.test(value) && !isPlaceholder(value)) return [];
      const portVariable = input.env.find((e) => e.name.toUpperCase() === `${prefix}${prefix && !glued ? '_' : ''}PORT`.toUpperCase());
      const paired = portVariable ? Number(portVariable.value) : undefined;
      const port = paired ?? (kind === 'redis' ? 6379 : undefined);
      // `*_HOST` without a port (and not a socket directory) names no connection that can be checked.
      if (port === undefined || !Number.isInteger(port)) return [];
      if (paired !== undefined) ruleUsed = 'host-port-pair';
      endpoint = { scheme: undefined, host: value.toLowerCase(), port, socketDir: undefined, display: `${value}:${port}` };
    }
  }
  if (endpoint === undefined) return [];
  if (endpoint.scheme !== undefined && kindFromScheme(endpoint.scheme) === undefined) return [];
  const kind = kindFromScheme(endpoint.scheme) ?? kindFromVariable(glued ? `${glued[1] ?? ''}_HOST` : name) ?? 'tcp';
  if (endpoint.host !== undefined && isPlaceholder(endpoint.host)) {
    const target: Target = { kind: 'unresolved', reason: `the host in ${name} is a placeholder: expression not evaluated` };
    return [dependency(target, kind, endpoint.display, source, ruleUsed, stemName(name))];
  }
  const target = resolveEndpoint(endpoint, index);
  const display = target.kind === 'address' || target.kind === 'external' ? endpoint.display : describeTarget(target, index);
  return [dependency(target, kind, display, source, ruleUsed, nameFor(target, name))];
}

/** The known port of `X_PORT` (or `XPORT`) beside `X_HOST` (or `XHOST`), if any. */
function pairedPort(name: string, env: readonly EnvVar[]): number | undefined {
  const stem = name.replace(/_?(HOST|ADDR|ADDRESS|ENDPOINT|SERVER)$/i, '').toUpperCase();
  const variable = env.find((e) => [`${stem}_PORT`, `${stem}PORT`].includes(e.name.toUpperCase()));
  const port = Number(variable?.value);
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

function hasPortVariable(name: string, glued: RegExpExecArray | null, env: readonly EnvVar[]): boolean {
  const port = glued ? `${glued[1] ?? ''}PORT` : name.replace(/HOST$/i, 'PORT');
  return env.some((e) => e.name.toUpperCase() === port.toUpperCase());
}

/** `${DB_HOST}`, `$DB_HOST`, `{{ host }}`: a value a template fills in later. */
function isPlaceholder(text: string): boolean {
  return /[${}]/.test(text);
}

function fromConnectionString(parsed: ParsedConnection, variable: string, source: Source, index: TargetIndex, mounted: readonly string[]): Inferred[] {
  if ('problem' in parsed) {
    const target: Target = { kind: 'unresolved', reason: `${variable}: ${parsed.problem}` };
    return [dependency(target, parsed.kind, describeTarget(target, index), source, parsed.form, stemName(variable))];
  }
  if (parsed.form === 'cloudsql-connector') return fromCloudSqlConnector(parsed, source, index, mounted);
  return parsed.hosts.map((h: HostPort) => {
    const endpoint: Endpoint = { scheme: undefined, host: h.host, port: h.port, socketDir: undefined, display: parsed.hosts.length === 1 ? parsed.display : `${h.host}:${h.port ?? ''}` };
    if (isPlaceholder(h.host)) {
      const target: Target = { kind: 'unresolved', reason: `the host in ${variable} is a placeholder: expression not evaluated` };
      return dependency(target, parsed.kind, redactConnectionString(endpoint.display), source, parsed.form, stemName(variable));
    }
    const target = resolveEndpoint(endpoint, index);
    const display = target.kind === 'address' || target.kind === 'external' ? endpoint.display : describeTarget(target, index);
    return dependency(target, parsed.kind, display, source, parsed.form, nameFor(target, variable));
  });
}

/**
 * A Cloud SQL language connector (the JDBC socket factory) calls the Admin API, then connects to
 * the instance on 3307 itself (facts cloudsql-proxy-path): the same legs as the built-in socket.
 * With the socket mounted, that target says it all. Without the mount the engine has no target
 * for "connector, no mount", so the two legs become two dependencies: the Admin API, and the
 * instance's address on 3307 chosen as the connector chooses it (the first of `ipTypes` the
 * instance has; by default its public IP, else its private one). Neither needs an authorized
 * network: the connector authenticates with certificates from the Admin API.
 */
function fromCloudSqlConnector(parsed: Extract<ParsedConnection, { form: 'cloudsql-connector' }>, source: Source, index: TargetIndex, mounted: readonly string[]): Inferred[] {
  const { instance } = parsed;
  const rule: InferenceRuleId = 'cloudsql-connector';
  if (mounted.some((m) => m === instance || instance.endsWith(`:${m}`))) {
    const target: Target = { kind: 'cloudsql-socket', connectionName: instance };
    return [dependency(target, parsed.kind, describeTarget(target, index), { ...source, detail: `${source.detail} (Cloud SQL connector, mounted)` }, rule, inferredName(target, undefined))];
  }
  const admin: Target = { kind: 'google-api', host: 'sqladmin.googleapis.com' };
  const adminDep = dependency(admin, 'google-api', describeTarget(admin, index), { ...source, detail: `${source.detail} (Cloud SQL connector for ${instance}: Admin API)` }, rule, 'sqladmin');
  const db = index.databaseByConnection.get(instance);
  const shortName = instance.split(':')[2] ?? instance;
  let target: Target;
  if (!db) {
    target = { kind: 'unresolved', reason: `Cloud SQL instance ${instance} is not described in the configuration` };
  } else {
    const types = parsed.ipTypes.length > 0 ? parsed.ipTypes : ['PUBLIC', 'PRIVATE'];
    const has = (ip: unknown): boolean => ip !== null;
    const choice = types.find((t) => (t === 'PUBLIC' ? has(db.publicIp) : t === 'PRIVATE' ? has(db.privateIp) : false)) ?? types[0];
    if (choice === 'PUBLIC' && typeof db.publicIp === 'string') target = { kind: 'address', host: db.publicIp, port: 3307 };
    else if (choice === 'PUBLIC' || choice === 'PRIVATE') target = { kind: 'database', database: db.name, address: choice === 'PUBLIC' ? 'public-ip' : 'private-ip', port: 3307 };
    else target = { kind: 'unresolved', reason: `ipTypes=${choice ?? ''} of ${instance} is not a path this model has (PUBLIC or PRIVATE): not described in the configuration` };
  }
  const display = target.kind === 'address' ? `${db?.name ?? shortName} public IP ${target.host}:3307 (Cloud SQL connector)` : describeTarget(target, index);
  return [adminDep, dependency(target, parsed.kind, display, { ...source, detail: `${source.detail} (Cloud SQL connector for ${instance})` }, rule, db?.name ?? shortName)];
}

// Cloud Storage buckets; not Amazon S3's or another store's, which also say BUCKET.
const BUCKET_VARIABLE = /(^|_)BUCKET(_NAME)?$/i;
const NOT_GCS = /(^|_)(S3|AWS|R2|MINIO|B2|SPACES|AZURE)(_|$)/i;

/** Rules where the variable's name alone says what the service calls: buckets and SaaS keys. */
function fromNameAlone(variable: string, source: Source, names: ReadonlySet<string>, index: TargetIndex): Inferred[] {
  if (BUCKET_VARIABLE.test(variable) && !NOT_GCS.test(variable)) {
    const target: Target = { kind: 'google-api', host: 'storage.googleapis.com' };
    return [dependency(target, 'google-api', describeTarget(target, index), source, 'bucket-variable', 'storage')];
  }
  const api = saasApiForKey(variable);
  if (!api || api.baseUrlVariables.some((v) => names.has(v))) return [];
  const target = resolveEndpoint({ scheme: 'https', host: api.host, port: 443, socketDir: undefined, display: `https://${api.host}` }, index);
  const kind: DependencyKind = target.kind === 'google-api' ? 'google-api' : 'https';
  const display = target.kind === 'address' || target.kind === 'external' ? `https://${api.host}` : describeTarget(target, index);
  return [dependency(target, kind, display, source, 'saas-api-key', target.kind === 'external' ? inferredName(target, variable) : api.name)];
}

function fromSecret(ref: SecretRef, names: ReadonlySet<string>, mounted: readonly string[], index: TargetIndex): Inferred[] {
  if (ref.env === undefined || isListenSetting(ref.env, undefined)) return [];
  const source: Source = { from: 'secret', detail: `secret ${ref.secret} as ${ref.env}`, origin: ref.origin };
  const byName = fromNameAlone(ref.env, source, names, index);
  if (byName.length > 0) return byName;
  if (!isConnectionVariable(ref.env) && !GLUED_HOST.test(ref.env) && !CONNECTION_STRING_VARIABLE.test(ref.env)) return [];
  const kind = kindFromVariable(ref.env);
  // A database URL held in a secret: when the service mounts exactly one Cloud SQL instance,
  // that socket is where it points (the mount's own dependency); otherwise the host is not in
  // the configuration.
  if (kind === 'postgres' && mounted.length === 1) return [];
  const target: Target = { kind: 'unresolved', reason: `${ref.env} comes from secret "${ref.secret}": its host is read at run time` };
  return [dependency(target, kind, describeTarget(target, index), source, 'secret-url', nameFor(target, ref.env))];
}

