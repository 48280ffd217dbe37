import type { Cause, Verdict } from '../analysis/reachability/path.js';
import { redactUrlPasswords } from '../model/redact.js';
import type { PhaseTiming, ProbeOutcome } from '../probes/outcome.js';

export interface ProbeReportEntry {
  readonly service: string;
  readonly dependency: string;
  readonly target: string;
  readonly critical: boolean | null;
  /** The protocol probed, or null when the dependency could not be probed. */
  readonly protocol: string | null;
  readonly outcome: ProbeOutcome | 'NOT_PROBED';
  readonly durationMs: number;
  readonly phases: readonly PhaseTiming[];
  readonly detail: string;
  readonly info: Readonly<Record<string, string | number>>;
  readonly static: { readonly verdict: Verdict | null; readonly cause: Cause | null };
  readonly agrees: boolean | null;
  readonly suggestion: string;
  readonly severity: 'critical' | 'warning' | 'info';
}

export interface ProbeReport {
  readonly schemaVersion: 1;
  readonly kind: 'probe';
  readonly status: 'HEALTHY' | 'DEGRADED' | 'CRITICAL';
  readonly startedAt: string;
  readonly wallMs: number;
  readonly deadlineMs: number;
  readonly concurrency: number;
  readonly inputs: readonly string[];
  readonly results: readonly ProbeReportEntry[];
}

export function renderProbeJson(report: ProbeReport): string {
  return redactUrlPasswords(`${JSON.stringify(report, null, 2)}\n`);
}

/** One line per dependency: outcome, timings by phase, and the static verdict beside it. */
export function renderProbeText(report: ProbeReport, options: { color?: boolean } = {}): string {
  const paint = (code: number, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const out = [
    `Lifeline probe: ${paint(report.status === 'HEALTHY' ? 32 : report.status === 'DEGRADED' ? 33 : 31, report.status)} (${report.results.length} dependencies in ${(report.wallMs / 1000).toFixed(2)} s, deadline ${report.deadlineMs} ms, concurrency ${report.concurrency})`,
  ];
  let service = '';
  for (const r of report.results) {
    if (r.service !== service) {
      service = r.service;
      out.push('', service);
    }
    const mark = r.outcome === 'OK' ? paint(32, '✓') : r.outcome === 'NOT_PROBED' ? '-' : r.severity === 'critical' ? paint(31, '✗') : paint(33, '!');
    const phases = r.phases.map((p) => `${p.phase} ${p.ms}ms${p.ok ? '' : ' ✗'}`).join(' · ');
    const agreement = r.agrees === null ? 'no prediction' : r.agrees ? 'agrees' : paint(33, 'DISAGREES');
    out.push(`  ${mark} ${r.dependency} (${r.protocol ?? 'not probed'} ${r.target}): ${r.outcome} in ${r.durationMs} ms`);
    if (phases) out.push(`      ${phases}`);
    out.push(`      ${r.detail}`);
    out.push(`      static: ${r.static.verdict ?? '-'}${r.static.cause ? ` ${r.static.cause}` : ''} · ${agreement}: ${r.suggestion}`);
  }
  return redactUrlPasswords(`${out.join('\n')}\n`);
}

/** Lines for `--watch`: only what changed since the previous round. */
export function renderProbeChanges(previous: ProbeReport, current: ProbeReport): string[] {
  const before = new Map(previous.results.map((r) => [`${r.service}→${r.dependency}`, r]));
  const lines: string[] = [];
  for (const r of current.results) {
    const old = before.get(`${r.service}→${r.dependency}`);
    if (old?.outcome !== r.outcome) {
      lines.push(redactUrlPasswords(`${current.startedAt} ${r.service} → ${r.dependency}: ${old?.outcome ?? 'new'} → ${r.outcome} (${r.detail})`));
    }
  }
  return lines;
}
