import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { MAX_INPUT_BYTES, readTextFile } from './document.js';
import { InputError } from './errors.js';

const run = promisify(execFile);

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
}

/**
 * Where inputs are read from: the work tree, or the files of a git revision (read through git,
 * without touching the work tree). Paths are as the user gave them, relative to the current
 * directory.
 */
export interface FileView {
  /** Names the view in messages: `the work tree` or `git revision main`. */
  readonly label: string;
  kind(path: string): Promise<'file' | 'directory' | undefined>;
  readText(path: string): Promise<string>;
  /** Entries of a directory, sorted by name. */
  list(path: string): Promise<readonly DirectoryEntry[]>;
}

const fail = (file: string, message: string): never => {
  throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
};

/** The work tree. */
export const workTree: FileView = {
  label: 'the work tree',
  async kind(path) {
    try {
      const info = await stat(path);
      return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
  readText: readTextFile,
  async list(path) {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e): DirectoryEntry => ({ name: e.name, kind: e.isDirectory() ? 'directory' : 'file' }))
      .sort((a, b) => a.name.localeCompare(b.name));
  },
};

/**
 * The files of one git revision of the repository around `cwd`. `REV:./path` resolves paths
 * relative to the current directory, as the user typed them.
 */
export async function gitRevision(revision: string, cwd: string = process.cwd()): Promise<FileView> {
  const git = async (args: readonly string[], maxBuffer = 1024 * 1024): Promise<string> => (await run('git', [...args], { cwd, maxBuffer, encoding: 'utf8' })).stdout;
  try {
    await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return fail(revision, code === 'ENOENT' ? 'git is not installed; it is needed to read inputs at a revision' : 'is not a git revision here (expected a branch, tag or commit of this repository)');
  }
  const spec = (path: string): string => `${revision}:./${posix.normalize(path.split('\\').join('/'))}`;
  return {
    label: `git revision ${revision}`,
    async kind(path) {
      try {
        const type = (await git(['cat-file', '-t', spec(path)])).trim();
        return type === 'tree' ? 'directory' : type === 'blob' ? 'file' : undefined;
      } catch {
        return undefined;
      }
    },
    async readText(path) {
      let size: number;
      try {
        size = Number((await git(['cat-file', '-s', spec(path)])).trim());
      } catch {
        return fail(path, `does not exist at ${revision}`);
      }
      if (size > MAX_INPUT_BYTES) return fail(path, `is ${(size / 1024 / 1024).toFixed(1)} MiB at ${revision}, larger than the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit for one input`);
      const { stdout } = await run('git', ['cat-file', 'blob', spec(path)], { cwd, maxBuffer: size + 1024, encoding: 'buffer' });
      if (stdout.includes(0)) return fail(path, `is a binary file at ${revision}; expected a text file`);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(stdout);
      } catch {
        return fail(path, `is not valid UTF-8 text at ${revision}`);
      }
    },
    async list(path) {
      const out = await git(['ls-tree', '-z', spec(path.endsWith('/') ? path : `${path}/`)], 16 * 1024 * 1024);
      return out
        .split('\0')
        .filter((line) => line !== '')
        .flatMap((line): DirectoryEntry[] => {
          const match = /^\d+ (blob|tree) [0-9a-f]+\t(.*)$/s.exec(line);
          if (!match?.[2]) return [];
          return [{ name: posix.basename(match[2]), kind: match[1] === 'tree' ? 'directory' : 'file' }];
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
