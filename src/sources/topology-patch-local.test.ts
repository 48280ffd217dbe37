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

test("a fix's YAML change written from its own mapping is the whole file's diff, for every YAML fixture", async () => {
  let fixes = 0;
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
    }
  }
  assert.ok(fixes >= 10, `only ${fixes} fixes in the fixtures`);
});

test('on a generated topology of 300 services, with comments, block lists and nested mappings, every change is the same', () => {
  const text = `# generated\n${stringify(generateTopology(300))}`.replace(/\n(\s+)egress: all-traffic\n/g, '\n$1# egress chosen for the analytics database\n$1egress: all-traffic\n');
  const { fixes, changes } = compare(parseTopology('generated.yaml', text));
  assert.ok(fixes >= 10 && changes >= 10, `${fixes} fixes, ${changes} changes`);
});
