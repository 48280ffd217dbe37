import { parseIpv4, type Cidr } from '../../model/ip.js';
import type { Cache, Database, Dependency, External, Origin, Service, Topology } from '../../model/topology.js';
import { isUnknown, isUnknownAddress } from '../../model/topology.js';
import { FACTS, type FactId } from './facts.js';
import type { Cause, Hop, HopOutcome, Step, UnknownValue } from './path.js';

/** What must hold at the far end for an internal address to be delivered. */
export type InternalTarget =
  | { readonly kind: 'cloudsql-private'; readonly database: Database }
  | { readonly kind: 'cache'; readonly cache: Cache }
  | { readonly kind: 'address' }
  /** An implicit destination: a whole private range the service's VPC routes to. */
  | { readonly kind: 'range'; readonly cidr: Cidr; readonly where: string };

/** Who admits the connection by source address. */
export interface Admission {
  readonly ranges: readonly Cidr[];
  readonly what: string;
  readonly cause: Cause;
  readonly fact: FactId;
  readonly origin: Origin;
}

/** One network connection a dependency needs (the Cloud SQL proxy needs two). */
export interface Leg {
  readonly label: string;
  readonly host: string;
  readonly ip: number | undefined;
  readonly port: number | undefined;
  readonly googleApi: boolean;
  readonly internal: InternalTarget;
  readonly admission: Admission | undefined;
  /** Set for legs whose way out of the VPC rests on an unconfirmed fact. */
  readonly vpcExitFact?: FactId;
  /** Any public address: the leg of the implicit `internet` destination. */
  readonly anyPublic?: boolean;
  /**
   * Set when the address exists but its value is not known (`ip` is then undefined): it is public,
   * or internal within the given ranges (undefined: a range Google allocates, not given).
   */
  readonly unknownAddress?: UnknownAddressScope;
}

export type UnknownAddressScope = { readonly scope: 'public' } | { readonly scope: 'internal'; readonly within: readonly Cidr[] | undefined };

/** The host shown for an address whose value is not known. */
const ADDRESS_NOT_KNOWN = 'address not known';

/**
 * The leg to a Cloud SQL private IP whose value is not known: Google assigns it from the private
 * services access ranges of the instance's network (fact cloudsql-private-ip-from-psa), so the
 * route is known without it. Undefined when the network is not given.
 */
function privateLegWithoutAddress(topology: Topology, db: Database, port: number | undefined): Leg | undefined {
  if (db.privateNetwork === undefined) return undefined;
  const ranges = topology.networks.get(db.privateNetwork)?.privateServicesAccess;
  const within = ranges === undefined || isUnknown(ranges) ? undefined : ranges;
  return { label: `${db.name} private IP`, host: ADDRESS_NOT_KNOWN, ip: undefined, port, googleApi: false, internal: { kind: 'cloudsql-private', database: db }, admission: undefined, unknownAddress: { scope: 'internal', within } };
}

/** Where a cache's unknown address lies: its reserved range, or its network's private services access ranges. */
function cacheAddressScope(topology: Topology, cache: Cache): UnknownAddressScope {
  if (cache.reservedIpRange) return { scope: 'internal', within: [cache.reservedIpRange] };
  const ranges = cache.connectMode === 'PRIVATE_SERVICE_ACCESS' ? topology.networks.get(cache.authorizedNetwork)?.privateServicesAccess : undefined;
  return { scope: 'internal', within: ranges === undefined || isUnknown(ranges) ? undefined : ranges };
}

/** Whether a service mounts the Cloud SQL instance of this connection name (by it, or by the instance's name). */
export function mountsCloudSql(service: Service, connectionName: string): boolean {
  return service.cloudSqlInstances.some((m) => m === connectionName || connectionName.endsWith(`:${m}`));
}

export function hop(step: Step, detail: string, outcome: HopOutcome, fact?: FactId, extra?: { cause?: Cause; origin?: Origin; confidence?: 'assumed'; unknown?: UnknownValue }): Hop {
  const confidence = extra?.confidence ?? (fact ? FACTS[fact].confidence : 'documented');
  return {
    step,
    detail,
    outcome,
    confidence,
    ...(fact ? { fact } : {}),
    ...(extra?.cause ? { cause: extra.cause } : {}),
    ...(extra?.origin ? { origin: extra.origin } : {}),
    ...(extra?.unknown ? { unknown: extra.unknown } : {}),
  };
}

/** The unknown value that decided an undetermined hop (see {@link UnknownValue}). */
export function unknownValue(key: string, subject: string, reason: string, origin?: Origin): UnknownValue {
  return { key, subject, reason, ...(origin ? { origin } : {}) };
}

/** The legs of a dependency, or the hops that stop it before any packet leaves (e.g. an unmounted socket). */
export type LegPlan = { readonly legs: readonly Leg[]; readonly hops: readonly Hop[] } | { readonly stop: readonly Hop[] };

export function planLegs(
  topology: Topology,
  databaseByConnection: ReadonlyMap<string, Database>,
  service: Service,
  dependency: Dependency,
  consult: (key: string) => void,
): LegPlan {
  const target = dependency.target;
  switch (target.kind) {
    case 'cloudsql-socket': {
      const mounted = mountsCloudSql(service, target.connectionName);
      if (!mounted) {
        return {
          stop: [
            hop('PROXY_CONNECTION', `/cloudsql/${target.connectionName} is not mounted: the service does not add this Cloud SQL connection`, 'drop', 'cloudsql-socket-mount', {
              cause: 'CLOUD_SQL_SOCKET_NOT_MOUNTED',
              origin: dependency.origin,
            }),
          ],
        };
      }
      const db = databaseByConnection.get(target.connectionName);
      if (!db) {
        return {
          stop: [
            hop('PROXY_CONNECTION', `Cloud SQL instance ${target.connectionName} is not described in the configuration`, 'undetermined', undefined, {
              cause: 'UNKNOWN_CONFIGURATION',
              unknown: unknownValue(`database:${target.connectionName}`, `Cloud SQL instance ${target.connectionName}`, 'not described in the configuration', dependency.origin),
            }),
          ],
        };
      }
      consult(`database:${db.name}`);
      const stateStop = databaseStateStop(db);
      if (stateStop) return { stop: [stateStop] };
      const admin: Leg = {
        label: 'Cloud SQL Admin API',
        host: 'sqladmin.googleapis.com',
        ip: undefined,
        port: 443,
        googleApi: true,
        internal: { kind: 'address' },
        admission: undefined,
        vpcExitFact: 'cloudsql-proxy-public-ip-via-vpc',
      };
      const proxyHop = hop('PROXY_CONNECTION', `built-in Cloud SQL connection /cloudsql/${db.connectionName}: Admin API call, then port 3307`, 'forward', 'cloudsql-proxy-path');
      if (isUnknownAddress(db.publicIp)) {
        // The proxy takes the public IP whatever its value: the path follows without it.
        const ipHop = hop('PROXY_CONNECTION', `${db.name} has a public IP whose address is not known (${db.publicIp.reason}): the proxy connects to it`, 'forward', 'cloudsql-socket-ip-choice');
        return {
          hops: [proxyHop, ipHop],
          legs: [admin, { label: `${db.name} public IP`, host: ADDRESS_NOT_KNOWN, ip: undefined, port: 3307, googleApi: false, internal: { kind: 'address' }, admission: undefined, vpcExitFact: 'cloudsql-proxy-public-ip-via-vpc', unknownAddress: { scope: 'public' } }],
        };
      }
      if (isUnknown(db.publicIp)) {
        const unknown = unknownValue(`database:${db.name}.publicIp`, `database ${db.name}: public IP`, db.publicIp.reason, db.origin);
        return { stop: [proxyHop, hop('PROXY_CONNECTION', `whether ${db.name} has a public IP is unknown (${db.publicIp.reason}), so the proxy's path cannot be chosen`, 'undetermined', 'cloudsql-socket-ip-choice', { cause: 'UNKNOWN_CONFIGURATION', origin: db.origin, unknown })] };
      }
      if (db.publicIp !== null) {
        const ipHop = hop('PROXY_CONNECTION', `${db.name} has public IP ${db.publicIp}: the proxy connects to it`, 'forward', 'cloudsql-socket-ip-choice');
        return {
          hops: [proxyHop, ipHop],
          legs: [admin, { label: `${db.name} public IP`, host: db.publicIp, ip: parseIpv4(db.publicIp), port: 3307, googleApi: false, internal: { kind: 'address' }, admission: undefined, vpcExitFact: 'cloudsql-proxy-public-ip-via-vpc' }],
        };
      }
      const privateLeg = isUnknown(db.privateIp) ? privateLegWithoutAddress(topology, db, 3307) : undefined;
      if (isUnknown(db.privateIp) && privateLeg) {
        const detail = `${db.name} has no public IP: the proxy connects to its private IP in network ${db.privateNetwork ?? '?'}, whose address is not known (${db.privateIp.reason})`;
        return { hops: [proxyHop, hop('PROXY_CONNECTION', detail, 'forward', 'cloudsql-private-ip-from-psa')], legs: [admin, privateLeg] };
      }
      if (isUnknown(db.privateIp)) {
        const unknown = unknownValue(`database:${db.name}.privateIp`, `database ${db.name}: private IP`, db.privateIp.reason, db.origin);
        return { stop: [proxyHop, hop('PROXY_CONNECTION', `${db.name} has no public IP and its private IP is unknown (${db.privateIp.reason})`, 'undetermined', undefined, { cause: 'UNKNOWN_CONFIGURATION', origin: db.origin, unknown })] };
      }
      if (db.privateIp === null) {
        return { stop: [proxyHop, hop('ARRIVE_AT_DESTINATION', `${db.name} has neither a public nor a private IP`, 'drop', 'no-ip', { cause: 'CLOUD_SQL_INSTANCE_NO_IP_ADDRESS', origin: db.origin })] };
      }
      return {
        hops: [proxyHop, hop('PROXY_CONNECTION', `${db.name} has no public IP: the proxy connects to private IP ${db.privateIp}`, 'forward', 'cloudsql-socket-ip-choice')],
        legs: [admin, { label: `${db.name} private IP`, host: db.privateIp, ip: parseIpv4(db.privateIp), port: 3307, googleApi: false, internal: { kind: 'cloudsql-private', database: db }, admission: undefined }],
      };
    }
    case 'database': {
      const db = topology.databases.get(target.database);
      if (!db) return { stop: [notDescribed('database', target.database, dependency)] };
      consult(`database:${db.name}`);
      const stateStop = databaseStateStop(db);
      if (stateStop) return { stop: [stateStop] };
      const ip = target.address === 'private-ip' ? db.privateIp : db.publicIp;
      const admission: Admission = { ranges: db.authorizedNetworks.map((a) => a.cidr), what: `${db.name}'s authorized networks`, cause: 'CLOUD_SQL_INSTANCE_UNAUTHORIZED_ACCESS', fact: 'cloudsql-authorized-networks', origin: db.origin };
      if (target.address === 'public-ip' && isUnknownAddress(ip)) {
        return { hops: [], legs: [{ label: `${db.name} public IP`, host: ADDRESS_NOT_KNOWN, ip: undefined, port: target.port, googleApi: false, internal: { kind: 'address' }, admission, unknownAddress: { scope: 'public' } }] };
      }
      const privateLeg = target.address === 'private-ip' && isUnknown(ip) ? privateLegWithoutAddress(topology, db, target.port) : undefined;
      if (privateLeg) return { hops: [], legs: [privateLeg] };
      if (isUnknown(ip)) {
        const unknown = unknownValue(`database:${db.name}.${target.address === 'private-ip' ? 'privateIp' : 'publicIp'}`, `database ${db.name}: ${target.address}`, ip.reason, db.origin);
        return { stop: [hop('ARRIVE_AT_DESTINATION', `the ${target.address} of ${db.name} is unknown (${ip.reason})`, 'undetermined', undefined, { cause: 'UNKNOWN_CONFIGURATION', origin: db.origin, unknown })] };
      }
      if (ip === null) {
        return { stop: [hop('ARRIVE_AT_DESTINATION', `${db.name} has no ${target.address === 'private-ip' ? 'private' : 'public'} IP`, 'drop', 'no-ip', { cause: 'CLOUD_SQL_INSTANCE_NO_IP_ADDRESS', origin: db.origin })] };
      }
      const leg: Leg =
        target.address === 'private-ip'
          ? { label: `${db.name} private IP`, host: ip, ip: parseIpv4(ip), port: target.port, googleApi: false, internal: { kind: 'cloudsql-private', database: db }, admission: undefined }
          : {
              label: `${db.name} public IP`,
              host: ip,
              ip: parseIpv4(ip),
              port: target.port,
              googleApi: false,
              internal: { kind: 'address' },
              admission,
            };
      return { hops: [], legs: [leg] };
    }
    case 'cache': {
      const cache = topology.caches.get(target.cache);
      if (!cache) return { stop: [notDescribed('cache', target.cache, dependency)] };
      consult(`cache:${cache.name}`);
      if (isUnknown(cache.state)) {
        const unknown = unknownValue(`cache:${cache.name}.state`, `cache ${cache.name}: state`, cache.state.reason, cache.origin);
        return { stop: [hop('ARRIVE_AT_DESTINATION', `the state of ${cache.name} is unknown (${cache.state.reason})`, 'undetermined', undefined, { cause: 'UNKNOWN_CONFIGURATION', origin: cache.origin, unknown })] };
      }
      if (cache.state !== 'READY') {
        return { stop: [hop('ARRIVE_AT_DESTINATION', `${cache.name} is ${cache.state}, not READY`, 'drop', undefined, { cause: 'REDIS_INSTANCE_NOT_RUNNING', origin: cache.origin })] };
      }
      if (isUnknown(cache.host)) {
        // The address lies in the instance's range, routed from its authorized network: the path follows without it.
        return { hops: [], legs: [{ label: cache.name, host: ADDRESS_NOT_KNOWN, ip: undefined, port: target.port, googleApi: false, internal: { kind: 'cache', cache }, admission: undefined, unknownAddress: cacheAddressScope(topology, cache) }] };
      }
      return { hops: [], legs: [{ label: cache.name, host: cache.host, ip: parseIpv4(cache.host), port: target.port, googleApi: false, internal: { kind: 'cache', cache }, admission: undefined }] };
    }
    case 'external': {
      const ext: External | undefined = topology.externals.get(target.external);
      if (!ext) return { stop: [notDescribed('external', target.external, dependency)] };
      consult(`external:${ext.name}`);
      const admission: Admission | undefined = ext.allowedSourceRanges
        ? { ranges: ext.allowedSourceRanges, what: `${ext.name}'s IP allow-list`, cause: 'SOURCE_IP_NOT_ALLOWLISTED', fact: 'source-allowlist', origin: ext.origin }
        : undefined;
      return { hops: [], legs: [{ label: ext.name, host: ext.host, ip: parseIpv4(ext.host), port: ext.port, googleApi: false, internal: { kind: 'address' }, admission }] };
    }
    case 'google-api':
      return { hops: [], legs: [{ label: target.host, host: target.host, ip: undefined, port: 443, googleApi: true, internal: { kind: 'address' }, admission: undefined }] };
    case 'address':
      return { hops: [], legs: [{ label: target.host, host: target.host, ip: parseIpv4(target.host), port: target.port, googleApi: false, internal: { kind: 'address' }, admission: undefined }] };
    case 'unresolved':
      return {
        stop: [
          hop('START_FROM_CLOUD_RUN_REVISION', `target not known: ${target.reason}`, 'undetermined', undefined, {
            cause: 'UNRESOLVED_TARGET',
            origin: dependency.origin,
            unknown: unknownValue(`service:${service.name}.dependency:${dependency.name}`, `service ${service.name}: where dependency ${dependency.name} connects`, target.reason, dependency.origin),
          }),
        ],
      };
  }
}

function notDescribed(kind: 'database' | 'cache' | 'external', name: string, dependency: Dependency): Hop {
  return hop('ARRIVE_AT_DESTINATION', `${kind} ${name} is not described`, 'undetermined', undefined, {
    cause: 'UNKNOWN_CONFIGURATION',
    unknown: unknownValue(`${kind}:${name}`, `${kind} ${name}`, 'not described in the configuration', dependency.origin),
  });
}

function databaseStateStop(db: Database): Hop | undefined {
  if (isUnknown(db.state)) {
    return hop('ARRIVE_AT_DESTINATION', `the state of ${db.name} is unknown (${db.state.reason})`, 'undetermined', undefined, {
      cause: 'UNKNOWN_CONFIGURATION',
      origin: db.origin,
      unknown: unknownValue(`database:${db.name}.state`, `database ${db.name}: state`, db.state.reason, db.origin),
    });
  }
  if (db.state !== 'RUNNABLE') return hop('ARRIVE_AT_DESTINATION', `${db.name} is ${db.state}, not RUNNABLE`, 'drop', 'cloudsql-state', { cause: 'CLOUD_SQL_INSTANCE_NOT_RUNNING', origin: db.origin });
  return undefined;
}
