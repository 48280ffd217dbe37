import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../cli/check.js';
import { redactUrlPasswords } from '../model/redact.js';
import { renderJsonChunks } from './json.js';
import type { Report } from './report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('the JSON report in pieces is JSON.stringify(report, null, 2) exactly, for every example and topology fixture', async () => {
  let reports = 0;
  const dir = join(ROOT, 'examples');
  for (const name of await readdir(dir, { recursive: true })) {
    if (!/\.(ya?ml|json)$/.test(name)) continue;
    let report: Report;
    try {
      ({ report } = await runCheck([join(dir, name)], { format: 'json', color: false }));
    } catch {
      continue; // not an input check reads on its own
    }
    const pieces = [...renderJsonChunks(report)];
    assert.equal(pieces.join(''), redactUrlPasswords(`${JSON.stringify(report, null, 2)}\n`), name);
    reports++;
  }
  assert.ok(reports >= 3, `only ${reports} reports`);
});

test('a large report comes in several pieces, each ending between list items, together valid JSON', () => {
  const paths = Array.from({ length: 20_000 }, (_, i) => ({ service: `svc-${i}`, dependency: 'db', hops: [{ step: 'DELIVER', detail: 'x'.repeat(60) }] }));
  const report = { schemaVersion: 1, empty: [], paths, tail: { n: 1 } } as unknown as Report;
  const pieces = [...renderJsonChunks(report)];
  assert.ok(pieces.length >= 2, `${pieces.length} pieces`);
  for (const piece of pieces.slice(0, -1)) assert.match(piece, /\n$/, 'a piece ends at the end of a line, between list items');
  const text = pieces.join('');
  assert.equal(text, `${JSON.stringify(report, null, 2)}\n`);
  assert.deepEqual(JSON.parse(text), report);
});
