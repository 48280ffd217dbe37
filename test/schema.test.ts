import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

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
