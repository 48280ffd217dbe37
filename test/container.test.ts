import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The Containerfile built with Debian's buildah and run. No registry is reachable here, so the base
// image is made from this machine's own Node and npm (what `node:20-bookworm-slim` provides: node,
// npm, a shell, a `node` user with uid 1000), and npm installs from the cache `npm ci` filled.
// buildah runs with chroot isolation and its own storage in a temporary directory.

const root = fileURLToPath(new URL('../../', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'lifeline-container-'));
const storage = ['--root', join(temp, 'storage'), '--runroot', join(temp, 'run'), '--storage-driver', 'vfs'];
const base = 'localhost/lifeline-test-base:latest';
const image = 'localhost/lifeline-test:latest';
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function buildah(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('buildah', [...storage, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function buildahAsync(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('buildah', [...storage, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', fail);
    child.on('close', (status) => {
      done({ status, output });
    });
  });
}

/** Copies the program `file` to `as` inside `rootfs`, with the shared libraries it loads (as `ldd` lists them). */
function copyWithLibraries(rootfs: string, file: string, as: string): void {
  const place = (from: string, to: string): void => {
    const target = join(rootfs, to);
    if (existsSync(target)) return;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(from), target);
    chmodSync(target, 0o755);
  };
  place(file, as);
  const ldd = spawnSync('ldd', [realpathSync(file)], { encoding: 'utf8' });
  for (const token of ldd.stdout.split(/\s+/)) if (token.startsWith('/')) place(token, token);
}

/** A Node 20 base image from this machine's files, committed into the temporary storage. */
function makeBase(): void {
  const rootfs = join(temp, 'rootfs');
  for (const d of ['etc', 'root', 'home/node', 'usr/bin', 'usr/lib']) mkdirSync(join(rootfs, d), { recursive: true });
  symlinkSync('usr/bin', join(rootfs, 'bin'));
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  chownSync(join(rootfs, 'home/node'), 1000, 1000);
  // A shell for RUN, the tools the build script calls, and node, each where the image's PATH finds it.
  for (const tool of ['sh', 'env', 'mkdir', 'mv', 'node']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(found, `${tool} is on PATH`);
    copyWithLibraries(rootfs, found, `/usr/bin/${tool}`);
  }
  const npmCli = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
  const npmRoot = dirname(dirname(npmCli));
  cpSync(npmRoot, join(rootfs, 'usr/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/bin/npm'));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
  const from = buildah(['from', 'scratch']);
  assert.equal(from.status, 0, from.stderr);
  const container = from.stdout.trim();
  const copy = buildah(['copy', container, rootfs, '/']);
  assert.equal(copy.status, 0, copy.stderr);
  const commit = buildah(['commit', '--quiet', container, base]);
  assert.equal(commit.status, 0, commit.stderr);
  buildah(['rm', container]);
}

describe('the container image (Containerfile)', () => {
  let build: { status: number | null; output: string } = { status: null, output: '' };

  before(async () => {
    makeBase();
    build = await buildahAsync([
      'build', '--isolation', 'chroot', '--layers=false',
      '--build-arg', `BASE=${base}`,
      '--build-arg', 'NPM_CONFIG_OFFLINE=true',
      '--build-arg', 'NPM_CONFIG_CACHE=/npm-cache',
      '--volume', `${join(homedir(), '.npm')}:/npm-cache`,
      '-f', 'Containerfile', '-t', image, '.',
    ]);
  });

  after(() => {
    buildah(['rm', '--all']);
    buildah(['rmi', '--all', '--force']);
    rmSync(temp, { recursive: true, force: true });
  });

  it('builds on a Node base and runs as the non-root user with lifeline as entry point', () => {
    assert.equal(build.status, 0, build.output);
    const inspect = buildah(['inspect', '--type', 'image', image]);
    assert.equal(inspect.status, 0, inspect.stderr);
    const config = (JSON.parse(inspect.stdout) as { OCIv1: { config: { User?: string; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string } } }).OCIv1.config;
    assert.deepEqual(config.Entrypoint, ['lifeline']);
    assert.equal(config.User, 'node');
    assert.equal(config.WorkingDir, '/work');
    assert.deepEqual(config.Cmd, ['--help']);
  });

  it('runs `lifeline --version` and `lifeline check` on a mounted example, as uid 1000, with only production dependencies', () => {
    assert.equal(build.status, 0, build.output);
    const from = buildah(['from', '--quiet', image]);
    assert.equal(from.status, 0, from.stderr);
    const container = from.stdout.trim();
    const inside = (args: string[], volume?: string): { stdout: string; stderr: string; status: number | null } =>
      buildah(['run', '--isolation', 'chroot', ...(volume ? ['-v', volume] : []), container, '--', ...args]);

    const v = inside(['lifeline', '--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), version);

    const who = inside(['node', '-e', 'console.log(process.getuid(), process.cwd())']);
    assert.equal(who.stdout.trim(), '1000 /work');

    const check = inside(['lifeline', 'check', 'incident/after.yaml'], `${join(root, 'examples')}:/work:ro`);
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /^Lifeline check: CRITICAL\n/);
    assert.match(check.stdout, /backend\n {2}✗ postgres .* UNREACHABLE/);

    // The installed package is the packed one: no sources, tests or development dependencies.
    const listing = inside(['node', '-e', [
      "const fs = require('node:fs'), path = require('node:path');",
      "const dir = path.join(require('node:child_process').execSync('npm root --global').toString().trim(), 'lifeline-check');",
      "console.log(JSON.stringify({ src: fs.existsSync(path.join(dir, 'src')), test: fs.existsSync(path.join(dir, 'test')), typescript: fs.existsSync(path.join(dir, 'node_modules', 'typescript')) || fs.existsSync(path.join(dir, '..', 'typescript')), schema: fs.existsSync(path.join(dir, 'dist/schema/topology-v1.json')) }));",
    ].join(' ')]);
    assert.equal(listing.status, 0, listing.stderr);
    assert.deepEqual(JSON.parse(listing.stdout), { src: false, test: false, typescript: false, schema: true });
    buildah(['rm', container]);
  });
});
