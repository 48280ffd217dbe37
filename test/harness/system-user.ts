import fs from 'node:fs';
import { findExecutable } from './exec.js';

/** A local account looked up in /etc/passwd. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks `name` up in /etc/passwd. */
export function lookupSystemUser(name: string): SystemUser | undefined {
  const passwd = fs.readFileSync('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** True when this process runs as root. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The command prefix that runs a program as `user` through `setpriv`, which execs the program in
 * place (so the pid we hold is the program's own, unlike `runuser`, which forks and waits).
 */
export function runAsPrefix(user: SystemUser): string[] {
  const setpriv = findExecutable('setpriv');
  if (setpriv === undefined) throw new Error('setpriv (util-linux) is needed to drop root privileges');
  return [setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--'];
}
