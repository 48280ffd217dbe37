import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lifeline-package-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function run(command: string, args: readonly string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('the npm package', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; license: string };

  it('is named lifeline-check (the name `lifeline` belongs to an unrelated package), and its command is lifeline', () => {
    assert.equal(pkg.name, 'lifeline-check');
    assert.deepEqual(Object.keys(pkg.bin), ['lifeline']);
    assert.equal(pkg.license, 'Apache-2.0');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  });

  it('holds no test or test helper, and holds LICENSE, the README, the command and the topology JSON Schema', () => {
    const dry = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], root);
    assert.equal(dry.status, 0, dry.stderr);
    const [listing] = JSON.parse(dry.stdout) as { files: { path: string }[] }[];
    const files = (listing?.files ?? []).map((f) => f.path);
    assert.deepEqual(files.filter((f) => /\.test\.|test-helper|^test\//.test(f)), []);
    for (const expected of ['LICENSE', 'README.md', 'package.json', pkg.bin.lifeline ?? '', 'dist/schema/topology-v1.json']) assert.ok(files.includes(expected), `${expected} is in the package`);
    const schema = JSON.parse(readFileSync(join(root, 'dist/schema/topology-v1.json'), 'utf8')) as { title?: string };
    assert.equal(schema.title, 'Lifeline topology file');
  });

  it('packed, installed globally into an empty prefix, runs `lifeline --version` and `lifeline check` on the bundled example', () => {
    const pack = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], root);
    assert.equal(pack.status, 0, pack.stderr);
    const [tarball] = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
    assert.ok(tarball);
    const prefix = join(scratch, 'prefix');
    // Dependencies come from the npm cache `npm ci` filled, the registry only for what it lacks.
    const install = run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(scratch, tarball)], scratch);
    assert.equal(install.status, 0, install.stderr);
    const lifeline = join(prefix, 'bin', 'lifeline');
    const version = run(lifeline, ['--version'], scratch);
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
    const check = run(lifeline, ['check', join(root, 'examples/incident/after.yaml')], scratch);
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /^Lifeline check: CRITICAL\n/);
    assert.match(check.stdout, /backend\n {2}✗ postgres .* UNREACHABLE/);
  });
});
