import { redactConnectionString } from './redact.js';
import { parseTnsDescriptor, TnsSyntaxError, tnsAddresses } from './tns-descriptor.js';
import type { DependencyKind } from './topology.js';

/** One host a client connects to. */
export interface HostPort {
  readonly host: string;
  readonly port: number | undefined;
}

/** What a JDBC URL, MongoDB URL or Oracle connect string says about where it connects. */
export type ParsedConnection =
  | {
      readonly form: 'jdbc-url' | 'mongodb-srv' | 'mongodb-hosts' | 'oracle-easy-connect' | 'oracle-descriptor';
      readonly kind: DependencyKind;
      /** In the order the client tries them; never empty. */
      readonly hosts: readonly HostPort[];
      /** The whole string, its credentials redacted. */
      readonly display: string;
    }
  | {
      /** A Cloud SQL language connector (JDBC socket factory): Admin API, then port 3307. */
      readonly form: 'cloudsql-connector';
      readonly kind: DependencyKind;
      readonly instance: string;
      /** `ipTypes` as written (`PUBLIC`, `PRIVATE`, `PSC`), upper case; empty when not given. */
      readonly ipTypes: readonly string[];
      readonly display: string;
    }
  | {
      /** The string has the shape of one of these forms but does not say where it connects. */
      readonly form: 'jdbc-url' | 'mongodb-srv' | 'mongodb-hosts' | 'oracle-easy-connect' | 'oracle-descriptor';
      readonly kind: DependencyKind;
      readonly problem: string;
    };

const JDBC: Readonly<Record<string, { readonly port: number; readonly kind: DependencyKind }>> = {
  postgresql: { port: 5432, kind: 'postgres' },
  mysql: { port: 3306, kind: 'tcp' },
  mariadb: { port: 3306, kind: 'tcp' },
  sqlserver: { port: 1433, kind: 'tcp' },
  oracle: { port: 1521, kind: 'tcp' },
  db2: { port: 50000, kind: 'tcp' },
  redshift: { port: 5439, kind: 'tcp' },
  clickhouse: { port: 8123, kind: 'clickhouse' },
};

const MONGODB_PORT = 27017;
const ORACLE_PORT = 1521;

/**
 * Reads the connection forms that are not plain URLs: `jdbc:…`, `mongodb+srv://…`,
 * `mongodb://h1,h2/…`, Oracle TNS descriptors `(DESCRIPTION=…)` and, when `oracleHint` says the
 * variable holds an Oracle connect string, easy-connect `[//]host:port/service`. Undefined for
 * anything else.
 */
export function parseConnectionString(text: string, oracleHint: boolean): ParsedConnection | undefined {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower.startsWith('jdbc:')) return parseJdbc(value);
  if (lower.startsWith('mongodb+srv://')) return parseMongo(value, 'mongodb-srv');
  if (lower.startsWith('mongodb://')) return parseMongo(value, 'mongodb-hosts');
  if (value.startsWith('(')) return parseOracleDescriptor(value, value);
  if (oracleHint) return parseOracleEasyConnect(value, value);
  return undefined;
}

function parseJdbc(value: string): ParsedConnection {
  const display = redactConnectionString(value);
  const head = /^jdbc:([a-z0-9]+)(?::([a-z]+))?:/i.exec(value);
  const sub = head?.[1]?.toLowerCase() ?? '';
  const known = JDBC[sub];
  const kind = known?.kind ?? 'tcp';
  if (!head) return { form: 'jdbc-url', kind, problem: 'the JDBC URL names no subprotocol (jdbc:postgresql:, jdbc:mysql:…)' };
  if (sub === 'oracle') return parseOracleJdbc(value.slice(head[0].length), display);
  const rest = value.slice(head[0].length);
  if (sub === 'sqlserver') return parseSqlServer(rest, display);
  if (!rest.startsWith('//')) return { form: 'jdbc-url', kind, problem: `the ${sub} JDBC URL has no //host part` };
  const split = splitAuthority(rest);
  const params = new URLSearchParams(split.query);
  const instance = paramIgnoringCase(params, 'cloudSqlInstance');
  if (instance !== undefined) {
    const ipTypes = (paramIgnoringCase(params, 'ipTypes') ?? '').split(',').map((t) => t.trim().toUpperCase()).filter((t) => t !== '');
    return { form: 'cloudsql-connector', kind, instance, ipTypes, display };
  }
  const hosts = hostsOf(split.hosts, known?.port);
  if (typeof hosts === 'string') return { form: 'jdbc-url', kind, problem: hosts };
  return { form: 'jdbc-url', kind, hosts, display };
}

// jdbc:sqlserver://[serverName[\instanceName][:portNumber]][;property=value[;…]]
function parseSqlServer(rest: string, display: string): ParsedConnection {
  const [address = '', ...props] = rest.replace(/^\/\//, '').split(';');
  const properties = new Map(
    props.flatMap((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [] : [[p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()] as const];
    }),
  );
  const instance = properties.get('socketfactoryconstructorarg');
  if (instance !== undefined && /cloud\.sql/i.test(properties.get('socketfactoryclass') ?? '')) {
    return { form: 'cloudsql-connector', kind: 'tcp', instance, ipTypes: [], display };
  }
  const [serverPart = '', portPart] = address.split(':');
  const [server = '', instanceName] = serverPart.split('\\');
  const host = (server || properties.get('servername') || '').toLowerCase();
  if (host === '') return { form: 'jdbc-url', kind: 'tcp', problem: 'the sqlserver JDBC URL names no server' };
  const portText = portPart ?? properties.get('portnumber');
  // A named instance without a port is found through SQL Server Browser: its port is decided at run time.
  const port = portText !== undefined ? validPort(portText) : instanceName !== undefined || properties.has('instancename') ? undefined : (JDBC.sqlserver?.port ?? 1433);
  return { form: 'jdbc-url', kind: 'tcp', hosts: [{ host, port }], display };
}

// jdbc:oracle:thin:[user/password]@(DESCRIPTION=…) | @//host:port/service | @host:port:SID | @host:port/service
function parseOracleJdbc(rest: string, display: string): ParsedConnection {
  const at = rest.indexOf('@');
  if (at < 0) return { form: 'jdbc-url', kind: 'tcp', problem: 'the Oracle JDBC URL has no "@" before its address' };
  const address = rest.slice(at + 1).trim();
  if (address.startsWith('(')) return parseOracleDescriptor(address, display);
  const sid = /^([^:/?]+):(\d{1,5}):([A-Za-z0-9_$#.]+)$/.exec(address);
  if (sid?.[1] && sid[2]) return { form: 'jdbc-url', kind: 'tcp', hosts: [{ host: sid[1].toLowerCase(), port: validPort(sid[2]) }], display };
  return { ...parseOracleEasyConnect(address, display), form: 'jdbc-url' };
}

function parseOracleDescriptor(text: string, display: string): Exclude<ParsedConnection, { form: 'cloudsql-connector' }> {
  try {
    const addresses = tnsAddresses(parseTnsDescriptor(text)).filter((a) => a.protocol === 'TCP' || a.protocol === 'TCPS');
    const hosts = addresses.flatMap((a) => (a.host === undefined ? [] : [{ host: a.host, port: a.port ?? ORACLE_PORT }]));
    if (hosts.length === 0) return { form: 'oracle-descriptor', kind: 'tcp', problem: 'the TNS descriptor has no TCP ADDRESS with a HOST' };
    const shown = display === text ? `${hosts.map((h) => `${h.host}:${h.port}`).join(',')} (TNS descriptor)` : display;
    return { form: 'oracle-descriptor', kind: 'tcp', hosts, display: shown };
  } catch (error: unknown) {
    if (error instanceof TnsSyntaxError) return { form: 'oracle-descriptor', kind: 'tcp', problem: `the TNS descriptor does not parse: ${error.message}` };
    throw error;
  }
}

// [//]host[:port][/service_name][:server][/instance_name]
function parseOracleEasyConnect(text: string, display: string): Exclude<ParsedConnection, { form: 'cloudsql-connector' }> {
  // `user/password@` may lead: it is never part of the address, nor of what is displayed.
  const body = text.slice(text.lastIndexOf('@') + 1).trim().replace(/^\/\//, '');
  const end = body.search(/[/?]/);
  const address = end < 0 ? body : body.slice(0, end);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(address)) {
    return { form: 'oracle-easy-connect', kind: 'tcp', problem: `"${address}" is not host:port/service: the address is not described in the configuration` };
  }
  const hosts = hostsOf(address, ORACLE_PORT);
  if (typeof hosts === 'string') return { form: 'oracle-easy-connect', kind: 'tcp', problem: hosts };
  // An alias (no port, no service) names an entry of tnsnames.ora, which is not in the configuration.
  if (end < 0 && !address.includes(':')) return { form: 'oracle-easy-connect', kind: 'tcp', problem: `"${address}" is a TNS alias: its address is in tnsnames.ora, not described in the configuration` };
  return { form: 'oracle-easy-connect', kind: 'tcp', hosts, display: display === text ? redactConnectionString(body) : display };
}

function parseMongo(value: string, form: 'mongodb-srv' | 'mongodb-hosts'): ParsedConnection {
  const display = redactConnectionString(value);
  const split = splitAuthority(value.slice(value.indexOf('://') + 1));
  if (form === 'mongodb-srv') {
    // mongodb+srv names one host and no port: the driver looks up SRV records under it, then
    // connects with TLS on the port they give (27017 on the common hosted services).
    const hosts = hostsOf(split.hosts, MONGODB_PORT);
    if (typeof hosts === 'string') return { form, kind: 'tcp', problem: hosts };
    if (hosts.length !== 1 || split.hosts.includes(':')) return { form, kind: 'tcp', problem: 'a mongodb+srv URL names exactly one host and no port' };
    return { form, kind: 'tcp', hosts, display };
  }
  const hosts = hostsOf(split.hosts, MONGODB_PORT);
  if (typeof hosts === 'string') return { form, kind: 'tcp', problem: hosts };
  return { form, kind: 'tcp', hosts, display };
}

/** `//[userinfo@]hosts[/path][?query]` → its parts; the userinfo runs to the last '@' of the authority. */
function splitAuthority(rest: string): { hosts: string; query: string } {
  const body = rest.replace(/^\/\//, '');
  const queryAt = body.indexOf('?');
  const beforeQuery = queryAt < 0 ? body : body.slice(0, queryAt);
  const query = queryAt < 0 ? '' : body.slice(queryAt + 1).split('#')[0] ?? '';
  const at = beforeQuery.lastIndexOf('@');
  const afterUser = at < 0 ? beforeQuery : beforeQuery.slice(at + 1);
  const slash = afterUser.indexOf('/');
  return { hosts: slash < 0 ? afterUser : afterUser.slice(0, slash), query };
}

/** `h1:p1,h2` → hosts through WHATWG URL's host parser, or the reason they are not hosts. */
function hostsOf(list: string, defaultPort: number | undefined): readonly HostPort[] | string {
  const hosts: HostPort[] = [];
  for (const entry of list.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    let decoded = trimmed;
    try {
      decoded = decodeURIComponent(trimmed);
    } catch {
      // keep the raw text
    }
    if (decoded.startsWith('/')) continue; // a Unix socket: no network path
    let url: URL;
    try {
      url = new URL(`tcp://${trimmed}`);
    } catch {
      return `"${trimmed}" is not a host or host:port`;
    }
    if (url.hostname === '') return `"${trimmed}" names no host`;
    hosts.push({ host: url.hostname.toLowerCase(), port: url.port === '' ? defaultPort : Number(url.port) });
  }
  return hosts.length > 0 ? hosts : 'the connection string names no host';
}

function validPort(text: string): number | undefined {
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

function paramIgnoringCase(params: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of params) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}
