import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSecrets } from '../../model/secret-registry.js';
import { ExpressionTable } from './hcl-expression.js';
import { readInMemory as read, resourceAt } from './hcl-memory-view.test-helper.js';

/**
 * Evaluates each expression as an attribute of one resource, in one configuration (HCL is parsed
 * once), and gives each value, or its reason when it is not known.
 */
async function evaluateAll(expressions: readonly string[], extra = ''): Promise<{ value: unknown; reason: string | undefined; refs: readonly string[] }[]> {
  const attributes = expressions.map((e, i) => `  x${i} = ${e}`).join('\n');
  const { resources } = await read({ 'main.tf': `resource "google_compute_network" "probe" {\n${attributes}\n}\n${extra}` });
  const probe = resourceAt(resources, 'google_compute_network.probe');
  return expressions.map((_, i) => ({ value: probe.values[`x${i}`], reason: probe.unknownReason([`x${i}`]), refs: probe.references([`x${i}`]) }));
}

async function valuesOf(cases: readonly (readonly [string, unknown])[], extra = ''): Promise<void> {
  const results = await evaluateAll(
    cases.map(([e]) => e),
    extra,
  );
  cases.forEach(([expression, expected], i) => {
    assert.deepEqual({ expression, value: results[i]?.value, reason: results[i]?.reason }, { expression, value: expected, reason: undefined });
  });
}

const VARIABLES = [
  'variable "prefix" { default = null }',
  'variable "named" { default = "acme" }',
  'variable "regions" { default = ["europe-west1", "us-central1", "europe-west1"] }',
  'variable "envs" { default = { LOG_LEVEL = "info", PORT = "8080" } }',
  'variable "cidr" { default = "10.8.0.0/16" }',
  'locals {',
  '  services = { api = { port = 8080 }, worker = { port = 9090 } }',
  '}',
].join('\n');

describe('expressions on HashiCorp\'s syntax tree', () => {
  it('conditionals, operators and the unwrapping of a lone interpolation', async () => {
    await valuesOf(
      [
        ['"${var.prefix == null ? "" : "${var.prefix}-"}svc"', 'svc'],
        ['"${var.named == null ? "" : "${var.named}-"}svc"', 'acme-svc'],
        ['var.named != "acme" || length(var.regions) > 2', true],
        ['!(1 + 2 * 3 == 7) ? "wrong" : "right"', 'right'],
        ['-5 % 3 + 10 / 4', -2 + 2.5],
        ['"${var.regions}"', ['europe-west1', 'us-central1', 'europe-west1']],
        ['"port ${local.services.api.port}"', 'port 8080'],
        ['"$${literal} %%{ kept }"', '${literal} %{ kept }'],
        ['"tab\\tquote\\" \\u00e9"', 'tab\tquote" é'],
      ],
      VARIABLES,
    );
  });

  it('for expressions, splats, indexes and object keys', async () => {
    await valuesOf(
      [
        ['[for r in var.regions : upper(r) if r != "us-central1"]', ['EUROPE-WEST1', 'EUROPE-WEST1']],
        ['{for name, s in local.services : name => s.port}', { api: 8080, worker: 9090 }],
        ['{for r in var.regions : substr(r, 0, 2) => r...}', { eu: ['europe-west1', 'europe-west1'], us: ['us-central1'] }],
        ['[for k, v in var.envs : "${k}=${v}"]', ['LOG_LEVEL=info', 'PORT=8080']],
        ['values(local.services)[*].port', [8080, 9090]],
        ['local.services["worker"].port', 9090],
        ['var.regions[1]', 'us-central1'],
        ['{ (var.named) = 1, "quoted key" = 2, bare = 3 }', { acme: 1, 'quoted key': 2, bare: 3 }],
        ['<<-EOT\n    %{ for r in distinct(var.regions) }${r};%{ endfor }\n    %{ if var.prefix == null }no prefix%{ else }prefix%{ endif }\n  EOT', 'europe-west1;us-central1;\nno prefix\n'],
      ],
      VARIABLES,
    );
  });

  it('the functions Cloud Run configurations use', async () => {
    await valuesOf(
      [
        ['format("%s-%03d-%v", var.named, 7, true)', 'acme-007-true'],
        ['join(",", split("-", "a-b-c"))', 'a,b,c'],
        ['replace("a.b.c", ".", "_")', 'a_b_c'],
        ['replace("db-01", "/([a-z]+)-(\\\\d+)/", "$2-$1")', '01-db'],
        ['trimsuffix(trimprefix("projects/p/x.", "projects/"), ".")', 'p/x'],
        ['concat(["a"], ["b", "c"])', ['a', 'b', 'c']],
        ['merge(var.envs, { PORT = "9090", EXTRA = "1" })', { LOG_LEVEL: 'info', PORT: '9090', EXTRA: '1' }],
        ['lookup(var.envs, "MISSING", "fallback")', 'fallback'],
        ['element(var.regions, 4)', 'us-central1'],
        ['coalesce(var.prefix, "", "third")', 'third'],
        ['compact(["a", "", null, "b"])', ['a', 'b']],
        ['flatten([["a"], [["b"]], "c"])', ['a', 'b', 'c']],
        ['contains(var.regions, "us-central1")', true],
        ['keys(local.services)', ['api', 'worker']],
        ['zipmap(["a", "b"], [1, 2])', { a: 1, b: 2 }],
        ['try(local.services.missing.port, "none")', 'none'],
        ['can(local.services.api.port)', true],
        ['can(tonumber("x"))', false],
        ['tostring(8080)', '8080'],
        ['tonumber("42")', 42],
        ['tolist(toset(var.regions))', ['europe-west1', 'us-central1']],
        ['tomap({ a = "1" })', { a: '1' }],
        ['jsonencode({ port = 8080, on = true })', '{"port":8080,"on":true}'],
        ['jsondecode("{\\"a\\": [1, 2]}").a[1]', 2],
        ['base64encode("hello")', 'aGVsbG8='],
        ['cidrsubnet(var.cidr, 8, 3)', '10.8.3.0/24'],
        ['cidrhost("10.8.3.0/28", -2)', '10.8.3.14'],
        ['regex("^projects/([^/]+)/regions/(?P<region>[^/]+)$", "projects/p/regions/r").region', 'r'],
        ['startswith(var.named, "ac") && endswith(var.named, "me")', true],
        ['one(["only"])', 'only'],
        ['nonsensitive(sensitive("shown"))', 'shown'],
        ['length(var.regions) + length("héllo") + length(var.envs)', 3 + 5 + 2],
        ['upper(lower("MiXeD"))', 'MIXED'],
        // A flag is two code points and one character, for length and substr alike.
        ['"${length("\u{1F1EA}\u{1F1FA}x")}${substr("\u{1F1EA}\u{1F1FA}x", 1, 1)}"', '2x'],
        ['distinct(var.regions)', ['europe-west1', 'us-central1']],
        ['setproduct(["a", "b"], [1, 2])', [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
        ['{ for p in setproduct(["api"], ["r1", "r2"]) : "${p[0]}-${p[1]}" => p[1] }', { 'api-r1': 'r1', 'api-r2': 'r2' }],
        ['setsubtract(var.regions, ["us-central1"])', ['europe-west1']],
        ['setintersection(var.regions, ["us-central1", "asia-east1"])', ['us-central1']],
      ],
      VARIABLES,
    );
  });

  it('an unknown stays unknown through functions and templates, with its cause and the resource it names', async () => {
    const results = await evaluateAll(
      [
        '"redis://${google_redis_instance.cache.host}:6379"',
        'format("%s:%d", google_redis_instance.cache.host, google_redis_instance.cache.port)',
        'length([google_redis_instance.cache.host, "b"])',
        'var.unset ? google_redis_instance.cache.host : google_sql_database_instance.db.private_ip_address',
        'timestamp()',
        'templatefile("${path.module}/x.tpl", {})',
        'sha1("x")',
        'lookup({}, "k")',
      ],
      [
        'variable "unset" {}',
        'resource "google_redis_instance" "cache" {',
        '  name = "cache"',
        '}',
        'resource "google_sql_database_instance" "db" {',
        '  name = "db"',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(
      results.map((r) => r.reason),
      [
        'known only after apply (google_redis_instance.cache.host)',
        'known only after apply (google_redis_instance.cache.host)',
        undefined,
        'var.unset has no default and no value in terraform.tfvars',
        'timestamp(): timestamp() depends on the time of apply',
        'templatefile(): templatefile() depends on a file read at plan time, not read by Lifeline',
        'sha1(): function sha1() is not evaluated by Lifeline',
        'lookup({}, "k") cannot be evaluated: lookup(): the map has no such key and no default is given',
      ],
    );
    assert.equal(results[2]?.value, 2);
    assert.deepEqual(results[0]?.refs, ['google_redis_instance.cache', 'google_redis_instance.cache.host']);
    // A condition that is not known: both branches are links.
    assert.deepEqual(results[3]?.refs, ['google_redis_instance.cache', 'google_redis_instance.cache.host', 'google_sql_database_instance.db', 'google_sql_database_instance.db.private_ip_address']);
  });
});

describe('dynamic blocks', () => {
  it('makes one block per element, with the iterator named by the block or by `iterator`', async () => {
    const { resources, notes } = await read({
      'main.tf': [
        'variable "env" { default = { LOG_LEVEL = "info", PORT = "8080" } }',
        'variable "secrets" { default = [] }',
        'variable "extra" {}',
        'resource "google_cloud_run_v2_service" "api" {',
        '  name = "api"',
        '  template {',
        '    containers {',
        '      env {',
        '        name  = "STATIC"',
        '        value = "1"',
        '      }',
        '      dynamic "env" {',
        '        for_each = var.env',
        '        content {',
        '          name  = env.key',
        '          value = env.value',
        '        }',
        '      }',
        '      dynamic "volume_mounts" {',
        '        for_each = var.extra',
        '        iterator = mount',
        '        content {',
        '          name = mount.value',
        '        }',
        '      }',
        '      dynamic "ports" {',
        '        for_each = [8080]',
        '        iterator = p',
        '        content {',
        '          container_port = p.value',
        '        }',
        '      }',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    });
    const api = resourceAt(resources, 'google_cloud_run_v2_service.api');
    const container = ['template', 0, 'containers', 0];
    assert.deepEqual(api.values.template, [
      {
        containers: [
          {
            env: [
              { name: 'STATIC', value: '1' },
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'PORT', value: '8080' },
            ],
            ports: [{ container_port: 8080 }],
          },
        ],
      },
    ]);
    assert.deepEqual(api.locate([...container, 'env', 2, 'value']), { file: 'cfg/main.tf', line: 12, column: 7 });
    assert.equal(api.unknownReason([...container, 'volume_mounts']), 'dynamic "volume_mounts" for_each is not known (var.extra has no default and no value in terraform.tfvars)');
    assert.deepEqual(notes, [
      'google_cloud_run_v2_service.api: dynamic "volume_mounts" blocks are not known (var.extra has no default and no value in terraform.tfvars); their content is not in the model',
    ]);
  });
});

describe('maps with values known only after apply', () => {
  it('keep the key, as Terraform does: the value is unknown, the key listed among unknownKeys', async () => {
    const { resources } = await read({
      'main.tf': [
        'resource "google_redis_instance" "cache" { name = "cache" }',
        'resource "google_cloudfunctions2_function" "f" {',
        '  name = "f"',
        '  service_config {',
        '    environment_variables = { MODE = "fast", REDIS_HOST = google_redis_instance.cache.host }',
        '  }',
        '}',
      ].join('\n'),
    });
    const f = resourceAt(resources, 'google_cloudfunctions2_function.f');
    const env = ['service_config', 0, 'environment_variables'];
    assert.deepEqual(f.values.service_config, [{ environment_variables: { MODE: 'fast' } }]);
    assert.deepEqual(f.unknownKeys(env), ['REDIS_HOST']);
    assert.equal(f.unknownReason([...env, 'REDIS_HOST']), 'known only after apply (google_redis_instance.cache.host)');
  });
});

describe('sensitive values', () => {
  it('a sensitive variable and what sensitive() marks are never printed, whatever their names', async () => {
    await read({
      'main.tf': [
        'variable "motd" {',
        '  sensitive = true',
        '  default   = { text = "Canary-motd-5521q", list = ["Canary-list-8813w"] }',
        '}',
        'locals {',
        '  banner = sensitive("Canary-fn-7781z")',
        '}',
        'resource "google_compute_network" "n" {',
        '  name        = "n"',
        '  description = "${var.motd.text} ${local.banner}"',
        '}',
      ].join('\n'),
    });
    assert.equal(runSecrets.redact('a Canary-motd-5521q b Canary-list-8813w c Canary-fn-7781z'), 'a *** b *** c ***');
  });
});

describe('the expression table', () => {
  it('parses many expressions in one call, and one that does not parse alone, with its own reason', async () => {
    const table = new ExpressionTable();
    const good = Array.from({ length: 300 }, (_, i) => `svc-\${var.names[${i}]}`);
    await table.prepare([...good, 'broken ${var.', 'EOT\n${local.x}\nEOT']);
    const parsed = good.map((text) => table.get(text));
    assert.ok(parsed.every((p) => p.kind === 'parsed'));
    assert.deepEqual(parsed[299], { kind: 'parsed', expr: { kind: 'template', parts: [{ kind: 'literal', value: 'svc-' }, { kind: 'scope', root: 'var', steps: [{ kind: 'attribute', name: 'names' }, { kind: 'index', key: 299 }], text: 'var.names[299]' }] } });
    assert.equal(table.get('broken ${var.').kind, 'failed');
    // A line that is the usual heredoc delimiter does not end the expression early.
    assert.equal(table.get('EOT\n${local.x}\nEOT').kind, 'parsed');
  });
});

describe('variable type constraints', () => {
  it('fill optional attributes with their default or null, and convert primitives, as Terraform does', async () => {
    const extra = [
      'variable "connectors" {',
      '  type = list(object({',
      '    name    = string',
      '    network = optional(string)',
      '    min     = optional(number, 2)',
      '    tags    = optional(map(string), {})',
      '  }))',
      '  default = [{ name = "a", min = "3" }, { name = "b", network = "vpc" }]',
      '}',
      'variable "port" {',
      '  type    = number',
      '  default = "8080"',
      '}',
    ].join('\n');
    await valuesOf(
      [
        ['var.connectors', [{ name: 'a', network: null, min: 3, tags: {} }, { name: 'b', network: 'vpc', min: 2, tags: {} }]],
        ['[for c in var.connectors : c.network == null ? "none" : c.network]', ['none', 'vpc']],
        ['var.port + 1', 8081],
      ],
      extra,
    );
  });
});

describe('count and for_each instances', () => {
  it('addresses instances as Terraform does, and resolves references to them', async () => {
    const { resources } = await read({
      'main.tf': [
        'variable "services" { default = { api = "PRIVATE_RANGES_ONLY", worker = "ALL_TRAFFIC" } }',
        'resource "google_vpc_access_connector" "c" {',
        '  count = 2',
        '  name  = "conn-${count.index}"',
        '}',
        'resource "google_cloud_run_v2_service" "svc" {',
        '  for_each = var.services',
        '  name     = each.key',
        '  template {',
        '    vpc_access {',
        '      connector = google_vpc_access_connector.c[each.key == "api" ? 0 : 1].id',
        '      egress    = each.value',
        '    }',
        '  }',
        '}',
        'resource "google_compute_network" "names" {',
        '  description = join(",", google_vpc_access_connector.c[*].name)',
        '  name        = google_cloud_run_v2_service.svc["worker"].name',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(
      resources.map((r) => r.address).sort(),
      ['google_cloud_run_v2_service.svc["api"]', 'google_cloud_run_v2_service.svc["worker"]', 'google_compute_network.names', 'google_vpc_access_connector.c[0]', 'google_vpc_access_connector.c[1]'],
    );
    const worker = resourceAt(resources, 'google_cloud_run_v2_service.svc["worker"]');
    assert.deepEqual(worker.values.template, [{ vpc_access: [{ connector: 'conn-1', egress: 'ALL_TRAFFIC' }] }]);
    assert.deepEqual(worker.references(['template', 0, 'vpc_access', 0, 'connector']), ['google_vpc_access_connector.c', 'google_vpc_access_connector.c[1]', 'google_vpc_access_connector.c[1].id']);
    const names = resourceAt(resources, 'google_compute_network.names');
    assert.deepEqual(names.values, { description: 'conn-0,conn-1', name: 'worker' });
  });

  it('a count of a billion makes the first thousand instances, in bounded memory, and says so', async () => {
    const { resources, notes } = await read({ 'main.tf': 'resource "google_compute_network" "many" {\n  count = 1000000000\n  name  = "n-${count.index}"\n}\n' });
    assert.equal(resources.length, 1000);
    assert.equal(resourceAt(resources, 'google_compute_network.many[999]').values.name, 'n-999');
    assert.deepEqual(notes, ['google_compute_network.many: only the first 1000 of 1000000000 instances are read']);
  });

  it('a resource with no instances is an empty tuple or object, so what iterates over it has none either', async () => {
    const { resources, notes } = await read({
      'main.tf': [
        'resource "google_storage_hmac_key" "none" {',
        '  for_each = {}',
        '}',
        'resource "google_compute_address" "zero" {',
        '  count = 0',
        '}',
        'resource "google_secret_manager_secret" "per_key" {',
        '  for_each  = google_storage_hmac_key.none',
        '  secret_id = each.key',
        '}',
        'resource "google_compute_network" "n" {',
        '  name        = "n"',
        '  description = "${length(google_compute_address.zero)} ${length(google_storage_hmac_key.none)}"',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(resources.map((r) => r.address), ['google_compute_network.n']);
    assert.equal(resourceAt(resources, 'google_compute_network.n').values.description, '0 0');
    assert.deepEqual(notes, []);
  });
});
