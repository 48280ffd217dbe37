import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Lifeline } from './api.js';
import {
  answerHealthRoute,
  answerMetrics,
  createHealthHandler,
  healthBasePath,
  METRICS_PATH,
  sendHealthResponse,
  type HealthOptions,
  type HealthResponse,
  type HealthRoute,
} from './health.js';

// Express and Fastify are described structurally, not imported: the library must load (and
// type-check for its users) without either installed.

/** An Express (4 or 5) middleware; `req` and `res` are node's, which Express extends. */
export type ExpressHealthMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The part of a Fastify request the health routes read. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly params: unknown;
}

/** The part of a Fastify reply the health routes use. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  route(options: { method: string[]; url: string; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => unknown }): unknown;
}

/** A Fastify plugin: pass it to `app.register()`, optionally with `{ prefix }`. */
export type FastifyHealthPlugin = (instance: FastifyInstanceLike) => Promise<void>;

/** Options for {@link startHealthServer}. */
export interface HealthServerOptions extends HealthOptions {
  /** The port to listen on; 0 picks a free one (read it from the result). */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host?: string;
}

/** A running standalone health server. */
export interface HealthServer {
  /** The port it listens on (the chosen one when `port` was 0). */
  readonly port: number;
  /**
   * Stops accepting, closes idle keep-alive connections and resolves when the server is closed.
   * Idempotent.
   * @example
   * await server.close();
   */
  close(): Promise<void>;
}

const READ_METHODS = ['GET', 'HEAD'];
// Answered 405 with `Allow: GET, HEAD`, as the node handler does for any method but GET and HEAD.
const OTHER_METHODS = ['DELETE', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * Express middleware serving the health endpoints (see `createHealthHandler`); every other path
 * goes on to `next()`. Mounted under a path (`app.use('/svc', …)`), `basePath` is relative to it.
 * @example
 * const app = express();
 * app.use(expressHealth(lifeline, { metrics: createMetrics(lifeline) }));
 * app.get('/orders', listOrders);
 */
export function expressHealth(lifeline: Lifeline, options: HealthOptions = {}): ExpressHealthMiddleware {
  const handler = createHealthHandler(lifeline, options);
  return (req, res, next) => {
    let handled: boolean;
    try {
      handled = handler(req, res);
    } catch (error: unknown) {
      next(error);
      return;
    }
    if (!handled) next();
  };
}

/**
 * A Fastify plugin registering the health endpoints (see `createHealthHandler`) as GET/HEAD
 * routes, with the same status codes, headers and bodies; other methods on them answer 405.
 * Registered with `{ prefix }`, the routes move under the prefix like any plugin's.
 * @example
 * const app = Fastify();
 * await app.register(fastifyHealth(lifeline));
 * await app.listen({ port: 8080 });
 */
export function fastifyHealth(lifeline: Lifeline, options: HealthOptions = {}): FastifyHealthPlugin {
  const basePath = healthBasePath(options.basePath);
  const metrics = options.metrics;
  const send = (reply: FastifyReplyLike, answer: HealthResponse): FastifyReplyLike => reply.code(answer.status).headers({ ...answer.headers }).send(answer.body);
  const serve = (url: string, routeOf: (request: FastifyRequestLike) => HealthRoute): { method: string[]; url: string; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => void } => ({
    method: [...READ_METHODS, ...OTHER_METHODS],
    url,
    // Synchronous and returning nothing: Fastify would send any returned value a second time.
    handler: (request, reply) => {
      send(reply, answerHealthRoute(lifeline, routeOf(request), request.method));
    },
  });
  // Returning a promise (not taking `done`) tells Fastify this is an async plugin.
  return (instance) => {
    instance.route(serve(basePath, () => ({ kind: 'summary' })));
    instance.route(serve(`${basePath}/live`, () => ({ kind: 'live' })));
    instance.route(serve(`${basePath}/ready`, () => ({ kind: 'ready' })));
    instance.route(serve(`${basePath}/startup`, () => ({ kind: 'startup' })));
    instance.route(serve(`${basePath}/:dependency`, (request) => ({ kind: 'dependency', name: dependencyParam(request.params) })));
    if (metrics !== undefined) {
      instance.route({
        method: [...READ_METHODS, ...OTHER_METHODS],
        url: METRICS_PATH,
        handler: async (request, reply) => send(reply, await answerMetrics(metrics, request.method)),
      });
    }
    return Promise.resolve();
  };
}

function dependencyParam(params: unknown): string {
  if (typeof params === 'object' && params !== null && 'dependency' in params && typeof params.dependency === 'string') return params.dependency;
  return '';
}

/**
 * Starts a node:http server answering only the health endpoints (and `/metrics` when `metrics`
 * is given) on its own port, so probes reach it even when the app's port is saturated. Do not
 * pass it to `lifeline.attachServer()`: it should keep answering 503 while the app drains.
 * @example
 * const health = await startHealthServer(lifeline, { port: 8081 });
 * // … on shutdown, after lifeline.stop():
 * await health.close();
 */
export async function startHealthServer(lifeline: Lifeline, options: HealthServerOptions): Promise<HealthServer> {
  const { port } = options;
  const host = options.host ?? '0.0.0.0';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`\`port\` must be an integer from 0 to 65535 (0 picks a free port); got ${String(port)}.`);
  }
  const handler = createHealthHandler(lifeline, options);
  const basePath = healthBasePath(options.basePath);
  const server = createServer((req, res) => {
    if (handler(req, res)) return;
    const body = JSON.stringify({ error: `No endpoint at ${req.url ?? '/'}: this server answers ${basePath}, ${basePath}/live, ${basePath}/ready, ${basePath}/startup and ${basePath}/<dependency>${options.metrics === undefined ? '' : ` and ${METRICS_PATH}`}.` });
    sendHealthResponse(res, req.method, {
      status: 404,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)) },
      body,
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown): void => {
      const message = error instanceof Error ? error.message : String(error);
      reject(new Error(`The health server could not listen on ${host}:${port}: ${message}. Choose a free port, or 0 to let the system pick one.`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      // From now on an accept error (EMFILE, say) must not become the service's uncaught
      // exception: the server keeps listening and the error is dropped.
      server.on('error', () => undefined);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  let closed: Promise<void> | undefined;
  return {
    port: boundPort,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
