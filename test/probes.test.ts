import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { ProbeOutcome, ProbeResult } from '../src/probes/outcome.js';
import { runProbe, runProbes, type ProbeSpec } from '../src/probes/run.js';
import { startDnsServer, type DnsServer } from './harness/dns.js';
import { refusingPort, startResetServer, startSilentServer, type FaultServer } from './harness/faults.js';
import { canUseNetns, createBlackhole, createNamespaceHost, type Blackhole, type NamespaceHost } from './harness/netns.js';
import { startPostgres, type PostgresServer } from './harness/postgres.js';
import { startRedis, type RedisServer } from './harness/redis.js';
import { startClickHouseLikeServer, startHttpServer, startWebSocketServer, type RunningServer } from './harness/servers.js';
import { createCertificates, type Certificates } from './harness/tls.js';

const DEADLINE = 600;

/** A server that answers anything with bytes of no known protocol. */
async function startGarbageServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.resume(); // read what the client sends, so its FIN is seen and the socket closes
    socket.end('??? not a protocol ???\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })) };
}

let pg: PostgresServer;
let redis: RedisServer;
let redisAuth: RedisServer;
let certs: Certificates;
let web: RunningServer;
let httpsValid: RunningServer;
let httpsExpired: RunningServer;
let httpsWrongHost: RunningServer;
let httpsSelfSigned: RunningServer;
let ws: RunningServer;
let wss: RunningServer;
let clickhouse: RunningServer;
let silent: FaultServer;
let reset: FaultServer;
let garbage: Awaited<ReturnType<typeof startGarbageServer>>;
let refused: number;
let dns: DnsServer;
let blackhole: Blackhole | undefined;
let nsHost: NamespaceHost | undefined;

before(async () => {
  [pg, redis, redisAuth, certs, silent, reset, garbage, refused, dns] = await Promise.all([
    startPostgres({ password: 'pg-S3cret' }),
    startRedis(),
    startRedis({ password: 'redis-S3cret' }),
    createCertificates(),
    startSilentServer(),
    startResetServer(),
    startGarbageServer(),
    refusingPort(),
    startDnsServer({ 'db.lifeline.test': '127.0.0.1', localhost: '127.0.0.1' }),
  ]);
  web = await startHttpServer((req, res) => {
    res.statusCode = req.url === '/auth' ? 401 : req.url === '/down' ? 503 : 200;
    res.end('ok');
  });
  [httpsValid, httpsExpired, httpsWrongHost, httpsSelfSigned, ws, wss, clickhouse] = await Promise.all([
    startHttpServer(undefined, { tls: certs.valid }),
    startHttpServer(undefined, { tls: certs.expired }),
    startHttpServer(undefined, { tls: certs.wrongHost }),
    startHttpServer(undefined, { tls: certs.selfSigned }),
    startWebSocketServer(),
    startWebSocketServer({ tls: certs.valid }),
    startClickHouseLikeServer({ user: 'analytics', password: 'ch-S3cret' }),
  ]);
  if (canUseNetns().ok) [blackhole, nsHost] = await Promise.all([createBlackhole(), createNamespaceHost()]);
});

after(async () => {
  await Promise.all([
    pg.stop(),
    redis.stop(),
    redisAuth.stop(),
    web.close(),
    httpsValid.close(),
    httpsExpired.close(),
    httpsWrongHost.close(),
    httpsSelfSigned.close(),
    ws.close(),
    wss.close(),
    clickhouse.close(),
    silent.close(),
    reset.close(),
    garbage.close(),
    dns.close(),
    blackhole?.close(),
    nsHost?.close(),
  ]);
  certs.cleanup();
});

const probe = (spec: ProbeSpec, deadlineMs = DEADLINE) => runProbe(spec, { deadlineMs, dnsServers: [dns.address] });

function expectOutcome(result: ProbeResult, outcome: ProbeOutcome): void {
  assert.equal(result.outcome, outcome, `expected ${outcome}, got ${result.outcome}: ${result.detail}`);
}

/** Namespaces need root; without it these tests say why they are skipped. */
function needsBlackhole(t: TestContext): Blackhole | undefined {
  const support = canUseNetns();
  if (!support.ok) {
    t.skip(support.reason);
    return undefined;
  }
  assert.ok(blackhole);
  return blackhole;
}

describe('TCP and Unix sockets', () => {
  it('OK, REFUSED, and TIMEOUT_CONNECT when black-holed', async (t) => {
    const ok = await probe({ protocol: 'tcp', host: '127.0.0.1', port: silent.port });
    expectOutcome(ok, 'OK');
    assert.deepEqual(ok.phases.map((p) => p.phase), ['connect']);
    expectOutcome(await probe({ protocol: 'tcp', host: '127.0.0.1', port: refused }), 'REFUSED');
    const hole = needsBlackhole(t);
    if (!hole) return;
    const result = await probe({ protocol: 'tcp', host: hole.address, port: 5432 }, 300);
    expectOutcome(result, 'TIMEOUT_CONNECT');
    assert.ok(result.durationMs <= 350, `deadline 300 ms overrun: ${result.durationMs} ms`);
  });

  it('a host in a network namespace is reached', async (t) => {
    if (!canUseNetns().ok) {
      t.skip('needs network namespaces');
      return;
    }
    assert.ok(nsHost);
    expectOutcome(await probe({ protocol: 'http', url: nsHost.url }), 'OK');
  });

  it('the Cloud SQL socket file: OK when mounted, REFUSED when not', async () => {
    expectOutcome(await probe({ protocol: 'unix', path: `${pg.socketDir}/.s.PGSQL.5432` }), 'OK');
    const missing = await probe({ protocol: 'unix', path: `${pg.socketRoot}/other:europe-west1:db/.s.PGSQL.5432` });
    expectOutcome(missing, 'REFUSED');
  });
});

describe('DNS', () => {
  it('resolves through the given server; an unknown name is DNS_FAILED', async () => {
    const ok = await probe({ protocol: 'dns', host: 'db.lifeline.test' });
    expectOutcome(ok, 'OK');
    assert.equal(ok.info.addresses, '127.0.0.1');
    expectOutcome(await probe({ protocol: 'dns', host: 'missing.lifeline.test' }), 'DNS_FAILED');
    const viaName = await probe({ protocol: 'postgres', host: 'missing.lifeline.test', user: 'x', password: 'y' });
    expectOutcome(viaName, 'DNS_FAILED');
    assert.deepEqual(viaName.phases.map((p) => [p.phase, p.ok]), [['dns', false]]);
  });
});

describe('TLS', () => {
  it('a valid chain is OK and reports the certificate expiry', async () => {
    const ok = await probe({ protocol: 'tls', host: 'localhost', port: httpsValid.port, ca: certs.ca });
    expectOutcome(ok, 'OK');
    assert.equal(typeof ok.info.certificateDaysLeft, 'number');
  });

  it('expired, wrong host name and self-signed certificates are TLS_FAILED', async () => {
    const expired = await probe({ protocol: 'tls', host: 'localhost', port: httpsExpired.port, ca: certs.ca });
    expectOutcome(expired, 'TLS_FAILED');
    assert.match(expired.detail, /CERT_HAS_EXPIRED/);
    const wrongHost = await probe({ protocol: 'tls', host: 'localhost', port: httpsWrongHost.port, ca: certs.ca });
    expectOutcome(wrongHost, 'TLS_FAILED');
    assert.match(wrongHost.detail, /ALTNAME|Hostname/i);
    expectOutcome(await probe({ protocol: 'tls', host: 'localhost', port: httpsSelfSigned.port, ca: certs.ca }), 'TLS_FAILED');
  });

  it('a server that accepts and stays silent is TIMEOUT, within the deadline', async () => {
    const result = await probe({ protocol: 'tls', host: '127.0.0.1', port: silent.port }, 300);
    expectOutcome(result, 'TIMEOUT');
    assert.ok(result.durationMs <= 350, `${result.durationMs} ms`);
  });
});

describe('HTTP(S)', () => {
  it('2xx is OK; 401 is OK (reachable); 5xx is PROTOCOL_ERROR', async () => {
    const ok = await probe({ protocol: 'http', url: web.url });
    expectOutcome(ok, 'OK');
    assert.deepEqual(ok.phases.map((p) => p.phase), ['connect', 'request']);
    const auth = await probe({ protocol: 'http', url: `${web.url}auth` });
    expectOutcome(auth, 'OK');
    assert.equal(auth.info.status, 401);
    expectOutcome(await probe({ protocol: 'http', url: `${web.url}down` }), 'PROTOCOL_ERROR');
  });

  it('HTTPS with the test CA is OK; an expired certificate is TLS_FAILED', async () => {
    const ok = await probe({ protocol: 'http', url: `https://localhost:${httpsValid.port}/`, ca: certs.ca });
    expectOutcome(ok, 'OK');
    assert.deepEqual(ok.phases.map((p) => p.phase), ['dns', 'connect', 'tls', 'request']);
    expectOutcome(await probe({ protocol: 'http', url: `https://localhost:${httpsExpired.port}/`, ca: certs.ca }), 'TLS_FAILED');
  });

  it('REFUSED, RESET, TIMEOUT and PROTOCOL_ERROR from real faulty servers', async () => {
    expectOutcome(await probe({ protocol: 'http', url: `http://127.0.0.1:${refused}/` }), 'REFUSED');
    expectOutcome(await probe({ protocol: 'http', url: `http://127.0.0.1:${reset.port}/` }), 'RESET');
    expectOutcome(await probe({ protocol: 'http', url: `http://127.0.0.1:${silent.port}/` }, 300), 'TIMEOUT');
    expectOutcome(await probe({ protocol: 'http', url: `http://127.0.0.1:${garbage.port}/` }), 'PROTOCOL_ERROR');
    expectOutcome(await probe({ protocol: 'http', url: 'http://missing.lifeline.test/' }), 'DNS_FAILED');
  });
});

describe('WebSocket', () => {
  it('an upgrade is OK over ws and wss; a plain HTTP server is PROTOCOL_ERROR', async () => {
    const ok = await probe({ protocol: 'websocket', url: ws.url.replace('http', 'ws') });
    expectOutcome(ok, 'OK');
    assert.ok(ok.phases.some((p) => p.phase === 'upgrade' && p.ok));
    expectOutcome(await probe({ protocol: 'websocket', url: `wss://localhost:${wss.port}/`, ca: certs.ca }), 'OK');
    expectOutcome(await probe({ protocol: 'websocket', url: `ws://127.0.0.1:${web.port}/` }), 'PROTOCOL_ERROR');
  });
});

describe('PostgreSQL', () => {
  it('OK over TCP and over the Cloud SQL socket directory, with the server version', async () => {
    const tcp = await probe({ protocol: 'postgres', host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database });
    expectOutcome(tcp, 'OK');
    assert.deepEqual(tcp.phases.map((p) => p.phase), ['connect', 'auth', 'query']);
    assert.match(String(tcp.info.serverVersion), /^\d+/);
    expectOutcome(await probe({ protocol: 'postgres', host: pg.socketDir, user: pg.user, password: pg.password, database: pg.database }), 'OK');
  });

  it('a wrong password is AUTH_FAILED, and the password is not in the detail', async () => {
    const result = await probe({ protocol: 'postgres', host: pg.host, port: pg.port, user: pg.user, password: 'wrong-Passw0rd', database: pg.database });
    expectOutcome(result, 'AUTH_FAILED');
    assert.ok(!result.detail.includes('wrong-Passw0rd'));
  });

  it('RESET, TIMEOUT, PROTOCOL_ERROR and TIMEOUT_CONNECT from real faults', async (t) => {
    const creds = { user: 'x', password: 'y' };
    expectOutcome(await probe({ protocol: 'postgres', host: '127.0.0.1', port: reset.port, ...creds }), 'RESET');
    expectOutcome(await probe({ protocol: 'postgres', host: '127.0.0.1', port: silent.port, ...creds }, 300), 'TIMEOUT');
    expectOutcome(await probe({ protocol: 'postgres', host: '127.0.0.1', port: web.port, ...creds }), 'PROTOCOL_ERROR');
    const hole = needsBlackhole(t);
    if (!hole) return;
    const result = await probe({ protocol: 'postgres', host: hole.address, port: 5432, ...creds }, 400);
    expectOutcome(result, 'TIMEOUT_CONNECT');
    assert.ok(result.durationMs <= 450, `${result.durationMs} ms`);
  });

  it('a database that dies is REFUSED, and OK again when it returns', async () => {
    const spec: ProbeSpec = { protocol: 'postgres', host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database };
    await pg.kill();
    expectOutcome(await probe(spec), 'REFUSED');
    await pg.restart();
    expectOutcome(await probe(spec, 3000), 'OK');
  });
});

describe('Redis', () => {
  it('PING answered with and without AUTH; wrong or missing password is AUTH_FAILED', async () => {
    const ok = await probe({ protocol: 'redis', host: redis.host, port: redis.port });
    expectOutcome(ok, 'OK');
    assert.match(String(ok.info.serverVersion), /^\d+\./);
    const authed = await probe({ protocol: 'redis', host: redisAuth.host, port: redisAuth.port, password: 'redis-S3cret' });
    expectOutcome(authed, 'OK');
    assert.deepEqual(authed.phases.map((p) => p.phase), ['connect', 'auth', 'query']);
    expectOutcome(await probe({ protocol: 'redis', host: redisAuth.host, port: redisAuth.port, password: 'nope' }), 'AUTH_FAILED');
    expectOutcome(await probe({ protocol: 'redis', host: redisAuth.host, port: redisAuth.port }), 'AUTH_FAILED');
  });

  it('another protocol is PROTOCOL_ERROR; silence is TIMEOUT; a refusal is REFUSED', async () => {
    expectOutcome(await probe({ protocol: 'redis', host: '127.0.0.1', port: web.port }), 'PROTOCOL_ERROR');
    expectOutcome(await probe({ protocol: 'redis', host: '127.0.0.1', port: silent.port }, 300), 'TIMEOUT');
    expectOutcome(await probe({ protocol: 'redis', host: '127.0.0.1', port: refused }), 'REFUSED');
  });
});

describe('ClickHouse over HTTP', () => {
  it('/ping, then SELECT 1 with credentials; wrong credentials are AUTH_FAILED', async () => {
    const pingOnly = await probe({ protocol: 'clickhouse', url: clickhouse.url });
    expectOutcome(pingOnly, 'OK');
    assert.match(pingOnly.detail, /SELECT 1 skipped/);
    expectOutcome(await probe({ protocol: 'clickhouse', url: clickhouse.url, user: 'analytics', password: 'ch-S3cret' }), 'OK');
    expectOutcome(await probe({ protocol: 'clickhouse', url: clickhouse.url, user: 'analytics', password: 'wrong' }), 'AUTH_FAILED');
    expectOutcome(await probe({ protocol: 'clickhouse', url: web.url }), 'PROTOCOL_ERROR');
  });
});

describe('running many probes', () => {
  it('N probes with black-holed ones take about one deadline, not the sum', async (t) => {
    const hole = needsBlackhole(t);
    if (!hole) return;
    const specs: ProbeSpec[] = [
      ...Array.from({ length: 10 }, (_, i): ProbeSpec => ({ protocol: 'tcp', host: hole.address, port: 10_000 + i })),
      ...Array.from({ length: 20 }, (): ProbeSpec => ({ protocol: 'http', url: web.url })),
    ];
    const start = performance.now();
    const results = await runProbes(specs, { deadlineMs: 500, concurrency: 64 });
    const wall = performance.now() - start;
    assert.deepEqual(new Set(results.map((r) => r.outcome)), new Set(['TIMEOUT_CONNECT', 'OK']));
    assert.ok(wall < 500 * 1.2, `wall ${wall.toFixed(0)} ms for a 500 ms deadline`);
  });

  it('1,000 probes with faults leave no socket, timer or listener behind', async () => {
    const handlesBefore = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const kinds: ProbeSpec[] = [
      { protocol: 'tcp', host: '127.0.0.1', port: refused },
      { protocol: 'http', url: `http://127.0.0.1:${reset.port}/` },
      { protocol: 'http', url: `http://127.0.0.1:${silent.port}/` },
      { protocol: 'redis', host: '127.0.0.1', port: silent.port },
      { protocol: 'http', url: `http://127.0.0.1:${garbage.port}/` },
      { protocol: 'redis', host: redis.host, port: redis.port },
      { protocol: 'http', url: web.url },
      { protocol: 'postgres', host: '127.0.0.1', port: reset.port, user: 'x', password: 'y' },
    ];
    const specs = Array.from({ length: 1000 }, (_, i) => kinds[i % kinds.length] as ProbeSpec);
    const results = await runProbes(specs, { deadlineMs: 150, concurrency: 100 });
    assert.equal(results.length, 1000);
    assert.ok(results.every((r) => r.outcome !== 'PROTOCOL_ERROR' || r.detail !== ''));
    // Closed sockets (ours, and the test servers' ends of them) are released within a few turns
    // of the event loop; a leak never is.
    let handlesAfter = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 40 && handlesAfter > handlesBefore; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      handlesAfter = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    }
    assert.ok(handlesAfter <= handlesBefore, `active resources grew from ${handlesBefore} to ${handlesAfter}: ${process.getActiveResourcesInfo().join(', ')}`);
  });
});
