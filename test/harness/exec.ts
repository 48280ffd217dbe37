import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunOptions {
  /** Kill the command (SIGKILL) and fail after this many milliseconds. Default 30 s. */
  readonly timeoutMs?: number;
  /** Working directory. */
  readonly cwd?: string;
}

/**
 * Runs a program to completion (no shell) and resolves with its output; rejects with an error
 * naming the command, its exit status and its stderr when it fails or times out.
 */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, killSignal: 'SIGKILL', cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || stdout.trim();
          reject(new Error(`${[file, ...args].join(' ')} failed: ${error.message.split('\n')[0] ?? ''}${detail ? `\n${detail}` : ''}`, { cause: error }));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** Returns the absolute path of an executable found on PATH or in one of `extraDirs`, if any. */
export function findExecutable(name: string, extraDirs: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter).filter((d) => d !== ''), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
