import type { Severity } from '../analysis/rules/rule.js';
import { redactSourceLine, redactUrlPasswords } from '../model/redact.js';
import { formatLocation, rulesOff, type Report, type ReportFix, type ReportHop, type ReportPath, type Status } from './report.js';

/** GitHub rejects comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** The longest output, in UTF-16 code units; past it sections are left out, with a note. @default GITHUB_COMMENT_LIMIT */
  readonly maxLength?: number;
}

const STATUS_ICON: Readonly<Record<Status, string>> = { HEALTHY: '✅', DEGRADED: '⚠️', INCOMPLETE: '❔', CRITICAL: '❌' };
const SEVERITY_HEADING: Readonly<Record<Severity, string>> = { critical: '🔴 Critical', warning: '🟡 Warning', info: '🔵 Info' };

/**
 * Markdown for a pull-request comment: status, failing paths, findings by severity, the
 * recommended fix as a diff, and a Mermaid diagram of each failing path with the failing hop
 * marked. Sections come in that order of importance; when the whole would pass `maxLength`, the
 * later ones are left out and a note says so.
 *
 * @example
 * await octokit.rest.issues.createComment({ owner, repo, issue_number, body: renderMarkdown(report) });
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const blocks: string[] = [];
  const s = report.summary;
  const failing = report.paths.filter((p) => p.verdict !== 'REACHABLE');

  blocks.push(
    [
      `## ${STATUS_ICON[report.status]} Lifeline: ${report.status}`,
      '',
      `**${s.paths} paths**: ${s.reachable} reachable, ${s.unreachable} unreachable, ${s.undetermined} undetermined, ${s.ambiguous} ambiguous · ` +
        `**findings**: ${s.critical} critical, ${s.warning} warning, ${s.info} info · fails on ${report.failOn} and above`,
      '',
      `Inputs: ${report.inputs.map(md).join(', ')}`,
      '',
      '',
    ].join('\n'),
  );

  if (failing.length > 0) {
    blocks.push(['### Failing paths', '', '| Service | Dependency | Target | Verdict | Cause | Failing hop | Where |', '| --- | --- | --- | --- | --- | --- | --- |', ''].join('\n'));
    for (const p of failing.slice(0, LIMITS.tableRows)) {
      const hop = decisiveHop(p);
      const cells = [md(p.service), md(p.dependency), md(p.target), p.verdict, p.cause ? `\`${p.cause}\`` : '', hop ? md(`${hop.step}: ${hop.detail}`) : '', md(where(hop?.location ?? p.location))];
      blocks.push(`| ${cells.join(' | ')} |\n`);
    }
    blocks.push(more(failing.length - LIMITS.tableRows, 'failing path'), '\n');
  }

  if (report.findings.length > 0) {
    blocks.push('### Findings\n\n');
    let room: number = LIMITS.findings;
    for (const severity of ['critical', 'warning', 'info'] as const) {
      const items = report.findings.filter((f) => f.severity === severity);
      if (items.length === 0) continue;
      blocks.push(`#### ${SEVERITY_HEADING[severity]} (${items.length})\n\n`);
      const shown = items.slice(0, room);
      room -= shown.length;
      for (const f of shown) blocks.push(`- \`${f.ruleId}\` at ${md(where(f.location))}: ${md(f.message)}\n`);
      blocks.push(more(items.length - shown.length, `${severity} finding`), '\n');
    }
  }
  if (report.suppressed.length > 0) blocks.push(`${report.suppressed.length} finding(s) suppressed (inline or by baseline).\n\n`);
  const off = report.rules.filter((r) => !r.enabled);
  if (off.length > 0) blocks.push(`${off.length} rule(s) did not run: ${rulesOff(off)}.\n\n`);

  const recommended = report.fixes.find((f) => f.recommended);
  if (recommended) blocks.push(fixBlock(recommended));
  const others = report.fixes.filter((f) => f !== recommended);
  if (others.length > 0) {
    blocks.push('### Other verified fixes\n\n');
    for (const f of others) blocks.push(`- ${md(f.id)}: ${md(f.title)} (resolves ${md(pairs(f))})\n`);
    blocks.push('\n');
  }

  if (failing.length > 0) {
    blocks.push('### Path diagrams\n\n');
    failing.slice(0, LIMITS.diagrams).forEach((p, i) => {
      const summary = `${p.service} → ${p.dependency}: ${p.verdict}${p.cause ? ` (${p.cause})` : ''}`;
      // <details> keeps a comment with many failing paths readable; the first is open.
      blocks.push([`<details${i === 0 ? ' open' : ''}><summary>${htmlText(summary)}</summary>`, '', fenced('mermaid', mermaidFlowchart(p)), '</details>', '', ''].join('\n'));
    });
    blocks.push(more(failing.length - LIMITS.diagrams, 'diagram'));
  }

  if (report.rejectedFixes.length > 0) {
    blocks.push('### Rejected candidates\n\n');
    for (const r of report.rejectedFixes) blocks.push(`- ${md(r.title)}: ${md(r.reason)}\n`);
    blocks.push('\n');
  }
  // Every value was redacted as it was escaped (md, escapeMermaid, redactPatch); a pass over the
  // whole would turn an escaped `\*\*\*` back into emphasis markers.
  return fitBlocks(blocks, maxLength);
}

/**
 * How many of each repeated item a comment shows (findings counted over all severities, the most
 * severe first), so that many failing paths leave room for the findings, the fix and some
 * diagrams; the rest are counted in a line pointing at the full report.
 */
const LIMITS = { tableRows: 30, findings: 40, diagrams: 10 } as const;

/** A paragraph counting what a list left out (after a blank line, which also ends a table), or nothing. */
function more(left: number, what: string): string {
  return left > 0 ? `\n…and ${left} more ${what}${left === 1 ? '' : 's'}: run \`lifeline check --format html\` for all of them.\n` : '';
}

function fixBlock(fix: ReportFix): string {
  const out = [`### Recommended fix: ${md(fix.title)}`, '', `Verified by re-analysis: resolves ${md(pairs(fix))} and breaks no path.`, ''];
  for (const change of fix.changes) {
    // Hunks get their file headers, so the block reads (and copies) as a unified diff.
    const headers = change.patch.startsWith('@@') ? `--- a/${change.file}\n+++ b/${change.file}\n` : '';
    out.push(`${md(change.file)}${change.line === undefined ? '' : ` (line ${change.line})`}:`, '', fenced('diff', `${headers}${redactPatch(change.patch)}`), '');
  }
  return `${out.join('\n')}\n`;
}

/** Joins blocks up to `maxLength`; the first block that does not fit and all after it are replaced by a note. */
function fitBlocks(blocks: readonly string[], maxLength: number): string {
  const whole = blocks.join('');
  if (whole.length <= maxLength) return whole;
  let used = 0;
  let kept = 0;
  const noteFor = (left: number): string =>
    `\n\n> [!NOTE]\n> Truncated to fit a ${maxLength.toLocaleString('en-US')}-character comment: the last ${left} part(s) (table rows, findings, fixes or diagrams) are left out. Run \`lifeline check --format text\` or \`--format html\` for the whole report.\n`;
  const reserve = noteFor(blocks.length).length;
  for (const block of blocks) {
    if (used + block.length + reserve > maxLength) break;
    used += block.length;
    kept += 1;
  }
  return `${blocks.slice(0, kept).join('')}${noteFor(blocks.length - kept)}`;
}

/**
 * A Mermaid flowchart of one path: the service, each hop, the dependency. The hop that decides
 * the verdict gets class `failed` (or `uncertain`), and the edge from it to the dependency is
 * dashed and coloured with `linkStyle`: edge classes need Mermaid 11.6+, which not every viewer has.
 */
export function mermaidFlowchart(path: ReportPath): string {
  const decisive = decisiveHop(path);
  const mark = path.verdict === 'UNREACHABLE' ? 'failed' : 'uncertain';
  const hops = path.hops.filter((h) => h.step !== 'START_FROM_CLOUD_RUN_REVISION');
  const start = path.hops.find((h) => h.step === 'START_FROM_CLOUD_RUN_REVISION');
  const lines = [
    'flowchart LR',
    '  classDef service fill:#e8f0fe,stroke:#1a73e8,color:#174ea6',
    '  classDef hop fill:#f8f9fa,stroke:#5f6368,color:#202124',
    '  classDef failed fill:#fce8e6,stroke:#d93025,stroke-width:2px,color:#a50e0e',
    '  classDef uncertain fill:#fef7e0,stroke:#f29900,stroke-width:2px,color:#b06000',
    '  classDef unreached fill:#f1f3f4,stroke:#9aa0a6,stroke-dasharray:4 3,color:#5f6368',
    `  s0["${label(path.service, start?.detail ?? 'Cloud Run service')}"]:::service`,
  ];
  hops.forEach((h, i) => lines.push(`  h${i + 1}["${label(h.step, h.detail)}"]:::${h === decisive ? mark : 'hop'}`));
  lines.push(`  d0["${label(path.dependency, path.target)}"]:::${path.verdict === 'REACHABLE' ? 'service' : 'unreached'}`);
  const ids = ['s0', ...hops.map((_h, i) => `h${i + 1}`)];
  ids.forEach((id, i) => {
    if (i > 0) lines.push(`  ${ids[i - 1] ?? 's0'} --> ${id}`);
  });
  const last = ids[ids.length - 1] ?? 's0';
  if (path.verdict === 'REACHABLE') {
    lines.push(`  ${last} --> d0`);
  } else {
    lines.push(`  ${last} -. "${escapeMermaid(path.cause ?? path.verdict)}" .-> d0`);
    const color = path.verdict === 'UNREACHABLE' ? '#d93025' : '#f29900';
    lines.push(`  linkStyle ${ids.length - 1} stroke:${color},stroke-width:2px,stroke-dasharray:5 5`);
  }
  return lines.join('\n');
}

const MAX_LABEL_DETAIL = 80;

function label(title: string, full: string): string {
  // Redact before cutting: a cut URL has no '@' left for the redaction to find.
  const detail = redactUrlPasswords(full);
  const short = detail.length > MAX_LABEL_DETAIL ? `${detail.slice(0, MAX_LABEL_DETAIL - 1)}…` : detail;
  return `<b>${escapeMermaid(title)}</b><br/>${escapeMermaid(short)}`;
}

/**
 * Text for inside a quoted Mermaid label: quotes, brackets and every character with a meaning to
 * Mermaid, HTML or Markdown strings become Mermaid's `#code;` entities; line breaks become spaces.
 */
export function escapeMermaid(value: string): string {
  return redactUrlPasswords(value)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[#"'`<>&[\]{}()|%;\\]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Text inside an HTML block (GitHub does not read Markdown there): redacted and entity-escaped. */
function htmlText(value: string): string {
  return redactUrlPasswords(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[@#]/g, (c) => `${c}\u200B`)
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline Markdown text: redacted, on one line, with everything Markdown or GitHub would interpret escaped. */
function md(value: string): string {
  return (
    redactUrlPasswords(value)
      .replace(/[\r\n]+/g, ' ')
      .replace(/[\\`*_[\]<>|~&$]/g, (c) => `\\${c}`)
      // '@name' would mention (and notify) a GitHub user, '#12' link issue 12: a zero-width space breaks both.
      .replace(/[@#]/g, (c) => `${c}\u200B`)
  );
}

/**
 * A patch's lines with URL passwords and secret-looking values redacted: context lines around a
 * change can show a service's env.
 */
function redactPatch(patch: string): string {
  return patch
    .split('\n')
    .map((line) => redactSourceLine(line))
    .join('\n');
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
function fenced(language: string, content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content}\n${fence}`;
}

function pairs(fix: ReportFix): string {
  return fix.resolves.map((r) => `${r.service} → ${r.dependency}`).join(', ');
}

function decisiveHop(path: ReportPath): ReportHop | undefined {
  return path.hops.find((h) => h.outcome === 'drop') ?? path.hops.find((h) => h.outcome === 'undetermined') ?? path.hops.find((h) => h.outcome === 'ambiguous');
}

const where = formatLocation;
