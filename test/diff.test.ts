import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DiffReport } from '../src/report/diff.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function lifeline(args: readonly string[], cwd = root): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

function diffJson(args: readonly string[], cwd = root): { report: DiffReport; status: number | null } {
  const run = lifeline(['diff', ...args, '--format', 'json'], cwd);
  assert.equal(run.stderr, '');
  return { report: JSON.parse(run.stdout) as DiffReport, status: run.status };
}

const verdicts = (paths: DiffReport['worse']) => paths.map((p) => `${p.service}→${p.dependency} ${p.before ?? '-'}→${p.after ?? '-'}`);

describe('lifeline diff', () => {
  it('the incident as a topology change: four paths become UNREACHABLE, each pointing at the egress line that changed', () => {
    const { report, status } = diffJson(['examples/incident/before.yaml', 'examples/incident/after.yaml']);
    assert.equal(status, 1);
    assert.equal(report.status, 'WORSE');
    assert.deepEqual(verdicts(report.worse), [
      'backend→postgres REACHABLE→UNREACHABLE',
      'backend→openai REACHABLE→UNREACHABLE',
      'backend→anthropic REACHABLE→UNREACHABLE',
      'auth→postgres REACHABLE→UNREACHABLE',
      'backend→internet REACHABLE→UNREACHABLE',
      'backend→google-apis REACHABLE→UNDETERMINED',
      'auth→internet REACHABLE→UNREACHABLE',
      'auth→google-apis REACHABLE→UNDETERMINED',
    ]);
    const backend = report.worse[0];
    assert.ok(backend);
    assert.equal(backend.hop?.cause, 'NO_EXTERNAL_ADDRESS');
    assert.deepEqual(backend.changes[0], {
      attribute: 'services[backend].egress',
      before: 'private-ranges-only',
      after: 'all-traffic',
      location: { file: 'examples/incident/after.yaml', line: 72, column: 5, text: '    egress: all-traffic' },
      side: 'head',
    });
    assert.equal(report.worse[3]?.changes[0]?.location.line, 97);
    assert.deepEqual(
      report.introduced.map((f) => `${f.ruleId} ${f.key}`),
      [
        'unreachable-dependency backend→postgres',
        'unreachable-dependency backend→openai',
        'unreachable-dependency backend→anthropic',
        'unreachable-dependency auth→postgres',
        'unreachable-destination backend→internet',
        'unreachable-destination auth→internet',
        'unconfirmed-path backend→google-apis',
        'unconfirmed-path auth→google-apis',
      ],
    );
  });

  it('the fix: what it repairs is reported as improved, exit 0', () => {
    const { report, status } = diffJson(['examples/incident/after.yaml', 'examples/incident/fixed.yaml']);
    assert.equal(status, 0);
    assert.equal(report.status, 'NOT_WORSE');
    assert.deepEqual(verdicts(report.worse), []);
    assert.deepEqual(verdicts(report.improved), [
      'backend→postgres UNREACHABLE→REACHABLE',
      'backend→clickhouse UNREACHABLE→REACHABLE',
      'backend→openai UNREACHABLE→REACHABLE',
      'backend→anthropic UNREACHABLE→REACHABLE',
      'auth→postgres UNREACHABLE→REACHABLE',
      'backend→internet UNREACHABLE→REACHABLE',
      'backend→google-apis UNDETERMINED→REACHABLE',
      'auth→internet UNREACHABLE→REACHABLE',
      'auth→google-apis UNDETERMINED→REACHABLE',
    ]);
    assert.ok(report.resolved.some((f) => f.ruleId === 'connection-capacity'));
  });

  it('the incident as a Python deploy script: the Cloud SQL socket and the external API become UNREACHABLE, pointing at the changed line', () => {
    // examples/review: a Terraform plan for the network, the deploy script, a small topology file.
    const { report, status } = diffJson(['examples/review/lifeline.yaml', 'examples/review/after/lifeline.yaml']);
    assert.equal(status, 1);
    assert.deepEqual(
      report.worse.map((p) => `${p.service}→${p.dependency} ${p.before ?? '-'}→${p.after ?? '-'} ${p.hop?.cause ?? '-'}`),
      [
        'api→openai REACHABLE→UNREACHABLE NO_EXTERNAL_ADDRESS',
        'api→main-db REACHABLE→UNREACHABLE NO_EXTERNAL_ADDRESS',
        'api→internet REACHABLE→UNREACHABLE NO_EXTERNAL_ADDRESS',
        'api→google-apis REACHABLE→UNDETERMINED UNKNOWN_CONFIGURATION',
      ],
    );
    assert.equal(report.worse[1]?.target, '/cloudsql/acme-prod:europe-west1:main-db');
    for (const p of report.worse) {
      assert.deepEqual(p.changes[0], {
        attribute: 'services[api].egress',
        before: 'private-ranges-only',
        after: 'all-traffic',
        location: { file: 'examples/review/after/deploy.py', line: 20, column: 9, text: '        "--vpc-egress", "all-traffic",' },
        side: 'head',
      });
    }
    assert.deepEqual(report.head.inputs, ['examples/review/infra/plan.json', 'examples/review/after/deploy.py', 'examples/review/services.yaml']);
    const text = lifeline(['diff', 'examples/review/lifeline.yaml', 'examples/review/after/lifeline.yaml']);
    assert.match(text.stdout, /caused by: services\[api\]\.egress: private-ranges-only → all-traffic, at examples\/review\/after\/deploy\.py:20:9\n\s+20 \| "--vpc-egress", "all-traffic",/);
    // The DATABASE_URL password in the script's --set-env-vars is never printed.
    assert.doesNotMatch(text.stdout + JSON.stringify(report), /hunter2/);
  });

  it('blames what routes the packet before what sizes it, and never prints a secret that changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-diff-'));
    try {
      const common = 'project: p\nregion: europe-west1\nconnectors:\n  - {name: c, network: vpc, ipCidrRange: 10.8.0.0/28}\n';
      const service = (extra: string) => `services:\n  - name: api\n    connector: c\n    egress: all-traffic\n${extra}    dependencies:\n      - {name: ext, url: https://api.example.com, critical: true}\n`;
      writeFileSync(join(dir, 'base.yaml'), `${common}networks:\n  - name: vpc\n    subnets: [{name: s, cidr: 10.0.0.0/24}]\n    routers:\n      - name: r\n        nats: [{name: n, subnets: all}]\n${service('')}`);
      writeFileSync(join(dir, 'head.yaml'), `${common}networks:\n  - name: vpc\n    subnets: [{name: s, cidr: 10.0.0.0/24}]\n${service('    maxInstances: 50\n    env:\n      PAYMENTS_API_KEY: sk_live_TopSecretValue123\n      DATABASE_URL: postgres://u:Sup3rS3cret@10.0.0.9/db\n')}`);
      const { report, status } = diffJson([join(dir, 'base.yaml'), join(dir, 'head.yaml')]);
      assert.equal(status, 1);
      const changes = report.worse[0]?.changes ?? [];
      assert.deepEqual(
        changes.map((c) => `${c.attribute} ${c.side}`),
        ['networks[vpc].routers[r] base', 'services[api].env.PAYMENTS_API_KEY head', 'services[api].env.DATABASE_URL head', 'services[api].maxInstances head'],
      );
      assert.equal(changes[0]?.location.line, 9);
      assert.deepEqual([changes[1]?.after, changes[2]?.after], ['***', 'postgres://u:***@10.0.0.9/db']);
      // An environment value's own line is not shown at all: its key may not say it is secret.
      assert.equal(changes[1]?.location.text, undefined);
      const text = lifeline(['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml')]).stdout;
      assert.doesNotMatch(text + JSON.stringify(report), /TopSecretValue|Sup3rS3cret/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports capacity and timeout margins that shrank, without failing on them alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-diff-'));
    try {
      const topology = (maxInstances: number, connectTimeoutSeconds: number) =>
        [
          'project: p',
          'region: europe-west1',
          'databases:',
          '  - {name: db, publicIp: 192.0.2.10, tier: db-custom-2-7680, flags: {max_connections: 400}}',
          'services:',
          '  - name: api',
          `    maxInstances: ${maxInstances}`,
          '    cloudSqlInstances: [p:europe-west1:db]',
          '    dependencies:',
          `      - {name: db, database: db, via: cloudsql-socket, critical: true, poolSize: 10, connectTimeoutSeconds: ${connectTimeoutSeconds}, retries: 2}`,
          '',
        ].join('\n');
      writeFileSync(join(dir, 'base.yaml'), topology(10, 5));
      writeFileSync(join(dir, 'head.yaml'), topology(20, 10));
      const { report, status } = diffJson([join(dir, 'base.yaml'), join(dir, 'head.yaml')]);
      assert.equal(status, 0);
      assert.deepEqual(
        report.shrunk.map((m) => `${m.key} ${m.before}→${m.after} ${m.unit}`),
        // 400 − 3 superuser − 2 cloudsqladmin = 395 usable; 10 → 20 instances × 10 connections.
        // Worst connect: timeout × 3 attempts + 2 × 1 s backoff = 17 → 32 s, against the default
        // 240 s startup probe and the 300 s request timeout.
        ['database:db 295→195 connections', 'api→db:startup 223→208 seconds', 'api→db:request 283→268 seconds'],
      );
      assert.equal(report.shrunk[0]?.location.line, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input is exit 2 with a located error, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-diff-'));
    try {
      writeFileSync(join(dir, 'broken.json'), '{"format_version": "1.2", "planned_values": {');
      const r = lifeline(['diff', 'examples/incident/before.yaml', join(dir, 'broken.json')]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /broken\.json:1:\d+: error: JSON syntax/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      const usage = lifeline(['diff', 'examples/incident/before.yaml']);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /diff needs two inputs, BASE and HEAD/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lifeline diff --base REV', () => {
  const repo = mkdtempSync(join(tmpdir(), 'lifeline-git-'));
  after(() => {
    rmSync(repo, { recursive: true, force: true });
  });
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=Lifeline Test', '-c', 'user.email=test@lifeline.invalid', ...args], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };

  it('reads the inputs of lifeline.yaml at a revision through git, leaving the work tree alone', () => {
    git('init', '-q', '-b', 'main');
    cpSync(join(root, 'examples/review'), repo, { recursive: true });
    rmSync(join(repo, 'after'), { recursive: true });
    git('add', '.');
    git('commit', '-q', '-m', 'staging as it runs');
    cpSync(join(root, 'examples/review/after/deploy.py'), join(repo, 'deploy/deploy.py'));
    const workTree = readFileSync(join(repo, 'deploy/deploy.py'), 'utf8');

    const uncommitted = diffJson(['--base', 'main'], repo);
    assert.equal(uncommitted.status, 1);
    assert.equal(uncommitted.report.base.label, 'main');
    assert.equal(uncommitted.report.head.label, 'the work tree');
    assert.deepEqual(uncommitted.report.worse.map((p) => `${p.dependency} ${p.after ?? '-'}`), ['openai UNREACHABLE', 'main-db UNREACHABLE', 'internet UNREACHABLE', 'google-apis UNDETERMINED']);
    assert.deepEqual(uncommitted.report.worse[0]?.changes[0]?.location, { file: 'deploy/deploy.py', line: 20, column: 9, text: '        "--vpc-egress", "all-traffic",' });

    git('commit', '-q', '-am', 'all-traffic egress');
    const committed = diffJson(['--base', 'main~1', '--head', 'main', 'lifeline.yaml'], repo);
    assert.equal(committed.report.head.label, 'main');
    assert.equal(committed.report.worse.length, 4, 'openai, main-db, and the internet and Google APIs as destinations');
    // From a subdirectory, naming the repository's directory (its lifeline.yaml) at both revisions.
    const fromSubdirectory = diffJson(['--base', 'main~1', '--head', 'main', '..'], join(repo, 'deploy'));
    assert.equal(fromSubdirectory.report.worse.length, 4);
    assert.deepEqual(fromSubdirectory.report.worse[0]?.changes[0]?.location.file, '../deploy/deploy.py');
    const reverse = diffJson(['--base', 'main', '--head', 'main~1'], repo);
    assert.equal(reverse.status, 0);
    assert.equal(reverse.report.improved.length, 4);
    assert.equal(readFileSync(join(repo, 'deploy/deploy.py'), 'utf8'), workTree);
    assert.equal(git('status', '--porcelain'), '');

    // A link at a revision is refused with the reason (its blob is the target's path, not the file).
    symlinkSync('services.yaml', join(repo, 'linked.yaml'));
    git('add', 'linked.yaml');
    git('commit', '-q', '-m', 'a link');
    const link = lifeline(['diff', '--base', 'main', 'linked.yaml'], repo);
    assert.equal(link.status, 2);
    assert.equal(link.stderr, 'linked.yaml: error: is a symbolic link at main; name the file it points to\n');

    const bad = lifeline(['diff', '--base', 'no-such-branch'], repo);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no-such-branch: error: is not a git revision here/);

    // A shallow clone (what actions/checkout makes by default) lacks the base: the error says how to fetch it.
    const shallow = join(mkdtempSync(join(tmpdir(), 'lifeline-shallow-')), 'clone');
    const clone = spawnSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow], { encoding: 'utf8' });
    assert.equal(clone.status, 0, clone.stderr);
    const missing = lifeline(['diff', '--base', 'main~1'], shallow);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /main~1: error: is not a git revision here: this clone is shallow and does not hold it\. Fetch the history \(`git fetch --unshallow`\), or check out with full history \(actions\/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0\)/);
    rmSync(dirname(shallow), { recursive: true, force: true });
  });
});
