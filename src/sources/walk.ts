import { join, posix } from 'node:path';
import picomatch from 'picomatch';
import type { FileView } from './file-view.js';

/** Bounds of one directory walk, so any tree costs bounded work. */
export const WALK_LIMITS = {
  /** Directories below the one named; deeper ones are listed as skipped. */
  maxDepth: 20,
  /** Files looked at in one walk; the walk stops there and says so. */
  maxFiles: 20_000,
} as const satisfies Record<string, number>;

/** Directories that hold tools' own files (git's data, dependencies, build output, caches), never configuration. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['.git', 'node_modules', '.terraform', 'dist', '__pycache__', 'vendor', '.venv']);

/** One directory of the walk and the names of the files directly in it. */
export interface WalkedDirectory {
  readonly dir: string;
  /** The directory relative to the one named (`.` for itself). */
  readonly relative: string;
  readonly files: readonly string[];
}

export interface Walk {
  /** Every directory visited, parents before their subdirectories, each level sorted by name. */
  readonly directories: readonly WalkedDirectory[];
  /** What was not visited, and why: excluded, tools' directories, symbolic links, limits. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

export interface WalkOptions {
  /** Globs (picomatch) matched against paths relative to the directory named; a match is not read. */
  readonly exclude?: readonly string[];
  /** @default WALK_LIMITS */
  readonly limits?: { readonly maxDepth: number; readonly maxFiles: number };
}

/**
 * Lists a directory and its subdirectories through `view`, bounded: tools' directories
 * ({@link SKIPPED_DIRECTORIES}), `--exclude` matches and symbolic links to directories are not
 * entered, nor anything deeper than `maxDepth`; the walk stops after `maxFiles` files. Everything
 * not visited is in `skipped` with its reason.
 *
 * @example
 * const walk = await walkDirectory(workTree, '.', { exclude: ['examples/**'] });
 * walk.directories.map((d) => d.relative); // ['.', '.github/workflows', 'terraform']
 */
export async function walkDirectory(view: FileView, root: string, options: WalkOptions = {}): Promise<Walk> {
  const limits = options.limits ?? WALK_LIMITS;
  const globs = (options.exclude ?? []).map((glob) => ({ glob, matches: picomatch(glob, { dot: true }) }));
  const excludedBy = (relative: string): string | undefined => globs.find((g) => g.matches(relative))?.glob;
  const directories: WalkedDirectory[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let files = 0;
  let stopped = false;
  const links: { dir: string; name: string; path: string }[] = [];

  // Recursion is bounded by maxDepth.
  const visit = async (dir: string, relative: string, depth: number): Promise<void> => {
    const entries = await view.list(dir);
    const names: string[] = [];
    const subdirectories: { path: string; relative: string }[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative === '.' ? entry.name : posix.join(relative, entry.name);
      const glob = excludedBy(rel);
      if (glob !== undefined) {
        skipped.push({ file: path, reason: `excluded by --exclude ${glob}` });
        continue;
      }
      if (entry.kind === 'directory') {
        if (SKIPPED_DIRECTORIES.has(entry.name)) skipped.push({ file: path, reason: `not read: ${entry.name} holds tools' own files, not configuration` });
        else if (entry.link === true) skipped.push({ file: path, reason: 'a symbolic link to a directory: not followed (name it to read it)' });
        else if (depth + 1 > limits.maxDepth) skipped.push({ file: path, reason: `more than ${limits.maxDepth} directories deep: not read (name it to read it)` });
        else subdirectories.push({ path, relative: rel });
        continue;
      }
      if (files >= limits.maxFiles) {
        if (!stopped) skipped.push({ file: path, reason: `not read, nor anything after it: the walk stops after ${limits.maxFiles} files (name subdirectories, or add --exclude)` });
        stopped = true;
        break;
      }
      files++;
      names.push(entry.name);
      if (entry.link === true) links.push({ dir, name: entry.name, path });
    }
    directories.push({ dir, relative, files: names });
    for (const sub of subdirectories) {
      if (stopped) return;
      await visit(sub.path, sub.relative, depth + 1);
    }
  };
  await visit(root, '.', 0);
  return { directories: await readOnce(view, directories, links, skipped), skipped };
}

/**
 * A file reached twice (a link to a file the walk also reads, or two links to one file) is read
 * once: the walk keeps the file itself, or the first link, and lists the others as skipped.
 */
async function readOnce(view: FileView, directories: readonly WalkedDirectory[], links: readonly { dir: string; name: string; path: string }[], skipped: { file: string; reason: string }[]): Promise<WalkedDirectory[]> {
  if (links.length === 0 || view.realPath === undefined) return [...directories];
  const realPath = view.realPath.bind(view);
  const linked = new Set(links.map((l) => l.path));
  const owner = new Map<string, string>();
  for (const d of directories) {
    for (const name of d.files) {
      const path = join(d.dir, name);
      if (linked.has(path)) continue;
      const real = await realPath(path);
      if (real !== undefined) owner.set(real, path);
    }
  }
  const drop = new Set<string>();
  for (const link of links) {
    const real = await realPath(link.path);
    if (real === undefined) continue;
    const first = owner.get(real);
    if (first === undefined) owner.set(real, link.path);
    else {
      drop.add(link.path);
      skipped.push({ file: link.path, reason: `a symbolic link to ${first}, which is read: read once` });
    }
  }
  return directories.map((d) => ({ ...d, files: d.files.filter((name) => !drop.has(join(d.dir, name))) }));
}
