import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Creates a fresh private directory under the OS temp dir, named `lifeline-<prefix>-XXXXXX`. */
export function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `lifeline-${prefix}-`));
}

/** Removes a directory tree; a directory already gone is fine. */
export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
