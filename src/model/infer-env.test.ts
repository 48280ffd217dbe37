import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTopology } from '../sources/topology-file.js';
import { parse } from 'yaml';
import { buildTopology, type BuildSource, type EntityLink } from './build.js';
import { INFERENCE_RULES } from './infer.js';
import { topologyFileSchema } from './schema.js';
import type { Dependency } from './topology.js';

const base = `
project: p
region: europe-west1
databases:
  - {name: orders, publicIp: 198.51.100.20, privateIp: 10.20.0.3, privateNetwork: vpc}
  - {name: ledger, publicIp: null, privateIp: 10.20.0.4, privateNetwork: vpc}
`;

function depsOf(service: string): readonly Dependency[] {
  const { topology } = parseTopology('t.yaml', `${base}services:\n  - name: s\n${service.replace(/^/gm, '    ')}\n`);
  const [only] = topology.services;
  assert.ok(only);
  return only.dependencies;
}

/** name, kind, target and rule: the exact dependency each rule gives. */
const inferred = (service: string) =>
  depsOf(service).map((d) => [d.name, d.kind, d.target, d.provenance.kind === 'inferred' ? d.provenance.rule : 'declared']);

describe('inference rules', () => {
  it('url-variable: a URL under *_URL', () => {
    assert.deepEqual(inferred('env: {SEARCH_URL: "https://search.example.com/v1"}'), [['search', 'https', { kind: 'address', host: 'search.example.com', port: 443 }, 'url-variable']]);
  });

  it('host-port-pair: REDISHOST/REDISPORT, DBHOST/DBPORT and X_HOST + X_PORT, one dependency each', () => {
    assert.deepEqual(inferred('env: {REDISHOST: 10.9.0.5, REDISPORT: "6380"}'), [['redis', 'redis', { kind: 'address', host: '10.9.0.5', port: 6380 }, 'host-port-pair']]);
    assert.deepEqual(inferred('env: {DBHOST: db.internal, DBPORT: "5433"}'), [['db', 'postgres', { kind: 'address', host: 'db.internal', port: 5433 }, 'host-port-pair']]);
    assert.deepEqual(inferred('env: {SEARCH_HOST: search.internal, SEARCH_PORT: "9200"}'), [['search', 'tcp', { kind: 'address', host: 'search.internal', port: 9200 }, 'host-port-pair']]);
  });

  it('host-variable: a *_HOST without a port gives none, unless Redis (6379) or a socket directory', () => {
    assert.deepEqual(inferred('env: {SEARCH_HOST: search.internal, PGHOST: db.internal}'), []);
    assert.deepEqual(inferred('env: {REDIS_HOST: 10.9.0.5}'), [['redis', 'redis', { kind: 'address', host: '10.9.0.5', port: 6379 }, 'host-variable']]);
    assert.deepEqual(inferred('env: {PGHOST: /cloudsql/p:europe-west1:orders}'), [['orders', 'postgres', { kind: 'cloudsql-socket', connectionName: 'p:europe-west1:orders' }, 'host-variable']]);
  });

  it('endpoint-variable: *_ENDPOINT, *_ADDR and *_SERVER as URL, host:port, or host with its *_PORT', () => {
    assert.deepEqual(
      inferred('env: {VECTOR_ENDPOINT: "https://vectors.example.com", CACHE_ADDR: "10.9.0.7:6379", SMTP_SERVER: smtp.example.com, SMTP_PORT: "587", LDAP_SERVER: ldap.example.com}'),
      [
        ['vector', 'https', { kind: 'address', host: 'vectors.example.com', port: 443 }, 'endpoint-variable'],
        ['cache', 'tcp', { kind: 'address', host: '10.9.0.7', port: 6379 }, 'endpoint-variable'],
        ['smtp', 'tcp', { kind: 'address', host: 'smtp.example.com', port: 587 }, 'host-port-pair'],
      ],
    );
  });

  it('jdbc-url: postgresql, mysql and sqlserver, on the written or the driver\'s port', () => {
    assert.deepEqual(
      inferred('env: {SPRING_DATASOURCE_URL: "jdbc:postgresql://pg.example.com:5432/app", LEGACY_DB_URL: "jdbc:mysql://mysql.example.com/shop", REPORTS_JDBC_URL: "jdbc:sqlserver://mssql.example.com:1433;databaseName=reports;password=hunter2"}'),
      [
        ['spring-datasource', 'postgres', { kind: 'address', host: 'pg.example.com', port: 5432 }, 'jdbc-url'],
        ['legacy-db', 'tcp', { kind: 'address', host: 'mysql.example.com', port: 3306 }, 'jdbc-url'],
        ['reports', 'tcp', { kind: 'address', host: 'mssql.example.com', port: 1433 }, 'jdbc-url'],
      ],
    );
    const shown = depsOf('env: {REPORTS_JDBC_URL: "jdbc:sqlserver://mssql.example.com:1433;databaseName=reports;password=hunter2"}')[0]?.display;
    assert.equal(shown, 'jdbc:sqlserver://mssql.example.com:1433;databaseName=reports;password=***');
  });

  it('cloudsql-connector: the socket factory uses the /cloudsql socket when mounted', () => {
    assert.deepEqual(
      inferred('cloudSqlInstances: ["p:europe-west1:orders"]\nenv: {JDBC_URL: "jdbc:postgresql:///app?cloudSqlInstance=p:europe-west1:orders&socketFactory=com.google.cloud.sql.postgres.SocketFactory"}'),
      [['orders', 'postgres', { kind: 'cloudsql-socket', connectionName: 'p:europe-west1:orders' }, 'cloudsql-connector']],
    );
  });

  it('cloudsql-connector without the mount: the Admin API and the instance on 3307, by ipTypes', () => {
    const url = (ipTypes: string) => `env: {JDBC_URL: "jdbc:postgresql:///app?cloudSqlInstance=p:europe-west1:orders&socketFactory=com.google.cloud.sql.postgres.SocketFactory${ipTypes}"}`;
    assert.deepEqual(inferred(url('')), [
      ['sqladmin', 'google-api', { kind: 'google-api', host: 'sqladmin.googleapis.com' }, 'cloudsql-connector'],
      ['orders', 'postgres', { kind: 'address', host: '198.51.100.20', port: 3307 }, 'cloudsql-connector'],
    ]);
    assert.deepEqual(inferred(url('&ipTypes=PRIVATE'))[1], ['orders', 'postgres', { kind: 'database', database: 'orders', address: 'private-ip', port: 3307 }, 'cloudsql-connector']);
    const undescribed = inferred('env: {JDBC_URL: "jdbc:mysql:///app?cloudSqlInstance=p:europe-west1:gone&socketFactory=com.google.cloud.sql.mysql.SocketFactory"}')[1];
    assert.deepEqual(undescribed, ['gone', 'tcp', { kind: 'unresolved', reason: 'Cloud SQL instance p:europe-west1:gone is not described in the configuration' }, 'cloudsql-connector']);
  });

  it('mongodb-srv: the public cluster host on 27017, its password redacted', () => {
    const deps = depsOf('env: {MONGODB_URI: "mongodb+srv://app:s3cr3t@cluster0.abc.mongodb.net/shop?retryWrites=true"}');
    assert.deepEqual(deps.map((d) => [d.name, d.kind, d.target, d.provenance.kind === 'inferred' && d.provenance.rule]), [['mongodb', 'tcp', { kind: 'address', host: 'cluster0.abc.mongodb.net', port: 27017 }, 'mongodb-srv']]);
    assert.equal(deps[0]?.display, 'mongodb+srv://app:***@cluster0.abc.mongodb.net/shop?retryWrites=true');
  });

  it('mongodb-hosts: one dependency per host of a multi-host URL', () => {
    assert.deepEqual(inferred('env: {MONGO_URL: "mongodb://app:pw@10.9.1.1:27017,10.9.1.2:27018,mongo-c.internal/shop?replicaSet=rs0"}'), [
      ['mongo', 'tcp', { kind: 'address', host: '10.9.1.1', port: 27017 }, 'mongodb-hosts'],
      ['mongo-2', 'tcp', { kind: 'address', host: '10.9.1.2', port: 27018 }, 'mongodb-hosts'],
      ['mongo-3', 'tcp', { kind: 'address', host: 'mongo-c.internal', port: 27017 }, 'mongodb-hosts'],
    ]);
  });

  it('oracle-easy-connect: host:port/service in an Oracle connect-string variable', () => {
    assert.deepEqual(inferred('env: {ORACLE_DSN: "ora.example.com:1522/ORCLPDB1", ORACLE_CONNECTION_STRING: "//ora2.example.com/SALES"}'), [
      ['oracle', 'tcp', { kind: 'address', host: 'ora.example.com', port: 1522 }, 'oracle-easy-connect'],
      ['oracle-2', 'tcp', { kind: 'address', host: 'ora2.example.com', port: 1521 }, 'oracle-easy-connect'],
    ]);
  });

  it('oracle-descriptor: each TCP address of a TNS descriptor, read structurally', () => {
    const descriptor = '(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=db1.example.com)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=db2.example.com)(PORT=1526)))(CONNECT_DATA=(SERVICE_NAME=orcl)))';
    assert.deepEqual(inferred(`env: {ORACLE_URL: "${descriptor}"}`), [
      ['oracle', 'tcp', { kind: 'address', host: 'db1.example.com', port: 1521 }, 'oracle-descriptor'],
      ['oracle-2', 'tcp', { kind: 'address', host: 'db2.example.com', port: 1526 }, 'oracle-descriptor'],
    ]);
    const broken = inferred('env: {ORACLE_URL: "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1.example.com)"}')[0];
    assert.deepEqual(broken?.[2], { kind: 'unresolved', reason: 'ORACLE_URL: the TNS descriptor does not parse: expected ")" at character 59' });
  });

  it('bucket-variable: Cloud Storage buckets reach storage.googleapis.com; S3 buckets do not', () => {
    assert.deepEqual(inferred('env: {UPLOADS_BUCKET: acme-uploads, GCS_BUCKET: acme-exports, BUCKET_NAME: acme-media, AWS_S3_BUCKET: acme-s3}'), [
      ['storage', 'google-api', { kind: 'google-api', host: 'storage.googleapis.com' }, 'bucket-variable'],
    ]);
  });

  it('saas-api-key: each table entry from its key name, in env or a secret, value never read', () => {
    const deps = inferred(`env:
  ANTHROPIC_API_KEY: not-a-real-key
  STRIPE_SECRET_KEY: also-not-real
  STRIPE_WEBHOOK_SECRET: whsec
  TWILIO_AUTH_TOKEN: t
secrets:
  - {env: OPENAI_API_KEY, secret: openai-key}
  - {env: GROQ_API_KEY, secret: groq-key}
  - {env: SENDGRID_API_KEY, secret: sendgrid-key}
  - {env: MISTRAL_API_KEY, secret: mistral-key}
  - {env: COHERE_API_KEY, secret: cohere-key}
  - {env: GEMINI_API_KEY, secret: gemini-key}
  - {env: GOOGLE_API_KEY, secret: google-key}`);
    const https = (host: string) => ({ kind: 'address', host, port: 443 });
    assert.deepEqual(deps, [
      ['anthropic', 'https', https('api.anthropic.com'), 'saas-api-key'],
      ['stripe', 'https', https('api.stripe.com'), 'saas-api-key'],
      ['twilio', 'https', https('api.twilio.com'), 'saas-api-key'],
      ['openai', 'https', https('api.openai.com'), 'saas-api-key'],
      ['groq', 'https', https('api.groq.com'), 'saas-api-key'],
      ['sendgrid', 'https', https('api.sendgrid.com'), 'saas-api-key'],
      ['mistral', 'https', https('api.mistral.ai'), 'saas-api-key'],
      ['cohere', 'https', https('api.cohere.com'), 'saas-api-key'],
      ['gemini', 'google-api', { kind: 'google-api', host: 'generativelanguage.googleapis.com' }, 'saas-api-key'],
    ]);
  });

  it('saas-api-key: a base URL variable is the one dependency for its API', () => {
    assert.deepEqual(inferred('env: {OPENAI_BASE_URL: "https://llm-proxy.example.com/v1"}\nsecrets: [{env: OPENAI_API_KEY, secret: k}]'), [
      ['openai-base', 'https', { kind: 'address', host: 'llm-proxy.example.com', port: 443 }, 'url-variable'],
    ]);
    assert.deepEqual(inferred('env: {SUPABASE_URL: "https://abcd.supabase.co", SUPABASE_ANON_KEY: k}'), [['supabase', 'https', { kind: 'address', host: 'abcd.supabase.co', port: 443 }, 'url-variable']]);
  });

  it('an unknown password still gives the dependency on the known host; an unknown host is not guessed', () => {
    const deps = depsOf('env: {DATABASE_URL: "postgresql://app:${DB_PASSWORD}@pg.example.com:5432/app", CACHE_URL: "redis://:unknown@10.9.0.5:6379", QUEUE_URL: "https://${QUEUE_HOST}/jobs", SEARCH_URL: unknown}');
    assert.deepEqual(
      deps.map((d) => [d.name, d.target, d.display]),
      [
        ['database', { kind: 'address', host: 'pg.example.com', port: 5432 }, 'postgresql://app:***@pg.example.com:5432/app'],
        ['cache', { kind: 'address', host: '10.9.0.5', port: 6379 }, 'redis://:***@10.9.0.5:6379'],
        ['queue', { kind: 'unresolved', reason: 'the host in QUEUE_URL is a placeholder: expression not evaluated' }, 'https://${QUEUE_HOST}/jobs'],
        ['search', { kind: 'unresolved', reason: 'SEARCH_URL is not given: its value is unknown' }, '(unresolved: SEARCH_URL is not given: its value is unknown)'],
      ],
    );
  });

  it('a connection variable whose name contains "token" is still read; a datasource password never is', () => {
    assert.deepEqual(inferred('env: {TOKEN_SERVICE_URL: "https://tokens.example.com", SPRING_DATASOURCE_PASSWORD: "(DESCRIPTION=oops"}'), [
      ['token-service', 'https', { kind: 'address', host: 'tokens.example.com', port: 443 }, 'url-variable'],
    ]);
  });

  it('an unknown *_HOST follows the port rule: a dependency with its X_PORT, none alone', () => {
    assert.deepEqual(inferred('env: {SEARCH_HOST: unknown}'), []);
    assert.deepEqual(inferred('env: {SEARCH_HOST: unknown, SEARCH_PORT: "9200"}'), [['search', undefined, { kind: 'unresolved', reason: 'SEARCH_HOST is not given: its value is unknown' }, 'host-port-pair']]);
  });

  it('listen settings are not dependencies', () => {
    assert.deepEqual(
      inferred('env: {HOST: 0.0.0.0, PORT: "8080", LISTEN_ADDR: ":8080", BIND_ADDRESS: "::", SERVER_PORT: "8080", HTTP_PORT: "8081", SERVER_HOST: "0.0.0.0", GRPC_ADDR: "[::]:9090", METRICS_ADDRESS: "0.0.0.0:9100"}'),
      [],
    );
  });

  it('secret-url and cloudsql-mount keep their behaviour, with their rule ids', () => {
    assert.deepEqual(inferred('cloudSqlInstances: ["p:europe-west1:orders"]\nsecrets: [{env: DATABASE_URL, secret: db-url}, {env: CACHE_URL, secret: cache-url}]'), [
      ['cache', undefined, { kind: 'unresolved', reason: 'CACHE_URL comes from secret "cache-url": its host is read at run time' }, 'secret-url'],
      ['orders', 'postgres', { kind: 'cloudsql-socket', connectionName: 'p:europe-west1:orders' }, 'cloudsql-mount'],
    ]);
  });

  it('terraform-reference: an unknown value its source says is a cache\'s host or a database\'s IP depends on that entity', () => {
    const yaml = `${base}caches:\n  - {name: cache, host: unknown}\nservices:\n  - name: s\n    env: {REDIS_HOST: unknown, REDIS_PORT: "6380", DB_HOST: unknown, OTHER_URL: unknown}\n`;
    const links: Record<string, EntityLink> = {
      'services.0.env.REDIS_HOST': { kind: 'cache', name: 'cache' },
      'services.0.env.DB_HOST': { kind: 'database', name: 'ledger', address: 'private-ip' },
    };
    const source: BuildSource = { origin: (path) => ({ file: 'main.tf', path }), unknownReason: () => 'known only after apply', linkedEntity: (path) => links[path.join('.')] };
    const [service] = buildTopology(topologyFileSchema.parse(parse(yaml)), source).topology.services;
    assert.deepEqual(
      service?.dependencies.map((d) => [d.name, d.kind, d.target, d.provenance.kind === 'inferred' ? d.provenance.rule : 'declared']),
      [
        ['cache', 'redis', { kind: 'cache', cache: 'cache', port: 6380 }, 'terraform-reference'],
        ['ledger', 'postgres', { kind: 'database', database: 'ledger', address: 'private-ip', port: 5432 }, 'terraform-reference'],
        ['other', undefined, { kind: 'unresolved', reason: 'known only after apply' }, 'url-variable'],
      ],
    );
  });

  it('every rule id used here is a registered rule', () => {
    const used = new Set(['url-variable', 'host-port-pair', 'host-variable', 'endpoint-variable', 'jdbc-url', 'cloudsql-connector', 'mongodb-srv', 'mongodb-hosts', 'oracle-easy-connect', 'oracle-descriptor', 'bucket-variable', 'saas-api-key', 'secret-url', 'cloudsql-mount', 'terraform-reference']);
    assert.deepEqual([...used].sort(), Object.keys(INFERENCE_RULES).sort());
  });
});
