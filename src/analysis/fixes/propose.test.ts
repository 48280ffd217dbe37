import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../../sources/topology-file.js';
import { analyzeTopology } from '../analyze.js';

const yaml = (authorized: string) => `
project: p
region: europe-west1
networks:
  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]
    routers:
      - name: r1
        nats: [{name: n, subnets: all, natIps: [203.0.113.10]}]
connectors:
  - {name: conn, network: vpc, subnet: conn-subnet}
databases:
  - {name: db, publicIp: 198.51.100.20, requireSsl: true, authorizedNetworks: [${authorized}]}
services:
  - name: s
    connector: conn
    egress: all-traffic
    inferDependencies: false
    dependencies:
      - {name: pg, database: db, via: public-ip, critical: true}
`;

describe('fix verification', () => {
  it('never offers 0.0.0.0/0; offers the NAT static IP instead', () => {
    const { topology } = parseTopology('t.yaml', yaml(''));
    const analysis = analyzeTopology(topology);
    assert.equal(analysis.paths[0]?.cause, 'CLOUD_SQL_INSTANCE_UNAUTHORIZED_ACCESS');
    const open = analysis.rejected.find((r) => r.title.includes('0.0.0.0/0'));
    assert.match(open?.reason ?? '', /opens a security hole/);
    assert.deepEqual(
      analysis.fixes.map((f) => f.title),
      ['add 203.0.113.10/32 to the authorized networks of database db'],
    );
  });

  it('an existing 0.0.0.0/0 is itself a critical finding', () => {
    const { topology } = parseTopology('t.yaml', yaml('{cidr: 0.0.0.0/0}'));
    // Other rules may add their own notes (capacity cannot be checked without a tier): look at the
    // security findings.
    const findings = analyzeTopology(topology).findings.filter((f) => f.ruleId === 'open-authorized-network' || f.ruleId === 'ssl-not-required');
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity]), [['open-authorized-network', 'critical']]);
    assert.deepEqual(findings[0]?.origin.path, ['databases', 0, 'authorizedNetworks', 0]);
  });

  it('proposes nothing when everything is reachable', () => {
    const { topology } = parseTopology('t.yaml', yaml('{cidr: 203.0.113.10/32}'));
    const analysis = analyzeTopology(topology);
    assert.equal(analysis.paths[0]?.verdict, 'REACHABLE');
    assert.deepEqual([analysis.fixes, analysis.rejected], [[], []]);
  });

  it('widens an existing NAT instead of adding a second one', () => {
    const { topology } = parseTopology(
      't.yaml',
      `
project: p
region: europe-west1
networks:
  - name: vpc
    subnets: [{name: main, cidr: 10.10.0.0/24}]
    routers:
      - name: r1
        nats: [{name: n, subnets: [main]}]
connectors:
  - {name: conn, network: vpc, ipCidrRange: 10.8.0.0/28}
externals:
  - {name: api, url: "https://api.example.com"}
services:
  - name: s
    connector: conn
    egress: all-traffic
    inferDependencies: false
    dependencies: [{name: api, external: api, critical: true}]
`,
    );
    const analysis = analyzeTopology(topology);
    assert.equal(analysis.paths[0]?.cause, 'NO_EXTERNAL_ADDRESS');
    const recommended = analysis.fixes.find((f) => f.recommended);
    assert.deepEqual(recommended?.edits, [{ kind: 'set-nat-subnets', network: 'vpc', router: 'r1', nat: 'n', subnets: 'all' }]);
  });
});
