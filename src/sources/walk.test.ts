import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { workTree } from './file-view.js';
import { walkDirectory } from './walk.js';

describe('walkDirectory', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lifeline-walk-'));
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });
  const tree = (name: string, files: readonly string[]): string => {
    const root = join(scratch, name);
    for (const file of files) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), '');
    }
    return root;
  };
  const relativeSkips = (root: string, skipped: readonly { file: string; reason: string }[]) => skipped.map((s) => `${s.file.slice(root.length + 1)}: ${s.reason}`);

  it('visits subdirectories, parents first, and never enters tools\' directories', async () => {
    const root = tree('repo', ['main.tf', 'b/x.yaml', 'a/deep/y.yaml', 'node_modules/p/package.json', '.git/config', 'vendor/m.go', '.venv/bin/activate', 'dist/out.js']);
    const walk = await walkDirectory(workTree, root);
    assert.deepEqual(walk.directories.map((d) => `${d.relative}: ${d.files.join(' ')}`), ['.: main.tf', 'a: ', 'a/deep: y.yaml', 'b: x.yaml']);
    assert.deepEqual(relativeSkips(root, walk.skipped).map((s) => s.split(':')[0]), ['.git', '.venv', 'dist', 'node_modules', 'vendor']);
    assert.match(relativeSkips(root, walk.skipped)[3] ?? '', /node_modules: not read: node_modules holds tools' own files/);
  });

  it('--exclude globs match paths relative to the directory named, files and directories', async () => {
    const root = tree('excluded', ['keep.yaml', 'examples/a/service.yaml', 'test/fixtures/bad.yaml', 'test/unit.yaml']);
    const walk = await walkDirectory(workTree, root, { exclude: ['examples/**', 'test/fixtures'] });
    assert.deepEqual(walk.directories.map((d) => `${d.relative}: ${d.files.join(' ')}`), ['.: keep.yaml', 'test: unit.yaml']);
    assert.deepEqual(relativeSkips(root, walk.skipped), ['examples: excluded by --exclude examples/**', 'test/fixtures: excluded by --exclude test/fixtures']);
  });

  it('does not follow a symbolic link to a directory (a loop would never end)', async () => {
    const root = tree('linked', ['real/service.yaml']);
    symlinkSync(root, join(root, 'loop'));
    const walk = await walkDirectory(workTree, root);
    assert.deepEqual(walk.directories.map((d) => d.relative), ['.', 'real']);
    assert.deepEqual(relativeSkips(root, walk.skipped), ['loop: a symbolic link to a directory: not followed (name it to read it)']);
  });

  it('stops at the depth and file limits and says where', async () => {
    const root = tree('bounded', ['a.yaml', 'b.yaml', 'c.yaml', 'one/two/three/deep.yaml']);
    const walk = await walkDirectory(workTree, root, { limits: { maxDepth: 2, maxFiles: 100 } });
    assert.deepEqual(walk.directories.map((d) => d.relative), ['.', 'one', 'one/two']);
    assert.deepEqual(relativeSkips(root, walk.skipped), ['one/two/three: more than 2 directories deep: not read (name it to read it)']);

    const few = await walkDirectory(workTree, root, { limits: { maxDepth: 20, maxFiles: 2 } });
    assert.deepEqual(few.directories.map((d) => `${d.relative}: ${d.files.join(' ')}`), ['.: a.yaml b.yaml']);
    assert.deepEqual(relativeSkips(root, few.skipped), ['c.yaml: not read, nor anything after it: the walk stops after 2 files (name subdirectories, or add --exclude)']);
  });
});
