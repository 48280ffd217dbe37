/**
 * Deterministic generator of synthetic Lifeline topology files for benchmarks.
 *
 * The shape follows examples/incident/*.yaml: 20 VPC networks, each with a Serverless VPC Access
 * connector (custom /28 range or named subnet, alternately), a Cloud SQL instance and a Redis
 * cache; a handful of public APIs (two of them allow-list source IPs); and N Cloud Run services
 * spread over the networks with 5 dependencies each, some declared and some inferred from env
 * vars and Cloud SQL mounts. Three networks (15%) have no Cloud NAT while some of their services
 * use all-traffic egress, so a share of the paths is UNREACHABLE and fixes get proposed.
 *
 * Usage: node dist/bench/generate.js [DIR] [N...]   (defaults: a new temp dir, 100 1000 10000)
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { z } from 'zod';
import type { topologyFileSchema } from '../src/model/schema.js';

/** The topology file as written (the schema's input type, before defaults). */
export type TopologyInput = z.input<typeof topologyFileSchema>;
type NetworkInput = NonNullable<TopologyInput['networks']>[number];
type ServiceInput = NonNullable<TopologyInput['services']>[number];
type DependencyInput = NonNullable<ServiceInput['dependencies']>[number];
type ExternalInput = NonNullable<TopologyInput['externals']>[number];

export const NETWORK_COUNT = 20;
export const DEPENDENCIES_PER_SERVICE = 5;
export const BENCH_SIZES = [100, 1_000, 10_000] as const;
export type BenchFormat = 'yaml' | 'json';
export const BENCH_FORMATS: readonly BenchFormat[] = ['yaml', 'json'];

const PROJECT = 'acme-prod';
const DEFAULT_REGION = 'europe-west1';
const ROLES = ['api', 'web', 'worker', 'billing', 'auth', 'search', 'notify', 'ingest', 'report', 'admin'] as const;

/** Public APIs that accept any source. */
interface PublicApi {
  readonly name: string;
  /** The env var a service would set to reach it. */
  readonly variable: string;
  readonly url: string;
}

const PUBLIC_APIS: readonly PublicApi[] = [
  { name: 'stripe', variable: 'STRIPE_API_URL', url: 'https://api.stripe.com' },
  { name: 'openai', variable: 'OPENAI_BASE_URL', url: 'https://api.openai.com' },
  { name: 'anthropic', variable: 'ANTHROPIC_BASE_URL', url: 'https://api.anthropic.com' },
  { name: 'sendgrid', variable: 'SENDGRID_API_URL', url: 'https://api.sendgrid.com' },
  { name: 'github', variable: 'GITHUB_API_URL', url: 'https://api.github.com' },
  { name: 'datadog', variable: 'DD_INTAKE_URL', url: 'https://http-intake.logs.datadoghq.eu' },
];

/** Endpoints that allow-list the static egress IPs (203.0.113.0/24). */
const ALLOW_LISTED: readonly ExternalInput[] = [
  { name: 'clickhouse', url: 'https://analytics.europe-west4.gcp.clickhouse.cloud:8443', allowedSourceRanges: ['203.0.113.0/24'] },
  { name: 'partner-bank', url: 'https://api.partner-bank.example:8443', allowedSourceRanges: ['203.0.113.0/26', '198.18.0.0/15'] },
];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Facts about network i that services need; every choice is a pure function of i. */
interface NetworkPlan {
  readonly name: string;
  readonly region: string;
  readonly hasNat: boolean;
  readonly staticNatIp: boolean;
  readonly customConnectorRange: boolean;
  readonly publicDbIp: string | null;
  readonly dbConnectionName: string;
  readonly cacheHost: string;
}

function networkPlan(i: number): NetworkPlan {
  const name = `net-${pad(i, 2)}`;
  const region = i % 4 === 3 ? 'us-central1' : DEFAULT_REGION;
  return {
    name,
    region,
    hasNat: i % 7 !== 3, // networks 3, 10 and 17 (15%) have a router but no Cloud NAT
    staticNatIp: i % 6 !== 5, // networks 5 and 11 use auto-allocated NAT IPs
    customConnectorRange: i % 2 === 0,
    publicDbIp: i % 2 === 0 ? `198.51.100.${10 + i}` : null,
    dbConnectionName: `${PROJECT}:${region}:${name}-sql`,
    cacheHost: `10.${200 + i}.1.4`,
  };
}

/** `region` only where it differs from the top-level default, as a person would write it. */
const regionField = (region: string): { region?: string } => (region === DEFAULT_REGION ? {} : { region });

function network(plan: NetworkPlan, i: number): NetworkInput {
  const main = `${plan.name}-main`;
  const connectorSubnet = `${plan.name}-connector`;
  const privateGoogleAccess = i % 5 !== 4;
  const subnets: NonNullable<NetworkInput['subnets']> = [{ name: main, ...regionField(plan.region), cidr: `10.${100 + i}.0.0/20`, privateGoogleAccess }];
  if (!plan.customConnectorRange) subnets.push({ name: connectorSubnet, ...regionField(plan.region), cidr: `10.${100 + i}.16.0/28`, privateGoogleAccess });
  const nats: NonNullable<NonNullable<NetworkInput['routers']>[number]['nats']> = plan.hasNat
    ? [
        {
          name: `${plan.name}-nat`,
          // A custom-range connector's subnet is hidden: only `all` covers it.
          subnets: plan.customConnectorRange ? 'all' : [main, connectorSubnet],
          natIps: plan.staticNatIp ? [`${plan.name}-egress-ip`] : 'auto',
        },
      ]
    : [];
  return {
    name: plan.name,
    subnets,
    routers: [{ name: `${plan.name}-router`, ...regionField(plan.region), nats }],
    privateServicesAccess: { ranges: [`10.${200 + i}.0.0/16`] },
    peerings: i === 0 ? [] : [{ name: `${plan.name}-to-hub`, peerNetwork: 'net-00' }],
    firewall: [
      { name: `${plan.name}-deny-smtp`, direction: 'egress', action: 'deny', priority: 900, ports: [25, '465-587'] },
      { name: `${plan.name}-allow-internal`, direction: 'egress', action: 'allow', priority: 1000, destinationRanges: ['10.0.0.0/8'], targetTags: ['run'] },
    ],
  };
}

function service(k: number, plans: readonly NetworkPlan[]): ServiceInput {
  const i = k % NETWORK_COUNT;
  const plan = plans[i];
  if (!plan) throw new RangeError(`no network ${i}`);
  const name = `${ROLES[Math.floor(k / NETWORK_COUNT) % ROLES.length] ?? 'svc'}-${pad(k, 5)}`;
  // 2% have no VPC access at all (only in networks whose database has a public IP), 10% use Direct VPC egress.
  const access: 'none' | 'direct' | 'connector' = k % 50 === 48 ? 'none' : k % 10 === 7 ? 'direct' : 'connector';
  const egress: ServiceInput['egress'] = access === 'none' ? undefined : k % 97 === 0 ? 'all' : (['all-traffic', 'private-ranges-only', undefined] as const)[k % 3];
  const allTraffic = egress === 'all-traffic' || egress === 'all';

  const env: Record<string, string | number | boolean> = { NODE_ENV: 'production', LOG_LEVEL: k % 5 === 0 ? 'debug' : 'info', WORKERS: 1 + (k % 4) };
  if (k % 4 === 1) env['PUBLIC_URL'] = `https://${name}.acme.example`; // not a dependency
  if (k % 6 === 2) env['OAUTH_CALLBACK_URL'] = `https://${name}.acme.example/oauth/callback`; // not a dependency
  const secrets: NonNullable<ServiceInput['secrets']> = [];
  const cloudSqlInstances: string[] = [];
  const dependencies: DependencyInput[] = [];

  // 1. The network's Cloud SQL instance: a mounted socket (declared, or inferred from DB_HOST), or its private IP.
  if (k % 2 === 0) {
    cloudSqlInstances.push(plan.dbConnectionName);
    secrets.push({ env: 'DATABASE_URL', secret: `${plan.name}-db-url`, version: 1 + (k % 3) });
    if (k % 4 === 2) env['DB_HOST'] = `/cloudsql/${plan.dbConnectionName}`;
    else dependencies.push({ name: 'postgres', database: `${plan.name}-sql`, critical: true, poolSize: 10 + (k % 20), maxOverflow: 20, connectTimeoutSeconds: 10 });
  } else {
    dependencies.push({ name: 'postgres', database: `${plan.name}-sql`, via: 'private-ip', critical: true, poolSize: 5 + (k % 10) });
  }

  // 2. The network's Redis (declared or from REDIS_HOST); services without VPC access call another public API instead.
  const api = (n: number): PublicApi => PUBLIC_APIS[n % PUBLIC_APIS.length] ?? PUBLIC_APIS[0] ?? { name: '', variable: '', url: '' };
  if (access === 'none') {
    dependencies.push({ name: api(k + 4).name, external: api(k + 4).name, critical: false, retries: 3 });
  } else if (k % 3 !== 1) {
    dependencies.push({ name: 'redis', cache: `${plan.name}-redis`, critical: k % 2 === 0, connectTimeoutSeconds: 2 });
  } else {
    env['REDIS_HOST'] = plan.cacheHost;
    if (k % 2 === 0) env['REDIS_PORT'] = '6379';
  }

  // 3. A public API from an https URL in the env.
  env[api(k).variable] = `${api(k).url}/v1`;

  // 4. A declared external: an allow-listed one for half the all-traffic services, else another public API.
  const declared = allTraffic && k % 4 < 2 ? (ALLOW_LISTED[k % ALLOW_LISTED.length]?.name ?? 'clickhouse') : api(k + 2).name;
  dependencies.push({ name: declared, external: declared, critical: k % 3 === 0, connectTimeoutSeconds: 5, retries: 2 });

  // 5. A Google API (inferred or declared) or an internal address in the service's subnet.
  const fifth = access === 'none' && k % 3 === 1 ? 0 : k % 3;
  if (fifth === 0) env['STORAGE_ENDPOINT'] = 'https://storage.googleapis.com';
  else if (fifth === 1) env['INVENTORY_ADDR'] = `10.${100 + i}.0.${50 + (k % 100)}:8080`;
  else dependencies.push({ name: 'pubsub', url: 'https://pubsub.googleapis.com', critical: false });

  return {
    name,
    ...regionField(plan.region),
    ...(egress === undefined ? {} : { egress }),
    ...(access === 'connector' ? { connector: `${plan.name}-connector` } : {}),
    ...(access === 'direct' ? { directVpc: { network: plan.name, subnet: `${plan.name}-main`, tags: ['run'] } } : {}),
    ...(cloudSqlInstances.length > 0 ? { cloudSqlInstances } : {}),
    env,
    ...(secrets.length > 0 ? { secrets } : {}),
    minInstances: k % 8 === 0 ? 1 : 0,
    maxInstances: 10 + (k % 5) * 10,
    ...(k % 5 === 3 ? { concurrency: 40, timeoutSeconds: 60, startupProbe: { type: 'http' as const, path: '/healthz', timeoutSeconds: 2, failureThreshold: 5 } } : {}),
    dependencies,
  };
}

/** A topology of `serviceCount` services; the same count always gives the same topology. */
export function generateTopology(serviceCount: number): TopologyInput {
  const plans = Array.from({ length: NETWORK_COUNT }, (_, i) => networkPlan(i));
  return {
    version: 1,
    project: PROJECT,
    region: DEFAULT_REGION,
    networks: plans.map(network),
    addresses: plans.filter((p) => p.hasNat && p.staticNatIp).map((p) => ({ name: `${p.name}-egress-ip`, address: `203.0.113.${10 + plans.indexOf(p)}`, ...regionField(p.region) })),
    connectors: plans.map((p, i) => ({
      name: `${p.name}-connector`,
      ...regionField(p.region),
      network: p.name,
      ...(p.customConnectorRange ? { ipCidrRange: `10.8.${i}.0/28` } : { subnet: `${p.name}-connector` }),
      minInstances: 2,
      maxInstances: i % 3 === 0 ? 10 : 3,
      machineType: i % 3 === 0 ? ('e2-standard-4' as const) : ('e2-micro' as const),
    })),
    databases: plans.map((p, i) => ({
      name: `${p.name}-sql`,
      ...regionField(p.region),
      tier: 'db-custom-2-7680',
      publicIp: p.publicDbIp,
      privateIp: `10.${200 + i}.0.3`,
      privateNetwork: p.name,
      requireSsl: true,
      authorizedNetworks: p.publicDbIp === null ? [] : [{ name: 'office', cidr: '192.0.2.0/24' }],
      flags: { max_connections: 500, 'cloudsql.iam_authentication': 'on' },
    })),
    caches: plans.map((p, i) => ({
      name: `${p.name}-redis`,
      host: p.cacheHost,
      port: 6379,
      ...regionField(p.region),
      authorizedNetwork: p.name,
      connectMode: i % 2 === 0 ? ('PRIVATE_SERVICE_ACCESS' as const) : ('DIRECT_PEERING' as const),
      authEnabled: true,
    })),
    externals: [...PUBLIC_APIS.map((a) => ({ name: a.name, url: a.url })), ...ALLOW_LISTED],
    secrets: plans.map((p) => ({ name: `${p.name}-db-url`, versions: [1, 2, 3], format: 'postgres-url' as const })),
    services: Array.from({ length: serviceCount }, (_, k) => service(k, plans)),
  };
}

export interface GeneratedFile {
  readonly services: number;
  readonly format: BenchFormat;
  readonly file: string;
  readonly bytes: number;
}

/** Writes topology-N.yaml and topology-N.json (or the formats given) for each size into `dir`. */
export async function writeTopologyFiles(dir: string, sizes: readonly number[] = BENCH_SIZES, formats: readonly BenchFormat[] = BENCH_FORMATS): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [];
  for (const services of sizes) {
    const topology = generateTopology(services);
    const texts: Record<BenchFormat, () => string> = {
      yaml: () => `# Synthetic Lifeline benchmark topology: ${services} services, ${NETWORK_COUNT} networks.\n${stringify(topology)}`,
      json: () => `${JSON.stringify(topology, null, 2)}\n`,
    };
    for (const format of formats) {
      const file = join(dir, `topology-${services}.${format}`);
      const text = texts[format]();
      await writeFile(file, text);
      out.push({ services, format, file, bytes: Buffer.byteLength(text) });
    }
  }
  return out;
}

export async function makeBenchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lifeline-bench-'));
}

async function main(argv: readonly string[]): Promise<void> {
  const [dirArg, ...sizeArgs] = argv;
  const dir = dirArg === undefined ? await makeBenchDir() : resolve(dirArg);
  await mkdir(dir, { recursive: true });
  const sizes = sizeArgs.length > 0 ? sizeArgs.map(Number) : [...BENCH_SIZES];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`expected service counts, got ${sizeArgs.join(' ')}`);
  for (const f of await writeTopologyFiles(dir, sizes)) {
    console.log(`${f.file}\t${f.services} services\t${(f.bytes / 1e6).toFixed(2)} MB`);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await main(process.argv.slice(2));
}
