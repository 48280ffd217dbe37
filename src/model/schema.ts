import { z } from 'zod';
import { parseCidr, parseIpv4 } from './ip.js';

/**
 * The topology file, as a person writes it (YAML or JSON). Field names follow the Google Cloud
 * APIs (camelCase). This schema validates the file; `buildTopology` turns it into the normalized
 * model. Every value that a source may not know (a Terraform "known after apply") accepts the
 * string `unknown`, and analysis then says UNDETERMINED instead of guessing.
 */

const UNKNOWN = z.literal('unknown').describe('The value is not known (e.g. Terraform "known after apply").');
const unknownable = <T extends z.ZodType>(schema: T) => z.union([schema, UNKNOWN]);

/** What the topology accepts as a name; readers check names against it before they use them. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/**
 * A Terraform address (`module.app.google_cloud_run_v2_service.svc["api"]`) also names an entity:
 * the Terraform reader names a resource by its address when its own name is known only after apply.
 */
const INSTANCE_KEY = String.raw`(?:\[(?:\d+|"[^"\\]*")\])?`;
export const TERRAFORM_ADDRESS = new RegExp(String.raw`^(?:module\.[A-Za-z_][\w-]*${INSTANCE_KEY}\.)*[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*${INSTANCE_KEY}$`);
const name = z
  .string()
  .min(1)
  .regex(new RegExp(`${NAME_PATTERN.source}|${TERRAFORM_ADDRESS.source}`), 'a name of letters, digits, "-", "_", "." or ":" (or a Terraform resource address)');
const cidr = z.string().refine((s) => parseCidr(s) !== undefined, 'an IPv4 CIDR range such as 10.8.0.0/28');
const ipv4 = z.string().refine((s) => parseIpv4(s) !== undefined, 'an IPv4 address such as 10.20.0.3');
const port = z.number().int().min(1).max(65535);
const region = z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'a Google Cloud region such as europe-west1');
const seconds = z.number().positive();

export const egressModeSchema = z.enum(['private-ranges-only', 'all-traffic', 'all']);

/** A region the configuration does not give (a Terraform variable without a value) is `unknown`. */
const entityRegion = unknownable(region).optional().describe('Defaults to the top-level region; `unknown` when the configuration does not give it.');

const subnetSchema = z.strictObject({
  name: name.describe('The subnet name, as other entries refer to it.'),
  region: entityRegion,
  cidr: cidr.describe('Primary IPv4 range.'),
  privateGoogleAccess: z.boolean().default(false).describe('Private Google Access on this subnet. @default false'),
});

const natSchema = z.strictObject({
  name: name.describe('The Cloud NAT gateway name.'),
  subnets: z
    .union([z.literal('all'), z.array(name).min(1)])
    .describe('Subnets whose primary ranges are translated: `all` (ALL_SUBNETWORKS_ALL_IP_RANGES) or a list of subnet names.'),
  natIps: unknownable(z.union([z.literal('auto'), z.array(z.union([ipv4, name])).min(0)]))
    .default('auto')
    .describe('`auto` (Google allocates ephemeral IPs) or a list of static IPs / reserved address names. @default auto'),
});

const routerSchema = z.strictObject({
  name: name.describe('The Cloud Router name.'),
  region: entityRegion,
  nats: z.array(natSchema).default([]).describe('Cloud NAT gateways on this Cloud Router.'),
});

const firewallSchema = z.strictObject({
  name: name.describe('The firewall rule name.'),
  direction: z.enum(['egress', 'ingress']).default('egress').describe('Traffic the rule matches. @default egress'),
  action: z.enum(['allow', 'deny']).describe('Whether matching traffic is allowed or denied.'),
  priority: z.number().int().min(0).max(65535).default(1000).describe('Lower numbers win; 0 is the highest priority. @default 1000'),
  destinationRanges: z.array(cidr).default(['0.0.0.0/0']).describe('Destination ranges an egress rule matches. @default ["0.0.0.0/0"]'),
  ports: z.array(z.union([port, z.string().regex(/^\d+-\d+$/, 'a port range such as 8000-8100')])).optional().describe('TCP ports; all when absent.'),
  targetTags: z.array(z.string()).default([]).describe('Network tags the rule applies to; every instance in the network when empty.'),
});

const networkSchema = z.strictObject({
  name: name.describe('The VPC network name.'),
  subnets: z.array(subnetSchema).default([]).describe('Subnets of this network.'),
  routers: z.array(routerSchema).default([]).describe('Cloud Routers of this network, with their Cloud NAT gateways.'),
  privateServicesAccess: z
    .strictObject({ ranges: unknownable(z.array(cidr).min(1)).describe('Allocated ranges peered to Google\'s service-producer network.') })
    .optional()
    .describe('Private services access (servicenetworking peering). Absent: none.'),
  peerings: z
    .array(z.strictObject({ name: name.describe('The peering name.'), peerNetwork: name.describe('The network on the other side.') }))
    .default([])
    .describe('VPC Network Peerings of this network (besides private services access).'),
  firewall: z.array(firewallSchema).default([]).describe('VPC firewall rules. The implied rules (allow all egress, deny all ingress) need not be listed.'),
  googleApisDns: unknownable(z.enum(['default', 'private', 'restricted']))
    .default('default')
    .describe('How *.googleapis.com resolves in this network: `private` or `restricted` when a private Cloud DNS zone for googleapis.com points it at private.googleapis.com (199.36.153.8/30) or restricted.googleapis.com (199.36.153.4/30). @default default'),
});

const addressSchema = z.strictObject({
  name: name.describe('The reserved address name, as a NAT gateway\'s natIps refers to it.'),
  address: unknownable(ipv4).describe('The IPv4 address; `unknown` when Google assigns it on creation.'),
  region: region.optional().describe('The address\'s region; a global address when absent.'),
});

const connectorSchema = z
  .strictObject({
    name: name.describe('The connector name, as a service\'s `connector` refers to it.'),
    region: entityRegion,
    network: name.describe('The VPC network the connector sends traffic into.'),
    ipCidrRange: cidr.optional().describe('A /28 custom range. Its subnet is hidden: Cloud NAT can only cover it with `subnets: all`.'),
    subnet: name.optional().describe('A named /28 subnet of the network (instead of ipCidrRange).'),
    minInstances: z.number().int().default(2).describe('Fewest connector instances (2–9). @default 2'),
    maxInstances: z.number().int().default(10).describe('Most connector instances (3–10, more than minInstances). @default 10'),
    machineType: z.enum(['e2-micro', 'f1-micro', 'e2-standard-4']).default('e2-micro').describe('Machine type of each connector instance; it bounds throughput. @default e2-micro'),
    state: unknownable(z.enum(['READY', 'CREATING', 'UPDATING', 'DELETING', 'ERROR'])).default('READY').describe('The connector\'s state; only READY carries traffic. @default READY'),
    expectedPeakMbps: z.number().positive().optional().describe('Peak egress throughput the services are expected to send through it.'),
  })
  .refine((c) => (c.ipCidrRange === undefined) !== (c.subnet === undefined), {
    message: 'exactly one of `ipCidrRange` or `subnet`',
  });

const databaseSchema = z.strictObject({
  name: name.describe('The Cloud SQL instance name, as a dependency\'s `database` refers to it.'),
  connectionName: z
    .string()
    .regex(/^[^:\s]+:[a-z]+-[a-z]+\d+:[^:\s]+$/, 'PROJECT:REGION:INSTANCE')
    .optional()
    .describe('Defaults to PROJECT:REGION:NAME from the top-level project.'),
  region: entityRegion,
  engine: z.enum(['postgres', 'mysql', 'sqlserver']).default('postgres').describe('Database engine. @default postgres'),
  ipv4Enabled: z
    .boolean()
    .optional()
    .describe('Whether the instance has a public IP (ipConfiguration.ipv4Enabled). With true and no `publicIp`, it has one whose address is not given.'),
  publicIp: unknownable(z.union([ipv4, z.null()]))
    .optional()
    .describe('Public IPv4 address, or null for none. @default null, or an address not given when ipv4Enabled is true'),
  privateIp: unknownable(z.union([ipv4, z.null()])).default(null).describe('Private IPv4 address, or null for none.'),
  privateNetwork: name.optional().describe('The VPC the private IP lives in (through private services access).'),
  requireSsl: z.boolean().default(false).describe('Whether the instance refuses connections without TLS (ipConfiguration.requireSsl). @default false'),
  authorizedNetworks: z
    .array(z.strictObject({ name: z.string().optional().describe('A label for the range.'), cidr: cidr.describe('Source range allowed to reach the public IP.') }))
    .default([])
    .describe('Source ranges allowed to connect to the public IP directly (the Auth Proxy and connectors need none).'),
  tier: z.string().optional().describe('Machine tier (db-f1-micro, db-custom-2-7680, …); it sets the default max_connections.'),
  flags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Database flags, such as max_connections.'),
  state: unknownable(z.enum(['RUNNABLE', 'SUSPENDED', 'PENDING_CREATE', 'MAINTENANCE', 'FAILED', 'STOPPED']))
    .default('RUNNABLE')
    .describe('The instance\'s state; only RUNNABLE accepts connections. @default RUNNABLE'),
});

const cacheSchema = z.strictObject({
  name: name.describe('The Memorystore for Redis instance name, as a dependency\'s `cache` refers to it.'),
  host: unknownable(ipv4).describe('The instance\'s private IPv4 address; `unknown` until it is created.'),
  reservedIpRange: cidr
    .optional()
    .describe('The range the instance\'s address is taken from (reservedIpRange; with DIRECT_PEERING, a range of its own). Google picks an unused /29 when none is given.'),
  port: port.default(6379).describe('The port Redis listens on. @default 6379'),
  region: entityRegion,
  authorizedNetwork: name.default('default').describe('The VPC network the instance is reachable from. @default default'),
  connectMode: z.enum(['DIRECT_PEERING', 'PRIVATE_SERVICE_ACCESS']).default('DIRECT_PEERING').describe('How the instance joins the network. @default DIRECT_PEERING'),
  authEnabled: z.boolean().default(false).describe('Whether clients must send the AUTH string. @default false'),
  transitEncryption: z.enum(['DISABLED', 'SERVER_AUTHENTICATION']).default('DISABLED').describe('SERVER_AUTHENTICATION: clients must connect with TLS. @default DISABLED'),
  state: unknownable(z.enum(['READY', 'CREATING', 'UPDATING', 'DELETING', 'MAINTENANCE', 'REPAIRING', 'FAILING_OVER']))
    .default('READY')
    .describe('The instance\'s state. @default READY'),
});

const externalSchema = z
  .strictObject({
    name: name.describe('The endpoint name, as a dependency\'s `external` refers to it.'),
    url: z.string().optional().describe('https://host:port/…; or give host and port.'),
    host: z.string().optional().describe('Host name or IPv4 address (instead of url).'),
    port: port.optional().describe('TCP port, with host.'),
    allowedSourceRanges: z
      .array(cidr)
      .optional()
      .describe('Source IPs the endpoint allow-lists. Absent: it accepts any source.'),
  })
  .refine((e) => (e.url === undefined) !== (e.host === undefined), { message: 'exactly one of `url` or `host`' });

const secretSchema = z.strictObject({
  name: name.describe('The Secret Manager secret name, as a service\'s `secrets[].secret` refers to it.'),
  versions: unknownable(z.array(z.union([z.string(), z.number().int()]))).default([]).describe('Enabled versions.'),
  format: z.enum(['postgres-url', 'redis-url', 'url', 'json', 'json-array-of-origins', 'text']).optional().describe('What the value must parse as.'),
  minLength: z.number().int().min(1).optional().describe('Shortest acceptable value (e.g. for signing keys).'),
  file: z.string().optional().describe('A local file holding the value, to check its format. The value is never printed.'),
});

const loadBalancerSchema = z.strictObject({
  name: name.describe('The load balancer (URL map) name.'),
  timeoutSeconds: z.number().positive().default(30).describe('Backend service timeout. @default 30'),
  backends: z
    .array(
      z.strictObject({
        service: name.describe('A Cloud Run service of this file.'),
        serverlessNeg: z.boolean().default(true).describe('Reached through a serverless network endpoint group. @default true'),
      }),
    )
    .min(1)
    .describe('Cloud Run services behind it (through serverless NEGs unless said otherwise).'),
  healthCheck: z.string().optional().describe('A health check attached to the backend service (not supported with serverless NEGs).'),
});

const secretRefSchema = z
  .strictObject({
    env: z.string().optional().describe('Exposed as this environment variable.'),
    mount: z.string().startsWith('/').optional().describe('Mounted as this file path.'),
    secret: z.string().min(1).describe('The Secret Manager secret, by name (or projects/PROJECT/secrets/NAME).'),
    version: z.union([z.string(), z.number().int()]).default('latest').describe('The version read: a number or `latest`. @default latest'),
  })
  .refine((r) => (r.env === undefined) !== (r.mount === undefined), { message: 'exactly one of `env` or `mount`' });

const dependencySchema = z
  .strictObject({
    name: name.describe('The dependency\'s name within the service, as reports show it.'),
    kind: z
      .enum(['postgres', 'redis', 'http', 'https', 'clickhouse', 'websocket', 'tcp', 'google-api'])
      .optional()
      .describe('The protocol spoken; taken from the target or the URL scheme when absent.'),
    database: name.optional().describe('A database of this file (databases[].name).'),
    via: z.enum(['cloudsql-socket', 'private-ip', 'public-ip']).optional().describe('How a database is reached.'),
    cache: name.optional().describe('A cache of this file (caches[].name).'),
    external: name.optional().describe('An external endpoint of this file (externals[].name).'),
    url: z.string().optional().describe('A URL the service connects to, when no entry of this file describes the target.'),
    critical: z.boolean().describe('Whether the service can serve without it. Required: there is no safe default.'),
    poolSize: z.number().int().min(0).optional().describe('Connections each instance keeps open (the client pool size).'),
    maxOverflow: z.number().int().min(0).optional().describe('Connections each instance may open beyond poolSize under load.'),
    connectTimeoutSeconds: seconds.optional().describe('How long one connection attempt waits, in seconds.'),
    retries: z.number().int().min(0).optional().describe('Connection attempts after the first, at startup.'),
  })
  .superRefine((d, ctx) => {
    const given = (['database', 'cache', 'external', 'url'] as const).filter((k) => d[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'exactly one of `database`, `cache`, `external` or `url`' });
    }
    if (d.via !== undefined && d.database === undefined) {
      ctx.addIssue({ code: 'custom', path: ['via'], message: '`via` goes with `database`' });
    }
  });

const probeSchema = z.strictObject({
  type: z.enum(['tcp', 'http', 'grpc']).default('tcp').describe('How Cloud Run probes the container. @default tcp'),
  path: z.string().optional().describe('The HTTP path probed, with type http.'),
  initialDelaySeconds: z.number().min(0).default(0).describe('Seconds before the first probe. @default 0'),
  timeoutSeconds: z.number().min(1).default(1).describe('Seconds one probe may take. @default 1'),
  periodSeconds: z.number().min(1).default(10).describe('Seconds between probes. @default 10'),
  failureThreshold: z.number().int().min(1).default(3).describe('Failed probes before the instance is stopped. @default 3'),
});

const serviceSchema = z.strictObject({
  name: name.describe('The Cloud Run service (or job, or function) name.'),
  workload: z
    .enum(['service', 'job', 'function'])
    .default('service')
    .describe('What runs: a Cloud Run service, a Cloud Run job (tasks that run to completion: no requests, no startup probe), or a Cloud Run function (a service). @default service'),
  region: unknownable(region).optional().describe('Defaults to the top-level region; `unknown` when the deploy gives it at run time (a CI secret, say).'),
  egress: unknownable(egressModeSchema)
    .optional()
    .describe('--vpc-egress. @default private-ranges-only (only meaningful with a connector or Direct VPC).'),
  connector: name.optional().describe('Serverless VPC Access connector name.'),
  directVpc: z
    .strictObject({
      network: name.optional().describe('The VPC network of the interface.'),
      subnet: name.optional().describe('The subnet instances take their addresses from.'),
      tags: z.array(z.string()).default([]).describe('Network tags, which firewall rules match.'),
    })
    .refine((d) => d.network !== undefined || d.subnet !== undefined, { message: 'at least one of `network` or `subnet`' })
    .optional()
    .describe('Direct VPC egress interface.'),
  cloudSqlInstances: z.array(z.string()).default([]).describe('Built-in Cloud SQL connections (mounted under /cloudsql).'),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Plain environment variables. Connection strings here are read for dependencies; put credentials in secrets.'),
  secrets: z.array(secretRefSchema).default([]).describe('Secret Manager secrets exposed as environment variables or files.'),
  minInstances: z.number().int().min(0).default(0).describe('Instances kept running. @default 0'),
  maxInstances: z.number().int().min(1).default(100).describe('Most instances Cloud Run starts; it bounds connection demand. @default 100'),
  concurrency: z.number().int().min(1).max(1000).default(80).describe('Requests one instance serves at once. @default 80'),
  timeoutSeconds: z.number().min(1).max(3600).default(300).describe('Request timeout, in seconds. @default 300'),
  startupProbe: probeSchema.optional().describe('The startup probe; Cloud Run\'s default TCP probe when absent.'),
  inferDependencies: z.boolean().default(true).describe('Infer dependencies from env vars, secrets and Cloud SQL mounts. @default true'),
  dependencies: z.array(dependencySchema).default([]).describe('What the service connects to, besides what is inferred.'),
});

export const topologyFileSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('The topology format version. @default 1'),
    project: z.string().optional().describe('The Google Cloud project ID.'),
    region: region.optional().describe('Default region for everything that names none.'),
    networks: z.array(networkSchema).default([]).describe('VPC networks, with their subnets, routers, peerings and firewall rules.'),
    addresses: z.array(addressSchema).default([]).describe('Reserved static external IP addresses.'),
    connectors: z.array(connectorSchema).default([]).describe('Serverless VPC Access connectors.'),
    databases: z.array(databaseSchema).default([]).describe('Cloud SQL instances.'),
    caches: z.array(cacheSchema).default([]).describe('Memorystore for Redis instances.'),
    externals: z.array(externalSchema).default([]).describe('Endpoints outside Google Cloud (or outside this file) that services connect to.'),
    secrets: z.array(secretSchema).default([]).describe('Secret Manager secrets, with the format each value must have.'),
    services: z.array(serviceSchema).default([]).describe('Cloud Run services, jobs and functions, and what each depends on.'),
    loadBalancers: z.array(loadBalancerSchema).default([]).describe('External Application Load Balancers in front of services.'),
  })
  .describe('Lifeline topology file');

export type TopologyFile = z.output<typeof topologyFileSchema>;
export type ServiceEntry = TopologyFile['services'][number];
export type DependencyEntry = ServiceEntry['dependencies'][number];

/** The JSON Schema of the topology file, for editors. */
export function topologyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(topologyFileSchema, { io: 'input', unrepresentable: 'any' });
  return { ...(portable(schema) as Record<string, unknown>), $id: 'https://lifeline.dev/schema/topology-v1.json', title: 'Lifeline topology file' };
}

/** Formats zod names after its own checks; no JSON Schema validator knows them (the pattern beside them says the same). */
const ZOD_FORMATS = new Set(['starts_with', 'ends_with', 'includes', 'lowercase', 'uppercase', 'regex']);

/**
 * What zod writes, in the form strict validators (ajv's strict mode) and editors accept: a type
 * list becomes `anyOf`, zod's own format names and the safe-integer bounds every `.int()` gets go.
 */
function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'format' && typeof value === 'string' && ZOD_FORMATS.has(value)) continue;
    if ((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)) continue;
    out[key] = portable(value);
  }
  const type = out.type;
  if (Array.isArray(type)) {
    delete out.type;
    out.anyOf = (type as unknown[]).map((t) => ({ type: t }));
  }
  return out;
}
