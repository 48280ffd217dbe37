import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { startLatencyProxy, refusingPort, startResetServer, startSilentServer } from './faults.js';
import { canUseNetns, createBlackhole, createNamespaceHost } from './netns.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startRedis } from './redis.js';
import { redisCommands } from './resp.js';
import { startClickHouseLikeServer, startHttpServer, startWebSocketServer } from './servers.js';
import { createCertificates, type Certificates, type KeyAndCert } from './tls.js';

/** Outcome of a TCP connect: 'connected', or the error code. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}

/** Connects, writes a line, and says what came first: 'data', the error code, or 'silence' after `ms`. */
function firstEventAfterConnect(host: string, port: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => { finish('silence'); }, ms);
    socket.once('connect', () => socket.write('hello?\r\n'));
    socket.once('data', () => { finish('data'); });
    socket.once('end', () => { finish('end'); });
    socket.once('error', (error: NodeJS.ErrnoException) => { finish(error.code ?? error.message); });
  });
}

/** Handshakes with a TLS server trusting only `ca`: 'ok' or the verification error code. */
function tlsOutcome(port: number, ca: string, servername?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ...(servername === undefined ? {} : { servername }) });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('ok');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(error.code ?? error.message);
    });
  });
}

async function pgQuery(config: pg.ClientConfig, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionTimeoutMillis: 3_000, ...config });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return result.rows;
  } finally {
    await client.end();
  }
}

async function pgErrorCode(config: pg.ClientConfig): Promise<string> {
  try {
    await pgQuery(config, 'SELECT 1');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  return 'no error';
}

/** Child processes of this test process that are still alive (zombies aside). */
function liveChildren(): string[] {
  const children: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') children.push(`${entry} ${stat.slice(0, stat.lastIndexOf(')') + 1)}`);
    } catch {
      // gone
    }
  }
  return children;
}

describe('harness', () => {
  after(() => {
    assert.deepEqual(liveChildren(), [], 'a child process outlived the tests');
  });

  describe('postgres', () => {
    let server: PostgresServer;
    before(async () => {
      server = await startPostgres({ password: 'pg-S3cret:/@pw' });
    });
    after(async () => {
      await server.stop();
      assert.equal(fs.existsSync(server.socketRoot), false, 'temp dir left behind');
    });

    test('accepts SELECT 1 over TCP with the url and with fields', async () => {
      assert.deepEqual(await pgQuery({ connectionString: server.url }, 'SELECT 1 AS one'), [{ one: 1 }]);
      const { host, port, user, password, database } = server;
      assert.deepEqual(await pgQuery({ host, port, user, password, database }, 'SELECT current_user AS u, current_database() AS d'), [{ u: 'lifeline', d: 'lifeline' }]);
    });

    test('accepts SELECT 1 over the Cloud-Run-style socket dir on the default port 5432', async () => {
      assert.equal(server.socketDir, path.join(server.socketRoot, 'lifeline-test:europe-west1:pg'));
      assert.ok(fs.lstatSync(path.join(server.socketDir, '.s.PGSQL.5432')).isSymbolicLink());
      const rows = await pgQuery(
        { host: path.join(server.socketRoot, server.connectionName), port: 5432, user: server.user, password: server.password, database: server.database },
        'SELECT 1 AS one, inet_server_addr() AS addr',
      );
      assert.deepEqual(rows, [{ one: 1, addr: null }]); // no server address: it was the unix socket
    });

    test('rejects a wrong password with 28P01, over TCP and over the socket', async () => {
      assert.equal(await pgErrorCode({ connectionString: server.url.replace('pg-S3cret', 'nope') }), '28P01');
      assert.equal(await pgErrorCode({ host: server.socketDir, port: 5432, user: server.user, password: 'nope', database: server.database }), '28P01');
    });

    test('dies with kill() and comes back with restart(), data kept', async () => {
      await pgQuery({ connectionString: server.url }, 'CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (7)');
      await server.kill();
      assert.equal(await connectOutcome('127.0.0.1', server.port), 'ECONNREFUSED');
      assert.equal(await pgErrorCode({ connectionString: server.url }), 'ECONNREFUSED');
      await server.restart();
      assert.deepEqual(await pgQuery({ connectionString: server.url }, 'SELECT id FROM survivor'), [{ id: 7 }]);
      assert.deepEqual(await pgQuery({ host: server.socketDir, user: server.user, password: server.password, database: server.database, port: 5432 }, 'SELECT 1 AS one'), [{ one: 1 }]);
    });
  });

  describe('redis', () => {
    test('answers PING without a password; dies with kill() and returns with restart()', async () => {
      const redis = await startRedis();
      try {
        assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
        assert.deepEqual(await redisCommands(redis.host, redis.port, [['PING']]), [{ type: 'simple', value: 'PONG' }]);
        await redis.kill();
        assert.equal(await connectOutcome(redis.host, redis.port), 'ECONNREFUSED');
        await redis.restart();
        assert.deepEqual(await redisCommands(redis.host, redis.port, [['PING']]), [{ type: 'simple', value: 'PONG' }]);
      } finally {
        await redis.stop();
      }
      assert.equal(await connectOutcome(redis.host, redis.port), 'ECONNREFUSED');
    });

    test('with requirepass: NOAUTH without it, WRONGPASS with a wrong one, PONG after AUTH', async () => {
      const redis = await startRedis({ password: 'r3dis "pw"' });
      try {
        assert.equal(redis.url, `redis://:${encodeURIComponent('r3dis "pw"')}@127.0.0.1:${redis.port}`);
        const [noAuth] = await redisCommands(redis.host, redis.port, [['PING']]);
        assert.ok(noAuth?.type === 'error');
        assert.match(noAuth.value, /^NOAUTH/);
        const [wrong] = await redisCommands(redis.host, redis.port, [['AUTH', 'nope']]);
        assert.ok(wrong?.type === 'error');
        assert.match(wrong.value, /^WRONGPASS/);
        assert.deepEqual(await redisCommands(redis.host, redis.port, [['AUTH', 'r3dis "pw"'], ['PING']]), [
          { type: 'simple', value: 'OK' },
          { type: 'simple', value: 'PONG' },
        ]);
      } finally {
        await redis.stop();
      }
    });
  });

  describe('tls and servers', () => {
    let certs: Certificates;
    before(async () => {
      certs = await createCertificates();
    });
    after(async () => {
      await certs.cleanup();
    });

    async function outcomeWith(pair: KeyAndCert, servername?: string): Promise<string> {
      const server = await startHttpServer(undefined, { tls: pair });
      try {
        return await tlsOutcome(server.port, certs.ca, servername);
      } finally {
        await server.close();
      }
    }

    test('certificates verify as intended against the test CA', async () => {
      assert.equal(await outcomeWith(certs.valid, 'localhost'), 'ok');
      assert.equal(await outcomeWith(certs.valid), 'ok'); // by IP SAN 127.0.0.1
      assert.equal(await outcomeWith(certs.expired, 'localhost'), 'CERT_HAS_EXPIRED');
      assert.equal(await outcomeWith(certs.wrongHost, 'localhost'), 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(await outcomeWith(certs.selfSigned, 'localhost'), 'DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    test('HTTPS server answers 200 ok to a client trusting the CA', async () => {
      const server = await startHttpServer(undefined, { tls: certs.valid });
      try {
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get(server.url, { ca: certs.ca, agent: false }, (response) => {
              let text = '';
              response.on('data', (chunk: Buffer) => (text += chunk.toString()));
              response.on('end', () => { resolve(`${response.statusCode ?? 0} ${text}`); });
            })
            .on('error', reject);
        });
        assert.equal(body, '200 ok');
      } finally {
        await server.close();
      }
    });

    test('HTTP server: custom handler, and close() destroys open connections', async () => {
      const server = await startHttpServer((_request, response) => {
        response.writeHead(503);
        response.end('down');
      });
      const response = await fetch(server.url);
      assert.equal(response.status, 503);
      assert.equal(await response.text(), 'down');
      const idle = net.connect({ host: server.host, port: server.port });
      await new Promise((resolve) => idle.once('connect', resolve));
      const closed = new Promise((resolve) => idle.once('close', resolve));
      await server.close();
      await closed;
      assert.equal(await connectOutcome(server.host, server.port), 'ECONNREFUSED');
    });

    test('WebSocket server (ws and wss) accepts any path and echoes', async () => {
      for (const secure of [false, true]) {
        const server = await startWebSocketServer(secure ? { tls: certs.valid } : {});
        try {
          const echoed = await new Promise<string>((resolve, reject) => {
            const client = new WebSocket(`${server.url}some/deep/path?x=1`, { ca: certs.ca });
            client.once('open', () => { client.send('hello'); });
            client.once('message', (data: Buffer) => {
              client.close();
              resolve(data.toString());
            });
            client.once('error', reject);
          });
          assert.equal(echoed, 'hello');
          // A connection left open is cut by close().
          const open = new WebSocket(server.url, { ca: certs.ca });
          await new Promise((resolve, reject) => { open.once('open', resolve).once('error', reject); });
          const closed = new Promise((resolve) => open.once('close', resolve));
          await server.close();
          await closed;
        } finally {
          await server.close();
        }
      }
    });

    test('ClickHouse-like server: /ping, SELECT 1 with each kind of credentials, 516 on a wrong password', async () => {
      const server = await startClickHouseLikeServer({ user: 'probe', password: 'ch-pw' });
      try {
        const ping = await fetch(`${server.url}ping`);
        assert.equal(ping.status, 200);
        assert.equal(await ping.text(), 'Ok.\n');
        const headers = { 'X-ClickHouse-User': 'probe', 'X-ClickHouse-Key': 'ch-pw' };
        const get = await fetch(`${server.url}?query=SELECT%201`, { headers });
        assert.equal(get.status, 200);
        assert.equal(await get.text(), '1\n');
        const basic = `Basic ${Buffer.from('probe:ch-pw').toString('base64')}`;
        const post = await fetch(server.url, { method: 'POST', body: 'SELECT 1', headers: { Authorization: basic } });
        assert.equal(post.status, 200);
        assert.equal(await post.text(), '1\n');
        const wrong = await fetch(`${server.url}?query=SELECT%201`, { headers: { ...headers, 'X-ClickHouse-Key': 'nope' } });
        assert.equal(wrong.status, 516);
        assert.equal(wrong.headers.get('x-clickhouse-exception-code'), '516');
        const text = await wrong.text();
        assert.ok(text.startsWith('Code: 516. DB::Exception: '), text);
        assert.match(text, /Authentication failed/);
        const anonymous = await fetch(server.url, { method: 'POST', body: 'SELECT 1' });
        assert.equal(anonymous.status, 516);
        await anonymous.text();
      } finally {
        await server.close();
      }
    });
  });

  describe('faults', () => {
    test('refusing port: ECONNREFUSED', async () => {
      assert.equal(await connectOutcome('127.0.0.1', await refusingPort()), 'ECONNREFUSED');
    });

    test('reset server: ECONNRESET', async () => {
      const server = await startResetServer();
      try {
        assert.equal(await firstEventAfterConnect(server.host, server.port, 2_000), 'ECONNRESET');
      } finally {
        await server.close();
      }
    });

    test('silent server: connects, then no data within 300 ms', async () => {
      const server = await startSilentServer();
      try {
        assert.equal(await firstEventAfterConnect(server.host, server.port, 300), 'silence');
      } finally {
        await server.close();
      }
    });

    test('latency proxy delays both directions', async () => {
      const target = await startHttpServer();
      const proxy = await startLatencyProxy(target.host, target.port, 150);
      try {
        const started = Date.now();
        const response = await fetch(`http://127.0.0.1:${proxy.port}/`);
        assert.equal(await response.text(), 'ok');
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 290, `round trip took ${elapsed} ms, expected at least 2 × 150`);
      } finally {
        await proxy.close();
        await target.close();
      }
    });
  });

  describe('network namespaces', () => {
    const support = canUseNetns();

    test('black hole: a connect gets no answer at all', async (t) => {
      if (!support.ok) {
        t.skip(support.reason);
        return;
      }
      const hole = await createBlackhole();
      try {
        assert.match(hole.address, /^198\.1[89]\.\d+\.\d+$/);
        t.diagnostic(`black hole ${hole.address} by ${hole.method}`);
        assert.equal(await firstEventAfterConnect(hole.address, 5432, 1_000), 'silence');
      } finally {
        await hole.close();
      }
      assert.ok(!fs.existsSync(`/run/netns/${hole.namespace}`), 'namespace left behind');
    });

    test('namespace host: reachable from the host on a non-loopback address', async (t) => {
      if (!support.ok) {
        t.skip(support.reason);
        return;
      }
      const host = await createNamespaceHost();
      try {
        assert.match(host.address, /^198\.1[89]\.\d+\.2$/);
        const body = await new Promise<string>((resolve, reject) => {
          http
            .get(host.url, { agent: false }, (response) => {
              let text = '';
              response.on('data', (chunk: Buffer) => (text += chunk.toString()));
              response.on('end', () => { resolve(text); });
            })
            .on('error', reject);
        });
        assert.equal(body, 'ok from namespace');
      } finally {
        await host.close();
      }
      assert.ok(!fs.existsSync(`/run/netns/${host.namespace}`), 'namespace left behind');
    });
  });
});
