import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

// The action's composite steps, run here as a runner runs them: each `run` through
// `bash --noprofile --norc -eo pipefail`, with the runner's files (GITHUB_OUTPUT, GITHUB_PATH,
// GITHUB_STEP_SUMMARY) and `${{ }}` expressions filled in. GitHub's REST API is a loopback server
// answering with the documented shapes of the issue-comment endpoints.

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'ghs_actioncanary0123456789abcdefABCDEF';

interface Step {
  name: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
}
interface ActionFile {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionFile;

interface Comment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
}

/** GitHub's issue-comment endpoints, as documented: list, create, update. */
class FakeGitHub {
  readonly comments: Comment[] = [];
  readonly requests: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(([status, payload]) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server?.close(done));
  }

  private async answer(req: IncomingMessage): Promise<[number, unknown]> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const url = req.url ?? '';
    this.requests.push({ method: req.method ?? '', url, authorization: req.headers.authorization, body });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return [401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }];
    const list = /^\/repos\/acme\/shop\/issues\/42\/comments\?per_page=100&page=(\d+)$/.exec(url);
    if (req.method === 'GET' && list) return [200, list[1] === '1' ? this.comments : []];
    if (req.method === 'POST' && url === '/repos/acme/shop/issues/42/comments') {
      const comment = { id: 1000 + this.comments.length, body: (JSON.parse(body) as { body: string }).body, html_url: `https://github.com/acme/shop/pull/42#issuecomment-${1000 + this.comments.length}`, user: { login: 'github-actions[bot]', type: 'Bot' } };
      this.comments.push(comment);
      return [201, comment];
    }
    const update = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url);
    const existing = this.comments.find((c) => String(c.id) === update?.[1]);
    if (req.method === 'PATCH' && existing) {
      existing.body = (JSON.parse(body) as { body: string }).body;
      return [200, existing];
    }
    return [404, { message: 'Not Found' }];
  }
}

interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** One runner: its temporary directory (where the install step leaves Lifeline) and files. */
class Runner {
  readonly temp = mkdtempSync(join(tmpdir(), 'lifeline-action-'));
  readonly runnerTemp = join(this.temp, 'runner');
  readonly pathFile = join(this.temp, 'path');
  constructor(private readonly api: string) {
    mkdirSync(this.runnerTemp);
    writeFileSync(this.pathFile, '');
  }

  /** Runs every step of the action for these inputs; stops at the first failing step, as a runner does. */
  async runAction(workspace: string, inputs: Record<string, string>, event: unknown): Promise<{ steps: StepRun[]; outputs: Record<string, string>; summary: string }> {
    const values = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? '']));
    const expression = (text: string): string =>
      text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
        const input = /^inputs\.([\w-]+)$/.exec(expr);
        if (input?.[1] !== undefined && input[1] in values) return values[input[1]] ?? '';
        if (expr === 'github.action_path') return root.replace(/\/$/, '');
        if (expr === 'github.token') return TOKEN;
        throw new Error(`action.yml uses an expression this test does not provide: ${expr}`);
      });
    for (const [name, v] of Object.entries(values)) values[name] = expression(v);
    const outputFile = join(this.temp, `output-${Math.random().toString(36).slice(2)}`);
    const summaryFile = join(this.temp, `summary-${Math.random().toString(36).slice(2)}`);
    const eventFile = join(this.temp, 'event.json');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    writeFileSync(eventFile, JSON.stringify(event));
    const steps: StepRun[] = [];
    for (const step of action.runs.steps) {
      assert.equal(step.shell, 'bash', `${step.name}: every step is a bash step`);
      assert.ok(step.run !== undefined, `${step.name}: a run step`);
      const script = join(this.temp, 'step.sh');
      writeFileSync(script, expression(step.run));
      const added = readFileSync(this.pathFile, 'utf8').split('\n').filter(Boolean).reverse();
      const env = {
        ...process.env,
        PATH: [...added, process.env.PATH ?? ''].join(':'),
        RUNNER_TEMP: this.runnerTemp,
        GITHUB_PATH: this.pathFile,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: this.api,
        GITHUB_ACTIONS: 'true',
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expression(v)])),
      };
      const cwd = join(workspace, expression(step['working-directory'] ?? '.'));
      // Asynchronously: the fake GitHub API answers from this process's event loop.
      const run = await runScript(script, cwd, env);
      steps.push(run);
      if (run.status !== 0) break;
    }
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { steps, outputs, summary: readFileSync(summaryFile, 'utf8') };
  }

  cleanup(): void {
    rmSync(this.temp, { recursive: true, force: true });
  }
}

function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<StepRun> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => {
      done({ status, stdout, stderr });
    });
  });
}

const git = (cwd: string, ...args: string[]): void => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

describe('the GitHub Action (action.yml)', () => {
  const github = new FakeGitHub();
  let runner: Runner;
  let workspace: string;
  const pullRequest = { pull_request: { number: 42, base: { sha: '' } } };
  before(async () => {
    await github.start();
    runner = new Runner(github.url);
    workspace = join(runner.temp, 'workspace');
    mkdirSync(join(workspace, 'deploy'), { recursive: true });
    cpSync(join(root, 'examples/incident/before.yaml'), join(workspace, 'deploy/topology.yaml'));
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'before');
    cpSync(join(root, 'examples/incident/after.yaml'), join(workspace, 'deploy/topology.yaml'));
  });
  after(async () => {
    await github.stop();
    runner.cleanup();
  });

  it('its scripts pass shellcheck', () => {
    const r = spawnSync('shellcheck', ['--shell=bash', join(root, 'action/install.sh'), join(root, 'action/run.sh')], { encoding: 'utf8' });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, r.stdout);
  });

  it('declares composite bash steps, with a description for every input and output', () => {
    assert.equal(action.runs.using, 'composite');
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) assert.ok(spec.description.length > 10, name);
    for (const output of Object.values(action.outputs)) assert.match(output.value, /^\$\{\{ steps\.run\.outputs\.[\w-]+ \}\}$/);
  });

  it('check: installs Lifeline, writes SARIF, the job summary and a comment, and fails the step on a critical finding', async () => {
    const { steps, outputs, summary } = await runner.runAction(workspace, { paths: 'deploy/topology.yaml', comment: 'true' }, pullRequest);
    assert.equal(steps.length, 2, steps.map((s) => s.stderr).join('\n'));
    const install = steps[0];
    const run = steps[1];
    assert.ok(install && run);
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stdout, /^\d+\.\d+\.\d+$/m);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^Lifeline check: CRITICAL\n/);
    assert.deepEqual(outputs, { 'exit-code': '1', status: 'CRITICAL', 'sarif-file': 'lifeline.sarif' });
    const sarif = JSON.parse(readFileSync(join(workspace, 'lifeline.sarif'), 'utf8')) as { version: string; runs: { results: { ruleId: string; fixes?: unknown[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0]?.results ?? [];
    assert.ok(results.some((r) => r.ruleId === 'unreachable-dependency'), 'the unreachable database is a SARIF result');
    assert.ok(results.some((r) => (r.fixes ?? []).length > 0), 'a verified fix travels with its result');
    assert.match(summary, /CRITICAL/);
    assert.match(summary, /postgres/);
    // The pull request got one comment: the Markdown report, under Lifeline's marker.
    assert.equal(github.comments.length, 1);
    assert.ok(github.comments[0]?.body.startsWith('<!-- lifeline-check -->\n'));
    assert.ok(github.comments[0]?.body.includes(summary.trim().split('\n')[0] ?? '\u0000'));
    assert.match(run.stdout, /lifeline comment: posted https:\/\/github\.com\/acme\/shop\/pull\/42#issuecomment-1000/);
    for (const s of steps) assert.ok(!s.stdout.includes(TOKEN) && !s.stderr.includes(TOKEN), 'the token is never printed');
  });

  it('a second run updates its comment instead of adding one, and passes once the fix is in', async () => {
    cpSync(join(root, 'examples/incident/fixed.yaml'), join(workspace, 'deploy/topology.yaml'));
    const before = github.requests.length;
    const { steps, outputs } = await runner.runAction(workspace, { paths: 'deploy/topology.yaml', comment: 'true' }, pullRequest);
    assert.equal(steps.at(-1)?.status, 0, steps.at(-1)?.stderr);
    assert.equal(outputs.status, 'HEALTHY');
    assert.equal(github.comments.length, 1);
    assert.match(github.comments[0]?.body ?? '', /HEALTHY/);
    assert.deepEqual(github.requests.slice(before).map((r) => r.method), ['GET', 'PATCH']);
    // The install step found Lifeline already installed in the runner's temp and did not rebuild.
    assert.ok(existsSync(join(runner.runnerTemp, 'lifeline', 'bin', 'lifeline')));
    assert.ok(!existsSync(join(runner.runnerTemp, 'lifeline-build')));
    cpSync(join(root, 'examples/incident/after.yaml'), join(workspace, 'deploy/topology.yaml'));
  });

  it('diff: against the pull request base commit, fails on what the change breaks, summary holds the diff', async () => {
    const base = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).stdout.trim();
    const { steps, outputs, summary } = await runner.runAction(workspace, { command: 'diff', paths: 'deploy/topology.yaml', summary: 'true' }, { pull_request: { number: 42, base: { sha: base } } });
    const run = steps.at(-1);
    assert.equal(run?.status, 1, run?.stderr);
    assert.equal(outputs['exit-code'], '1');
    assert.equal(outputs.status, 'REGRESSION');
    assert.match(summary, /^## Lifeline diff\n/);
    assert.ok(summary.includes(`Against \`${base}\``));
    assert.match(summary, /postgres/);
  });

  it('bad input fails the step with exit 2 and a located error; an unknown command is refused', async () => {
    writeFileSync(join(workspace, 'broken.yaml'), 'services:\n  - name: api\n    egres: all-traffic\n');
    const broken = await runner.runAction(workspace, { paths: 'broken.yaml', 'sarif-file': '' }, {});
    assert.equal(broken.steps.at(-1)?.status, 2);
    assert.match(broken.steps.at(-1)?.stderr ?? '', /^broken\.yaml:3:5: error: services\[0\]\.egres: unknown key "egres"; did you mean "egress"\?/m);
    assert.equal(broken.outputs.status, 'ERROR');
    const unknown = await runner.runAction(workspace, { command: 'deploy' }, {});
    assert.equal(unknown.steps.at(-1)?.status, 2);
    assert.match(unknown.steps.at(-1)?.stderr ?? '', /command must be check or diff, not deploy/);
  });
});
