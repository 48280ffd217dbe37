/**
 * The platform facts the engine relies on, each with its source and how sure we are of it.
 * `documented`: Google's own pages (or a maintainer / API error quoting them) say so.
 * `assumed`: the behaviour is inferred and unconfirmed; verdicts resting on it say so.
 */
export interface Fact {
  readonly statement: string;
  readonly confidence: 'documented' | 'assumed';
  readonly source: string;
}

export const FACTS = {
  'egress-default': {
    statement: 'When the egress setting is omitted it defaults to private-ranges-only.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/reference/rest/v2/VpcAccess',
  },
  'egress-private-ranges': {
    statement: 'private-ranges-only sends RFC 1918 destinations and the Private Google Access VIPs into the VPC; all-traffic sends everything.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sdk/gcloud/reference/run/deploy#--vpc-egress',
  },
  'egress-other-private-ranges': {
    statement: 'Whether private-ranges-only sends RFC 6598 (100.64.0.0/10) and Class E destinations into the VPC is not documented.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/sdk/gcloud/reference/run/deploy#--vpc-egress',
  },
  'vpc-needs-connector': {
    statement: 'A Cloud Run service reaches internal VPC addresses only through a Serverless VPC Access connector or Direct VPC egress.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc/docs/serverless-vpc-access',
  },
  'default-internet-path': {
    statement: 'Traffic that does not enter the VPC leaves over Cloud Run\'s own internet path, from a shared, changing pool of IP addresses, with no Cloud NAT needed.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/run/docs/configuring/static-outbound-ip',
  },
  'all-traffic-needs-nat': {
    statement: 'With all-traffic egress, reaching the public internet requires Cloud NAT; only resources with public IPs or Cloud NAT reach the internet from a VPC.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/networking-best-practices',
  },
  'nat-coverage': {
    statement: 'Cloud NAT translates only the subnet ranges it is configured for (all, or a named list), in its router\'s region and network.',
    confidence: 'documented',
    source: 'https://cloud.google.com/nat/docs/overview',
  },
  'connector-hidden-subnet': {
    statement: 'A connector created from a custom IP range gets a hidden subnet that cannot be named in NAT configuration; only a NAT covering all subnets covers it.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/vpc-connectors',
  },
  'connector-hidden-subnet-pga': {
    statement: 'Whether Private Google Access applies to the hidden subnet of a connector created from a custom range is not documented: Google APIs through it, without Cloud NAT, are undetermined.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/run/docs/configuring/vpc-connectors',
  },
  'nat-static-ips': {
    statement: 'Traffic through Cloud NAT leaves from the NAT gateway\'s IPs: reserved static IPs when set manually, ephemeral ones when auto-allocated.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/static-outbound-ip',
  },
  'nat-no-addresses': {
    statement: 'A Cloud NAT gateway with manual allocation and no IPs translates nothing.',
    confidence: 'documented',
    source: 'https://cloud.google.com/nat/docs/ports-and-addresses',
  },
  'private-google-access': {
    statement: 'From a subnet with Private Google Access, Google APIs are reached over internal routing without NAT; without it (and without NAT) they are unreachable.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/networking-best-practices',
  },
  'googleapis-private-dns': {
    statement:
      'Where a private DNS zone maps *.googleapis.com to private.googleapis.com (199.36.153.8/30) or restricted.googleapis.com (199.36.153.4/30), API traffic goes to those VIPs: an internal destination, sent into the VPC under either egress mode, reached only from a subnet with Private Google Access; the VIPs are not announced to the internet, so Cloud NAT does not reach them.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc-service-controls/docs/set-up-private-connectivity',
  },
  'connector-region': {
    statement: 'A connector must be in the same region as the service that uses it.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'connector-range': {
    statement: 'A connector needs its own /28: an unused /28 subnet, or a custom /28 range that overlaps no range in use in its network (subnets, private services access, other connectors); otherwise it cannot be created.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc/docs/serverless-vpc-access',
  },
  'connector-state': {
    statement: 'Only a connector in state READY forwards traffic.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc/docs/reference/vpcaccess/rest/v1/projects.locations.connectors',
  },
  'direct-vpc-subnet': {
    statement: 'Direct VPC egress uses the given subnet (a network alone means the subnet of the same name) in the service\'s region.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/vpc-direct-vpc',
  },
  'cloudsql-socket-mount': {
    statement: 'The /cloudsql/PROJECT:REGION:INSTANCE socket exists only when the service adds that instance as a Cloud SQL connection.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'cloudsql-socket-ip-choice': {
    statement: 'The built-in Cloud SQL connection uses the instance\'s public IP when it has one, else its private IP.',
    confidence: 'documented',
    source: 'https://github.com/GoogleCloudPlatform/cloud-sql-proxy/issues/848',
  },
  'cloudsql-proxy-path': {
    statement: 'The Cloud SQL proxy calls the Cloud SQL Admin API (sqladmin.googleapis.com, HTTPS) and then connects to the instance on port 3307; it opens no network path of its own.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/sql-proxy',
  },
  'cloudsql-proxy-public-ip-via-vpc': {
    statement: 'With all-traffic egress, the built-in connection\'s Admin API call and port-3307 connection to a public IP enter the VPC and need Cloud NAT to get out; Private Google Access is not known to cover Cloud SQL public IPs.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'cloudsql-private-ip': {
    statement: 'A Cloud SQL private IP is reached over TCP from the same VPC network, which needs private services access.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/private-ip',
  },
  'cloudsql-private-ip-from-psa': {
    statement: 'A Cloud SQL instance\'s private IP is assigned from an allocated range of its network\'s private services access, so the route to it is known before the address is.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/private-ip',
  },
  'cloudsql-public-ip-default': {
    statement: 'A new Cloud SQL instance gets a public IP unless ipv4_enabled is false (gcloud: --no-assign-ip); Google assigns the address.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'managed-range-rfc1918': {
    statement: 'A range Google allocates when none is given (an automatically allocated private services access range, a Memorystore reserved range) is in RFC 1918 space, which private-ranges-only sends into the VPC; Google\'s examples are, but its pages do not promise it.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/vpc/docs/configure-private-services-access',
  },
  'cloudsql-state': {
    statement: 'Connections reach a Cloud SQL instance only while it is RUNNABLE.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/instance-settings',
  },
  'cloudsql-authorized-networks': {
    statement: 'A direct connection to a Cloud SQL public IP (without the proxy) is admitted only from its authorized networks.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/authorize-networks',
  },
  'no-ip': {
    statement: 'An instance with neither a public nor a private IP cannot be reached.',
    confidence: 'documented',
    source: 'https://cloud.google.com/network-intelligence-center/docs/connectivity-tests/concepts/overview',
  },
  'redis-authorized-network': {
    statement: 'A Memorystore instance is reachable only from its authorized network; VPC peering is not transitive.',
    confidence: 'documented',
    source: 'https://cloud.google.com/memorystore/docs/redis/networking',
  },
  'redis-direct-peering': {
    statement: 'With DIRECT_PEERING, a Memorystore instance\'s address lies in its own reserved range, reached over the peering Memorystore creates with its authorized network; private services access is not needed.',
    confidence: 'documented',
    source: 'https://cloud.google.com/memorystore/docs/redis/networking',
  },
  'redis-port': {
    statement: 'Memorystore for Redis listens on 6379, or on 6378 with in-transit encryption (the latter unconfirmed).',
    confidence: 'assumed',
    source: 'https://cloud.google.com/memorystore/docs/redis/in-transit-encryption',
  },
  'internal-address-in-vpc': {
    statement: 'An internal address is delivered when it lies in a subnet or private-services range of the egress network or of a directly peered network.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc/docs/vpc-peering',
  },
  'connector-network-tags': {
    statement: 'Serverless VPC Access connector instances carry the network tags vpc-connector and vpc-connector-REGION-NAME, so firewall rules can target connector traffic by tag.',
    confidence: 'documented',
    source: 'https://cloud.google.com/vpc/docs/serverless-vpc-access#firewall-rules',
  },
  'firewall-egress': {
    statement: 'VPC egress firewall rules apply by priority (lowest number first); the implied rule allows all egress.',
    confidence: 'documented',
    source: 'https://cloud.google.com/firewall/docs/firewalls',
  },
  'source-allowlist': {
    statement: 'An endpoint that allow-lists source IPs rejects connections from any other source address.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/static-outbound-ip',
  },
  'loopback-sidecar': {
    statement: 'Loopback traffic never leaves the instance; containers of one Cloud Run instance share the network namespace, so a sidecar listening on localhost is reached directly.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/deploying#sidecars',
  },
  'hostname-resolution': {
    statement: 'A host name that is not an IP address is assumed to resolve to a public address (internal-looking names are left undetermined).',
    confidence: 'assumed',
    source: 'https://cloud.google.com/run/docs/configuring/networking-best-practices',
  },
  // Capacity, limits and formats the rules rely on.
  'connector-instance-bounds': {
    statement: 'A connector runs 2–9 minimum and 3–10 maximum instances, the maximum above the minimum (create defaults: 2 and 10); an update may only raise them, so lowering means recreating the connector.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sdk/gcloud/reference/compute/networks/vpc-access/connectors/update',
  },
  'connector-throughput': {
    statement: 'A connector\'s throughput is estimated per machine type across its instance range: f1-micro 100–500 Mbps, e2-micro 200–1000 Mbps, e2-standard-4 3200–16000 Mbps (about 50, 100 and 1600 Mbps per instance).',
    confidence: 'assumed',
    source: 'https://cloud.google.com/vpc/docs/serverless-vpc-access#scaling',
  },
  'direct-vpc-subnet-size': {
    statement: 'Direct VPC egress needs a subnet of /26 or larger; Cloud Run reserves addresses in blocks of 16 and uses about twice the instance count.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/vpc-direct-vpc',
  },
  'cloudsql-socket-path': {
    statement: 'The built-in Cloud SQL connection is a Unix socket under /cloudsql/PROJECT:REGION:INSTANCE (PostgreSQL: .s.PGSQL.5432 in it); drivers take it as host=/cloudsql/PROJECT:REGION:INSTANCE.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'cloudsql-max-connections-default': {
    statement: 'Cloud SQL for PostgreSQL sets max_connections by instance memory unless the flag is set: 25 on db-f1-micro, 50 on db-g1-small, then 100 from 3.75 GB up to 1000 from 120 GB.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/flags',
  },
  'postgres-superuser-reserved': {
    statement: 'PostgreSQL keeps superuser_reserved_connections (default 3) of max_connections for superusers only.',
    confidence: 'documented',
    source: 'https://www.postgresql.org/docs/current/runtime-config-connection.html',
  },
  'cloudsql-admin-sessions': {
    statement: 'Cloud SQL\'s own cloudsqladmin sessions hold some connection slots; one operator measured 2 on db-f1-micro. Google documents no figure.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/sql/docs/postgres/flags',
  },
  'cloudsql-instance-connection-limit': {
    statement: 'Each Cloud Run instance is limited to 100 connections to a Cloud SQL database through the built-in connection; the total grows with the instance count.',
    confidence: 'documented',
    source: 'https://cloud.google.com/sql/docs/postgres/connect-run',
  },
  'cloudsql-admin-api-quota': {
    statement: 'Google documents no default for the Cloud SQL Admin API quota the built-in connection and the connectors call; 180 per minute per user is the limit users report hitting.',
    confidence: 'assumed',
    source: 'https://cloud.google.com/sql/docs/quotas',
  },
  'redis-peering-modes': {
    statement: 'A Memorystore instance with DIRECT_PEERING has a VPC peering of its own, shared with no other service; with PRIVATE_SERVICE_ACCESS it uses the private services access range and peering other Google services share.',
    confidence: 'documented',
    source: 'https://cloud.google.com/memorystore/docs/redis/networking',
  },
  'startup-probe-window': {
    statement: 'A startup probe fails once failureThreshold × periodSeconds pass without success, a window capped at 240 s; initialDelaySeconds (up to 240 s) adds to it.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/reference/rest/v2/Containers#Probe',
  },
  'secret-resource-name': {
    statement: 'A secret in another project is referenced as projects/PROJECT_NUMBER/secrets/NAME; a version is `latest` or a number.',
    confidence: 'documented',
    source: 'https://cloud.google.com/run/docs/configuring/services/secrets',
  },
} as const satisfies Record<string, Fact>;

export type FactId = keyof typeof FACTS;

/** Where a fact is explained, from a doc in docs/ or docs/rules/. */
export const factLink = (id: FactId, from: 'docs' | 'docs/rules' = 'docs'): string => `${from === 'docs' ? '' : '../'}facts.md#${id}`;

export const FACTS_MARKER = '<!-- Generated from src/analysis/reachability/facts.ts by `lifeline explain --write-docs docs/rules`. Do not edit. -->';

/**
 * docs/facts.md: every platform fact verdicts and rules rest on, with how sure Lifeline is of it
 * and the page that says so.
 */
export function renderFactsDoc(): string {
  const entries = Object.entries(FACTS) as [FactId, Fact][];
  const documented = entries.filter(([, f]) => f.confidence === 'documented').length;
  return [
    FACTS_MARKER,
    '',
    '# Platform facts',
    '',
    'Every behaviour of Google Cloud that Lifeline\'s verdicts and rules rest on, each with the page',
    'that documents it. **documented**: Google\'s own pages say so. **assumed**: inferred or reported',
    'by users, not confirmed by Google; a verdict resting on one says so (`assumed:` in the text',
    'report; in the JSON report each hop carries its `fact`, by id), so that you can check it live',
    'with `lifeline probe`. Each rule\'s page lists the facts it relies on.',
    '',
    `${entries.length} facts: ${documented} documented, ${entries.length - documented} assumed.`,
    '',
    ...entries.flatMap(([id, f]) => [`## ${id}`, '', f.statement, '', `- Confidence: ${f.confidence}`, `- Source: <${f.source}>`, '']),
  ].join('\n');
}
