import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InputError, type Diagnostic } from '../errors.js';
import { importTerraformPlan } from './plan.js';

const FIXTURES = 'test/fixtures/import/terraform-plan';
const read = (name: string): string => readFileSync(new URL(`../../../../${FIXTURES}/${name}`, import.meta.url), 'utf8');

/** The diagnostics of the InputError that importing `text` throws. */
function diagnostics(file: string, text: string): readonly Diagnostic[] {
  try {
    importTerraformPlan(file, text);
  } catch (error: unknown) {
    if (error instanceof InputError) return error.diagnostics;
    throw error;
  }
  assert.fail(`${file} was imported without an error`);
}

const first = (file: string, text: string): Pick<Diagnostic, 'file' | 'line' | 'column' | 'message'> => {
  const [d] = diagnostics(file, text);
  assert.ok(d);
  return { file: d.file, line: d.line, column: d.column, message: d.message };
};

describe('importTerraformPlan: malformed input', () => {
  it('reports truncated JSON at the end of what is there', () => {
    const file = `${FIXTURES}/truncated.json`;
    assert.deepEqual(first(file, read('truncated.json')), { file, line: 14, column: 29, message: 'JSON syntax: UnexpectedEndOfString' });
  });

  it('refuses a format_version of another major version, at that key', () => {
    const file = `${FIXTURES}/format-version-2.json`;
    assert.deepEqual(first(file, read('format-version-2.json')), {
      file,
      line: 2,
      column: 21,
      message: 'unsupported format_version "2.0": Lifeline reads the Terraform JSON plan formats 0.1 to 1.x (Terraform 0.12 and later, OpenTofu)',
    });
  });

  it('reads the 0.x formats of Terraform 0.12 to 0.15, which have the same shape', () => {
    const plan = (version: string) => JSON.stringify({ format_version: version, terraform_version: '0.13.7', planned_values: { root_module: { resources: [{ address: 'google_compute_network.vpc', mode: 'managed', type: 'google_compute_network', name: 'vpc', values: { name: 'vpc' } }] } } });
    for (const version of ['0.1', '0.2']) assert.deepEqual(importTerraformPlan('old.json', plan(version)).data.networks, [{ name: 'vpc' }], version);
    assert.throws(() => importTerraformPlan('old.json', plan('0.3')), /unsupported format_version "0.3"/);
  });

  it('says that Terraform state is not a plan, and how to make one', () => {
    const file = `${FIXTURES}/state-not-plan.json`;
    assert.deepEqual(first(file, read('state-not-plan.json')), {
      file,
      line: 1,
      column: 1,
      message: 'this is Terraform state, not a plan: save a plan with `terraform plan -out=PLANFILE` and give the output of `terraform show -json PLANFILE`',
    });
  });

  it('refuses JSON with no format_version', () => {
    assert.deepEqual(first('other.json', '{\n  "terraform_version": "1.7.5"\n}\n'), {
      file: 'other.json',
      line: 1,
      column: 1,
      message: 'not a Terraform plan: no `format_version` (expected the output of `terraform show -json PLANFILE`)',
    });
  });

  it('refuses a plan without planned_values', () => {
    assert.deepEqual(first('p.json', '{"format_version": "1.2", "resource_changes": []}'), {
      file: 'p.json',
      line: 1,
      column: 1,
      message: 'not a Terraform plan: no `planned_values` (give the output of `terraform show -json PLANFILE`)',
    });
  });

  it('refuses JSON that is not an object', () => {
    assert.deepEqual(first('list.json', '[\n  {"format_version": "1.2"}\n]\n'), {
      file: 'list.json',
      line: 1,
      column: 1,
      message: 'expected a Terraform plan: the JSON object printed by `terraform show -json PLANFILE`',
    });
  });

  it('refuses a module whose resources are not a list, at that key', () => {
    const file = `${FIXTURES}/resources-not-a-list.json`;
    const found = diagnostics(file, read('resources-not-a-list.json'));
    assert.deepEqual(
      found.map((d) => [d.line, d.column, d.keyPath, d.message]),
      [[6, 20, 'planned_values.root_module.resources', 'expected `resources` to be a list']],
    );
  });

  it('refuses a resource with no address, at the resource', () => {
    const text = '{"format_version": "1.2",\n "planned_values": {"root_module": {"resources": [\n  {"type": "google_compute_network", "name": "vpc", "values": {}}\n]}}}\n';
    assert.deepEqual(first('p.json', text), { file: 'p.json', line: 3, column: 3, message: 'expected a resource with string `address`, `type` and `name`' });
  });

  it('notes a plan that Terraform reported errors for', () => {
    const fragment = importTerraformPlan('errored.json', '{"format_version": "1.2", "planned_values": {}, "errored": true}');
    assert.deepEqual(fragment.notes, ['errored.json: Terraform reported errors while planning; the plan may be incomplete']);
  });

  it('accepts an empty plan', () => {
    assert.deepEqual(importTerraformPlan('empty.json', '{"format_version": "1.2", "planned_values": {"root_module": {}}}').data, {});
  });
});
