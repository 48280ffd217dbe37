import { parseEndpoint } from './endpoint.js';
import { describeTarget, indexTargets, kindFromScheme, resolveEndpoint, targetKey, type TargetIndex } from './infer.js';
import { inferDependencies } from './infer-env.js';
import { cidrContains, parseCidr, type Cidr } from './ip.js';
import { redactEnvValue } from './redact.js';
import type { DependencyEntry, ServiceEntry, TopologyFile } from './schema.js';
import type {
  Address,
  Cache,
  Connector,
  Database,
  Dependency,
  EgressMode,
  EnvVar,
  External,
  FirewallRule,
  Maybe,
  NatIps,
  Network,
  Origin,
  Router,
  Secret,
  Service,
  Target,
  Topology,
  Unknown,
} from './topology.js';
import { isUnknown } from './topology.js';

/** A problem that makes the file unusable, at a key path of the file. */
export interface BuildIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface BuildResult {
  readonly topology: Topology;
  readonly issues: readonly BuildIssue[];
}

type Path = readonly (string | number)[];

/**
 * Where the data came from, when it is not one file: merged inputs map each path of the merged
 * data back to the file (and the path inside it) that gave the value.
 */
export interface BuildSource {
  origin(path: Path): Origin;
  /** Why a value given as `unknown` is unknown, when its source said (e.g. "known after apply"). */
  unknownReason(path: Path): string | undefined;
  /**
   * The entity an `unknown` value refers to, when its source knows: `REDIS_HOST =
   * google_redis_instance.cache.host` is unknown until apply, but it is that cache's address.
   */
  linkedEntity?(path: Path): EntityLink | undefined;
}

/** What an unknown value is the address of: a cache, or a database's private or public IP. */
export type EntityLink = { readonly kind: 'cache'; readonly name: string } | { readonly kind: 'database'; readonly name: string; readonly address: 'private-ip' | 'public-ip' };

/**
 * Turns a validated topology file into the normalized model: fills regions and connection names,
 * resolves references, and infers dependencies. Pure: no I/O.
 */
export function buildTopology(file: TopologyFile, from: string | BuildSource): BuildResult {
  const source: BuildSource =
    typeof from === 'string' ? { origin: (path) => ({ file: from, path }), unknownReason: () => undefined } : from;
  const issues: BuildIssue[] = [];
  const at = (path: Path): Origin => source.origin(path);
  const regionOf = (explicit: string | undefined, path: Path): Maybe<string> => {
    if (explicit === 'unknown') return { unknown: true, reason: source.unknownReason([...path, 'region']) ?? `the region of ${String(path[path.length - 1] ?? '')} is unknown` };
    const region = explicit ?? file.region;
    if (region !== undefined) return region;
    // A source that knows why there is none (Terraform: no region and no provider region) makes it unknown.
    const reason = source.unknownReason([...path, 'region']);
    if (reason !== undefined) return { unknown: true, reason };
    issues.push({ path, message: 'no region: set `region` here or a top-level `region`' });
    return 'unknown-region';
  };
  const unique = <T extends { name: string }>(items: readonly T[], kind: string, listPath: string): Map<string, { item: T; index: number }> => {
    const map = new Map<string, { item: T; index: number }>();
    items.forEach((item, index) => {
      if (map.has(item.name)) issues.push({ path: [listPath, index, 'name'], message: `duplicate ${kind} name "${item.name}"` });
      else map.set(item.name, { item, index });
    });
    return map;
  };
  const unknownAt = (path: Path): Unknown => {
    const origin = at(path);
    return { unknown: true, reason: source.unknownReason(path) ?? `${origin.path.join('.')} is unknown in ${origin.file}` };
  };
  const maybe = <T>(value: T | 'unknown', path: Path): Maybe<T> => (value === 'unknown' ? unknownAt(path) : value);

  const addresses = new Map<string, Address>();
  for (const [name, { item, index }] of unique(file.addresses, 'address', 'addresses')) {
    addresses.set(name, { name, address: maybe(item.address, ['addresses', index, 'address']), region: item.region ?? file.region, origin: at(['addresses', index]) });
  }

  const networks = new Map<string, Network>();
  for (const [name, { item: net, index: n }] of unique(file.networks, 'network', 'networks')) {
    const base: Path = ['networks', n];
    const subnets = net.subnets.map((s, i) => ({
      name: s.name,
      network: name,
      region: regionOf(s.region, [...base, 'subnets', i]),
      cidr: cidr(s.cidr),
      privateGoogleAccess: s.privateGoogleAccess,
      origin: at([...base, 'subnets', i]),
    }));
    const routers: Router[] = net.routers.map((r, i) => ({
      name: r.name,
      network: name,
      region: regionOf(r.region, [...base, 'routers', i]),
      origin: at([...base, 'routers', i]),
      nats: r.nats.map((nat, j) => {
        const path: Path = [...base, 'routers', i, 'nats', j];
        if (nat.subnets !== 'all') {
          nat.subnets.forEach((sub, k) => {
            if (!subnets.some((s) => s.name === sub)) {
              issues.push({ path: [...path, 'subnets', k], message: `subnet "${sub}" is not a subnet of network "${name}"` });
            }
          });
        }
        return {
          name: nat.name,
          coverage: nat.subnets === 'all' ? { kind: 'all' as const } : { kind: 'list' as const, subnets: nat.subnets },
          natIps: natIps(nat.natIps, [...path, 'natIps']),
          origin: at(path),
        };
      }),
    }));
    const firewall: FirewallRule[] = net.firewall.map((f, i) => ({
      name: f.name,
      direction: f.direction,
      action: f.action,
      priority: f.priority,
      destinationRanges: f.destinationRanges.map(cidr),
      ports: f.ports?.map((p) => {
        if (typeof p === 'number') return [p, p] as const;
        const [lo, hi] = p.split('-').map(Number);
        return [lo ?? 0, hi ?? 0] as const;
      }),
      targetTags: f.targetTags,
      origin: at([...base, 'firewall', i]),
    }));
    networks.set(name, {
      name,
      subnets,
      routers,
      privateServicesAccess: privateServicesRanges(net.privateServicesAccess?.ranges, [...base, 'privateServicesAccess', 'ranges']),
      peerings: net.peerings.map((p, i) => ({ ...p, origin: at([...base, 'peerings', i]) })),
      firewall,
      googleApisDns: maybe(net.googleApisDns, [...base, 'googleApisDns']),
      origin: at(base),
    });
  }

  function natIps(value: TopologyFile['networks'][number]['routers'][number]['nats'][number]['natIps'], path: Path): NatIps {
    if (value === 'unknown') return unknownAt(path);
    if (value === 'auto') return { kind: 'auto' };
    const ips: string[] = [];
    for (const ref of value) {
      if (parseCidr(ref)) {
        ips.push(ref);
        continue;
      }
      const address = addresses.get(ref);
      // A reserved address the inputs name but do not describe (no literal IP): its IP is unknown, not an error.
      if (!address) return { unknown: true, reason: `reserved address "${ref}" is not described in the configuration with its IP (not given)` };
      const ip = address.address;
      // A NAT IP reserved in the same plan is known only after apply: so are the NAT's IPs.
      if (isUnknown(ip)) return ip;
      ips.push(ip);
    }
    return { kind: 'manual', ips };
  }

  /**
   * `ipv4Enabled` says whether there is a public IP; `publicIp` what it is. Enabled without an
   * address is an address that exists but is not given.
   */
  function publicIpOf(d: TopologyFile['databases'][number], name: string, path: Path): Database['publicIp'] {
    const ipPath: Path = [...path, 'publicIp'];
    if (d.ipv4Enabled === false) {
      if (typeof d.publicIp === 'string' && d.publicIp !== 'unknown') issues.push({ path: ipPath, message: `a public IP is given, but ipv4Enabled is false: remove one of them` });
      return null;
    }
    if (d.ipv4Enabled === true) {
      if (d.publicIp === null) issues.push({ path: ipPath, message: 'publicIp is null, but ipv4Enabled is true: remove one of them' });
      if (d.publicIp === undefined || d.publicIp === 'unknown') {
        const origin = at(d.publicIp === undefined ? [...path, 'ipv4Enabled'] : ipPath);
        const reason = source.unknownReason(ipPath) ?? `${name} has a public IP, but its address is not given in ${origin.file}`;
        return { unknown: true, enabled: true, reason };
      }
      return d.publicIp;
    }
    return d.publicIp === undefined ? null : maybe(d.publicIp, ipPath);
  }

  function privateServicesRanges(ranges: string[] | 'unknown' | undefined, path: Path): Maybe<readonly Cidr[]> | undefined {
    if (ranges === undefined) return undefined;
    return ranges === 'unknown' ? unknownAt(path) : ranges.map(cidr);
  }

  const connectors = new Map<string, Connector>();
  for (const [name, { item: c, index }] of unique(file.connectors, 'connector', 'connectors')) {
    connectors.set(name, {
      name,
      region: regionOf(c.region, ['connectors', index]),
      network: c.network,
      range: c.ipCidrRange !== undefined ? { kind: 'custom', cidr: cidr(c.ipCidrRange) } : { kind: 'subnet', subnet: c.subnet ?? '' },
      minInstances: c.minInstances,
      maxInstances: c.maxInstances,
      machineType: c.machineType,
      state: maybe(c.state, ['connectors', index, 'state']),
      expectedPeakMbps: c.expectedPeakMbps,
      origin: at(['connectors', index]),
    });
  }

  const databases = new Map<string, Database>();
  for (const [name, { item: d, index }] of unique(file.databases, 'database', 'databases')) {
    const path: Path = ['databases', index];
    const region = regionOf(d.region, path);
    let connectionName = d.connectionName;
    if (connectionName === undefined) {
      // Without a project the connection name is not known: the instance then matches no
      // /cloudsql/PROJECT:REGION:NAME socket, and paths to it are undetermined (not an error).
      // Likewise without a region: the bare name still matches a service mounting the instance by it.
      connectionName = isUnknown(region) ? name : `${file.project ?? ''}:${region}:${name}`;
    }
    databases.set(name, {
      name,
      connectionName,
      region,
      engine: d.engine,
      publicIp: publicIpOf(d, name, path),
      privateIp: maybe(d.privateIp, [...path, 'privateIp']),
      privateNetwork: d.privateNetwork,
      requireSsl: d.requireSsl,
      authorizedNetworks: d.authorizedNetworks.map((a, i) => ({ name: a.name, cidr: cidr(a.cidr), origin: at([...path, 'authorizedNetworks', i]) })),
      tier: d.tier,
      flags: d.flags,
      state: maybe(d.state, [...path, 'state']),
      origin: at(path),
    });
  }

  const caches = new Map<string, Cache>();
  for (const [name, { item: c, index }] of unique(file.caches, 'cache', 'caches')) {
    const reservedIpRange = c.reservedIpRange === undefined ? undefined : cidr(c.reservedIpRange);
    const hostIp = c.host === 'unknown' ? undefined : parseCidr(c.host);
    if (reservedIpRange && hostIp && !cidrContains(reservedIpRange, hostIp.base)) {
      issues.push({ path: ['caches', index, 'host'], message: `host ${c.host} is not in the cache's reservedIpRange ${reservedIpRange.text}` });
    }
    caches.set(name, { ...c, host: maybe(c.host, ['caches', index, 'host']), reservedIpRange, region: regionOf(c.region, ['caches', index]), state: maybe(c.state, ['caches', index, 'state']), origin: at(['caches', index]) });
  }

  const externals = new Map<string, External>();
  for (const [name, { item: e, index }] of unique(file.externals, 'external', 'externals')) {
    const endpoint = e.url !== undefined ? parseEndpoint(e.url) : undefined;
    if (e.url !== undefined && endpoint?.host === undefined) {
      issues.push({ path: ['externals', index, 'url'], message: 'expected a URL with a host, such as https://api.example.com' });
    }
    externals.set(name, {
      name,
      scheme: endpoint?.scheme,
      host: (endpoint?.host ?? e.host ?? '').toLowerCase(),
      port: e.port ?? endpoint?.port,
      allowedSourceRanges: e.allowedSourceRanges?.map(cidr),
      origin: at(['externals', index]),
    });
  }

  const secrets = new Map<string, Secret>();
  for (const [name, { item: s, index }] of unique(file.secrets, 'secret', 'secrets')) {
    secrets.set(name, { name, versions: s.versions === 'unknown' ? unknownAt(['secrets', index, 'versions']) : s.versions.map(String), format: s.format, minLength: s.minLength, file: s.file, origin: at(['secrets', index]) });
  }

  const index = indexTargets(databases, caches, externals);
  unique(file.services, 'service', 'services');
  // A service's region may come from where no file says (a CI secret, the deploy's environment): unknown, not an error.
  const serviceRegion = (explicit: string | undefined, path: Path): Maybe<string> => {
    const region = explicit ?? file.region;
    if (region === undefined || region === 'unknown') {
      return { unknown: true, reason: source.unknownReason([...path, 'region']) ?? 'the region is not given (set `region` on the service, a top-level `region`, or --region)' };
    }
    return region;
  };
  const services = file.services.map((entry, i) => buildService(entry, ['services', i], { at, regionOf, serviceRegion, issues, index, unknownReason: (path) => source.unknownReason(path), linkedEntity: (path) => source.linkedEntity?.(path) }));

  const serviceNames = new Set(file.services.map((s) => s.name));
  const loadBalancers = file.loadBalancers.map((lb, i) => {
    lb.backends.forEach((b, j) => {
      if (!serviceNames.has(b.service)) issues.push({ path: ['loadBalancers', i, 'backends', j, 'service'], message: `no service named "${b.service}" in the topology` });
    });
    return { name: lb.name, timeoutSeconds: lb.timeoutSeconds, backends: lb.backends, healthCheck: lb.healthCheck, origin: at(['loadBalancers', i]) };
  });
  return { topology: { project: file.project, networks, addresses, connectors, databases, caches, externals, secrets, services, loadBalancers }, issues };
}

function cidr(text: string): Cidr {
  // The schema has already checked the syntax.
  const parsed = parseCidr(text);
  if (!parsed) throw new TypeError(`unvalidated CIDR ${text}`);
  return parsed;
}

interface ServiceContext {
  readonly at: (path: Path) => Origin;
  readonly regionOf: (explicit: string | undefined, path: Path) => Maybe<string>;
  readonly serviceRegion: (explicit: string | undefined, path: Path) => Maybe<string>;
  readonly issues: BuildIssue[];
  readonly index: TargetIndex;
  readonly unknownReason: (path: Path) => string | undefined;
  readonly linkedEntity: (path: Path) => EntityLink | undefined;
}

function buildService(entry: ServiceEntry, path: Path, ctx: ServiceContext): Service {
  const { at, index } = ctx;
  const egress: Maybe<EgressMode> =
    entry.egress === 'unknown'
      ? { unknown: true, reason: ctx.unknownReason([...path, 'egress']) ?? `the egress setting of service ${entry.name} is unknown` }
      : entry.egress === 'all' // deprecated alias of all-traffic
        ? 'all-traffic'
        : (entry.egress ?? 'private-ranges-only');
  if (entry.connector !== undefined && entry.directVpc !== undefined) {
    ctx.issues.push({ path, message: 'a service has either `connector` or `directVpc`, not both' });
  }
  const vpcAccess: Service['vpcAccess'] =
    entry.connector !== undefined
      ? { kind: 'connector', connector: entry.connector, origin: at([...path, 'connector']) }
      : entry.directVpc !== undefined
        ? { kind: 'direct', network: entry.directVpc.network, subnet: entry.directVpc.subnet, tags: entry.directVpc.tags, origin: at([...path, 'directVpc']) }
        : { kind: 'none' };
  const env: EnvVar[] = Object.entries(entry.env).map(([name, raw]) => {
    const value = String(raw);
    return { name, value, display: redactEnvValue(name, value), origin: at([...path, 'env', name]) };
  });
  const secretRefs = entry.secrets.map((s, i) => ({
    env: s.env,
    mountPath: s.mount,
    secret: s.secret,
    version: String(s.version),
    origin: at([...path, 'secrets', i]),
  }));
  const cloudSqlInstances = entry.cloudSqlInstances;

  const dependencies = new Map<string, Dependency>();
  const names = new Set<string>();
  const add = (dep: Dependency): void => {
    const key = targetKey(dep.target);
    if (dependencies.has(key)) return;
    // Names identify paths in reports, baselines and fixes: an inferred one that collides with
    // another gets a suffix (declared names are checked below).
    let name = dep.name;
    for (let n = 2; names.has(name); n++) name = `${dep.name}-${n}`;
    names.add(name);
    dependencies.set(key, name === dep.name ? dep : { ...dep, name });
  };
  const declaredNames = new Set<string>();
  entry.dependencies.forEach((d, i) => {
    if (declaredNames.has(d.name)) ctx.issues.push({ path: [...path, 'dependencies', i, 'name'], message: `duplicate dependency name "${d.name}" in service ${entry.name}` });
    declaredNames.add(d.name);
    add(declaredDependency(d, [...path, 'dependencies', i], entry, ctx));
  });
  if (entry.inferDependencies) {
    const inferred = inferDependencies(
      {
        env,
        secretRefs,
        cloudSqlInstances: cloudSqlInstances.map((instance, i) => ({ instance, origin: at([...path, 'cloudSqlInstances', i]) })),
        unknownReason: (variable) => ctx.unknownReason([...path, 'env', variable.name]),
        linkedEntity: (variable) => ctx.linkedEntity([...path, 'env', variable.name]),
      },
      index,
    );
    inferred.forEach(add);
  }

  return {
    name: entry.name,
    workload: entry.workload,
    region: ctx.serviceRegion(entry.region, path),
    egress,
    egressOrigin: at([...path, entry.egress === undefined ? 'name' : 'egress']),
    vpcAccess,
    cloudSqlInstances,
    env,
    secretRefs,
    minInstances: entry.minInstances,
    maxInstances: entry.maxInstances,
    concurrency: entry.concurrency,
    timeoutSeconds: entry.timeoutSeconds,
    startupProbe: entry.startupProbe,
    dependencies: [...dependencies.values()],
    origin: at(path),
  };
}

function declaredDependency(d: DependencyEntry, path: Path, service: ServiceEntry, ctx: ServiceContext): Dependency {
  const { index } = ctx;
  let target: Target;
  let kind = d.kind;
  if (d.database !== undefined) {
    const db = index.databases.get(d.database);
    if (!db) ctx.issues.push({ path: [...path, 'database'], message: `no database named "${d.database}" in the topology` });
    const mounted = db !== undefined && service.cloudSqlInstances.some((m) => m === db.connectionName || m === db.name);
    const via = d.via ?? (mounted ? 'cloudsql-socket' : db?.privateIp !== null && db?.privateIp !== undefined ? 'private-ip' : 'public-ip');
    target =
      via === 'cloudsql-socket'
        ? { kind: 'cloudsql-socket', connectionName: db?.connectionName ?? d.database }
        : { kind: 'database', database: d.database, address: via, port: 5432 };
    kind ??= 'postgres';
  } else if (d.cache !== undefined) {
    const cache = index.caches.get(d.cache);
    if (!cache) ctx.issues.push({ path: [...path, 'cache'], message: `no cache named "${d.cache}" in the topology` });
    target = { kind: 'cache', cache: d.cache, port: cache?.port ?? 6379 };
    kind ??= 'redis';
  } else if (d.external !== undefined) {
    const ext = index.externals.get(d.external);
    if (!ext) ctx.issues.push({ path: [...path, 'external'], message: `no external named "${d.external}" in the topology` });
    target = { kind: 'external', external: d.external };
    kind ??= kindFromScheme(ext?.scheme);
  } else {
    const endpoint = parseEndpoint(d.url ?? '');
    if (!endpoint) ctx.issues.push({ path: [...path, 'url'], message: 'expected a URL such as https://api.example.com or host:port' });
    target = endpoint ? resolveEndpoint(endpoint, index) : { kind: 'unresolved', reason: 'unparsable URL' };
    kind ??= kindFromScheme(endpoint?.scheme);
  }
  return {
    name: d.name,
    kind,
    target,
    display: describeTarget(target, index),
    critical: d.critical,
    poolSize: d.poolSize,
    maxOverflow: d.maxOverflow,
    connectTimeoutSeconds: d.connectTimeoutSeconds,
    retries: d.retries,
    provenance: { kind: 'declared' },
    origin: ctx.at(path),
  };
}
