import { redactUrlPasswords } from '../model/redact.js';
import { formatLocation, type Report, type ReportPath } from './report.js';

export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. @default false */
  readonly color?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

/** A person's summary: status, each service's dependencies, findings, fixes and next actions. */
export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = (code: keyof typeof CODES, text: string): string => (options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text);
  const statusColor = report.status === 'HEALTHY' ? 'green' : report.status === 'DEGRADED' ? 'yellow' : 'red';
  const where = formatLocation;
  const s = report.summary;
  const out: string[] = [];
  out.push(`${paint('bold', 'Lifeline check:')} ${paint(statusColor, paint('bold', report.status))}`);
  out.push(`inputs: ${report.inputs.join(', ')}`);
  const sources = report.sources;
  if (sources && (sources.read.some((r) => r.format !== 'topology') || sources.ignored.length > 0 || sources.notes.length > 0)) {
    out.push(paint('dim', `  read: ${sources.read.map((r) => `${r.file} (${r.format})`).join(', ')}`));
    for (const i of sources.ignored) out.push(paint('dim', `  ignored: ${i.file}: ${i.reason}`));
    for (const note of sources.notes) out.push(paint('dim', `  note: ${note}`));
  }
  out.push(
    `${s.paths} paths: ${s.reachable} reachable, ${s.unreachable} unreachable, ${s.undetermined} undetermined, ${s.ambiguous} ambiguous · findings: ${s.critical} critical, ${s.warning} warning`,
  );

  const byService = new Map<string, ReportPath[]>();
  for (const p of report.paths) byService.set(p.service, [...(byService.get(p.service) ?? []), p]);
  const nameWidth = Math.min(24, Math.max(8, ...report.paths.map((p) => p.dependency.length)));
  const targetWidth = Math.min(52, Math.max(10, ...report.paths.map((p) => p.target.length)));
  for (const [service, paths] of byService) {
    out.push('', paint('bold', service));
    for (const p of paths) {
      const mark = p.verdict === 'REACHABLE' ? paint('green', '✓') : p.verdict === 'UNREACHABLE' ? paint('red', '✗') : paint('yellow', '?');
      const verdict = p.verdict === 'REACHABLE' ? paint('green', p.verdict) : p.verdict === 'UNREACHABLE' ? paint('red', p.verdict) : paint('yellow', p.verdict);
      out.push(`  ${mark} ${p.dependency.padEnd(nameWidth)} ${p.target.padEnd(targetWidth)} ${verdict}${p.cause ? ` ${p.cause}` : ''}`);
      if (p.verdict === 'REACHABLE') continue;
      const hop = p.hops.find((h) => h.outcome === 'drop') ?? p.hops.find((h) => h.outcome === 'undetermined') ?? p.hops.find((h) => h.outcome === 'ambiguous');
      if (hop) {
        out.push(paint('dim', `      hop ${hop.step}: ${hop.detail}`));
        const basis = hop.fact ? `${hop.confidence}: ${hop.fact.statement} (${hop.fact.source})` : hop.confidence;
        out.push(paint('dim', `      ${basis}`));
        if (hop.location) out.push(paint('dim', `      at ${where(hop.location)}`));
      }
      if (p.source.kind === 'inferred') out.push(paint('dim', `      dependency inferred from ${p.source.from} (${where(p.location)})`));
    }
  }

  const section = (title: string, severity: 'critical' | 'warning', color: 'red' | 'yellow'): void => {
    const items = report.findings.filter((f) => f.severity === severity);
    if (items.length === 0) return;
    out.push('', paint(color, paint('bold', `${title} (${items.length})`)));
    for (const f of items) out.push(`  ${where(f.location)}  [${f.ruleId}]`, `    ${f.message}`);
  };
  section('Critical', 'critical', 'red');
  section('Warnings', 'warning', 'yellow');

  if (report.fixes.length > 0) {
    out.push('', paint('bold', 'Fixes (each verified by re-analysis: it repairs the paths listed and breaks none)'));
    for (const fix of report.fixes) {
      out.push(`  ${fix.recommended ? paint('green', '★ recommended') : '•'} ${fix.id}: ${fix.title}`);
      out.push(`    resolves: ${summarizePairs(fix.resolves)}`);
      for (const change of fix.changes) {
        out.push(`    ${change.file}${change.line === undefined ? '' : `:${change.line}`}`);
        for (const line of change.patch.split('\n')) {
          const colored = line.startsWith('+') ? paint('green', line) : line.startsWith('-') ? paint('red', line) : line;
          out.push(`      ${colored}`);
        }
      }
    }
  }
  if (report.rejectedFixes.length > 0) {
    out.push('', paint('bold', 'Rejected candidates'));
    for (const r of report.rejectedFixes) out.push(`  ✗ ${r.title}`, paint('dim', `    ${r.reason}`));
  }

  out.push('', paint('bold', 'Next actions'));
  out.push(...nextActions(report).map((a, i) => `  ${i + 1}. ${a}`));
  return redactUrlPasswords(out.join('\n')) + '\n';
}

function summarizePairs(pairs: readonly { service: string; dependency: string }[]): string {
  const byService = new Map<string, string[]>();
  for (const p of pairs) byService.set(p.service, [...(byService.get(p.service) ?? []), p.dependency]);
  return [...byService].map(([service, deps]) => `${service} → ${deps.join(', ')}`).join('; ');
}

function nextActions(report: Report): string[] {
  const actions: string[] = [];
  const recommended = report.fixes.find((f) => f.recommended);
  if (recommended) actions.push(`Apply ${recommended.id} (${recommended.title}), then run lifeline check again.`);
  const unfixed = report.paths.filter(
    (p) => p.verdict === 'UNREACHABLE' && !report.fixes.some((f) => f.resolves.some((r) => r.service === p.service && r.dependency === p.dependency)),
  );
  for (const p of unfixed.slice(0, 5)) actions.push(`No verified fix for ${p.service} → ${p.dependency} (${p.cause ?? 'unknown cause'}): see the hop above.`);
  const undetermined = report.paths.filter((p) => p.verdict === 'UNDETERMINED').length;
  if (undetermined > 0) actions.push(`Give the unknown values for ${undetermined} UNDETERMINED path(s), or confirm them live once deployed.`);
  if (report.paths.some((p) => p.confidence === 'assumed' && p.verdict !== 'REACHABLE')) {
    actions.push('Some verdicts rest on unconfirmed platform behaviour (marked "assumed"): confirm them with Connectivity Tests or a live probe.');
  }
  if (actions.length === 0) actions.push('Nothing to do: every dependency is reachable over the path the configuration gives it.');
  return actions;
}
