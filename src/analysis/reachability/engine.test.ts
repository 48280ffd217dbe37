import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeReachability, indexTopology } from './engine.js';
import type { PathResult } from './path.js';

/** A small topology: one VPC, a connector on a named subnet, a database, a cache and externals. */
function topology(overrides: { service: string; networks?: string; extra?: string }): string {
  return `
project: p
region: europe-west1
networks:
${
  overrides.networks ??
  `  - name: vpc
    subnets:
      - {name: conn-subnet, cidr: 10.8.0.0/28}
      - {name: main, cidr: 10.10.0.0/24, privateGoogleAccess: true}
    routers:
      - name: r1
        nats: []
    privateServicesAccess: {ranges: [10.20.0.0/16]}
  - name: other
    subnets:
      - {name: other-main, cidr: 10.30.0.0/24}`
}
addresses:
  - {name: egress-ip, address: 203.0.113.10}
connectors:
  - {name: conn, network: vpc, subnet: conn-subnet}
  - {name: hidden, network: vpc, ipCidrRange: 10.9.0.0/28}
  - {name: broken, network: vpc, subnet: conn-subnet, state: ERROR}
  - {name: far, network: vpc, subnet: conn-subnet, region: us-central1}
databases:
  - {name: pub, publicIp: 198.51.100.20}
  - {name: priv, privateIp: 10.20.0.3, privateNetwork: vpc}
  - {name: privother, privateIp: 10.20.0.9, privateNetwork: other}
  - {name: direct, publicIp: 198.51.100.30, authorizedNetworks: [{cidr: 203.0.113.10/32}]}
caches:
  - {name: redis, host: 10.20.1.4, authorizedNetwork: vpc}
  - {name: redis-other, host: 10.30.1.4, authorizedNetwork: other}
externals:
  - {name: saas, url: "https://saas.example.com"}
  - {name: allow, url: "https://allow.example.com:8443", allowedSourceRanges: [203.0.113.10/32]}
${overrides.extra ?? ''}
services:
${overrides.service}
`;
}

function analyze(yaml: string): PathResult[] {
  const { topology: t } = parseTopology('test.yaml', yaml);
  return analyzeReachability(indexTopology(t));
}

function only(yaml: string): PathResult {
  const paths = analyze(yaml);
  assert.equal(paths.length, 1, `expected one path, got ${paths.map((p) => p.dependency).join(', ')}`);
  const [path] = paths;
  assert.ok(path);
  return path;
}

const svc = (props: string, dep: string): string => `  - name: s
    inferDependencies: false
${props
  .split('\n')
  .filter(Boolean)
  .map((l) => `    ${l}`)
  .join('\n')}
    dependencies:
      - {name: d, critical: true, ${dep}}`;

describe('egress selection', () => {
  it('a service without VPC access cannot reach an internal address', () => {
    const p = only(topology({ service: svc('', 'cache: redis') }));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.cause, 'VPC_CONNECTOR_NOT_SET');
  });

  it('private-ranges-only sends a public destination over Cloud Run\'s own path', () => {
    const p = only(topology({ service: svc('connector: conn', 'external: saas') }));
    assert.equal(p.verdict, 'REACHABLE');
    assert.ok(p.hops.some((h) => h.step === 'SELECT_EGRESS' && h.detail.includes("Cloud Run's own internet path")));
  });

  it('all-traffic without Cloud NAT leaves a public destination no way out', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic', 'external: saas') }));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.cause, 'NO_EXTERNAL_ADDRESS');
    assert.equal(p.confidence, 'documented');
  });

  it('the deprecated alias "all" means all-traffic', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all', 'external: saas') }));
    assert.equal(p.cause, 'NO_EXTERNAL_ADDRESS');
  });

  it('RFC 6598 destinations under private-ranges-only are UNDETERMINED and say so', () => {
    const p = only(topology({ service: svc('connector: conn', 'url: "http://100.64.1.2:8080"') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.equal(p.confidence, 'assumed');
  });

  it('an unknown egress that does not change the outcome still gives a verdict', () => {
    const p = only(topology({ service: svc('connector: conn\negress: unknown', 'cache: redis') }));
    assert.equal(p.verdict, 'REACHABLE');
    assert.match(p.assumptions.join(' '), /egress is unknown/);
  });

  it('an unknown egress that changes the outcome is UNDETERMINED', () => {
    const p = only(topology({ service: svc('connector: conn\negress: unknown', 'external: saas') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.equal(p.cause, 'UNKNOWN_CONFIGURATION');
  });
});

describe('loopback', () => {
  it('a sidecar on localhost is reached whatever the egress', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic', 'url: "postgresql://127.0.0.1:5432/db"') }));
    assert.equal(p.verdict, 'REACHABLE');
    assert.match(p.hops[1]?.detail ?? '', /stays inside the instance/);
  });
});

describe('connectors and Direct VPC', () => {
  it('a connector that is not READY drops', () => {
    const p = only(topology({ service: svc('connector: broken', 'cache: redis') }));
    assert.equal(p.cause, 'VPC_CONNECTOR_NOT_RUNNING');
  });

  it('a connector in another region drops', () => {
    const p = only(topology({ service: svc('connector: far', 'cache: redis') }));
    assert.equal(p.cause, 'VPC_CONNECTOR_REGION_MISMATCH');
  });

  it('a connector that is not described is UNDETERMINED', () => {
    const p = only(topology({ service: svc('connector: ghost', 'cache: redis') }));
    assert.equal(p.verdict, 'UNDETERMINED');
  });

  it('Direct VPC with Private Google Access reaches Google APIs under all-traffic without NAT', () => {
    const p = only(topology({ service: svc('directVpc: {network: vpc, subnet: main}\negress: all-traffic', 'url: "https://storage.googleapis.com"') }));
    assert.equal(p.verdict, 'REACHABLE');
    assert.ok(p.hops.some((h) => h.step === 'PRIVATE_GOOGLE_ACCESS'));
  });

  it('without Private Google Access or NAT, Google APIs are unreachable under all-traffic', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic', 'url: "https://storage.googleapis.com"') }));
    assert.equal(p.cause, 'PRIVATE_GOOGLE_ACCESS_DISALLOWED');
  });
});

const unknownKeys = (p: PathResult): string[] => p.hops.flatMap((h) => (h.unknown ? [h.unknown.key] : []));

describe('regions that are not known', () => {
  const networks = (router: string) => `  - name: vpc
    subnets:
      - {name: conn-subnet, cidr: 10.8.0.0/28}
      - {name: run, cidr: 10.10.0.0/24, region: unknown}
    routers:
      - {name: r1, ${router}nats: [{name: n1, subnets: all}]}`;

  it("a connector's or a Direct VPC subnet's unknown region leaves the region check UNDETERMINED, naming the value", () => {
    const withC2 = topology({ service: svc('connector: c2', 'cache: redis') }).replace('connectors:\n', 'connectors:\n  - {name: c2, network: vpc, subnet: conn-subnet, region: unknown}\n');
    const viaConnector = only(withC2);
    assert.equal(viaConnector.verdict, 'UNDETERMINED');
    assert.deepEqual(unknownKeys(viaConnector), ['connector:c2.region']);
    const direct = only(topology({ service: svc('directVpc: {network: vpc, subnet: run}', 'cache: redis'), networks: networks('region: europe-west1, ') }));
    assert.equal(direct.verdict, 'UNDETERMINED');
    assert.deepEqual(unknownKeys(direct), ['subnet:run.region']);
  });

  it('a NAT on a router of unknown region may serve the entry: UNDETERMINED, not "no Cloud NAT"', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic', 'external: saas'), networks: networks('region: unknown, ') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.deepEqual(unknownKeys(p), ['router:r1.region']);
    const known = only(topology({ service: svc('connector: conn\negress: all-traffic', 'external: saas'), networks: networks('') }));
    assert.equal(known.verdict, 'REACHABLE', 'the top-level region applies to a router that names none');
  });
});

describe('Cloud NAT', () => {
  const withNat = (nat: string) =>
    topology({
      service: svc('connector: conn\negress: all-traffic', 'external: allow'),
      networks: `  - name: vpc
    subnets:
      - {name: conn-subnet, cidr: 10.8.0.0/28}
    routers:
      - name: r1
        nats: [${nat}]`,
    });

  it('a NAT covering the connector subnet with the allow-listed static IP reaches the endpoint', () => {
    assert.equal(only(withNat('{name: n, subnets: [conn-subnet], natIps: [egress-ip]}')).verdict, 'REACHABLE');
  });

  it('a NAT with only some IPs allow-listed is AMBIGUOUS', () => {
    const p = only(withNat('{name: n, subnets: all, natIps: [egress-ip, 203.0.113.11]}'));
    assert.equal(p.verdict, 'AMBIGUOUS');
    assert.equal(p.cause, 'SOURCE_IP_NOT_ALLOWLISTED');
  });

  it('auto-allocated NAT IPs cannot be checked against an allow-list', () => {
    assert.equal(only(withNat('{name: n, subnets: all}')).verdict, 'UNDETERMINED');
  });

  it('a NAT with manual allocation and no IPs translates nothing', () => {
    assert.equal(only(withNat('{name: n, subnets: all, natIps: []}')).cause, 'CLOUD_NAT_NO_ADDRESSES');
  });

  it('a NAT naming subnets does not cover a custom-range connector (hidden subnet)', () => {
    const yaml = topology({
      service: svc('connector: hidden\negress: all-traffic', 'external: saas'),
      networks: `  - name: vpc
    subnets:
      - {name: conn-subnet, cidr: 10.8.0.0/28}
    routers:
      - name: r1
        nats: [{name: n, subnets: [conn-subnet]}]`,
    });
    const p = only(yaml);
    assert.equal(p.cause, 'NO_EXTERNAL_ADDRESS');
    assert.match(p.hops.find((h) => h.outcome === 'drop')?.detail ?? '', /hidden subnet/);
  });

  it("Cloud Run's shared egress IPs are never on an allow-list", () => {
    const p = only(topology({ service: svc('connector: conn', 'external: allow') }));
    assert.equal(p.cause, 'SOURCE_IP_NOT_ALLOWLISTED');
  });
});

describe('Cloud SQL', () => {
  it('the built-in socket needs the instance mounted', () => {
    const p = only(topology({ service: svc('connector: conn', 'database: pub, via: cloudsql-socket') }));
    assert.equal(p.cause, 'CLOUD_SQL_SOCKET_NOT_MOUNTED');
  });

  it('the socket of a public-IP instance under all-traffic without NAT is unreachable (assumed)', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic\ncloudSqlInstances: ["p:europe-west1:pub"]', 'database: pub') }));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.confidence, 'assumed');
    assert.ok(p.hops.some((h) => h.step === 'PROXY_CONNECTION'));
  });

  it('the socket of a private-only instance goes over private services access', () => {
    const p = only(topology({ service: svc('connector: conn\ncloudSqlInstances: ["p:europe-west1:priv"]', 'database: priv') }));
    assert.equal(p.verdict, 'REACHABLE');
    assert.ok(p.hops.some((h) => h.detail.includes('private IP 10.20.0.3')));
  });

  it('a private IP in another network has no route', () => {
    const p = only(topology({ service: svc('connector: conn', 'database: privother, via: private-ip') }));
    assert.equal(p.cause, 'NO_ROUTE');
  });

  it('a private IP needs private services access on the egress network', () => {
    const yaml = topology({
      service: svc('connector: conn', 'database: priv, via: private-ip'),
      networks: `  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]`,
    });
    assert.equal(only(yaml).cause, 'GOOGLE_MANAGED_SERVICE_NO_PEERING');
  });

  it("a direct public-IP connection must come from an authorized network", () => {
    assert.equal(only(topology({ service: svc('', 'database: direct, via: public-ip') })).cause, 'CLOUD_SQL_INSTANCE_UNAUTHORIZED_ACCESS');
  });

  it('an instance that is not RUNNABLE drops', () => {
    const yaml = topology({ service: svc('connector: conn', 'database: stopped, via: private-ip'), extra: '' }).replace(
      'databases:\n',
      'databases:\n  - {name: stopped, privateIp: 10.20.0.5, privateNetwork: vpc, state: STOPPED}\n',
    );
    assert.equal(only(yaml).cause, 'CLOUD_SQL_INSTANCE_NOT_RUNNING');
  });
});

describe('Memorystore and internal addresses', () => {
  it('a cache authorized for another network is unreachable, peered or not', () => {
    assert.equal(only(topology({ service: svc('connector: conn', 'cache: redis-other') })).cause, 'REDIS_INSTANCE_NO_ROUTE_TO_DESTINATION_NETWORK');
  });

  it('the wrong port for a cache drops', () => {
    assert.equal(only(topology({ service: svc('connector: conn', 'url: "redis://10.20.1.4:6380"') })).cause, 'REDIS_INSTANCE_UNSUPPORTED_PORT');
  });

  it('an internal address outside every known range is UNDETERMINED', () => {
    const p = only(topology({ service: svc('connector: conn', 'url: "http://10.99.0.1:8080"') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.equal(p.cause, 'UNKNOWN_INTERNAL_ADDRESS');
  });

  it('an address in a subnet of the network is delivered', () => {
    assert.equal(only(topology({ service: svc('connector: conn', 'url: "http://10.10.0.7:8080"') })).verdict, 'REACHABLE');
  });

  it('an egress firewall deny rule drops', () => {
    const yaml = topology({
      service: svc('connector: conn', 'url: "http://10.10.0.7:8080"'),
      networks: `  - name: vpc
    subnets:
      - {name: conn-subnet, cidr: 10.8.0.0/28}
      - {name: main, cidr: 10.10.0.0/24}
    firewall:
      - {name: deny-main, action: deny, priority: 900, destinationRanges: [10.10.0.0/24], ports: [8080]}
      - {name: allow-all, action: allow, priority: 1000}`,
    });
    const p = only(yaml);
    assert.equal(p.cause, 'FIREWALL_RULE');
    assert.equal(p.blame.path.join('.'), 'networks.0.firewall.0');
  });

  it("a deny rule aimed at the connector's network tag drops its traffic; other tags do not", () => {
    const withRule = (tags: string) =>
      topology({
        service: svc('connector: conn\negress: all-traffic', 'external: saas'),
        networks: `  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]
    routers: [{name: r1, nats: [{name: n, subnets: all}]}]
    firewall:
      - {name: lock-down, action: deny, priority: 100, targetTags: [${tags}]}`,
      });
    const denied = only(withRule('vpc-connector'));
    assert.equal(denied.cause, 'FIREWALL_RULE');
    assert.equal(denied.hops.find((h) => h.outcome === 'drop')?.fact, 'connector-network-tags');
    assert.equal(only(withRule('vpc-connector-europe-west1-conn')).cause, 'FIREWALL_RULE');
    assert.equal(only(withRule('web-servers')).verdict, 'REACHABLE');
  });
});

describe("a connector's hidden subnet and Google APIs", () => {
  it('a Google API through a custom-range connector without NAT is UNDETERMINED, naming the assumption', () => {
    const p = only(topology({ service: svc('connector: hidden\negress: all-traffic', 'url: "https://storage.googleapis.com"') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.equal(p.confidence, 'assumed');
    const decisive = p.hops.find((h) => h.outcome === 'undetermined');
    assert.equal(decisive?.fact, 'connector-hidden-subnet-pga');
    assert.match(decisive.detail, /whether Private Google Access applies to a hidden subnet is not documented/);
    assert.ok(p.assumptions.some((a) => a.startsWith('unconfirmed: Whether Private Google Access applies to the hidden subnet')));
  });

  it('the socket of a public-IP instance through it is still UNREACHABLE: its port-3307 leg has no way out', () => {
    const p = only(topology({ service: svc('connector: hidden\negress: all-traffic\ncloudSqlInstances: ["p:europe-west1:pub"]', 'database: pub') }));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.cause, 'NO_EXTERNAL_ADDRESS');
    assert.deepEqual(
      p.hops.filter((h) => h.outcome !== 'forward').map((h) => [h.step, h.outcome, h.fact]),
      [
        ['PRIVATE_GOOGLE_ACCESS', 'undetermined', 'connector-hidden-subnet-pga'],
        ['NAT', 'drop', 'cloudsql-proxy-public-ip-via-vpc'],
      ],
    );
    assert.match(p.hops.at(-1)?.detail ?? '', /^pub public IP \(198\.51\.100\.20:3307\) is public/);
  });

  it('the socket of a private-IP instance through it is UNDETERMINED by its Admin API leg alone, and not shown delivered', () => {
    const p = only(topology({ service: svc('connector: hidden\negress: all-traffic\ncloudSqlInstances: ["p:europe-west1:priv"]', 'database: priv') }));
    assert.equal(p.verdict, 'UNDETERMINED');
    assert.equal(p.hops.find((h) => h.outcome === 'undetermined')?.step, 'PRIVATE_GOOGLE_ACCESS');
    assert.ok(p.hops.some((h) => h.step === 'APPLY_ROUTE' && h.outcome === 'forward'), 'the 3307 leg is evaluated too');
    assert.ok(!p.hops.some((h) => h.step === 'DELIVER'));
  });

  it('a named connector subnet without Private Google Access still drops Google APIs (documented)', () => {
    const p = only(topology({ service: svc('connector: conn\negress: all-traffic', 'url: "https://storage.googleapis.com"') }));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.confidence, 'documented');
  });
});

describe('a connector that cannot be created', () => {
  const withConnector = (connector: string, extraConnector = '') => `
project: p
region: europe-west1
networks:
  - name: vpc
    subnets:
      - {name: main, cidr: 10.10.0.0/24}
      - {name: wide-subnet, cidr: 10.8.2.0/27}
    privateServicesAccess: {ranges: [10.20.0.0/16]}
connectors:
${extraConnector}
  - ${connector}
caches:
  - {name: redis, host: 10.20.1.4, authorizedNetwork: vpc}
services:
${svc('connector: c', 'cache: redis')}
`;
  const cases: [string, string, RegExp][] = [
    ['a custom range that is not a /28', '{name: c, network: vpc, ipCidrRange: 10.8.0.0/27}', /range 10\.8\.0\.0\/27 is a \/27, but a connector needs exactly a \/28: it cannot be created/],
    ['a named subnet that is not a /28', '{name: c, network: vpc, subnet: wide-subnet}', /subnet wide-subnet \(10\.8\.2\.0\/27\) is a \/27/],
    ['a custom range overlapping a subnet', '{name: c, network: vpc, ipCidrRange: 10.10.0.16/28}', /overlaps subnet main \(10\.10\.0\.0\/24\) in network vpc: it cannot be created/],
    ['a custom range overlapping the private services access range', '{name: c, network: vpc, ipCidrRange: 10.20.5.0/28}', /overlaps the private services access range 10\.20\.0\.0\/16/],
  ];
  for (const [what, connector, detail] of cases) {
    it(`${what}: UNREACHABLE, VPC_CONNECTOR_INVALID_RANGE, blamed on the range`, () => {
      const p = only(withConnector(connector));
      assert.equal(p.verdict, 'UNREACHABLE');
      assert.equal(p.cause, 'VPC_CONNECTOR_INVALID_RANGE');
      assert.equal(p.confidence, 'documented');
      assert.match(p.hops.at(-1)?.detail ?? '', detail);
      assert.equal(p.blame.path.at(-1), connector.includes('subnet:') ? 'subnet' : 'ipCidrRange');
    });
  }

  it('of two connectors on overlapping ranges, the later one is rejected; the earlier one routes', () => {
    const p = only(withConnector('{name: c, network: vpc, ipCidrRange: 10.8.0.0/28}', '  - {name: first, network: vpc, ipCidrRange: 10.8.0.0/28}'));
    assert.equal(p.cause, 'VPC_CONNECTOR_INVALID_RANGE');
    assert.match(p.hops.at(-1)?.detail ?? '', /overlaps connector first's range 10\.8\.0\.0\/28/);
    const earlier = only(withConnector('{name: later, network: vpc, ipCidrRange: 10.8.0.0/28}', '  - {name: c, network: vpc, ipCidrRange: 10.8.0.0/28}'));
    assert.equal(earlier.verdict, 'REACHABLE');
  });

  it('an unused /28 routes', () => {
    assert.equal(only(withConnector('{name: c, network: vpc, ipCidrRange: 10.8.0.0/28}')).verdict, 'REACHABLE');
  });
});

const addEntry = (yaml: string, list: 'databases' | 'caches', entry: string): string => yaml.replace(`${list}:\n`, `${list}:\n  - ${entry}\n`);

describe('Cloud SQL with a public IP whose address is not known', () => {
  const socket = (props: string) =>
    addEntry(topology({ service: svc(`${props}\ncloudSqlInstances: ["p:europe-west1:enabled"]`, 'database: enabled') }), 'databases', '{name: enabled, ipv4Enabled: true}');

  it("under private-ranges-only the proxy goes over Cloud Run's own internet path: REACHABLE without the address", () => {
    const p = only(socket('connector: conn'));
    assert.equal(p.verdict, 'REACHABLE');
    assert.ok(p.hops.some((h) => h.detail.startsWith('enabled has a public IP whose address is not known (enabled has a public IP, but its address is not given in test.yaml)')));
  });

  it('under all-traffic without NAT its port-3307 leg has no way out, even where Private Google Access carries the Admin API call', () => {
    const p = only(socket('directVpc: {network: vpc, subnet: main}\negress: all-traffic'));
    assert.equal(p.verdict, 'UNREACHABLE');
    assert.equal(p.cause, 'NO_EXTERNAL_ADDRESS');
    assert.ok(p.hops.some((h) => h.step === 'PRIVATE_GOOGLE_ACCESS' && h.outcome === 'forward'));
    assert.match(p.hops.at(-1)?.detail ?? '', /^enabled public IP \(address not known:3307\) is public, but no Cloud NAT/);
  });

  it('under all-traffic with a NAT covering the subnet it is REACHABLE', () => {
    const yaml = socket('connector: conn\negress: all-traffic').replace('        nats: []', '        nats: [{name: n, subnets: [conn-subnet]}]');
    assert.equal(only(yaml).verdict, 'REACHABLE');
  });

  it('a plain unknown (whether there is a public IP at all) still leaves the path UNDETERMINED', () => {
    const yaml = addEntry(topology({ service: svc('connector: conn\ncloudSqlInstances: ["p:europe-west1:maybe"]', 'database: maybe') }), 'databases', '{name: maybe, publicIp: unknown}');
    assert.equal(only(yaml).verdict, 'UNDETERMINED');
  });

  it('a firewall rule that may or may not hold the unknown address leaves it UNDETERMINED; one that surely holds it decides', () => {
    const withRule = (range: string) =>
      addEntry(
        topology({
          service: svc('connector: conn\negress: all-traffic\ncloudSqlInstances: ["p:europe-west1:enabled"]', 'database: enabled'),
          networks: `  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28, privateGoogleAccess: true}]
    routers: [{name: r1, nats: [{name: n, subnets: all}]}]
    firewall:
      - {name: deny-some, action: deny, priority: 900, destinationRanges: [${range}]}`,
        }),
        'databases',
        '{name: enabled, ipv4Enabled: true}',
      );
    const maybe = only(withRule('34.0.0.0/8'));
    assert.equal(maybe.verdict, 'UNDETERMINED');
    assert.match(maybe.hops.find((h) => h.outcome === 'undetermined')?.detail ?? '', /^egress firewall rule deny-some \(priority 900\) denies 34\.0\.0\.0\/8; whether enabled public IP's address, which is not known, lies there is not known$/);
    assert.equal(only(withRule('0.0.0.0/0')).cause, 'FIREWALL_RULE');
    assert.equal(only(withRule('10.0.0.0/8')).verdict, 'REACHABLE', 'a private range cannot hold a public address');
  });
});

describe('a private IP Google assigns from private services access', () => {
  const privateOnly = (props: string, networkPsa = 'privateServicesAccess: {ranges: [10.20.0.0/16]}') =>
    addEntry(
      topology({
        service: svc(`${props}\ncloudSqlInstances: ["p:europe-west1:auto"]`, 'database: auto'),
        networks: `  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]
    ${networkPsa}`,
      }),
      'databases',
      '{name: auto, privateIp: unknown, privateNetwork: vpc}',
    );

  it('is reachable from its network without its address (documented when the ranges are known)', () => {
    const p = only(privateOnly('connector: conn'));
    assert.equal(p.verdict, 'REACHABLE');
    assert.equal(p.confidence, 'documented');
    assert.ok(p.hops.some((h) => h.fact === 'cloudsql-private-ip-from-psa'));
  });

  it('with ranges Google allocated (unknown), private-ranges-only rests on their being RFC 1918, and says so', () => {
    const p = only(privateOnly('connector: conn', 'privateServicesAccess: {ranges: unknown}'));
    assert.equal(p.verdict, 'REACHABLE');
    assert.equal(p.confidence, 'assumed');
    assert.ok(p.assumptions.some((a) => a.includes('RFC 1918')));
  });

  it('a declared private-IP dependency follows the same route', () => {
    const yaml = addEntry(topology({ service: svc('connector: conn', 'database: auto, via: private-ip') }), 'databases', '{name: auto, privateIp: unknown, privateNetwork: vpc}');
    assert.equal(only(yaml).verdict, 'REACHABLE');
  });

  it('without private services access, or from another network, it is still unreachable', () => {
    assert.equal(only(privateOnly('connector: conn', '')).cause, 'GOOGLE_MANAGED_SERVICE_NO_PEERING');
    const other = addEntry(topology({ service: svc('connector: conn\ncloudSqlInstances: ["p:europe-west1:auto"]', 'database: auto') }), 'databases', '{name: auto, privateIp: unknown, privateNetwork: other}');
    assert.equal(only(other).cause, 'NO_ROUTE');
  });

  it('without its network the path is UNDETERMINED, as before', () => {
    const yaml = addEntry(topology({ service: svc('connector: conn\ncloudSqlInstances: ["p:europe-west1:auto"]', 'database: auto') }), 'databases', '{name: auto, privateIp: unknown}');
    assert.equal(only(yaml).verdict, 'UNDETERMINED');
  });
});

describe('Memorystore connect modes', () => {
  const noPsa = (cache: string, dep = 'cache: c', props = 'connector: conn') =>
    addEntry(
      topology({
        service: svc(props, dep),
        networks: `  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]`,
      }),
      'caches',
      cache,
    );

  it('DIRECT_PEERING: reached from its authorized network over its own peering, with no private services access', () => {
    const p = only(noPsa('{name: c, host: 10.0.0.3, reservedIpRange: 10.0.0.0/29, authorizedNetwork: vpc, connectMode: DIRECT_PEERING}'));
    assert.equal(p.verdict, 'REACHABLE');
    assert.equal(p.hops.find((h) => h.step === 'APPLY_ROUTE')?.fact, 'redis-direct-peering');
  });

  it('PRIVATE_SERVICE_ACCESS: needs private services access on its network', () => {
    assert.equal(only(noPsa('{name: c, host: 10.20.1.4, authorizedNetwork: vpc, connectMode: PRIVATE_SERVICE_ACCESS}')).cause, 'GOOGLE_MANAGED_SERVICE_NO_PEERING');
  });

  it('either mode with its address unknown: routed by its range, unreachable from another network', () => {
    const direct = only(noPsa('{name: c, host: unknown, reservedIpRange: 10.0.0.0/29, authorizedNetwork: vpc}'));
    assert.equal(direct.verdict, 'REACHABLE');
    assert.equal(direct.confidence, 'documented');
    const picked = only(noPsa('{name: c, host: unknown, authorizedNetwork: vpc}'));
    assert.equal(picked.verdict, 'REACHABLE');
    assert.equal(picked.confidence, 'assumed', 'the /29 Google picks is taken to be RFC 1918');
    assert.equal(only(noPsa('{name: c, host: unknown, authorizedNetwork: other}')).cause, 'REDIS_INSTANCE_NO_ROUTE_TO_DESTINATION_NETWORK');
    assert.equal(only(noPsa('{name: c, host: unknown, authorizedNetwork: vpc, connectMode: PRIVATE_SERVICE_ACCESS}')).cause, 'GOOGLE_MANAGED_SERVICE_NO_PEERING');
  });

  it("an address in a DIRECT_PEERING cache's reserved range is delivered over that peering", () => {
    const p = only(noPsa('{name: c, host: unknown, reservedIpRange: 10.0.0.0/29, authorizedNetwork: vpc}', 'url: "redis://10.0.0.5:6379"'));
    assert.equal(p.verdict, 'REACHABLE');
    assert.match(p.hops.find((h) => h.step === 'APPLY_ROUTE')?.detail ?? '', /in the reserved range 10\.0\.0\.0\/29 of cache c, peered with vpc/);
  });
});
