import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrlPasswords } from '../model/redact.js';
import type { Lifeline } from './api.js';
import type { Metrics } from './metrics.js';
import type { DependencyState, PhaseState, Snapshot } from './types.js';

/** Options for {@link createHealthHandler} and the adapters. */
export interface HealthOptions {
  /** Where the health endpoints live; must start with '/'. @default '/health' */
  readonly basePath?: string;
  /** When given, `GET /metrics` serves these metrics too. */
  readonly metrics?: Metrics;
}

/** Answers a request if its path is one of the health endpoints; returns false otherwise. */
export type HealthHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** One endpoint of the health API (the path relative to `basePath`). */
export type HealthRoute =
  | { readonly kind: 'summary' }
  | { readonly kind: 'live' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'startup' }
  | { readonly kind: 'dependency'; readonly name: string };

/** A complete answer, independent of the server framework that sends it. */
export interface HealthResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON (or metrics) text; for HEAD send the headers only. */
  readonly body: string;
}

/** Served when `metrics` is given, whatever the `basePath`: the path Prometheus scrapes by default. */
export const METRICS_PATH = '/metrics';

/** The methods every endpoint allows; the rest get 405. */
export const ALLOWED_METHODS = 'GET, HEAD';

const defaults: Required<Pick<HealthOptions, 'basePath'>> = { basePath: '/health' };

/**
 * Validates a `basePath` option and removes a trailing '/'.
 * @example
 * healthBasePath('/internal/health/'); // '/internal/health'
 */
export function healthBasePath(basePath: string = defaults.basePath): string {
  const trimmed = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  // '/' would claim every path, and the handler could never fall through to the app.
  if (!trimmed.startsWith('/') || /[?#\s]/.test(trimmed)) {
    throw new TypeError(`\`basePath\` must be a path below '/' without '?', '#' or spaces, e.g. '/health'; got ${JSON.stringify(basePath)}.`);
  }
  return trimmed;
}

/**
 * The endpoint a request path names, or undefined when the path is not under `basePath`.
 * A dependency named `live`, `ready` or `startup` is shadowed by the endpoint of that name.
 * @example
 * resolveHealthRoute('/health', '/health/database?verbose'); // { kind: 'dependency', name: 'database' }
 */
export function resolveHealthRoute(basePath: string, url: string): HealthRoute | undefined {
  const query = url.search(/[?#]/);
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === basePath) return { kind: 'summary' };
  const prefix = `${basePath}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  switch (rest) {
    case 'live':
    case 'ready':
    case 'startup':
      return { kind: rest };
    default:
      return { kind: 'dependency', name: decodePathSegment(rest) };
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed %-escape: look it up as written, which answers 404 with the known names
  }
}

/**
 * Answers one endpoint from `lifeline.snapshot()` alone: never touches a dependency.
 * @example
 * const answer = answerHealthRoute(lifeline, { kind: 'ready' }, 'GET');
 * answer.status; // 200 when ready, else 503
 */
export function answerHealthRoute(lifeline: Lifeline, route: HealthRoute, method: string | undefined): HealthResponse {
  if (method !== 'GET' && method !== 'HEAD') {
    return json(405, { error: `Method ${method ?? '(none)'} is not allowed on health endpoints: use GET or HEAD.` }, { Allow: ALLOWED_METHODS });
  }
  let snapshot: Snapshot;
  try {
    snapshot = lifeline.snapshot();
  } catch (error: unknown) {
    // Liveness says the process answers; a broken snapshot is a readiness problem, not a restart.
    if (route.kind === 'live') return json(200, { status: 'alive', ageMs: null });
    return json(500, { error: `Reading the lifeline snapshot failed: ${redactUrlPasswords(describe(error))}. This is a bug in the lifeline; /health/live still answers.` });
  }
  const now = Date.now();
  const ageMs = Math.max(0, now - snapshot.at);
  switch (route.kind) {
    case 'live':
      return json(200, { status: 'alive', ageMs });
    case 'ready':
      return json(snapshot.ready ? 200 : 503, { ready: snapshot.ready, mode: snapshot.mode.kind, reasons: reasonsOf(snapshot), shuttingDown: snapshot.shuttingDown, ageMs });
    case 'startup':
      return json(snapshot.startupComplete ? 200 : 503, { startupComplete: snapshot.startupComplete, phases: snapshot.phases.map(phaseView), ageMs });
    case 'summary':
      return json(snapshot.ready ? 200 : 503, {
        service: snapshot.service,
        mode: snapshot.mode.kind,
        reasons: reasonsOf(snapshot),
        ready: snapshot.ready,
        startupComplete: snapshot.startupComplete,
        shuttingDown: snapshot.shuttingDown,
        phases: snapshot.phases.map(phaseView),
        dependencies: snapshot.dependencies.map((d) => dependencyView(d, now)),
        ageMs,
      });
    case 'dependency': {
      const dependency = snapshot.dependencies.find((d) => d.name === route.name);
      if (dependency === undefined) {
        const known = snapshot.dependencies.map((d) => d.name);
        const list = known.length > 0 ? known.join(', ') : '(none)';
        return json(404, { error: `No dependency named ${JSON.stringify(route.name)}: ask for one of ${list}, or for live, ready or startup.`, known, ageMs });
      }
      return json(dependency.status === 'up' ? 200 : 503, { ...dependencyView(dependency, now), ageMs });
    }
    default: {
      const unknown: never = route;
      throw new TypeError(`Unknown health route ${JSON.stringify(unknown)}.`);
    }
  }
}

/**
 * Answers `GET /metrics` in the Prometheus text format.
 * @example
 * const answer = await answerMetrics(metrics, 'GET');
 */
export async function answerMetrics(metrics: Metrics, method: string | undefined): Promise<HealthResponse> {
  if (method !== 'GET' && method !== 'HEAD') {
    return json(405, { error: `Method ${method ?? '(none)'} is not allowed on ${METRICS_PATH}: use GET or HEAD.` }, { Allow: ALLOWED_METHODS });
  }
  try {
    const body = await metrics.text();
    return { status: 200, headers: { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)) }, body };
  } catch (error: unknown) {
    return json(500, { error: `Collecting metrics failed: ${redactUrlPasswords(describe(error))}.` });
  }
}

/**
 * A node:http handler serving the health endpoints under `basePath` (and `/metrics` when
 * `metrics` is given). It returns false, without answering, for any other path, so it can sit
 * in front of an app. Every answer comes from `lifeline.snapshot()`: a flood of probes never
 * reaches a dependency.
 *
 * - `GET /health/live`: always 200 `{status:'alive'}`.
 * - `GET /health/ready`: 200 when ready, else 503.
 * - `GET /health/startup`: 200 once startup is complete, else 503.
 * - `GET /health`: everything; 200 when ready, else 503.
 * - `GET /health/<dependency>`: one dependency; 200 when up, else 503; 404 for an unknown name.
 *
 * Bodies are JSON with `ageMs` (how old the snapshot is) and `Cache-Control: no-store`; error
 * strings have URL passwords redacted; HEAD answers the headers only; other methods get 405.
 *
 * @example
 * const health = createHealthHandler(lifeline);
 * http.createServer((req, res) => {
 *   if (health(req, res)) return;
 *   app(req, res);
 * }).listen(8080);
 */
export function createHealthHandler(lifeline: Lifeline, options: HealthOptions = {}): HealthHandler {
  const basePath = healthBasePath(options.basePath);
  const metrics = options.metrics;
  return (req, res) => {
    const url = req.url ?? '/';
    if (metrics !== undefined && (url === METRICS_PATH || url.startsWith(`${METRICS_PATH}?`))) {
      void answerMetrics(metrics, req.method).then((answer) => {
        sendHealthResponse(res, req.method, answer);
      });
      return true;
    }
    const route = resolveHealthRoute(basePath, url);
    if (route === undefined) return false;
    sendHealthResponse(res, req.method, answerHealthRoute(lifeline, route, req.method));
    return true;
  };
}

/**
 * Writes an answer on a node:http response (headers only for HEAD).
 * @example
 * sendHealthResponse(res, req.method, answerHealthRoute(lifeline, { kind: 'live' }, req.method));
 */
export function sendHealthResponse(res: ServerResponse, method: string | undefined, answer: HealthResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, answer.headers);
  res.end(method === 'HEAD' ? undefined : answer.body);
}

function json(status: number, body: unknown, extraHeaders: Readonly<Record<string, string>> = {}): HealthResponse {
  const text = JSON.stringify(body);
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)), ...extraHeaders },
    body: text,
  };
}

function reasonsOf(snapshot: Snapshot): unknown[] {
  if (snapshot.mode.kind === 'FULL') return [];
  return snapshot.mode.reasons.map((r) => ({ kind: r.kind, subject: r.subject, message: redactUrlPasswords(r.message), since: r.since }));
}

function phaseView(phase: PhaseState): unknown {
  return {
    name: phase.name,
    critical: phase.critical,
    status: phase.status,
    reason: phase.reason === undefined ? null : redactUrlPasswords(phase.reason),
    durationMs: phase.durationMs ?? null,
    attempts: phase.attempts,
  };
}

// Absent values are null rather than missing, so every body has the same keys.
function dependencyView(d: DependencyState, now: number): Record<string, unknown> {
  return {
    name: d.name,
    critical: d.critical,
    status: d.status,
    latencyMs: d.latencyMs ?? null,
    lastError: d.lastError === undefined ? null : redactUrlPasswords(d.lastError),
    checkedAt: d.checkedAt ?? null,
    checkAgeMs: d.checkedAt === undefined ? null : Math.max(0, now - d.checkedAt),
    lastOkAt: d.lastOkAt ?? null,
    breaker: d.breaker,
    consecutiveFailures: d.consecutiveFailures,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
