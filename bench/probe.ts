/**
 * `npm run bench:probe`: how long `lifeline probe` takes for 100 dependencies of which 20 are
 * black-holed, against the same 100 probes run one after another (what a hand-written validation
 * script does: `runProbe` awaited in a loop), both with a 2 s deadline, in the same run.
 *
 * Targets are real (test/harness): one PostgreSQL, reached over its Cloud-Run-style socket dir by
 * 10 services and over TCP by 10 others; one Redis with a password (20 dependencies); 10 HTTP
 * servers in this process (40 dependencies); and 5 black holes, addresses in 198.18.0.0/15 behind
 * network namespaces that drop every packet, 4 ports each (20 non-critical partner APIs). The
 * topology has 20 services of 5 dependencies each; credentials reach the CLI through its
 * environment, as they would reach the service.
 *
 * The CLI runs in a child process started asynchronously: the HTTP servers live in this process
 * and must keep answering while it runs. The concurrent time reported is the CLI's own `wallMs`
 * (probing only, like the sequential loop); the time seen from outside (process start, topology
 * load and analysis included) is printed beside it. The last line is one JSON object.
 *
 * Needs root (network namespaces), PostgreSQL and redis-server.
 */
import { execFile } from 'node:child_process';
import { rm, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ProbeOutcome } from '../src/probes/outcome.js';
import { runProbe, type ProbeSpec } from '../src/probes/run.js';
import { canUseNetns, createBlackhole, type Blackhole } from '../test/harness/netns.js';
import { startPostgres, type PostgresServer } from '../test/harness/postgres.js';
import { startRedis, type RedisServer } from '../test/harness/redis.js';
import { startHttpServer, type RunningServer } from '../test/harness/servers.js';
import type { TopologyInput } from './generate.js';
import { Cleanup } from './cleanup.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const DEADLINE_SECONDS = 2;
const DEADLINE_MS = DEADLINE_SECONDS * 1000;
const SERVICES = 20;
const HTTP_SERVERS = 10;
const BLACKHOLES = 5;
const BLACKHOLE_PORTS = [443, 8443, 9443, 10443] as const;
const DEPENDENCIES = 100;
const BLACKHOLED = 20;
/** The concurrent run should take about one deadline: at most this many. */
const MAX_DEADLINE_RATIO = 1.2;
const CHILD_TIMEOUT_MS = 60_000;
const MIB = 1024 * 1024;

type Kind = 'postgres-socket' | 'postgres-tcp' | 'redis' | 'http' | 'blackholed';

/** One dependency as the benchmark sees it: where it lives in the topology, and the probe a script would write. */
interface BenchDependency {
  readonly service: string;
  readonly dependency: string;
  readonly kind: Kind;
  readonly spec: ProbeSpec;
}

interface Targets {
  readonly pg: PostgresServer;
  readonly redis: RedisServer;
  readonly http: readonly RunningServer[];
  readonly holes: readonly Blackhole[];
}

/** The parts of `lifeline probe --format json` this benchmark reads. */
interface ReportEntry {
  readonly service: string;
  readonly dependency: string;
  readonly protocol: string | null;
  readonly outcome: string;
  readonly detail: string;
}
interface Report {
  readonly wallMs: number;
  readonly results: readonly ReportEntry[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function isReportEntry(v: unknown): v is ReportEntry {
  return isRecord(v) && isString(v['service']) && isString(v['dependency']) && (v['protocol'] === null || isString(v['protocol'])) && isString(v['outcome']) && isString(v['detail']);
}

function isReport(v: unknown): v is Report {
  return isRecord(v) && typeof v['wallMs'] === 'number' && Array.isArray(v['results']) && v['results'].every(isReportEntry);
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));
const pad2 = (n: number): string => String(n).padStart(2, '0');


/** Starts every target, registering each with `cleanup` as soon as it exists (so a failure half-way leaks nothing). */
async function startTargets(cleanup: Cleanup, redisPassword: string): Promise<Targets> {
  const track = <T>(what: string, started: Promise<T>, undo: (t: T) => Promise<unknown>): Promise<T> =>
    started.then((t) => {
      cleanup.add(what, () => undo(t));
      return t;
    });
  const pg = track('postgres', startPostgres(), (s) => s.stop());
  const redis = track('redis', startRedis({ password: redisPassword }), (s) => s.stop());
  const http = Array.from({ length: HTTP_SERVERS }, (_, i) => track(`http server ${i}`, startHttpServer(), (s) => s.close()));
  // One namespace at a time: each takes a /30 of 198.18.0.0/15 and an iptables rule.
  const holes = (async () => {
    const made: Blackhole[] = [];
    for (let i = 0; i < BLACKHOLES; i++) made.push(await track(`black hole ${i}`, createBlackhole(), (h) => h.close()));
    return made;
  })();
  const all = await Promise.allSettled([pg, redis, Promise.all(http), holes]);
  for (const result of all) if (result.status === 'rejected') throw result.reason;
  return { pg: await pg, redis: await redis, http: await Promise.all(http), holes: await holes };
}

/** The 100 dependencies: per service one PostgreSQL (socket or TCP, alternately), one Redis, two HTTP APIs and one black-holed partner. */
function benchDependencies(t: Targets, redisPassword: string): BenchDependency[] {
  const deps: BenchDependency[] = [];
  const pgCreds = { user: t.pg.user, password: t.pg.password, database: t.pg.database };
  for (let s = 0; s < SERVICES; s++) {
    const service = `svc-${pad2(s)}`;
    deps.push({ service, dependency: 'api-a', kind: 'http', spec: { protocol: 'http', url: httpFor(t, 2 * s).url } });
    deps.push({ service, dependency: 'api-b', kind: 'http', spec: { protocol: 'http', url: httpFor(t, 2 * s + 1).url } });
    deps.push({ service, dependency: 'partner', kind: 'blackholed', spec: { protocol: 'http', url: `${partnerUrl(t, s)}/` } });
    deps.push({ service, dependency: 'redis', kind: 'redis', spec: { protocol: 'redis', host: t.redis.host, port: t.redis.port, password: redisPassword, tls: false } });
    deps.push(
      s % 2 === 0
        ? { service, dependency: 'pg', kind: 'postgres-socket', spec: { protocol: 'postgres', host: `${t.pg.socketRoot}/${t.pg.connectionName}`, port: 5432, ...pgCreds } }
        : { service, dependency: 'pg', kind: 'postgres-tcp', spec: { protocol: 'postgres', host: t.pg.host, port: t.pg.port, ...pgCreds } },
    );
  }
  return deps;
}

function httpFor(t: Targets, n: number): RunningServer {
  const server = t.http[n % t.http.length];
  if (!server) throw new Error('no HTTP server started');
  return server;
}

/** Partner `s` (0..19): black hole s mod 5, one of its 4 ports. */
function partnerUrl(t: Targets, s: number): string {
  const hole = t.holes[s % t.holes.length];
  const port = BLACKHOLE_PORTS[Math.floor(s / t.holes.length) % BLACKHOLE_PORTS.length];
  if (!hole || port === undefined) throw new Error('no black hole created');
  if (!hole.address.startsWith('198.18.') && !hole.address.startsWith('198.19.')) throw new Error(`black hole ${hole.address} is outside 198.18.0.0/15`);
  return `https://${hole.address}:${port}`;
}

/**
 * The topology `lifeline probe` reads: the same 100 dependencies, the way a deployment describes
 * them. PostgreSQL: a Cloud SQL mount plus a DATABASE_URL secret (even services), or a PG_URL env
 * var (odd ones); Redis: REDIS_URL; HTTP APIs and partners: declared externals. No password is
 * in the file: the CLI reads them from its environment, as the service would.
 */
function topology(t: Targets, deps: readonly BenchDependency[]): TopologyInput {
  const externals: NonNullable<TopologyInput['externals']> = [];
  const services: NonNullable<TopologyInput['services']> = [];
  for (let s = 0; s < SERVICES; s++) {
    const service = `svc-${pad2(s)}`;
    const declared: NonNullable<NonNullable<TopologyInput['services']>[number]['dependencies']> = [];
    for (const d of deps.filter((x) => x.service === service && (x.kind === 'http' || x.kind === 'blackholed'))) {
      if (d.spec.protocol !== 'http') throw new Error(`${service}/${d.dependency}: expected an HTTP probe`);
      const external = `${service}-${d.dependency}`;
      externals.push({ name: external, url: d.spec.url.replace(/\/$/, '') });
      declared.push({ name: d.dependency, external, critical: d.kind !== 'blackholed' });
    }
    const env: Record<string, string> = { REDIS_URL: `redis://${t.redis.host}:${t.redis.port}` };
    if (s % 2 === 0) {
      services.push({ name: service, cloudSqlInstances: [t.pg.connectionName], secrets: [{ env: 'DATABASE_URL', secret: 'database-url', version: 1 }], env, dependencies: declared });
    } else {
      env['PG_URL'] = `postgresql://${t.pg.user}@${t.pg.host}:${t.pg.port}/${t.pg.database}`;
      services.push({ name: service, env, dependencies: declared });
    }
  }
  return {
    version: 1,
    project: 'lifeline-bench',
    region: 'europe-west1',
    databases: [{ name: 'pg', connectionName: t.pg.connectionName }],
    externals,
    secrets: [{ name: 'database-url', versions: [1], format: 'postgres-url' }],
    services,
  };
}

interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outsideMs: number;
}

/** Runs `lifeline probe` without blocking this process (its HTTP servers must keep answering). */
function runCli(file: string, t: Targets, redisPassword: string): Promise<ChildRun> {
  const pgUser = encodeURIComponent(t.pg.user);
  const pgPassword = encodeURIComponent(t.pg.password);
  const env = {
    ...process.env,
    DATABASE_URL: `postgresql://${pgUser}:${pgPassword}@/${t.pg.database}?host=/cloudsql/${t.pg.connectionName}`,
    PG_URL: `postgresql://${pgUser}:${pgPassword}@${t.pg.host}:${t.pg.port}/${t.pg.database}`,
    REDIS_URL: `redis://:${encodeURIComponent(redisPassword)}@${t.redis.host}:${t.redis.port}`,
  };
  const args = [CLI, 'probe', file, '--timeout', `${DEADLINE_SECONDS}s`, '--format', 'json', '--concurrency', String(DEPENDENCIES), '--cloudsql-dir', t.pg.socketRoot];
  return new Promise((resolve) => {
    const start = performance.now();
    execFile(process.execPath, args, { encoding: 'utf8', env, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * MIB }, (error, stdout, stderr) => {
      const outsideMs = performance.now() - start;
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, outsideMs });
    });
  });
}

function countOutcomes(outcomes: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return counts;
}

const describeCounts = (counts: ReadonlyMap<string, number>): string =>
  [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([o, n]) => `${n} ${o}`)
    .join(', ');

/** Throws with every dependency whose outcome is not the expected one (OK, or TIMEOUT_CONNECT for the black-holed). */
function expectOutcomes(label: string, rows: readonly { service: string; dependency: string; outcome: string; detail: string }[], deps: readonly BenchDependency[]): void {
  const kindOf = new Map(deps.map((d) => [`${d.service}/${d.dependency}`, d.kind]));
  const counts = countOutcomes(rows.map((r) => r.outcome));
  const wrong = rows.filter((r) => {
    const kind = kindOf.get(`${r.service}/${r.dependency}`);
    const expected: ProbeOutcome = kind === 'blackholed' ? 'TIMEOUT_CONNECT' : 'OK';
    return kind === undefined || r.outcome !== expected;
  });
  if (rows.length !== DEPENDENCIES || counts.get('OK') !== DEPENDENCIES - BLACKHOLED || counts.get('TIMEOUT_CONNECT') !== BLACKHOLED || wrong.length > 0) {
    const lines = wrong.slice(0, 10).map((r) => `  ${r.service}/${r.dependency}: ${r.outcome}: ${r.detail}`);
    throw new Error(
      `${label}: expected ${DEPENDENCIES} results, ${DEPENDENCIES - BLACKHOLED} OK and ${BLACKHOLED} TIMEOUT_CONNECT (the black-holed ones); got ${rows.length}: ${describeCounts(counts)}` +
        (lines.length > 0 ? `\n${lines.join('\n')}${wrong.length > lines.length ? `\n  … and ${wrong.length - lines.length} more` : ''}` : ''),
    );
  }
}

async function main(): Promise<void> {
  console.log(`Lifeline probe benchmark: node ${process.version}, ${availableParallelism()} CPUs; ${DEPENDENCIES} dependencies (${BLACKHOLED} black-holed), deadline ${DEADLINE_SECONDS} s`);
  const support = canUseNetns();
  if (!support.ok) {
    console.error(`cannot black-hole addresses: ${support.reason} (run as root on Linux with iproute2)`);
    process.exitCode = 1;
    return;
  }

  const cleanup = new Cleanup();
  cleanup.undoOnSignals();
  try {
    const redisPassword = `bench-${Math.random().toString(36).slice(2)}`;
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-bench-probe-'));
    cleanup.add('temp dir', () => rm(dir, { recursive: true, force: true }));
    const t = await startTargets(cleanup, redisPassword);
    const deps = benchDependencies(t, redisPassword);
    const byKind = countOutcomes(deps.map((d) => d.kind));
    console.log(
      `targets: PostgreSQL ${t.pg.host}:${t.pg.port} and ${t.pg.socketDir} (${byKind.get('postgres-socket') ?? 0} via the socket, ${byKind.get('postgres-tcp') ?? 0} via TCP); ` +
        `Redis ${t.redis.host}:${t.redis.port} (${byKind.get('redis') ?? 0}); ${t.http.length} HTTP servers (${byKind.get('http') ?? 0}); ` +
        `${t.holes.length} black holes ${t.holes.map((h) => `${h.address} (${h.method})`).join(', ')} x ports ${BLACKHOLE_PORTS.join('/')} (${byKind.get('blackholed') ?? 0})`,
    );
    const file = join(dir, 'topology.yaml');
    await writeFile(file, stringify(topology(t, deps)));

    // Concurrent: the real CLI, every probe in flight at once.
    const child = await runCli(file, t, redisPassword);
    let parsed: unknown;
    try {
      parsed = JSON.parse(child.stdout);
    } catch {
      parsed = undefined;
    }
    // 0: nothing critical failed; 1: something did (the outcome check below says what).
    if (!isReport(parsed) || (child.code !== 0 && child.code !== 1)) {
      throw new Error(`lifeline probe exited with ${child.code ?? 'a signal'} and no usable JSON report\n--- stderr ---\n${child.stderr.trim()}\n--- stdout (start) ---\n${child.stdout.slice(0, 2000)}`);
    }
    const report = parsed;
    expectOutcomes('lifeline probe', report.results, deps);
    const protocols = describeCounts(countOutcomes(report.results.map((r) => r.protocol ?? 'not probed')));
    const concurrentMs = report.wallMs;
    const concurrentOk = concurrentMs <= MAX_DEADLINE_RATIO * DEADLINE_MS;
    console.log(
      `concurrent  lifeline probe --concurrency ${DEPENDENCIES}: wallMs ${(concurrentMs / 1000).toFixed(3)} s (x${(concurrentMs / DEADLINE_MS).toFixed(2)} deadline); ` +
        `from outside (process, load, analysis) ${(child.outsideMs / 1000).toFixed(3)} s (x${(child.outsideMs / DEADLINE_MS).toFixed(2)} deadline) | ` +
        `${describeCounts(countOutcomes(report.results.map((r) => r.outcome)))}; ${protocols}; exit ${String(child.code)}`,
    );

    // Sequential: the same probes, one after another, as a validation script would.
    const start = performance.now();
    const outcomes: { service: string; dependency: string; outcome: string; detail: string }[] = [];
    for (const d of deps) {
      const result = await runProbe(d.spec, { deadlineMs: DEADLINE_MS });
      outcomes.push({ service: d.service, dependency: d.dependency, outcome: result.outcome, detail: result.detail });
    }
    const sequentialMs = performance.now() - start;
    expectOutcomes('sequential runProbe loop', outcomes, deps);
    console.log(
      `sequential  runProbe awaited in a loop:  wall ${(sequentialMs / 1000).toFixed(3)} s (x${(sequentialMs / DEADLINE_MS).toFixed(2)} deadline) | ${describeCounts(countOutcomes(outcomes.map((o) => o.outcome)))}`,
    );
    console.log(`sequential / concurrent: x${(sequentialMs / concurrentMs).toFixed(1)} (wallMs), x${(sequentialMs / child.outsideMs).toFixed(1)} (from outside)`);
    console.log(
      `concurrent within ${MAX_DEADLINE_RATIO}x of the deadline (${((MAX_DEADLINE_RATIO * DEADLINE_MS) / 1000).toFixed(3)} s): ${concurrentOk ? 'yes' : 'NO'} (wallMs ${(concurrentMs / 1000).toFixed(3)} s)`,
    );
    if (!concurrentOk) console.log(`SLOW: lifeline probe took ${(concurrentMs / 1000).toFixed(3)} s for ${DEPENDENCIES} probes, more than ${MAX_DEADLINE_RATIO}x the ${DEADLINE_SECONDS} s deadline`);
    console.log(
      JSON.stringify({
        bench: 'probe',
        dependencies: DEPENDENCIES,
        blackholed: BLACKHOLED,
        deadlineSeconds: DEADLINE_SECONDS,
        concurrentSeconds: round(concurrentMs / 1000, 3),
        sequentialSeconds: round(sequentialMs / 1000, 3),
      }),
    );
  } finally {
    const failures = await cleanup.run();
    for (const f of failures) console.error(`cleanup failed: ${f}`);
    if (failures.length > 0) process.exitCode = 1;
  }
}

await main();
