import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GITHUB_COMMENT_LIMIT, escapeMermaid, renderMarkdown } from '../src/report/markdown.js';
import type { Report, ReportPath } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

function reportOf(name: string): Report {
  const run = spawnSync(process.execPath, [cli, 'check', `examples/incident/${name}.yaml`, '--format', 'json'], { encoding: 'utf8', cwd: root });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

/** The contents of every fenced block with the given info string. */
function fencedBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^(\`{3,})${language}\\n([\\s\\S]*?)\\n\\1$`, 'gm'))].map((m) => m[2] ?? '');
}

/** The Markdown outside fenced code blocks. */
const prose = (markdown: string): string => markdown.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');

interface MermaidNode {
  readonly id: string;
  readonly label: string;
  readonly cls: string;
}

/** Parses the node lines of one of our flowcharts, decoding labels back to text; fails on any other shape. */
function mermaidNodes(chart: string): MermaidNode[] {
  const nodes: MermaidNode[] = [];
  for (const line of chart.split('\n').slice(1)) {
    if (/^ {2}classDef \w+ [\w#:,. -]+$/.test(line) || /^ {2}\w+ (-->|-\. "[^"]*" \.->) \w+$/.test(line) || /^ {2}linkStyle \d+ [\w#:,. -]+$/.test(line)) continue;
    const m = /^ {2}([a-z]\d+)\["([^"]*)"\]:::(\w+)$/.exec(line);
    assert.ok(m, `unexpected Mermaid line: ${line}`);
    const [, id = '', raw = '', cls = ''] = m;
    const markup = raw.replaceAll('<b>', '').replaceAll('</b>', '').replaceAll('<br/>', '').replace(/#\d+;/g, '');
    assert.doesNotMatch(markup, /[[\]{}()<>|"'`;\\]/, `label has no raw bracket, quote or separator: ${raw}`);
    nodes.push({ id, cls, label: raw.replaceAll('<b>', '').replaceAll('</b>', '').replaceAll('<br/>', '\n').replace(/#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))) });
  }
  return nodes;
}

describe('renderMarkdown', () => {
  let afterReport: Report;
  let md: string;
  before(() => {
    afterReport = reportOf('after');
    md = renderMarkdown(afterReport);
  });

  it('opens with the status and summary, then a table of the failing paths', () => {
    const s = afterReport.summary;
    assert.ok(
      md.startsWith(
        `## ❌ Lifeline: CRITICAL\n\n**7 paths**: 2 reachable, 5 unreachable, 0 undetermined, 0 ambiguous · **findings**: ${s.critical} critical, ${s.warning} warning, ${s.info} info`,
      ),
    );
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Service') && !l.startsWith('| ---'));
    assert.equal(rows.length, 9, 'five dependencies, and the internet and Google APIs of both services');
    assert.ok(rows.every((r) => r.split(' | ').length === 7), 'seven cells per row');
    assert.match(rows[0] ?? '', /^\| backend \| postgres \| .* \| UNREACHABLE \| `NO_EXTERNAL_ADDRESS` \| NAT: staging-db public IP \(198\.51\.100\.20:3307\)/);
    assert.ok(!md.includes('staging-redis |'), 'reachable paths are not in the table');
  });

  it('lists findings by severity and the recommended fix with its patch as a diff', () => {
    const count = (severity: string): number => afterReport.findings.filter((f) => f.severity === severity).length;
    const critical = md.indexOf(`#### 🔴 Critical (${count('critical')})`);
    const warning = md.indexOf(`#### 🟡 Warning (${count('warning')})`);
    assert.ok(critical > 0 && warning > critical);
    assert.equal(md.includes('🔵 Info'), count('info') > 0, 'no empty severity section');
    for (const f of afterReport.findings) assert.ok(md.includes(`- \`${f.ruleId}\` at `), f.ruleId);
    const fix = afterReport.fixes.find((f) => f.recommended);
    assert.ok(fix);
    assert.ok(md.includes(`### Recommended fix: ${fix.title}`));
    const change = fix.changes[0];
    assert.ok(change);
    assert.deepEqual(fencedBlocks(md, 'diff'), [`--- a/${change.file}\n+++ b/${change.file}\n${change.patch}`]);
    assert.match(md, /^- fix-2: set egress of service backend to private-ranges-only/m);
  });

  it('draws a Mermaid flowchart per failing path with the failing hop and edge marked', () => {
    const charts = fencedBlocks(md, 'mermaid');
    const failing = afterReport.paths.filter((p) => p.verdict !== 'REACHABLE');
    assert.equal(charts.length, failing.length);
    for (const [i, chart] of charts.entries()) {
      const path = failing[i];
      assert.ok(path);
      assert.ok(chart.startsWith('flowchart LR\n'));
      assert.match(chart, /^ {2}classDef failed /m);
      const nodes = mermaidNodes(chart);
      assert.equal(nodes[0]?.label.split('\n')[0], path.service);
      assert.equal(nodes.at(-1)?.label.split('\n')[0], path.dependency);
      const drop = path.hops.find((h) => h.outcome === 'drop');
      // An undetermined path (Google APIs through the hidden subnet) has no failing hop to mark.
      if (!drop) continue;
      assert.deepEqual(
        nodes.filter((n) => n.cls === 'failed').map((n) => n.label.split('\n')[0]),
        [drop.step],
      );
      // The failing edge is the last one; linkStyle counts edges from 0.
      const edges = chart.split('\n').filter((l) => / (-->|\.->) /.test(l));
      assert.equal(edges.at(-1), `  ${nodes.at(-2)?.id} -. "${escapeMermaid(path.cause ?? '')}" .-> ${nodes.at(-1)?.id}`);
      assert.match(chart, new RegExp(`^ {2}linkStyle ${edges.length - 1} stroke:#d93025,stroke-width:2px,stroke-dasharray:5 5$`, 'm'));
    }
    assert.equal(md.match(/<details/g)?.length, failing.length);
    assert.equal(md.match(/<\/details>/g)?.length, failing.length);
  });

  it('makes any name safe as a Mermaid label: quotes, brackets and separators escaped, text kept', () => {
    const nasty = `a "quoted" [b] {c} (d) <e> & f | g #h; %% i \` j \\ k end --> z`;
    const [path] = afterReport.paths;
    assert.ok(path);
    const evil: ReportPath = { ...path, service: `svc ${nasty}`, dependency: `dep ${nasty}`, hops: path.hops.map((h) => ({ ...h, detail: nasty })) };
    const chart = fencedBlocks(renderMarkdown({ ...afterReport, paths: [evil] }), 'mermaid')[0] ?? '';
    const nodes = mermaidNodes(chart);
    assert.equal(nodes[0]?.label, `svc ${nasty}\n${nasty}`);
    assert.equal(nodes.at(-1)?.label, `dep ${nasty}\n${path.target}`);
    assert.equal(new Set(nodes.map((n) => n.id)).size, nodes.length, 'unique node ids');
  });

  it('escapes Markdown in prose and breaks @mentions', () => {
    const [finding] = afterReport.findings;
    assert.ok(finding);
    const out = renderMarkdown({ ...afterReport, findings: [{ ...finding, message: 'ping @octocat about #12 | *bold* <script>x</script> `code`' }] });
    const text = prose(out);
    assert.ok(!text.includes('@octocat'), 'no mention');
    assert.ok(!text.includes('#12'), 'no issue link');
    assert.ok(text.includes('ping @\u200Boctocat about #\u200B12 \\| \\*bold\\* \\<script\\>x\\</script\\> \\`code\\`'));
  });

  it('redacts URL passwords and secret values, also in patch context lines', () => {
    const [fix] = afterReport.fixes;
    assert.ok(fix);
    const change = { file: 'a.yaml', line: 3, patch: '@@ -3,3 +3,3 @@\n       PAYMENTS_API_KEY: sk_live_Hidden123\n-    egress: all-traffic\n+    egress: private-ranges-only\n     url: https://u:Hunter2@h' };
    const out = renderMarkdown({ ...afterReport, fixes: [{ ...fix, recommended: true, changes: [change] }] });
    assert.ok(!out.includes('sk_live_Hidden123') && !out.includes('Hunter2'));
    assert.ok(out.includes('       PAYMENTS_API_KEY: ***\n'));
  });

  it('a healthy report is a status line and no diagrams', () => {
    const out = renderMarkdown(reportOf('fixed'));
    assert.match(out, /^## ✅ Lifeline: HEALTHY\n/);
    assert.deepEqual(fencedBlocks(out, 'mermaid'), []);
    assert.ok(!out.includes('Failing paths'));
  });

  it('shows at most 30 failing paths, 40 findings and 10 diagrams, counting the rest', () => {
    // 400 copies of each path and finding.
    const copies = <T>(items: readonly T[], f: (item: T, i: number) => T): T[] => Array.from({ length: 400 }, (_, i) => items.map((x) => f(x, i))).flat();
    const paths = copies(afterReport.paths, (p, i) => ({ ...p, service: `${p.service}-${i}` }));
    const findings = copies(afterReport.findings, (f, i) => ({ ...f, key: `${f.key}-${i}` }));
    const out = renderMarkdown({ ...afterReport, paths, findings });
    const failing = paths.filter((p) => p.verdict !== 'REACHABLE').length;
    const critical = findings.filter((f) => f.severity === 'critical').length;
    const warning = findings.filter((f) => f.severity === 'warning').length;
    assert.equal(out.split('\n').filter((l) => / \| (UNREACHABLE|UNDETERMINED) \| /.test(l)).length, 30);
    assert.ok(out.includes(`\n\n…and ${failing - 30} more failing paths: run \`lifeline check --format html\` for all of them.\n`), 'after a blank line, which ends the table');
    assert.equal(out.split('\n').filter((l) => l.startsWith('- `')).length, 40);
    assert.ok(out.includes(`…and ${critical - 40} more critical findings`));
    assert.ok(out.includes(`…and ${warning} more warning findings`), 'the most severe first');
    assert.equal(fencedBlocks(out, 'mermaid').length, 10);
    assert.ok(out.includes(`…and ${failing - 10} more diagrams`));
    assert.ok(out.length <= GITHUB_COMMENT_LIMIT);
    assert.ok(!out.includes('Truncated'));
  });

  it("stays under GitHub's comment limit, leaving out whole parts with a note", () => {
    const long = 'x'.repeat(2000);
    const findings = Array.from({ length: 40 }, (_, i) => afterReport.findings.map((f) => ({ ...f, key: `${f.key}-${i}`, message: `${f.message} ${long}` }))).flat();
    const out = renderMarkdown({ ...afterReport, findings });
    assert.ok(out.length <= GITHUB_COMMENT_LIMIT, `${out.length} characters`);
    assert.ok(out.length > GITHUB_COMMENT_LIMIT - 2500, 'uses the room it has');
    assert.match(out, /> \[!NOTE\]\n> Truncated to fit a 65,536-character comment: the last \d+ part\(s\) \(table rows, findings, fixes or diagrams\) are left out\./);
    assert.ok(out.startsWith('## ❌ Lifeline: CRITICAL'));
    assert.equal((out.match(/^`{3,}/gm)?.length ?? 0) % 2, 0, 'every code fence is closed');
    assert.equal(out.match(/<details/g)?.length ?? 0, out.match(/<\/details>/g)?.length ?? 0, 'every <details> is closed');

    const small = renderMarkdown(afterReport, { maxLength: 3000 });
    assert.ok(small.length <= 3000);
    assert.match(small, /Truncated to fit a 3,000-character comment/);
    assert.ok(!renderMarkdown(afterReport).includes('Truncated'), 'the example fits whole');
  });
});
