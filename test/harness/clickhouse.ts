import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { trackServer, type RunningServer } from './connections.js';

/** Options for {@link startClickHouseLikeServer}. */
export interface ClickHouseLikeOptions {
  /** The one user that exists. Default `default`. */
  readonly user?: string;
  /** That user's password. Default empty, as for ClickHouse's `default` user. */
  readonly password?: string;
  /** Serve HTTPS (as ClickHouse does on 8443) with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

const VERSION = '24.3.1.1';

interface Credentials {
  readonly user: string;
  readonly key: string;
}

/** Where ClickHouse reads credentials from: X-ClickHouse-User/Key headers, else basic auth, else ?user=&password=. */
function credentialsOf(request: http.IncomingMessage, url: URL): Credentials {
  const headerUser = request.headers['x-clickhouse-user'];
  const headerKey = request.headers['x-clickhouse-key'];
  if (typeof headerUser === 'string' || typeof headerKey === 'string') {
    return { user: typeof headerUser === 'string' ? headerUser : 'default', key: typeof headerKey === 'string' ? headerKey : '' };
  }
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('basic ') === true) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { user: decoded, key: '' } : { user: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
  }
  return { user: url.searchParams.get('user') ?? 'default', key: url.searchParams.get('password') ?? '' };
}

/** What the stand-in answers to a query: only `SELECT <integer>` and `SELECT version()`. */
function evaluate(query: string): { status: number; body: string } {
  const sql = query.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');
  if (sql === '') return { status: 400, body: 'Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)' };
  const number = /^SELECT (-?\d+)(?: FORMAT TabSeparated)?$/i.exec(sql);
  if (number) return { status: 200, body: `${number[1] ?? ''}\n` };
  if (/^SELECT version\(\)$/i.test(sql)) return { status: 200, body: `${VERSION}\n` };
  return { status: 400, body: `Code: 62. DB::Exception: Syntax error: this ClickHouse stand-in only understands SELECT <integer> and SELECT version(), not: ${sql}. (SYNTAX_ERROR) (version ${VERSION})\n` };
}

function sendException(response: http.ServerResponse, status: number, code: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code) });
  response.end(body);
}

/**
 * A loopback HTTP server shaped like ClickHouse's HTTP interface (ClickHouse itself has no Debian
 * package): `GET /ping` and `GET /` → 200 `Ok.\n`; a query in `?query=` and/or the POST body,
 * with credentials in X-ClickHouse-User/X-ClickHouse-Key, basic auth or ?user=&password= →
 * 200 `1\n` for `SELECT 1`, or 516 `Code: 516. DB::Exception: …Authentication failed…` for wrong
 * credentials.
 */
export async function startClickHouseLikeServer(options: ClickHouseLikeOptions = {}): Promise<RunningServer> {
  const expected: Credentials = { user: options.user ?? 'default', key: options.password ?? '' };
  const handle = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://clickhouse');
      const param = url.searchParams.get('query');
      const body = Buffer.concat(chunks).toString('utf8');
      if (url.pathname === '/ping' || (url.pathname === '/' && request.method !== 'POST' && param === null)) {
        response.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
        response.end('Ok.\n');
        return;
      }
      if (url.pathname !== '/') {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
        response.end(`There is no handle ${url.pathname}\n\nUse / or /ping for health checks.\n`);
        return;
      }
      const credentials = credentialsOf(request, url);
      if (credentials.user !== expected.user || credentials.key !== expected.key) {
        sendException(
          response,
          516,
          516,
          `Code: 516. DB::Exception: ${credentials.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version ${VERSION})\n`,
        );
        return;
      }
      const query = [param, body].filter((part): part is string => part !== null && part !== '').join('\n');
      const result = evaluate(query);
      if (result.status !== 200) {
        sendException(response, result.status, 62, result.body);
        return;
      }
      response.writeHead(200, {
        'Content-Type': 'text/tab-separated-values; charset=UTF-8',
        'X-ClickHouse-Server-Display-Name': 'lifeline-clickhouse-stand-in',
        'X-ClickHouse-Query-Id': randomUUID(),
        'X-ClickHouse-Format': 'TabSeparated',
        'X-ClickHouse-Timezone': 'UTC',
        'X-ClickHouse-Summary': '{"read_rows":"1","read_bytes":"1","written_rows":"0","written_bytes":"0","total_rows_to_read":"0","result_rows":"1","result_bytes":"1"}',
      });
      response.end(result.body);
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handle) : http.createServer(handle);
  const tracked = trackServer(server);
  const port = await tracked.listen();
  return { host: '127.0.0.1', port, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/`, close: () => tracked.close() };
}
