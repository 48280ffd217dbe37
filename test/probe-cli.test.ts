import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ProbeReport } from '../src/report/probe.js';
import { canUseNetns, createBlackhole, createNamespaceHost, type Blackhole, type NamespaceHost } from './harness/netns.js';
import { startPostgres, type PostgresServer } from './harness/postgres.js';
import { startRedis, type RedisServer } from './harness/redis.js';
import { startHttpServer, type RunningServer } from './harness/servers.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const DB_PASSWORD = 'Pr0be-DB-Passw0rd';
const REDIS_PASSWORD = 'Pr0be-Redis-Passw0rd';

let pg: PostgresServer;
let redis: RedisServer;
let api: RunningServer;
let hole: Blackhole | undefined;
let nsHost: NamespaceHost | undefined;
let dir: string;

before(async () => {
  [pg, redis, api] = await Promise.all([startPostgres({ password: DB_PASSWORD }), startRedis({ password: REDIS_PASSWORD }), startHttpServer()]);
  if (canUseNetns().ok) [hole, nsHost] = await Promise.all([createBlackhole(), createNamespaceHost()]);
  dir = mkdtempSync(join(tmpdir(), 'lifeline-probe-cli-'));
});

after(async () => {
  await Promise.all([pg.stop(), redis.stop(), api.close(), hole?.close(), nsHost?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A topology whose dependencies are the harness's servers; `egress` decides the static verdicts. */
function topology(egress: 'private-ranges-only' | 'all-traffic'): string {
  // Without namespaces the partner is a refusing loopback port instead of a black hole.
  const partner = hole ? `https://${hole.address}:8443` : 'https://127.0.0.1:1';
  const file = join(dir, `${egress}.yaml`);
  writeFileSync(
    file,
    `project: lifeline-test
region: europe-west1
networks:
  - name: vpc
    subnets: [{name: conn-subnet, cidr: 10.8.0.0/28}]
connectors:
  - {name: conn, network: vpc, subnet: conn-subnet}
databases:
  - {name: pg, connectionName: "${pg.connectionName}", publicIp: 203.0.113.5}
externals:
  - {name: api, url: "${api.url}"}
  - {name: partner, url: "${partner}"}
  - {name: status, url: "${nsHost ? nsHost.url : api.url}"}
services:
  - name: backend
    connector: conn
    egress: ${egress}
    cloudSqlInstances: ["${pg.connectionName}"]
    secrets:
      - {env: DATABASE_URL, secret: database-url, version: 1}
    env:
      CACHE_URL: "redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}"
      API_URL: "${api.url}"
    dependencies:
      - {name: partner, external: partner, critical: false}
      - {name: status, external: status, critical: false}
`,
  );
  return file;
}

/** Runs the CLI without blocking: the HTTP server under test lives in this process. */
async function probe(file: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [cli, 'probe', file, '--cloudsql-dir', pg.socketRoot, '--timeout', '800ms', ...args],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: `postgresql://${pg.user}:${DB_PASSWORD}@/${pg.database}?host=/cloudsql/${pg.connectionName}` } },
      (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
  for (const secret of [DB_PASSWORD, REDIS_PASSWORD]) {
    assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `secret printed:\n${run.stdout}${run.stderr}`);
  }
  return run;
}

describe('lifeline probe', () => {
  it('probes every dependency with the service\'s own credentials and sets the static verdict beside it', async () => {
    const run = await probe(topology('private-ranges-only'), '--format', 'json');
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as ProbeReport;
    const row = (dependency: string) => {
      const found = report.results.find((r) => r.dependency === dependency);
      assert.ok(found, `no result for ${dependency}: ${report.results.map((r) => r.dependency).join(', ')}`);
      return found;
    };
    const db = row('pg');
    assert.deepEqual([db.protocol, db.outcome, db.static.verdict, db.agrees], ['postgres', 'OK', 'REACHABLE', true]);
    assert.match(String(db.info.serverVersion), /^\d+/);
    const cache = row('cache');
    assert.deepEqual([cache.protocol, cache.outcome], ['redis', 'OK']);
    assert.deepEqual([row('api').protocol, row('api').outcome], ['http', 'OK']);
    const partner = row('partner');
    assert.equal(partner.static.verdict, 'REACHABLE');
    assert.equal(partner.outcome, hole ? 'TIMEOUT_CONNECT' : 'REFUSED');
    assert.equal(partner.agrees, !hole, 'a black hole contradicts the prediction; a refusal proves the path');
    assert.match(partner.suggestion, hole ? /firewall rule or route/ : /nothing accepts connections/);
    assert.equal(partner.severity, 'warning', 'partner is declared non-critical');
    assert.equal(report.status, 'DEGRADED');
    assert.equal(run.status, 0, 'nothing critical failed');
    // All probes ran at once: the whole run takes about one deadline, not four.
    assert.ok(report.wallMs < 800 * 1.2, `wall ${report.wallMs} ms`);
  });

  it('exits 1 when a result is at or above --fail-on', async () => {
    assert.equal((await probe(topology('private-ranges-only'), '--fail-on', 'warning')).status, 1);
  });

  it('a configuration that predicts no path while the probe connects is reported as a disagreement', async (t) => {
    if (!nsHost) {
      t.skip('needs network namespaces (root) for a reachable non-loopback host');
      return;
    }
    const run = await probe(topology('all-traffic'), '--format', 'json');
    const report = JSON.parse(run.stdout) as ProbeReport;
    const status = report.results.find((r) => r.dependency === 'status');
    assert.deepEqual([status?.static.verdict, status?.outcome, status?.agrees], ['UNREACHABLE', 'OK', false]);
    assert.match(status?.suggestion ?? '', /not what is deployed/);
    // A sidecar on loopback stays reachable whatever the egress: configuration and probe agree.
    const api = report.results.find((r) => r.dependency === 'api');
    assert.deepEqual([api?.static.verdict, api?.outcome, api?.agrees], ['REACHABLE', 'OK', true]);
    if (hole) {
      const partner = report.results.find((r) => r.dependency === 'partner');
      assert.deepEqual([partner?.static.verdict, partner?.outcome, partner?.agrees], ['UNREACHABLE', 'TIMEOUT_CONNECT', true]);
    }
  });

  it('text output names the outcome, the phases and the agreement', async () => {
    const run = await probe(topology('private-ranges-only'), '--service', 'backend');
    assert.match(run.stdout, /^Lifeline probe: DEGRADED/m);
    assert.match(run.stdout, /✓ pg \(postgres \/cloudsql\/lifeline-test:europe-west1:pg\): OK in [\d.]+ ms/);
    assert.match(run.stdout, /connect [\d.]+ms · auth [\d.]+ms · query [\d.]+ms/);
    assert.match(run.stdout, /DISAGREES/);
  });

  it('bad input and bad options exit 2', async () => {
    assert.equal((await probe(join(dir, 'missing.yaml'))).status, 2);
    assert.equal((await probe(topology('private-ranges-only'), '--timeout', 'soon')).status, 2);
    assert.equal((await probe(topology('private-ranges-only'), '--concurrency', '0')).status, 2);
  });

  it('a duration without its unit is refused, and --help shows defaults with units', async () => {
    const bare = await probe(topology('private-ranges-only'), '--timeout', '2000');
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /"2000" has no unit: write 2000ms or 2000s/);
    const help = spawnSync(process.execPath, [cli, 'probe', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /--timeout <duration>[\s\S]*\(default: 5s\)/);
  });

  it('--watch prints what changed: a database that dies, then returns', async () => {
    const child = spawn(process.execPath, [cli, 'probe', topology('private-ranges-only'), '--cloudsql-dir', pg.socketRoot, '--timeout', '500ms', '--watch', '300ms', '--service', 'backend'], {
      env: { ...process.env, DATABASE_URL: `postgresql://${pg.user}:${DB_PASSWORD}@/${pg.database}?host=/cloudsql/${pg.connectionName}` },
    });
    let out = '';
    const seen = (pattern: RegExp, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`not seen within ${ms} ms: ${pattern}\n${out}`));
        }, ms);
        const check = (): void => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            child.stdout.off('data', onData);
            resolve();
          }
        };
        const onData = (chunk: Buffer): void => {
          out += chunk.toString('utf8');
          check();
        };
        child.stdout.on('data', onData);
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await seen(/^Lifeline probe:/m, 10_000);
      await pg.kill();
      await seen(/backend → pg: OK → REFUSED/, 10_000);
      await pg.restart();
      await seen(/backend → pg: REFUSED → OK/, 15_000);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.ok(!out.includes(DB_PASSWORD));
  });
});
