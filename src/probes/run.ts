import { performance } from 'node:perf_hooks';
import { redactUrlPasswords } from '../model/redact.js';
import { probeClickHouse, type ClickHouseTarget } from './clickhouse.js';
import { DeadlineReached, ProbeContext } from './context.js';
import { probeDns } from './dns.js';
import { probeHttp, type HttpTarget } from './http.js';
import { ProbeFailure, classifySocketError, errorText, type ProbeResult } from './outcome.js';
import { probePostgres, type PostgresTarget } from './postgres.js';
import { probeRedis, type RedisTarget } from './redis.js';
import { probeTcp, probeUnixSocket } from './tcp.js';
import { probeTls } from './tls.js';
import { probeWebSocket } from './websocket.js';

/** What to probe: one protocol and its target. */
export type ProbeSpec =
  | { readonly protocol: 'tcp'; readonly host: string; readonly port: number }
  | { readonly protocol: 'unix'; readonly path: string }
  | { readonly protocol: 'dns'; readonly host: string }
  | { readonly protocol: 'tls'; readonly host: string; readonly port: number; readonly servername?: string; readonly ca?: string }
  | ({ readonly protocol: 'http' } & HttpTarget)
  | { readonly protocol: 'websocket'; readonly url: string; readonly ca?: string }
  | ({ readonly protocol: 'postgres' } & PostgresTarget)
  | ({ readonly protocol: 'redis' } & RedisTarget)
  | ({ readonly protocol: 'clickhouse' } & ClickHouseTarget);

export interface ProbeOptions {
  /** Hard deadline in milliseconds: the probe settles no later than this (plus a few ms). */
  readonly deadlineMs: number;
  /** An outer signal (e.g. Ctrl-C) that ends the probe early as well. */
  readonly signal?: AbortSignal;
  /** DNS servers (`host` or `host:port`) to resolve names with, instead of the system resolver. */
  readonly dnsServers?: readonly string[];
}

function dispatch(spec: ProbeSpec, ctx: ProbeContext): Promise<string> {
  switch (spec.protocol) {
    case 'tcp':
      return probeTcp(spec, ctx);
    case 'unix':
      return probeUnixSocket(spec, ctx);
    case 'dns':
      return probeDns(spec, ctx);
    case 'tls':
      return probeTls(spec, ctx);
    case 'http':
      return probeHttp(spec, ctx);
    case 'websocket':
      return probeWebSocket(spec, ctx);
    case 'postgres':
      return probePostgres(spec, ctx);
    case 'redis':
      return probeRedis(spec, ctx);
    case 'clickhouse':
      return probeClickHouse(spec, ctx);
  }
}

/**
 * Runs one probe under a hard deadline and classifies how it ended. Never throws; releases every
 * socket, timer and listener it made before it resolves.
 * @example
 * const result = await runProbe({ protocol: 'postgres', host: '/cloudsql/p:r:i', user: 'app', password }, { deadlineMs: 2000 });
 * result.outcome; // 'OK' | 'TIMEOUT_CONNECT' | …
 */
export async function runProbe(spec: ProbeSpec, options: ProbeOptions): Promise<ProbeResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, options.deadlineMs);
  const onOuterAbort = (): void => {
    controller.abort();
  };
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const ctx = new ProbeContext(controller.signal, options.dnsServers);
  const start = performance.now();
  let outcome: ProbeResult['outcome'];
  let detail: string;
  const running = dispatch(spec, ctx);
  try {
    detail = await ctx.race(running);
    outcome = 'OK';
  } catch (error: unknown) {
    if (error instanceof DeadlineReached) {
      // Let the probe's own awaits (all raced against the same signal) settle and record their
      // phases: one macrotask turn, never longer.
      await Promise.race([running.catch(() => undefined), new Promise<void>((resolve) => setImmediate(resolve))]);
    }
    const last = ctx.phases[ctx.phases.length - 1];
    if (error instanceof DeadlineReached && last?.phase === 'dns' && !last.ok) {
      outcome = 'DNS_FAILED';
      detail = `no DNS answer within ${options.deadlineMs} ms`;
    } else if (error instanceof DeadlineReached) {
      outcome = ctx.connected ? 'TIMEOUT' : 'TIMEOUT_CONNECT';
      detail = ctx.connected
        ? `connected, then no answer within ${options.deadlineMs} ms${last && !last.ok ? ` (during ${last.phase})` : ''}`
        : `no answer to the connection attempt within ${options.deadlineMs} ms: the packets go nowhere (a route with no way out, or a firewall that drops)`;
    } else if (error instanceof ProbeFailure) {
      outcome = error.outcome;
      detail = error.message;
    } else {
      outcome = classifySocketError(error) ?? 'PROTOCOL_ERROR';
      detail = errorText(error);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    ctx.release();
  }
  return {
    outcome,
    phases: [...ctx.phases],
    durationMs: Math.round((performance.now() - start) * 10) / 10,
    detail: redactUrlPasswords(detail),
    info: ctx.info,
  };
}

/**
 * Runs probes concurrently, at most `concurrency` at a time, so that N dependencies take about
 * as long as the slowest one rather than the sum. Results keep the order of `specs`.
 */
export async function runProbes(specs: readonly ProbeSpec[], options: ProbeOptions & { readonly concurrency: number }): Promise<ProbeResult[]> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new TypeError('`concurrency` must be a whole number of at least 1');
  const results = new Array<ProbeResult>(specs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const index = next++;
      const spec = specs[index];
      if (spec) results[index] = await runProbe(spec, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, specs.length) }, worker));
  return results;
}
