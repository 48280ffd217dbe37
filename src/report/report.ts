import { createHash } from 'node:crypto';
import type { Analysis } from '../analysis/analyze.js';
import { RULES } from '../analysis/rules/index.js';
import type { Edit } from '../analysis/fixes/edit.js';
import { FACTS, type FactId } from '../analysis/reachability/facts.js';
import type { Cause, Confidence, HopOutcome, Step, Verdict } from '../analysis/reachability/path.js';
import { SEVERITY_RANK, type Severity } from '../analysis/rules/rule.js';
import type { DependencyKind, Origin } from '../model/topology.js';

/** The JSON report's schema version. Bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

export type Status = 'HEALTHY' | 'DEGRADED' | 'CRITICAL';

export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** `file:line:col`, or the file alone when the line is not known. */
export function formatLocation(l: Location): string {
  return l.line === undefined ? l.file : `${l.file}:${l.line}:${l.column ?? 1}`;
}

export interface ReportHop {
  readonly step: Step;
  readonly detail: string;
  readonly outcome: HopOutcome;
  readonly cause?: Cause;
  readonly confidence: Confidence;
  readonly fact?: { readonly id: FactId; readonly statement: string; readonly source: string };
  readonly location?: Location;
}

export interface ReportPath {
  readonly service: string;
  readonly dependency: string;
  readonly kind: DependencyKind | null;
  readonly target: string;
  readonly critical: boolean | null;
  readonly verdict: Verdict;
  readonly cause: Cause | null;
  readonly confidence: Confidence;
  readonly assumptions: readonly string[];
  /** `declared`, or `inferred` with what it was inferred from (e.g. `env DATABASE_URL`). */
  readonly source: { readonly kind: 'declared' } | { readonly kind: 'inferred'; readonly from: string };
  readonly location: Location;
  readonly hops: readonly ReportHop[];
}

export interface ReportFinding {
  readonly ruleId: string;
  /** What the finding is about, stable across runs (see Finding.key). */
  readonly key: string;
  /** sha256 of `ruleId` and `key`: the same finding has the same fingerprint in every run. */
  readonly fingerprint: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly service?: string;
  readonly dependency?: string;
}

/** A fix rendered against the user's own file. */
export interface FileChange {
  readonly file: string;
  readonly line?: number;
  /** Unified-diff hunks (YAML sources) or a one-line instruction (other formats). */
  readonly patch: string;
}

export interface ReportFix {
  readonly id: string;
  readonly title: string;
  readonly recommended: boolean;
  readonly edits: readonly Edit[];
  readonly resolves: readonly { readonly service: string; readonly dependency: string }[];
  readonly changes: readonly FileChange[];
}

/** Rule metadata, so renderers (SARIF, JUnit, docs) need nothing but the Report. */
export interface ReportRule {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly sources: readonly string[];
}

/** A finding hidden by an inline suppression or a baseline, with the reason given. */
export interface ReportSuppression {
  readonly ruleId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly by: 'inline' | 'baseline';
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) after which the suppression lapses and the finding returns. */
  readonly expires?: string;
}

export interface ReportSources {
  readonly read: readonly { readonly file: string; readonly format: string }[];
  readonly ignored: readonly { readonly file: string; readonly reason: string }[];
  readonly notes: readonly string[];
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'lifeline'; readonly version: string };
  readonly status: Status;
  readonly failOn: Severity;
  readonly inputs: readonly string[];
  /** What each input was read as, what was ignored and why, and what importers skipped or assumed. */
  readonly sources?: ReportSources;
  readonly summary: {
    readonly paths: number;
    readonly reachable: number;
    readonly unreachable: number;
    readonly ambiguous: number;
    readonly undetermined: number;
    readonly critical: number;
    readonly warning: number;
    readonly info: number;
  };
  readonly paths: readonly ReportPath[];
  readonly findings: readonly ReportFinding[];
  readonly fixes: readonly ReportFix[];
  readonly rejectedFixes: readonly { readonly title: string; readonly reason: string }[];
  /** Findings hidden by suppressions (not counted in `summary` or the status). */
  readonly suppressed: readonly ReportSuppression[];
  /** Every rule that ran, with its metadata. */
  readonly rules: readonly ReportRule[];
}

export interface ReportOptions {
  readonly version: string;
  readonly inputs: readonly string[];
  readonly sources?: ReportSources;
  readonly failOn: Severity;
  /** Resolves an origin to a file position (sources know how; analysis does not). */
  readonly locate: (origin: Origin) => Location;
  /** Renders a fix's edits as changes to the user's files. */
  readonly renderChanges: (edits: readonly Edit[]) => FileChange[];
}

export function buildReport(analysis: Analysis, options: ReportOptions): Report {
  const { locate } = options;
  const count = (verdict: Verdict): number => analysis.paths.filter((p) => p.verdict === verdict).length;
  const bySeverity = (s: Severity): number => analysis.findings.filter((f) => f.severity === s).length;
  const findings = [...analysis.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'lifeline', version: options.version },
    status: statusFor(findings.map((f) => f.severity)),
    failOn: options.failOn,
    inputs: options.inputs,
    ...(options.sources ? { sources: options.sources } : {}),
    summary: {
      paths: analysis.paths.length,
      reachable: count('REACHABLE'),
      unreachable: count('UNREACHABLE'),
      ambiguous: count('AMBIGUOUS'),
      undetermined: count('UNDETERMINED'),
      critical: bySeverity('critical'),
      warning: bySeverity('warning'),
      info: bySeverity('info'),
    },
    paths: analysis.paths.map((p) => ({
      service: p.service,
      dependency: p.dependency,
      kind: p.kind ?? null,
      target: p.target,
      critical: p.critical ?? null,
      verdict: p.verdict,
      cause: p.cause ?? null,
      confidence: p.confidence,
      assumptions: p.assumptions,
      source: p.provenance.kind === 'declared' ? { kind: 'declared' } : { kind: 'inferred', from: p.provenance.detail },
      location: locate(p.origin),
      hops: p.hops.map((h) => ({
        step: h.step,
        detail: h.detail,
        outcome: h.outcome,
        ...(h.cause ? { cause: h.cause } : {}),
        confidence: h.confidence,
        ...(h.fact ? { fact: { id: h.fact, ...FACTS[h.fact] } } : {}),
        ...(h.origin ? { location: locate(h.origin) } : {}),
      })),
    })),
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      key: f.key,
      fingerprint: findingFingerprint(f.ruleId, f.key, f.origin.file),
      severity: f.severity,
      message: f.message,
      location: locate(f.origin),
      ...(f.service !== undefined ? { service: f.service } : {}),
      ...(f.dependency !== undefined ? { dependency: f.dependency } : {}),
    })),
    fixes: analysis.fixes.map((f, i) => ({
      id: `fix-${i + 1}`,
      title: f.title,
      recommended: f.recommended,
      edits: f.edits,
      resolves: f.resolves,
      changes: options.renderChanges(f.edits),
    })),
    rejectedFixes: analysis.rejected.map((r) => ({ title: r.title, reason: r.reason })),
    suppressed: [],
    rules: RULES.map((r) => ({ id: r.id, title: r.title, category: r.category, severity: r.severity, rationale: r.rationale, sources: r.sources })),
  };
}

/**
 * The stable identity of a finding across runs: message wording and line numbers may change, the
 * file it is in may not (two topologies checked together can hold services of the same name).
 */
export function findingFingerprint(ruleId: string, key: string, file: string): string {
  return createHash('sha256').update(`${file}\u0000${ruleId}\u0000${key}`).digest('hex');
}

/** The overall status: the worst severity present (critical → CRITICAL, warning → DEGRADED). */
export function statusFor(severities: readonly Severity[]): Status {
  const worst = Math.max(-1, ...severities.map((s) => SEVERITY_RANK[s]));
  return worst >= SEVERITY_RANK.critical ? 'CRITICAL' : worst >= SEVERITY_RANK.warning ? 'DEGRADED' : 'HEALTHY';
}

/** Exit code for `check`: 1 when any finding is at or above the threshold. */
export function exitCodeFor(report: Report): 0 | 1 {
  const threshold = SEVERITY_RANK[report.failOn];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}
