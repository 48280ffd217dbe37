import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import { findExecutable, runCommand } from './exec.js';
import { isRoot } from './system-user.js';

/** Whether this machine lets the harness build network namespaces. */
export type NetnsSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A veth pair into a fresh network namespace: host side 198.18.n.1/30, namespace side 198.18.n.2/30. */
interface Link {
  readonly namespace: string;
  readonly hostAddress: string;
  readonly address: string;
  readonly hostInterface: string;
  remove(): Promise<void>;
}

/** An address nobody answers: packets to it vanish (no RST, no ICMP), so connects hang. */
export interface Blackhole {
  /** 198.18.n.2 */
  readonly address: string;
  readonly namespace: string;
  /** How packets are made to vanish. */
  readonly method: 'iptables' | 'netem' | 'neighbour';
  /** Deletes the namespace and the veth pair. Idempotent. */
  close(): Promise<void>;
}

/** An HTTP server on a non-loopback address, inside a network namespace, reachable from the host. */
export interface NamespaceHost {
  /** 198.18.n.2 */
  readonly address: string;
  readonly port: number;
  /** `http://198.18.n.2:port/`: answers every request 200 `ok from namespace`. */
  readonly url: string;
  readonly namespace: string;
  /** Stops the server, deletes the namespace and the veth pair. Idempotent. */
  close(): Promise<void>;
}

/** Says whether network namespaces can be used here: root and iproute2's `ip` are needed. */
export function canUseNetns(): NetnsSupport {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (!isRoot()) return { ok: false, reason: 'network namespaces need root' };
  if (findExecutable('ip') === undefined) return { ok: false, reason: 'iproute2 (ip) is not installed' };
  if (!fs.existsSync('/proc/self/ns/net')) return { ok: false, reason: 'this kernel has no network namespaces' };
  return { ok: true };
}

function ipCommand(): string {
  const support = canUseNetns();
  if (!support.ok) throw new Error(support.reason);
  const ip = findExecutable('ip');
  if (ip === undefined) throw new Error('iproute2 (ip) is not installed');
  return ip;
}

/** The third octets n for which the host already has an address in 198.18.n.0/24. */
async function subnetsInUse(ip: string): Promise<Set<number>> {
  const { stdout } = await runCommand(ip, ['-4', '-o', 'addr', 'show']);
  return new Set([...stdout.matchAll(/inet 198\.18\.(\d+)\./g)].map((m) => Number(m[1])));
}

/**
 * Creates namespace `llh-<random>` and a veth pair `llh<n>h` (host) / `llh<n>n` (namespace),
 * addresses 198.18.n.1/30 and 198.18.n.2/30, all links up. The host interface name is derived
 * from n, so two concurrent callers can never both claim the same subnet.
 */
async function createLink(): Promise<Link> {
  const ip = ipCommand();
  const namespace = `llh-${randomBytes(4).toString('hex')}`;
  await runCommand(ip, ['netns', 'add', namespace]);
  let hostInterface: string | undefined;
  const remove = async (): Promise<void> => {
    if (hostInterface !== undefined) await runCommand(ip, ['link', 'del', hostInterface]).catch(() => undefined);
    await runCommand(ip, ['netns', 'del', namespace]).catch(() => undefined);
  };
  try {
    const inUse = await subnetsInUse(ip);
    let n = -1;
    for (let attempt = 0; attempt < 20 && hostInterface === undefined; attempt++) {
      n = randomInt(0, 256);
      if (inUse.has(n)) continue;
      try {
        await runCommand(ip, ['link', 'add', `llh${n}h`, 'type', 'veth', 'peer', 'name', `llh${n}n`, 'netns', namespace]);
        hostInterface = `llh${n}h`;
      } catch {
        inUse.add(n); // taken by someone else meanwhile
      }
    }
    if (hostInterface === undefined) throw new Error('found no free 198.18.n.0/30 subnet for a veth pair');
    const hostAddress = `198.18.${n}.1`;
    const address = `198.18.${n}.2`;
    await runCommand(ip, ['addr', 'add', `${hostAddress}/30`, 'dev', hostInterface]);
    await runCommand(ip, ['link', 'set', hostInterface, 'up']);
    await runCommand(ip, ['-n', namespace, 'addr', 'add', `${address}/30`, 'dev', `llh${n}n`]);
    await runCommand(ip, ['-n', namespace, 'link', 'set', `llh${n}n`, 'up']);
    await runCommand(ip, ['-n', namespace, 'link', 'set', 'lo', 'up']);
    return { namespace, hostAddress, address, hostInterface, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

function onceOnly(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}

/**
 * Builds a black-holed address for real: a namespace behind a veth pair whose side 198.18.n.2
 * silently drops everything sent to it, so a TCP connect to it gets no answer at all (no RST,
 * no ICMP) and hangs until the client gives up. Packets are dropped by an iptables DROP rule
 * inside the namespace; failing that by `tc netem loss 100%` on the host side; failing that
 * (iproute2 alone) by a permanent neighbour entry with a MAC nobody has, so the namespace
 * discards every frame as not its own.
 */
export async function createBlackhole(): Promise<Blackhole> {
  const link = await createLink();
  try {
    const ip = ipCommand();
    const iptables = findExecutable('iptables');
    const tc = findExecutable('tc');
    const attempts: [Blackhole['method'], () => Promise<unknown>][] = [];
    if (iptables !== undefined) {
      attempts.push(['iptables', () => runCommand(ip, ['netns', 'exec', link.namespace, iptables, '-w', '5', '-A', 'INPUT', '-d', link.address, '-j', 'DROP'])]);
    }
    if (tc !== undefined) {
      attempts.push(['netem', () => runCommand(tc, ['qdisc', 'add', 'dev', link.hostInterface, 'root', 'netem', 'loss', '100%'])]);
    }
    attempts.push(['neighbour', () => runCommand(ip, ['neigh', 'replace', link.address, 'lladdr', '02:00:00:11:11:11', 'dev', link.hostInterface, 'nud', 'permanent'])]);
    for (const [method, attempt] of attempts) {
      try {
        await attempt();
        return { address: link.address, namespace: link.namespace, method, close: onceOnly(() => link.remove()) };
      } catch {
        // try the next way
      }
    }
    throw new Error('could not make the namespace drop packets');
  } catch (error) {
    await link.remove();
    throw error;
  }
}

const SERVER_SCRIPT = `
const http = require('node:http');
const [host, port] = process.argv.slice(1);
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('ok from namespace');
});
server.listen(Number(port), host, () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
});
const quit = () => process.exit(0);
process.on('SIGTERM', quit);
process.stdin.on('end', quit);
process.stdin.on('error', quit);
process.stdin.resume();
`;

/**
 * Builds a reachable non-loopback host: a namespace behind a veth pair, with a small node HTTP
 * server (run by `ip netns exec`) listening on 198.18.n.2 that the host can connect to. The
 * server also exits when the harness's process goes away (its stdin closes).
 */
export async function createNamespaceHost(options: { readonly port?: number } = {}): Promise<NamespaceHost> {
  const link = await createLink();
  const child = spawn(ipCommand(), ['netns', 'exec', link.namespace, process.execPath, '-e', SERVER_SCRIPT, link.address, String(options.port ?? 0)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const stopChild = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    child.stdin.destroy();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => { reject(new Error(`the server in ${link.namespace} did not start within 10 s: ${stderr}`)); }, 10_000);
      child.once('error', (error) => { clearTimeout(timer); reject(error); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n')[0];
        if (!stdout.includes('\n') || line === undefined) return;
        clearTimeout(timer);
        const parsed = JSON.parse(line) as { port?: unknown };
        if (typeof parsed.port === 'number') resolve(parsed.port);
        else reject(new Error(`unexpected output from the server in ${link.namespace}: ${line}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server in ${link.namespace} exited (code ${code}, signal ${signal}): ${stderr}`));
      });
    });
    return {
      address: link.address,
      port,
      url: `http://${link.address}:${port}/`,
      namespace: link.namespace,
      close: onceOnly(async () => {
        await stopChild();
        await link.remove();
      }),
    };
  } catch (error) {
    await stopChild();
    await link.remove();
    throw error;
  }
}
