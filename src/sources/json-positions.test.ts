import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { valuePaths, type ValuePath } from '../../test/harness/value-paths.js';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { JsonPositions } from './json-positions.js';

type Path = ValuePath;
const pathsOf = valuePaths;

/** What jsonc-parser's tree says: the value's offset, or its key's with `key`. */
function oracle(text: string, path: Path, key: boolean): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (!node) continue;
    return key && n === path.length && node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return undefined;
}

function agrees(text: string): void {
  const positions = JsonPositions.build(text);
  const paths = pathsOf(JSON.parse(text) as unknown);
  for (const path of [...paths, [...(paths[paths.length - 1] ?? []), 'missing'], ['missing', 0]]) {
    for (const key of [false, true]) assert.equal(positions.locate(path, { key }), oracle(text, path, key), `${JSON.stringify(path)} key=${key} in ${text.slice(0, 120)}`);
  }
}

test('every value and key of every JSON fixture is located where jsonc-parser locates it', async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  let files = 0;
  for (const dir of ['examples', 'test/fixtures']) {
    for (const name of await readdir(join(root, dir), { recursive: true })) {
      if (!name.endsWith('.json')) continue;
      const text = await readFile(join(root, dir, name), 'utf8');
      try {
        JSON.parse(text);
      } catch {
        continue;
      }
      agrees(text);
      files++;
    }
  }
  assert.ok(files >= 10, `only ${files} JSON fixtures found`);
});

test('escaped keys and strings, nesting, empty containers, scalars at the top and odd spacing', () => {
  for (const text of [
    '{"a\\"b": {"c\\\\": [1, "x\\"", {"d": null}]}, "e": [], "f": {}, "g\\u0041": true}',
    '  [ {"k" :  -1.5e3 }, [ [ ] ], "s" ]  ',
    '"just a string"',
    '42',
    '{"services":[{"name":"a","env":{"X":"1"}},{"name":"b","env":{"URL\\n":"y"}}]}',
    '{\r\n\t"a":\r\n\t[\r\n\t\tfalse\r\n\t]\r\n}',
  ]) {
    agrees(text);
  }
});

test('agrees with jsonc-parser on generated JSON', () => {
  fc.assert(
    fc.property(fc.json({ depthSize: 'small' }), (text) => {
      agrees(text);
    }),
    { numRuns: 300 },
  );
});
