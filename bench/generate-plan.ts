/**
 * Deterministic generator of synthetic Terraform plans (`terraform show -json`, format 1.2) for
 * `npm run bench:import`. Resources come in stacks of ten — network, subnet, router, Cloud NAT,
 * connector, Cloud SQL instance, Memorystore, secret, secret version, Cloud Run v2 service — so a
 * plan of 5,000 resources has 500 of each. One stack in ten is being created, so its database IPs,
 * Redis host and secret version are known only after apply.
 */
const PROVIDER = 'registry.terraform.io/hashicorp/google';
const PROJECT = 'acme-prod';
const REGION = 'europe-west1';
export const RESOURCES_PER_STACK = 10;

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
  readonly unknown: Record<string, unknown>;
  readonly references: Record<string, readonly string[]>;
  readonly created: boolean;
}

function stack(i: number): Resource[] {
  const created = i % 10 === 0;
  const net = `net-${i}`;
  const link = `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/${net}`;
  const octet = i % 250;
  const third = Math.floor(i / 250);
  const r = (type: string, name: string, values: Record<string, unknown>, unknown: Record<string, unknown> = {}, references: Record<string, readonly string[]> = {}): Resource => ({ type, name, values, unknown, references, created });
  const ref = (address: string) => [`${address}.id`, address];
  return [
    r('google_compute_network', `vpc_${i}`, { name: net, auto_create_subnetworks: false, project: PROJECT, self_link: link }),
    r('google_compute_subnetwork', `run_${i}`, { name: `${net}-run`, network: link, region: REGION, ip_cidr_range: `10.${third}.${octet}.0/24`, private_ip_google_access: i % 2 === 0 }, {}, { network: ref(`google_compute_network.vpc_${i}`) }),
    r('google_compute_router', `router_${i}`, { name: `${net}-router`, network: link, region: REGION }, {}, { network: ref(`google_compute_network.vpc_${i}`) }),
    r('google_compute_router_nat', `nat_${i}`, { name: `${net}-nat`, router: `${net}-router`, region: REGION, nat_ip_allocate_option: 'AUTO_ONLY', source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES', nat_ips: [], subnetwork: [] }, {}, { router: [`google_compute_router.router_${i}.name`, `google_compute_router.router_${i}`] }),
    r('google_vpc_access_connector', `conn_${i}`, { name: `${net}-conn`, region: REGION, network: net, ip_cidr_range: `10.${100 + third}.${octet}.0/28`, min_instances: 2, max_instances: 3, machine_type: 'e2-micro', subnet: [] }, {}, { network: [`google_compute_network.vpc_${i}.name`, `google_compute_network.vpc_${i}`] }),
    r(
      'google_sql_database_instance',
      `db_${i}`,
      {
        name: `${net}-db`,
        region: REGION,
        database_version: 'POSTGRES_15',
        ...(created ? {} : { public_ip_address: `192.0.2.${octet}`, private_ip_address: '', connection_name: `${PROJECT}:${REGION}:${net}-db` }),
        settings: [{ tier: 'db-custom-2-7680', database_flags: [{ name: 'max_connections', value: '500' }], ip_configuration: [{ ipv4_enabled: true, private_network: '', ssl_mode: 'ENCRYPTED_ONLY', authorized_networks: [] }] }],
      },
      created ? { public_ip_address: true, private_ip_address: true, connection_name: true } : {},
    ),
    r('google_redis_instance', `cache_${i}`, { name: `${net}-cache`, region: REGION, port: 6379, authorized_network: link, connect_mode: 'DIRECT_PEERING', auth_enabled: true, transit_encryption_mode: 'SERVER_AUTHENTICATION', ...(created ? {} : { host: `10.${200 + third}.${octet}.4` }) }, created ? { host: true } : {}, { authorized_network: ref(`google_compute_network.vpc_${i}`) }),
    r('google_secret_manager_secret', `secret_${i}`, { secret_id: `${net}-db-url`, project: PROJECT, replication: [{ auto: [{}] }] }),
    r('google_secret_manager_secret_version', `secret_v_${i}`, { enabled: true, secret: `projects/${PROJECT}/secrets/${net}-db-url`, ...(created ? {} : { name: `projects/123/secrets/${net}-db-url/versions/1`, version: '1' }) }, created ? { name: true, version: true } : {}, { secret: ref(`google_secret_manager_secret.secret_${i}`) }),
    r('google_cloud_run_v2_service', `svc_${i}`, {
      name: `svc-${i}`,
      location: REGION,
      template: [
        {
          vpc_access: [{ connector: `projects/${PROJECT}/locations/${REGION}/connectors/${net}-conn`, egress: i % 3 === 0 ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY', network_interfaces: [] }],
          scaling: [{ min_instance_count: 0, max_instance_count: 10 }],
          max_instance_request_concurrency: 80,
          timeout: '300s',
          volumes: [{ name: 'cloudsql', cloud_sql_instance: [{ instances: [`${PROJECT}:${REGION}:${net}-db`] }] }],
          containers: [{ image: `europe-docker.pkg.dev/${PROJECT}/app/svc:${i}`, env: [{ name: 'LOG_LEVEL', value: 'info', value_source: [] }, { name: 'DATABASE_URL', value: '', value_source: [{ secret_key_ref: [{ secret: `${net}-db-url`, version: '1' }] }] }] }],
        },
      ],
    }),
  ];
}

/** A plan of `count` resources (rounded down to whole stacks), as the text `terraform show -json` prints. */
export function generatePlan(count: number): string {
  const resources = Array.from({ length: Math.floor(count / RESOURCES_PER_STACK) }, (_, i) => stack(i)).flat();
  const address = (r: Resource) => `${r.type}.${r.name}`;
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: { root_module: { resources: resources.map((r) => ({ address: address(r), mode: 'managed', type: r.type, name: r.name, provider_name: PROVIDER, schema_version: 0, values: r.values, sensitive_values: {} })) } },
    resource_changes: resources.map((r) => ({
      address: address(r),
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_name: PROVIDER,
      change: { actions: [r.created ? 'create' : 'no-op'], before: r.created ? null : r.values, after: r.values, after_unknown: r.unknown, before_sensitive: r.created ? false : {}, after_sensitive: {} },
    })),
    configuration: {
      provider_config: { google: { name: 'google', full_name: PROVIDER, expressions: { project: { constant_value: PROJECT }, region: { constant_value: REGION } } } },
      root_module: {
        resources: resources.map((r) => ({
          address: address(r),
          mode: 'managed',
          type: r.type,
          name: r.name,
          provider_config_key: 'google',
          expressions: Object.fromEntries(Object.entries(r.references).map(([k, refs]) => [k, { references: refs }])),
          schema_version: 0,
        })),
      },
    },
    timestamp: '2026-11-20T09:12:44Z',
    applyable: true,
    complete: true,
    errored: false,
  };
  return `${JSON.stringify(plan, null, 2)}\n`;
}
