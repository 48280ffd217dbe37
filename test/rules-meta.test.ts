import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FACTS, renderFactsDoc } from '../src/analysis/reachability/facts.js';
import { RULES } from '../src/analysis/rules/index.js';
import type { Rule } from '../src/analysis/rules/rule.js';
import { GENERATED_MARKER, renderRuleDoc, renderRuleIndex } from '../src/report/rule-doc.js';

// This file runs from dist/test/: the repository is two levels up, the compiled CLI one.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const rulesDir = path.join(repo, 'src/analysis/rules');
const docsDir = path.join(repo, 'docs/rules');
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const REGENERATE = 'run `npm run build && node dist/src/cli/main.js explain --write-docs docs/rules`';

const rules: readonly Rule[] = RULES;
const ids = rules.map((r) => r.id);
const camelCase = (id: string): string => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Asserts a list of problems is empty, with one message naming them all and what to do. */
function assertNone(problems: readonly string[], what: string, todo: string): void {
  assert.ok(problems.length === 0, `${what}:\n  ${problems.join('\n  ')}\n${todo}`);
}

describe('rule registry, files, metadata and docs agree', () => {
  it('ids are unique and kebab-case', () => {
    assertNone(ids.filter((id, i) => ids.indexOf(id) !== i), 'duplicate rule ids in RULES', 'each rule is registered once');
    assertNone(ids.filter((id) => !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)), 'rule ids that are not kebab-case', 'rename the rule and its file');
  });

  it('every registered rule has its file and its test file, named by its id', () => {
    const missing = ids.flatMap((id) =>
      [`${id}.ts`, `${id}.test.ts`].filter((name) => !fs.existsSync(path.join(rulesDir, name))).map((name) => `src/analysis/rules/${name}`),
    );
    assertNone(missing, 'registered rules without their file or test', 'one rule per file, whose name is its id, with its test beside it');
  });

  it('every rule file in src/analysis/rules is registered', () => {
    const files = fs
      .readdirSync(rulesDir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') && name !== 'rule.ts' && name !== 'index.ts')
      .map((name) => name.slice(0, -'.ts'.length));
    assertNone(
      files.filter((id) => !ids.includes(id)),
      'rule files not in the registry',
      'import each one and add it to RULES in src/analysis/rules/index.ts (or move a helper out of the rules folder)',
    );
  });

  it('every registered rule is the export named after its id', async () => {
    const wrong: string[] = [];
    for (const rule of rules) {
      const module = (await import(`../src/analysis/rules/${rule.id}.js`)) as Record<string, unknown>;
      if (module[camelCase(rule.id)] !== rule) wrong.push(`${rule.id}: expected \`export const ${camelCase(rule.id)}: Rule\``);
    }
    assertNone(wrong, 'rules not exported under the camelCase of their id', 'rename the export');
  });

  it('metadata is complete: title, rationale, https sources, every option with a default and description', () => {
    const problems = rules.flatMap((r) => [
      ...(r.title.trim() === '' ? [`${r.id}: empty title`] : []),
      ...(r.rationale.trim() === '' ? [`${r.id}: empty rationale`] : []),
      ...(r.sources.length === 0 ? [`${r.id}: no sources`] : []),
      ...r.sources.filter((s) => !URL.canParse(s) || new URL(s).protocol !== 'https:').map((s) => `${r.id}: source is not an https URL: ${s}`),
      ...Object.entries(r.options ?? {}).flatMap(([name, o]) => [
        ...(['number', 'string', 'boolean'].includes(typeof o.default) ? [] : [`${r.id}: option ${name} has no default`]),
        ...(o.description.trim() === '' ? [`${r.id}: option ${name} has no description`] : []),
      ]),
    ]);
    assertNone(problems, 'incomplete rule metadata', 'docs are generated from it: fill it in');
  });

  it('docs/rules holds exactly the generated doc of every registered rule and the index', () => {
    const expected = new Map<string, string>(rules.map((r) => [`${r.id}.md`, renderRuleDoc(r)]));
    expected.set('README.md', renderRuleIndex(rules));
    const present = fs.existsSync(docsDir) ? fs.readdirSync(docsDir).filter((n) => n.endsWith('.md')) : [];
    const problems = [
      ...[...expected].flatMap(([name, text]) => {
        if (!present.includes(name)) return [`docs/rules/${name} is missing`];
        return fs.readFileSync(path.join(docsDir, name), 'utf8') === text ? [] : [`docs/rules/${name} differs from the rule's metadata`];
      }),
      ...present.filter((name) => !expected.has(name)).map((name) => `docs/rules/${name} documents no registered rule`),
    ];
    assertNone(problems, 'docs/rules is out of date', `docs are generated, never edited: ${REGENERATE}`);
  });

  it('docs/facts.md is generated from the facts, and every fact a rule cites is one, listed in its metadata', () => {
    assert.equal(fs.readFileSync(path.join(repo, 'docs/facts.md'), 'utf8'), renderFactsDoc(), `docs/facts.md is out of date: ${REGENERATE}`);
    const problems = rules.flatMap((r) => {
      const source = fs.readFileSync(path.join(rulesDir, `${r.id}.ts`), 'utf8');
      const cited = [...new Set([...source.matchAll(/\bfact ([a-z0-9]+(?:-[a-z0-9]+)+)/g)].map((m) => m[1] ?? ''))];
      return [
        ...cited.filter((id) => !Object.hasOwn(FACTS, id)).map((id) => `${r.id} cites fact ${id}, which facts.ts does not define`),
        ...cited.filter((id) => !(r.facts ?? []).some((f) => f === id)).map((id) => `${r.id} cites fact ${id} but does not list it in \`facts\``),
        ...(r.facts ?? []).filter((id) => !cited.includes(id)).map((id) => `${r.id} lists fact ${id} but its source never cites it`),
      ];
    });
    assertNone(problems, 'rule facts disagree', 'cite a fact as `fact ID` where the code relies on it, and list it in the rule\'s `facts`');
  });

  it('nothing cites a file outside the repository', () => {
    const files = spawnSync('git', ['ls-files', '--', 'src', 'docs', 'test', 'bench', 'README.md'], { cwd: repo, encoding: 'utf8' }).stdout.split('\n').filter((f) => /\.(ts|md)$/.test(f));
    assert.ok(files.length > 50, 'git lists the sources');
    const outside = files.filter((f) => f !== 'test/rules-meta.test.ts' && /reference\/gcp-facts\.md|shared\/reference\//.test(fs.readFileSync(path.join(repo, f), 'utf8')));
    assert.deepEqual(outside, []);
  });
});

describe('lifeline explain', () => {
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [cli, 'explain', ...args], { encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw result.error;
    return result;
  };
  const first = rules[0];
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-explain-'));
  after(() => {
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it('prints a rule\'s generated doc', () => {
    assert.ok(first);
    const r = run(first.id);
    assert.deepEqual([r.status, r.stderr], [0, '']);
    assert.equal(`${GENERATED_MARKER}\n\n${r.stdout}`, renderRuleDoc(first));
  });

  it('rejects an unknown id with exit 2 and suggests the nearest one', () => {
    assert.ok(first);
    const r = run(`${first.id}x`);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`no rule "${first.id}x"\\. Did you mean "${first.id}"\\?`));
  });

  it('lists every rule with its title', () => {
    const r = run('--list');
    assert.equal(r.status, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ids);
    rules.forEach((rule, i) => {
      assert.ok(lines[i]?.endsWith(rule.title), lines[i]);
    });
  });

  it('is a usage error with neither an id nor an option, or with two of them', () => {
    assert.equal(run().status, 2);
    assert.equal(run('--list', first?.id ?? '').status, 2);
  });

  it('--write-docs writes every doc and the index, removes its own stale docs and keeps other files', () => {
    const dir = path.join(temp, 'rules');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'renamed-rule.md'), `${GENERATED_MARKER}\n\n# renamed-rule\n`);
    fs.writeFileSync(path.join(dir, 'notes.md'), '# my notes\n');
    const r = run('--write-docs', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /removed renamed-rule\.md/);
    assert.deepEqual(fs.readdirSync(dir).sort(), [...ids.map((id) => `${id}.md`), 'README.md', 'notes.md'].sort());
    for (const rule of rules) assert.equal(fs.readFileSync(path.join(dir, `${rule.id}.md`), 'utf8'), renderRuleDoc(rule));
    assert.equal(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), renderRuleIndex(rules));
    // The facts the rule docs link to (../facts.md), beside the directory.
    assert.deepEqual(fs.readdirSync(temp).sort(), ['facts.md', 'rules']);
    assert.equal(fs.readFileSync(path.join(temp, 'facts.md'), 'utf8'), renderFactsDoc());
  });
});
