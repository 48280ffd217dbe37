import { redactUrlPasswords } from '../model/redact.js';
import { UNKNOWN_CAUSES, type UnknownCause } from '../model/coverage.js';
import { formatLocation, rulesOff, type Report, type ReportFinding, type ReportPath } from './report.js';

export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. @default false */
  readonly color?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

/** A person's summary: status, each service's dependencies, findings, fixes and next actions. */
export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = (code: keyof typeof CODES, text: string): string => (options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text);
  const statusColor = report.status === 'HEALTHY' ? 'green' : report.status === 'CRITICAL' ? 'red' : 'yellow';
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
    `${s.paths} dependency paths: ${s.reachable} reachable, ${s.unreachable} unreachable, ${s.undetermined} undetermined, ${s.ambiguous} ambiguous · findings: ${s.critical} critical, ${s.warning} warning${s.unjudged > 0 ? ` · not judged: ${s.unjudged}` : ''}`,
  );
  out.push(...coverageLines(report).map((line) => paint('dim', line)));

  const byService = new Map<string, ReportPath[]>();
  // Loops, not Math.max(...paths): a spread of several hundred thousand arguments overflows the stack.
  let nameWidth = 8;
  let targetWidth = 10;
  for (const p of report.paths) {
    let list = byService.get(p.service);
    if (!list) byService.set(p.service, (list = []));
    list.push(p);
    nameWidth = Math.max(nameWidth, p.dependency.length);
    targetWidth = Math.max(targetWidth, p.target.length);
  }
  nameWidth = Math.min(24, nameWidth);
  targetWidth = Math.min(52, targetWidth);
  for (const [service, all] of byService) {
    out.push('', paint('bold', service));
    const isReachableImplicit = (p: ReportPath): boolean => p.destination === 'implicit' && p.verdict === 'REACHABLE';
    const reachableImplicit = all.filter(isReachableImplicit);
    const paths = all.filter((p) => !isReachableImplicit(p));
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
      if (p.destination === 'implicit') out.push(paint('dim', `      implicit destination: where this service's traffic can go, dependencies declared or not`));
    }
    if (reachableImplicit.length > 0) out.push(`  ${paint('green', '✓')} ${paint('dim', `egress reaches: ${reachableImplicit.map((p) => p.dependency).join(', ')}`)}`);
  }

  const section = (title: string, items: readonly ReportFinding[], color: 'red' | 'yellow'): void => {
    if (items.length === 0) return;
    out.push('', paint(color, paint('bold', `${title} (${items.length})`)));
    for (const f of items) out.push(`  ${where(f.location)}  [${f.ruleId}]`, `    ${f.message}`);
  };
  section('Critical', report.findings.filter((f) => f.severity === 'critical' && !f.unjudged), 'red');
  section('Not judged', report.findings.filter((f) => f.unjudged), 'yellow');
  section('Warnings', report.findings.filter((f) => f.severity === 'warning' && !f.unjudged), 'yellow');
  if (report.suppressed.length > 0) {
    out.push('', paint('bold', `Suppressed (${report.suppressed.length})`));
    for (const x of report.suppressed) {
      out.push(paint('dim', `  ${where(x.location)}  [${x.ruleId}] ${x.unjudged ? 'unknown accepted' : x.severity} by ${x.by}${x.expires ? ` until ${x.expires}` : ''}: "${x.reason}"`));
    }
  }

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

/** What was understood: services and their inputs, dependencies by rule, unknowns by cause. */
function coverageLines(report: Report): string[] {
  const c = report.coverage;
  const lines: string[] = [];
  const byRule = Object.entries(c.dependencies.byRule).map(([rule, n]) => `${n} ${rule}`);
  lines.push(
    `coverage: ${c.services.length} service(s) · ${c.dependencies.declared + c.dependencies.inferred} dependencies (${c.dependencies.declared} declared, ${c.dependencies.inferred} inferred${byRule.length > 0 ? `: ${byRule.join(', ')}` : ''}) · ${c.implicitPaths} implicit destination paths`,
  );
  const open = c.unknowns.filter((u) => u.affects > 0 && u.accepted === undefined);
  const accepted = c.unknowns.filter((u) => u.accepted !== undefined);
  const inert = c.unknowns.filter((u) => u.affects === 0 && u.accepted === undefined);
  if (open.length > 0 || inert.length > 0 || accepted.length > 0) {
    lines.push(`unknown values: ${open.length} leave paths undetermined, ${accepted.length} accepted, ${inert.length} decide no verdict`);
    const byCause = new Map<UnknownCause, typeof open>();
    for (const u of [...open, ...accepted]) byCause.set(u.cause, [...(byCause.get(u.cause) ?? []), u]);
    for (const [cause, items] of byCause) {
      lines.push(`  ${UNKNOWN_CAUSES[cause].title} (${items.length}): from ${UNKNOWN_CAUSES[cause].where}`);
      for (const u of items.slice(0, 10)) {
        lines.push(`    ${u.subject} at ${formatLocation(u.location)}: ${u.affects} path(s)${u.accepted ? ` — accepted (${u.accepted.by}): "${u.accepted.reason}"` : ''}`);
      }
      if (items.length > 10) lines.push(`    … and ${items.length - 10} more (see --format json)`);
    }
  }
  return lines;
}

/** Most severe first; never "nothing to do" while anything is critical, not judged or suppressed. */
function nextActions(report: Report): string[] {
  const actions: string[] = [];
  const recommended = report.fixes.find((f) => f.recommended);
  if (recommended) actions.push(`Apply ${recommended.id} (${recommended.title}), then run lifeline check again.`);
  const unfixed = report.paths.filter(
    (p) => p.verdict === 'UNREACHABLE' && p.destination === 'dependency' && !report.fixes.some((f) => f.resolves.some((r) => r.service === p.service && r.dependency === p.dependency)),
  );
  for (const p of unfixed.slice(0, 5)) actions.push(`No verified fix for ${p.service} → ${p.dependency} (${p.cause ?? 'unknown cause'}): see the hop above.`);
  const critical = report.findings.filter((f) => f.severity === 'critical' && !f.unjudged && !unfixed.some((p) => f.key === `${p.service}→${p.dependency}`));
  if (critical.length > 0 && !recommended) actions.push(`Resolve the ${critical.length} critical finding(s) above, most severe first: ${critical[0]?.message.slice(0, 120) ?? ''}…`);
  const unjudged = report.findings.filter((f) => f.unjudged);
  if (unjudged.length > 0) {
    actions.push(
      `${unjudged.length} thing(s) could not be judged (listed under "Not judged"): give each value (a topology fragment, the missing file) or accept it with a reason (a baseline: \`lifeline check --write-baseline FILE --reason "…"\`, or \`# lifeline-ignore incomplete REASON\` on its line in a YAML input). The run fails until then.`,
    );
  }
  const warnings = report.findings.filter((f) => f.severity === 'warning' && !f.unjudged);
  if (warnings.length > 0) actions.push(`Review the ${warnings.length} warning(s) above: latent problems fail the next change that relies on them.`);
  if (report.paths.some((p) => p.confidence === 'assumed' && p.verdict !== 'REACHABLE')) {
    actions.push('Some verdicts rest on unconfirmed platform behaviour (marked "assumed"): confirm them with Connectivity Tests or a live probe.');
  }
  if (report.suppressed.length > 0) {
    const by = (kind: 'inline' | 'baseline'): number => report.suppressed.filter((x) => x.by === kind).length;
    const unknowns = report.suppressed.filter((x) => x.unjudged).length;
    actions.push(
      `${report.suppressed.length - unknowns} finding(s) and ${unknowns} unknown(s) are suppressed (${by('inline')} inline, ${by('baseline')} by baseline): they are not checked while suppressed; review their reasons and expiry dates.`,
    );
  }
  const off = report.rules.filter((r) => !r.enabled);
  if (off.length > 0) actions.push(`${off.length} rule(s) did not run, so what they check was not checked: ${rulesOff(off)}.`);
  if (actions.length === 0) actions.push('Nothing to do: every dependency and every implicit destination is reachable over the path the configuration gives it.');
  return actions;
}
