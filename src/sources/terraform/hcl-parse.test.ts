import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../errors.js';
import { hclSyntaxDiagnostics, parseHcl } from './hcl-parse.js';

describe('parseHcl', () => {
  it('gives blocks as lists and expressions as templates', async () => {
    const text = 'resource "google_compute_network" "vpc" {\n  name = var.name\n  mtu  = 1460\n}\n';
    assert.deepEqual(await parseHcl('main.tf', text), { resource: { google_compute_network: { vpc: [{ name: '${var.name}', mtu: 1460 }] } } });
  });

  it('turns a syntax error into a located diagnostic with the source line', async () => {
    const text = 'resource "google_compute_network" "vpc" {\n  name = \n}\n';
    await assert.rejects(parseHcl('infra/main.tf', text), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(error.diagnostics, [
        {
          file: 'infra/main.tf',
          line: 2,
          column: 10,
          keyPath: undefined,
          message: 'HCL syntax: Invalid expression: Expected the start of an expression, but found an invalid expression token.',
          sourceLine: '  name = ',
        },
      ]);
      assert.equal(error.message, 'infra/main.tf:2:10: error: HCL syntax: Invalid expression: Expected the start of an expression, but found an invalid expression token.');
      return true;
    });
  });

  it('reports every diagnostic HCL gives, each at its own line', async () => {
    const text = 'a = 1\na = 2\nb = 1\nb = 2\n';
    await assert.rejects(parseHcl('x.tfvars', text), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(
        error.diagnostics.map((d) => [d.line, d.column, d.message]),
        [
          [2, 1, 'HCL syntax: Attribute redefined: The argument "a" was already set at x.tfvars:1,1-2. Each argument may be set only once.'],
          [4, 1, 'HCL syntax: Attribute redefined: The argument "b" was already set at x.tfvars:3,1-2. Each argument may be set only once.'],
        ],
      );
      return true;
    });
  });

  it('points an unclosed block at its opening brace', async () => {
    await assert.rejects(parseHcl('main.tf', 'resource "a" "b" {\n  x = 1\n'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(
        error.diagnostics.map((d) => [d.line, d.column, d.message]),
        [[1, 18, 'HCL syntax: Unclosed configuration block: There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.']],
      );
      return true;
    });
  });
});

describe('hclSyntaxDiagnostics', () => {
  it('keeps a message it cannot place, without a position', () => {
    assert.deepEqual(hclSyntaxDiagnostics('main.tf', '', 'wasm exploded'), [
      { file: 'main.tf', line: undefined, column: undefined, keyPath: undefined, message: 'HCL syntax: wasm exploded', sourceLine: undefined },
    ]);
  });

  it('matches file names with pattern characters literally', () => {
    const found = hclSyntaxDiagnostics('a+b (1).tf', 'x\ny\n', 'parse config: [a+b (1).tf:2,1-2: Bad thing; Detail.]');
    assert.deepEqual(found.map((d) => [d.line, d.column, d.message, d.sourceLine]), [[2, 1, 'HCL syntax: Bad thing: Detail.', 'y']]);
  });
});
