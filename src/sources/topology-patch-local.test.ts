import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { analyzeTopology } from '../analysis/analyze.js';
import { generateTopology } from '../../bench/generate.js';
import { parseTopology, loadTopologyFile, type LoadedTopology } from './topology-file.js';
import { renderTopologyChanges } from './topology-patch.js';
import { parseSourceDocuments } from './document.js';
import { readYamlFast } from './yaml-fast.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Each fix's change, rendered from the mapping it lands in and from the whole file: the same. */
function compare(loaded: LoadedTopology): { fixes: number; changes: number } {
  const { topology, document } = loaded;
  const documents = new Map([[document.file, document]]);
  let fixes = 0;
  let changes = 0;
  for (const fix of analyzeTopology(topology).fixes) {
    const local = renderTopologyChanges(fix.edits, topology, documents);
    const whole = renderTopologyChanges(fix.edits, topology, documents, { wholeFile: true });
    assert.deepEqual(local, whole, `${document.file}: ${fix.title}`);
    fixes++;
    changes += local.length;
  }
  return { fixes, changes };
}

/** The same topology file, its YAML read by js-yaml (as large files are) instead of the yaml package. */
function readFast(loaded: LoadedTopology): LoadedTopology {
  const [document] = parseSourceDocuments(loaded.document.file, loaded.document.text, { fastYaml: true });
  assert.ok(document);
  return { topology: loaded.topology, document };
}

test("a fix's YAML change written from its own mapping is the whole file's diff, for every YAML fixture, read either way", async () => {
  let fixes = 0;
  let fast = 0;
  for (const dir of ['examples', 'test/fixtures']) {
    for (const name of await readdir(join(ROOT, dir), { recursive: true })) {
      if (!name.endsWith('.yaml')) continue;
      let loaded: LoadedTopology;
      try {
        loaded = await loadTopologyFile(join(ROOT, dir, name));
      } catch {
        continue; // not a topology file (Cloud Run YAML, workflows) or an invalid one on purpose
      }
      fixes += compare(loaded).fixes;
      if (readYamlFast(loaded.document.text) !== undefined) fast += compare(readFast(loaded)).fixes;
    }
  }
  assert.ok(fixes >= 10 && fast >= 10, `only ${fixes} fixes in the fixtures, ${fast} read by js-yaml`);
});

test('on a generated topology of 300 services, with comments, block lists and nested mappings, every change is the same', () => {
  const text = `# generated\n${stringify(generateTopology(300))}`.replace(/\n(\s+)egress: all-traffic\n/g, '\n$1# egress chosen for the analytics database\n$1egress: all-traffic\n');
  const loaded = parseTopology('generated.yaml', text);
  const { fixes, changes } = compare(loaded);
  assert.ok(fixes >= 10 && changes >= 10, `${fixes} fixes, ${changes} changes`);
  assert.ok(readYamlFast(text) !== undefined, 'js-yaml should read the generated topology');
  assert.deepEqual(compare(readFast(loaded)), { fixes, changes });
});
