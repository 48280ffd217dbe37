import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

function printedSchema(): Record<string, unknown> {
  const result = spawnSync(process.execPath, [cli, 'schema'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** JSON pointers of the properties that carry no description. */
function undescribed(node: unknown, at = '#'): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => undescribed(n, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  const own = Object.entries((node as { properties?: Record<string, { description?: string }> }).properties ?? {})
    .filter(([, p]) => typeof p.description !== 'string' || p.description.length === 0)
    .map(([k]) => `${at}/properties/${k}`);
  return [...own, ...Object.entries(node).flatMap(([k, v]) => undescribed(v, `${at}/${k}`))];
}

interface JsonSchemaNode {
  type?: string;
  $schema?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  enum?: unknown[];
  const?: unknown;
}

/** Every enum/const value reachable through anyOf. */
function allowedValues(node: JsonSchemaNode | undefined): unknown[] {
  if (!node) return [];
  return [...(node.enum ?? []), ...(node.const === undefined ? [] : [node.const]), ...(node.anyOf ?? []).flatMap(allowedValues)];
}

test('lifeline schema prints the JSON Schema of the topology file', () => {
  const result = spawnSync(process.execPath, [cli, 'schema'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');

  const schema = JSON.parse(result.stdout) as JsonSchemaNode;
  assert.equal(typeof schema, 'object');
  assert.match(schema.$schema ?? '', /json-schema\.org/);
  assert.equal(schema.type, 'object');

  const properties = schema.properties ?? {};
  for (const key of ['services', 'networks', 'connectors', 'databases', 'caches', 'externals', 'secrets']) {
    assert.ok(Object.hasOwn(properties, key), `top-level property ${key} missing; has ${Object.keys(properties).join(', ')}`);
  }

  const services: JsonSchemaNode | undefined = properties.services;
  if (services === undefined) return assert.fail('no services property');
  assert.equal(services.type, 'array');
  const serviceProps = services.items?.properties ?? {};
  assert.ok(Object.hasOwn(serviceProps, 'egress'), `service property egress missing; has ${Object.keys(serviceProps).join(', ')}`);
  const egress = allowedValues(serviceProps.egress);
  assert.ok(egress.includes('all-traffic'), `egress values: ${JSON.stringify(egress)}`);
  assert.ok(egress.includes('private-ranges-only'), `egress values: ${JSON.stringify(egress)}`);
});

test("the schema compiles under ajv's strict mode, describes every property, and is the file the package ships", () => {
  const schema = printedSchema();
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  assert.deepEqual(undescribed(schema), []);
  // The bundled examples are valid topology files; a misspelt key and a bare-number port are not.
  for (const file of ['examples/incident/before.yaml', 'examples/incident/after.yaml', 'examples/incident/fixed.yaml', 'examples/latent/network.yaml']) {
    const valid = validate(parseYaml(readFileSync(`${root}${file}`, 'utf8')));
    assert.ok(valid, `${file}: ${ajv.errorsText(validate.errors)}`);
  }
  assert.equal(validate({ services: [{ name: 'api', egres: 'all-traffic' }] }), false);
  assert.match(ajv.errorsText(validate.errors), /must NOT have additional properties/);
  assert.equal(validate({ caches: [{ name: 'redis', host: '10.0.0.3', port: '6379' }] }), false);
  assert.equal(validate({ services: [{ name: 'api', secrets: [{ env: 'K', mount: 'relative', secret: 's' }] }] }), false);
  // `npm run build` writes the same schema into dist/schema for the package's `exports`.
  assert.deepEqual(JSON.parse(readFileSync(`${root}dist/schema/topology-v1.json`, 'utf8')), schema);
});

test('the editor set-up in docs/inputs.md: its modeline file is a valid topology, its VS Code settings valid JSON naming the schema', () => {
  const doc = readFileSync(`${root}docs/inputs.md`, 'utf8');
  const section = doc.slice(doc.indexOf('## Topology files in an editor'));
  const block = (lang: string): string => {
    const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
    assert.ok(match?.[1], `a ${lang} block`);
    return match[1];
  };
  const modeline = block('yaml');
  assert.match(modeline, /^# yaml-language-server: \$schema=\.\/topology\.schema\.json\n/);
  const ajv = new Ajv2020({ strict: true });
  addFormats.default(ajv);
  assert.ok(ajv.validate(printedSchema(), parseYaml(modeline)), ajv.errorsText());
  const settings = JSON.parse(block('json')) as { 'yaml.schemas': Record<string, string[]>; 'json.schemas': { url: string }[] };
  assert.deepEqual(Object.keys(settings['yaml.schemas']), ['./topology.schema.json']);
  assert.equal(settings['json.schemas'][0]?.url, './topology.schema.json');
  assert.match(block('sh'), /^lifeline schema > topology\.schema\.json\n$/);
  // The path the docs give inside the installed package is the one the package ships.
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; exports: Record<string, string> };
  assert.ok(section.includes(`node_modules/${pkg.name}/dist/schema/topology-v1.json`));
  assert.equal(pkg.exports['./topology.schema.json'], './dist/schema/topology-v1.json');
});
