import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pollUntil } from './wait.js';

/** How a daemon process ended. */
export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A long-running server process started in a process group of its own. */
export interface Daemon {
  readonly pid: number;
  /** Settles when the process itself (the group leader) has exited. */
  readonly exited: Promise<DaemonExit>;
  /** The exit, once it happened. */
  exit(): DaemonExit | undefined;
  /**
   * Sends `signal` to the whole process group, waits up to `graceMs` for every process of the
   * group to be gone, then SIGKILLs what is left and waits again.
   */
  terminate(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

/** Options for {@link startDaemon}. */
export interface DaemonOptions {
  /** stdout and stderr of the process are appended to this file. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Spawns `file args` detached (a new session and process group, so that every process it forks
 * can be signalled at once), with stdout/stderr appended to `logFile` and no pipes to the harness.
 * Resolves once the process has been spawned.
 */
export async function startDaemon(file: string, args: readonly string[], options: DaemonOptions): Promise<Daemon> {
  const logFd = fs.openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { detached: true, stdio: ['ignore', logFd, logFd], env: options.env ?? process.env, cwd: options.cwd });
  } finally {
    fs.closeSync(logFd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.on('error', () => {
    // Later errors (a failed kill) are seen through `terminate` instead.
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${file} did not start`);
  let exitInfo: DaemonExit | undefined;
  const exited = new Promise<DaemonExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  return {
    pid,
    exited,
    exit: () => exitInfo,
    async terminate(signal, graceMs) {
      signalGroup(pid, signal);
      if (!(await groupGoneWithin(pid, graceMs))) {
        signalGroup(pid, 'SIGKILL');
        if (!(await groupGoneWithin(pid, 10_000))) throw new Error(`processes of group ${pid} survived SIGKILL`);
      }
      await exited;
    },
  };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function groupGoneWithin(pgid: number, timeoutMs: number): Promise<boolean> {
  try {
    await pollUntil(async () => ((await groupAlive(pgid)) ? undefined : true), { timeoutMs, intervalMs: 25, describeFailure: () => 'alive' });
    return true;
  } catch {
    return false;
  }
}

/** True while some process (zombies aside) of process group `pgid` still exists. Linux only. */
export async function groupAlive(pgid: number): Promise<boolean> {
  const entries = await fsp.readdir('/proc');
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await fsp.readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ..." — comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** The last `lines` lines of a text file, or a note that it could not be read. */
export async function tailFile(file: string, lines = 30): Promise<string> {
  try {
    const text = await fsp.readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(could not read ${file}: ${(error as Error).message})`;
  }
}
