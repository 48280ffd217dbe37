import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { valuePaths } from '../../test/harness/value-paths.js';
import { stringify } from 'yaml';
import { parseSourceDocuments, type SourceDocument } from './document.js';
import { readYamlFast } from './yaml-fast.js';

const pathsOf = valuePaths;

/** Read both ways: where js-yaml applies, the same value and the same position for every path and key. */
function agrees(text: string, name = 'input.yaml'): boolean {
  if (readYamlFast(text) === undefined) return false;
  const [fast] = parseSourceDocuments(name, text, { fastYaml: true });
  let slow: SourceDocument | undefined;
  try {
    [slow] = parseSourceDocuments(name, text, { fastYaml: false });
  } catch (e) {
    assert.fail(`js-yaml read what the yaml package refuses: ${String(e)}\n${text.slice(0, 200)}`);
  }
  assert.ok(fast && slow);
  assert.deepEqual(fast.value, slow.value, text.slice(0, 200));
  for (const path of [...pathsOf(slow.value), ['missing'], [0, 'missing']]) {
    for (const key of [false, true]) assert.deepEqual(fast.locate(path, { key }), slow.locate(path, { key }), `${JSON.stringify(path)} key=${key}\n${text.slice(0, 300)}`);
  }
  return true;
}

test('every YAML fixture js-yaml reads gives the same value and positions as the yaml package', async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  let read = 0;
  for (const dir of ['examples', 'test/fixtures']) {
    for (const name of await readdir(join(root, dir), { recursive: true })) {
      if (!/\.ya?ml$/.test(name)) continue;
      const text = await readFile(join(root, dir, name), 'utf8');
      let single = true;
      try {
        if (parseSourceDocuments(name, text, { fastYaml: false }).length !== 1) single = false;
      } catch {
        single = false; // invalid on purpose: js-yaml must then step aside
      }
      if (!single) {
        assert.equal(readYamlFast(text) !== undefined && (() => { try { return parseSourceDocuments(name, text, { fastYaml: false }).length === 1; } catch { return false; } })(), false, `${name}: read fast although the yaml package refuses it or finds several documents`);
        continue;
      }
      if (agrees(text, name)) read++;
    }
  }
  assert.ok(read >= 20, `only ${read} fixtures read by js-yaml`);
});

test('what js-yaml would read differently is left to the yaml package', () => {
  for (const text of [
    'a: &x 1\nb: *x\n', // an alias
    'n: 0b101\n', // a number in js-yaml, a string in YAML 1.2 core
    'n: -0\n', // js-yaml drops the sign
    '%YAML 1.1\n---\na: yes\n', // a directive
    'a: 1\n---\nb: 2\n', // two documents
    'a: 1\na: 2\n', // a duplicate key (the yaml package's message is kept)
    'a: [1, 2\n', // a syntax error
    '# only a comment\n',
    '\uFEFFa: 1\n', // a byte-order mark, which js-yaml drops (every position would move)
  ]) {
    assert.equal(readYamlFast(text), undefined, text);
  }
});

test('comments, anchors without aliases, tags, block scalars, empty values, flow collections, quoted keys', () => {
  const text = [
    '# header',
    'services:  # the services',
    '  - name: api   # trailing',
    '    egress: all-traffic',
    '    env:',
    '      "QUOTED KEY": "x\\ty"',
    "      SINGLE: 'it''s'",
    '      EMPTY:',
    '      BLOCK: |',
    '        line one',
    '        line two',
    '      FOLDED: >-',
    '        folded',
    '        text',
    '    tags: [a, "b", {c: d}]',
    '    anchored: &base {k: v}',
    '    typed: !!str 12',
    '  -',
    '    name: worker',
    '    numbers: [0o17, 0x1F, -1.5e3, .inf, +12, 012]',
    'empty_list: []',
    'empty_map: {}',
    '',
  ].join('\n');
  assert.ok(agrees(text), 'js-yaml did not read it');
});

test('every YAML fixture with CRLF line endings reads the same both ways', async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  let read = 0;
  for (const dir of ['examples', 'test/fixtures']) {
    for (const name of await readdir(join(root, dir), { recursive: true })) {
      if (!/\.ya?ml$/.test(name)) continue;
      const text = (await readFile(join(root, dir, name), 'utf8')).replace(/\r?\n/g, '\r\n');
      try {
        if (parseSourceDocuments(name, text, { fastYaml: false }).length !== 1) continue;
      } catch {
        continue;
      }
      if (agrees(text, name)) read++;
    }
  }
  assert.ok(read >= 20, `only ${read} fixtures read by js-yaml`);
});

test('generated topology-like YAML, block and flow, reads the same both ways', () => {
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom('yes', 'no', '0x1F', '1e3', '~', 'true', '- x', 'a: b', '#hash', "it's", '"q"'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 4 }),
  })).map;
  fc.assert(
    fc.property(value, fc.boolean(), (v, flow) => {
      const text = stringify(v, flow ? { collectionStyle: 'flow' } : {});
      agrees(text);
    }),
    { numRuns: 1000 },
  );
});
