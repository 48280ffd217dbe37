import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readManifest } from './corpus.js';

const DOC = fileURLToPath(new URL('../../docs/corpus.md', import.meta.url));

test('docs/corpus.md has one row per manifest entry, with the same repository, commit and subdirectory', async () => {
  const manifest = await readManifest();
  const rows = (await readFile(DOC, 'utf8')).split('\n').filter((l) => /^\| `[^`]+\/[^`]+` \| `[0-9a-f]{40}` \|/.test(l));
  const fromDoc = rows.map((row) => {
    const [, repo, commit, sub] = row.split('|').map((c) => c.trim().replaceAll('`', ''));
    return `${repo} ${commit} ${sub === '(root)' ? '' : sub}`;
  });
  assert.deepEqual(fromDoc, manifest.map((e) => `${e.repo} ${e.commit} ${e.subdirectory}`));
  for (const e of manifest) assert.match(e.commit, /^[0-9a-f]{40}$/, e.repo);
});
