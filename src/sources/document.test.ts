import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from './errors.js';
import { parseSource, parseSourceDocuments } from './document.js';

const stream = ['# two services', 'apiVersion: serving.knative.dev/v1', 'kind: Service', 'metadata:', '  name: api', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', '---', ''].join('\n');

describe('parseSourceDocuments', () => {
  it('gives each document of a YAML stream with positions in the whole file, skipping the empty last one', () => {
    const [first, second, ...rest] = parseSourceDocuments('mixed.yaml', stream);
    assert.ok(first && second);
    assert.equal(rest.length, 0);
    const documents = [first, second];
    assert.deepEqual(documents.map((d) => (d.value as { kind: string }).kind), ['Service', 'ConfigMap']);
    assert.deepEqual(first.locate(['metadata', 'name']), { line: 5, column: 9 });
    assert.deepEqual(second.locate(['metadata', 'name']), { line: 10, column: 9 });
    assert.deepEqual(second.locate(['kind'], { key: true }), { line: 8, column: 1 });
    assert.equal(second.lineText(10), '  name: settings');
  });

  it('a syntax error in any document fails the file, located, and is marked as syntax', () => {
    const broken = 'kind: Service\n---\nkind: [ConfigMap\n';
    assert.throws(
      () => parseSourceDocuments('broken.yaml', broken),
      (error: unknown) => error instanceof InputError && error.syntax && error.diagnostics[0]?.file === 'broken.yaml' && error.diagnostics[0].line === 3,
    );
  });

  it('a file of only comments and separators is empty', () => {
    assert.throws(() => parseSourceDocuments('blank.yaml', '# nothing\n---\n'), (error: unknown) => error instanceof InputError && error.syntax && /is empty/.test(error.message));
  });
});

describe('parseSource', () => {
  it('refuses a second document where it starts, for files that hold one', () => {
    assert.throws(
      () => parseSource('services.yaml', stream),
      (error: unknown) => error instanceof InputError && error.diagnostics[0]?.line === 7 && /a second YAML document starts here/.test(error.diagnostics[0].message),
    );
  });
});
