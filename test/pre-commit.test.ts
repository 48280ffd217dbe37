import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

// The hook as pre-commit installs it from this repository (`pre-commit try-repo`): it clones the
// repository, builds and packs it with npm, installs the tarball, and runs the hook's entry.

const root = fileURLToPath(new URL('../../', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'lifeline-pre-commit-'));
const project = join(temp, 'project');

const git = (...args: string[]): void => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: project, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

function tryRepo(): Promise<{ status: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn('pre-commit', ['try-repo', root, 'lifeline-check', '--all-files', '--color', 'never'], {
      cwd: project,
      // Its own home, and npm from the cache `npm ci` filled.
      env: { ...process.env, PRE_COMMIT_HOME: join(temp, 'home'), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600_000,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', fail);
    child.on('close', (status) => {
      done({ status, output });
    });
  });
}

describe('the pre-commit hook (.pre-commit-hooks.yaml)', () => {
  after(() => {
    rmSync(temp, { recursive: true, force: true });
  });

  it('declares lifeline-check as a node hook that checks the whole configuration', () => {
    const hooks = parseYaml(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; pass_filenames: boolean; files: string }[];
    assert.deepEqual(hooks.map((h) => h.id), ['lifeline-check']);
    const [hook] = hooks;
    assert.ok(hook);
    assert.equal(hook.entry, 'lifeline check');
    assert.equal(hook.language, 'node');
    assert.equal(hook.pass_filenames, false);
    const files = new RegExp(hook.files);
    for (const f of ['main.tf', 'deploy/topology.yaml', 'service.yml', 'plan.json', 'deploy.sh']) assert.match(f, files);
    for (const f of ['README.md', 'src/app.py']) assert.doesNotMatch(f, files);
  });

  it('pre-commit builds it from the repository, fails the commit on the incident and passes once fixed', async () => {
    mkdirSync(join(project, 'deploy'), { recursive: true });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(project, 'lifeline.yaml'), 'inputs: [deploy/topology.yaml]\n');
    copyFileSync(join(root, 'examples/incident/after.yaml'), join(project, 'deploy/topology.yaml'));
    git('add', '.');
    const failing = await tryRepo();
    assert.equal(failing.status, 1, failing.output);
    assert.match(failing.output, /lifeline check\.+Failed/);
    assert.match(failing.output, /Lifeline check: CRITICAL/);
    assert.match(failing.output, /✗ postgres .* UNREACHABLE/);

    copyFileSync(join(root, 'examples/incident/fixed.yaml'), join(project, 'deploy/topology.yaml'));
    git('add', '.');
    const passing = await tryRepo();
    assert.equal(passing.status, 0, passing.output);
    assert.match(passing.output, /lifeline check\.+Passed/);
  });
});
