import { execFile } from 'node:child_process';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { MAX_INPUT_BYTES, readTextFile } from './document.js';
import { InputError } from './errors.js';

const run = promisify(execFile);

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory';
  /** A symbolic link (its kind is the kind of what it points to). */
  readonly link?: boolean;
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
  /** The file a path finally names, links resolved (views without links leave it out). */
  realPath?(path: string): Promise<string | undefined>;
}

const fail = (file: string, message: string): never => {
  throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
};

/** The name standard input goes by, for `check -`: in messages, reports and locations. */
export const STDIN = '<stdin>';

/** `view` with standard input's text as the file STDIN. */
export function withStandardInput(view: FileView, text: string): FileView {
  const realPath = view.realPath?.bind(view);
  return {
    label: view.label,
    kind: (path) => (path === STDIN ? Promise.resolve('file') : view.kind(path)),
    readText: (path) => (path === STDIN ? Promise.resolve(text) : view.readText(path)),
    list: (path) => view.list(path),
    ...(realPath !== undefined ? { realPath: (path: string) => (path === STDIN ? Promise.resolve(undefined) : realPath(path)) } : {}),
  };
}

/** The work tree. */
export const workTree: FileView = {
  label: 'the work tree',
  async kind(path) {
    try {
      const info = await stat(path);
      // A pipe, device or socket named here is a file that reading will refuse, with its reason.
      return info.isDirectory() ? 'directory' : 'file';
    } catch {
      return undefined;
    }
  },
  readText: readTextFile,
  async realPath(path) {
    return realpath(path).catch(() => undefined);
  },
  async list(path) {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error: unknown) {
      return fail(path, `cannot list this directory (${(error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error'})`);
    }
    const out: DirectoryEntry[] = [];
    for (const e of entries) {
      // A symbolic link counts as what it points to, as git and editors show it.
      const kind = e.isSymbolicLink() ? await this.kind(posix.join(path, e.name)) : e.isDirectory() ? 'directory' : e.isFile() ? 'file' : undefined;
      if (kind !== undefined) out.push({ name: e.name, kind, ...(e.isSymbolicLink() ? { link: true } : {}) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
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
    if (code === 'ENOENT') return fail(revision, 'git is not installed; it is needed to read inputs at a revision');
    // CI checkouts are shallow by default (actions/checkout fetches one commit): the base is not there.
    const shallow = await git(['rev-parse', '--is-shallow-repository']).then((out) => out.trim() === 'true', () => false);
    const remote = /^([^/~^]+)\/([^~^]+)/.exec(revision);
    const fetch = remote ? `git fetch ${remote[1] ?? 'origin'} ${remote[2] ?? ''}` : 'git fetch origin BRANCH';
    return fail(
      revision,
      shallow
        ? `is not a git revision here: this clone is shallow and does not hold it. Fetch the history (\`git fetch --unshallow\`), or check out with full history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0)`
        : `is not a git revision here (expected a branch, tag or commit of this repository; a branch of a remote must be fetched first: \`${fetch}\`)`,
    );
  }
  // Paths are relative to the current directory (REV:./path, and ls-tree's pathspecs); an
  // absolute path is made relative to it.
  const local = (path: string): string => posix.normalize((isAbsolute(path) ? relative(cwd, path) : path).split('\\').join('/'));
  const spec = (path: string): string => `${revision}:./${local(path)}`;
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
      // One ls-tree gives the mode (a link?), the object and its size.
      const entry = /^(\d+) blob ([0-9a-f]+) +(\d+)\t/.exec(await git(['ls-tree', '-l', '-z', revision, '--', local(path)]).catch(() => ''));
      if (!entry?.[2] || entry[3] === undefined) return fail(path, `does not exist at ${revision}`);
      if (entry[1] === '120000') return fail(path, `is a symbolic link at ${revision}; name the file it points to`);
      const size = Number(entry[3]);
      if (size > MAX_INPUT_BYTES) return fail(path, `is ${(size / 1024 / 1024).toFixed(1)} MiB at ${revision}, larger than the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit for one input`);
      const { stdout } = await run('git', ['cat-file', 'blob', entry[2]], { cwd, maxBuffer: size + 1024, encoding: 'buffer' });
      if (stdout.includes(0)) return fail(path, `is a binary file at ${revision}; expected a text file`);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(stdout);
      } catch {
        return fail(path, `is not valid UTF-8 text at ${revision}`);
      }
    },
    async list(path) {
      // --full-tree: from a subdirectory, ls-tree would otherwise list only paths under it.
      const out = await git(['ls-tree', '--full-tree', '-z', spec(path.endsWith('/') ? path : `${path}/`)], 16 * 1024 * 1024);
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
