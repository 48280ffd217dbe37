import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../sources/errors.js';

/**
 * Writes `text` (a string, or pieces written one after another) to `file` whole or not at all: into a new temporary file beside the target
 * (created exclusively under a random name, so no existing file or link there is ever followed),
 * flushed to disk, then renamed over the target. A target that is a symbolic link is written
 * through to the file it points to, keeping the link; a target that exists and is not a regular
 * file (a device, a FIFO, a directory) is refused. On any failure the temporary file is removed
 * and the error says what happened; the target is untouched.
 *
 * @example
 * await writeFileSafely('lifeline-baseline.yaml', text, 'the baseline');
 */
export async function writeFileSafely(file: string, text: string | Iterable<string>, what: string): Promise<void> {
  const refuse = (message: string): never => {
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
  };
  let target = file;
  let mode = 0o644;
  const link = await lstat(file).catch(() => undefined);
  if (link?.isSymbolicLink()) target = await realpath(file).catch(() => refuse(`cannot write ${what} here: the symbolic link points to nothing`));
  const existing = link === undefined ? undefined : await stat(target).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isFile()) refuse(`cannot write ${what} here: it exists and is not a regular file; choose a file path`);
    mode = existing.mode & 0o777;
  }
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      // A report can be larger than one string may be: its pieces are written one after another.
      if (typeof text === 'string') await handle.writeFile(text);
      else for (const piece of text) await handle.write(piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error: unknown) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
    refuse(`cannot write ${what} here (${code}); nothing was written; choose a writable path`);
  }
}
