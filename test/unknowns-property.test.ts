import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { analyzeReachability, indexTopology } from '../src/analysis/reachability/engine.js';
import { pathKey, type Verdict } from '../src/analysis/reachability/path.js';
import { buildTopology } from '../src/model/build.js';
import { topologyFileSchema } from '../src/model/schema.js';

/**
 * "Unknown is not absent": forgetting a value the configuration gave may make a verdict less
 * certain, never more hopeful. Generated topologies are analysed, then analysed again with some of
 * their known values replaced by unknowns; no path may go from non-REACHABLE to REACHABLE.
 *
 * Generated values stay within the engine's stated assumptions, so that the comparison is about
 * unknowns alone: private services access ranges are RFC 1918 (fact managed-range-rfc1918 assumes
 * it of a range Google allocates), and connector ranges never overlap them (an overlap with a
 * range that is not known is not reported: it cannot be told from the files).
 */

type TopologyInput = z.input<typeof topologyFileSchema>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Entry = Mutable<Record<string, unknown>>;

interface Shape {
  readonly pga: readonly [boolean, boolean];
  readonly nat: 'none' | 'all' | 'named' | 'all-static';
  readonly psa: boolean;
  readonly firewall: 'none' | '198.51.100.0/24' | '10.20.0.0/24' | '10.20.0.0/16' | '0.0.0.0/0' | '34.0.0.0/8';
  readonly connectorState: 'READY' | 'ERROR';
  readonly db: { readonly publicIp: boolean; readonly privateIp: boolean; readonly privateNetwork: 'vpc' | 'other'; readonly authorized: boolean };
  readonly cache: { readonly mode: 'DIRECT_PEERING' | 'PRIVATE_SERVICE_ACCESS'; readonly network: 'vpc' | 'other'; readonly reserved: boolean };
  readonly services: readonly { readonly egress: 'private-ranges-only' | 'all-traffic'; readonly access: 'none' | 'named' | 'custom' | 'direct'; readonly mounted: boolean }[];
}

const shape: fc.Arbitrary<Shape> = fc.record({
  pga: fc.tuple(fc.boolean(), fc.boolean()),
  nat: fc.constantFrom('none', 'all', 'named', 'all-static'),
  psa: fc.boolean(),
  firewall: fc.constantFrom('none', '198.51.100.0/24', '10.20.0.0/24', '10.20.0.0/16', '0.0.0.0/0', '34.0.0.0/8'),
  connectorState: fc.constantFrom('READY', 'ERROR'),
  db: fc.record({ publicIp: fc.boolean(), privateIp: fc.boolean(), privateNetwork: fc.constantFrom('vpc', 'other'), authorized: fc.boolean() }),
  cache: fc.record({ mode: fc.constantFrom('DIRECT_PEERING', 'PRIVATE_SERVICE_ACCESS'), network: fc.constantFrom('vpc', 'other'), reserved: fc.boolean() }),
  services: fc.array(
    fc.record({ egress: fc.constantFrom('private-ranges-only', 'all-traffic'), access: fc.constantFrom('none', 'named', 'custom', 'direct'), mounted: fc.boolean() }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** Every dependency kind the engine routes differently. */
const DEPENDENCIES = [
  { name: 'socket', critical: true, database: 'db', via: 'cloudsql-socket' },
  { name: 'private', critical: true, database: 'db', via: 'private-ip' },
  { name: 'public', critical: true, database: 'db', via: 'public-ip' },
  { name: 'cache', critical: true, cache: 'cache' },
  { name: 'saas', critical: true, external: 'saas' },
  { name: 'allow', critical: true, external: 'allow' },
  { name: 'storage', critical: true, url: 'https://storage.googleapis.com' },
  { name: 'internal', critical: true, url: 'http://10.10.0.7:8080' },
] as const;

function topologyOf(s: Shape): TopologyInput {
  const nats = s.nat === 'none' ? [] : [{ name: 'nat', subnets: s.nat === 'named' ? ['conn-subnet', 'main'] : ('all' as const), natIps: s.nat === 'all-static' ? ['203.0.113.10'] : ('auto' as const) }];
  return {
    project: 'p',
    region: 'europe-west1',
    networks: [
      {
        name: 'vpc',
        subnets: [
          { name: 'conn-subnet', cidr: '10.8.0.0/28', privateGoogleAccess: s.pga[0] },
          { name: 'main', cidr: '10.10.0.0/24', privateGoogleAccess: s.pga[1] },
        ],
        routers: [{ name: 'router', nats }],
        ...(s.psa ? { privateServicesAccess: { ranges: ['10.20.0.0/16'] } } : {}),
        firewall: s.firewall === 'none' ? [] : [{ name: 'deny', action: 'deny', priority: 900, destinationRanges: [s.firewall] }],
      },
      { name: 'other', subnets: [{ name: 'other-main', cidr: '10.30.0.0/24' }], privateServicesAccess: { ranges: ['10.31.0.0/16'] } },
    ],
    connectors: [
      { name: 'named', network: 'vpc', subnet: 'conn-subnet', state: s.connectorState },
      { name: 'custom', network: 'vpc', ipCidrRange: '10.9.0.0/28' },
    ],
    databases: [
      {
        name: 'db',
        publicIp: s.db.publicIp ? '198.51.100.20' : null,
        privateIp: s.db.privateIp ? (s.db.privateNetwork === 'vpc' ? '10.20.0.3' : '10.31.0.3') : null,
        ...(s.db.privateIp ? { privateNetwork: s.db.privateNetwork } : {}),
        authorizedNetworks: s.db.authorized ? [{ cidr: '203.0.113.10/32' }] : [],
      },
    ],
    caches: [
      {
        name: 'cache',
        host: s.cache.network === 'vpc' ? '10.20.1.4' : '10.31.1.4',
        authorizedNetwork: s.cache.network,
        connectMode: s.cache.mode,
        ...(s.cache.reserved && s.cache.mode === 'DIRECT_PEERING' ? { reservedIpRange: s.cache.network === 'vpc' ? '10.20.1.0/29' : '10.31.1.0/29' } : {}),
      },
    ],
    externals: [
      { name: 'saas', url: 'https://saas.example.com' },
      { name: 'allow', url: 'https://allow.example.com', allowedSourceRanges: ['203.0.113.10/32'] },
    ],
    services: s.services.map((svc, i) => ({
      name: `s${i}`,
      inferDependencies: false,
      egress: svc.egress,
      ...(svc.access === 'named' ? { connector: 'named' } : svc.access === 'custom' ? { connector: 'custom' } : svc.access === 'direct' ? { directVpc: { network: 'vpc', subnet: 'main' } } : {}),
      cloudSqlInstances: svc.mounted ? ['p:europe-west1:db'] : [],
      dependencies: DEPENDENCIES.map((d) => ({ ...d })),
    })),
  };
}

/** One known value the configuration gives, and how to forget it. */
type Forget = (t: TopologyInput) => void;

const entries = (list: unknown): Entry[] => (Array.isArray(list) ? (list as Entry[]) : []);

/** Sets `key` to `unknown` on every entry of the list. */
function forgetAll(list: unknown, key: string): void {
  for (const entry of entries(list)) entry[key] = 'unknown';
}

const FORGETTERS: Readonly<Record<string, Forget>> = {
  egress: (t) => {
    forgetAll(t.services, 'egress');
  },
  connectorState: (t) => {
    forgetAll(t.connectors, 'state');
  },
  natIps: (t) => {
    for (const network of entries(t.networks)) for (const router of entries(network.routers)) forgetAll(router.nats, 'natIps');
  },
  psaRanges: (t) => {
    for (const network of entries(t.networks)) if (network.privateServicesAccess !== undefined) network.privateServicesAccess = { ranges: 'unknown' };
  },
  publicIp: (t) => {
    forgetAll(t.databases, 'publicIp');
  },
  // Known to exist, address forgotten: the state an importer gives for ipv4_enabled.
  publicIpAddress: (t) => {
    for (const db of entries(t.databases)) {
      if (typeof db.publicIp !== 'string' || db.publicIp === 'unknown') continue;
      db.ipv4Enabled = true;
      delete db.publicIp;
    }
  },
  privateIp: (t) => {
    forgetAll(t.databases, 'privateIp');
  },
  databaseState: (t) => {
    forgetAll(t.databases, 'state');
  },
  cacheHost: (t) => {
    forgetAll(t.caches, 'host');
  },
  cacheState: (t) => {
    forgetAll(t.caches, 'state');
  },
};

function verdicts(input: TopologyInput): Map<string, Verdict> {
  const { topology, issues } = buildTopology(topologyFileSchema.parse(input), 'generated.yaml');
  assert.deepEqual(issues, []);
  return new Map(analyzeReachability(indexTopology(topology)).map((p) => [pathKey(p), p.verdict]));
}

describe('unknowns never make a path more reachable', () => {
  it('replacing known values with unknowns never turns a non-REACHABLE path REACHABLE', () => {
    const seen = new Set<Verdict>();
    fc.assert(
      fc.property(shape, fc.subarray(Object.keys(FORGETTERS), { minLength: 1 }), (s, forgotten) => {
        const input = topologyOf(s);
        const before = verdicts(input);
        const blurred = structuredClone(input);
        for (const name of forgotten) FORGETTERS[name]?.(blurred);
        const after = verdicts(blurred);
        assert.deepEqual([...after.keys()], [...before.keys()]);
        for (const [key, verdict] of before) {
          seen.add(verdict);
          if (verdict !== 'REACHABLE') assert.notEqual(after.get(key), 'REACHABLE', `${key} was ${verdict}; forgetting ${forgotten.join(', ')} made it REACHABLE`);
        }
      }),
      { numRuns: 200 },
    );
    // The generator reaches every verdict, so the property is not vacuous.
    for (const verdict of ['REACHABLE', 'UNREACHABLE', 'UNDETERMINED'] as const) assert.ok(seen.has(verdict), `no generated path was ${verdict}`);
  });
});
