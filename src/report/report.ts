import { createHash } from 'node:crypto';
import type { Analysis } from '../analysis/analyze.js';
import { RULES } from '../analysis/rules/index.js';
import type { Edit } from '../analysis/fixes/edit.js';
import { FACTS, type FactId } from '../analysis/reachability/facts.js';
import type { Cause, Confidence, Destination, Hop, HopOutcome, PathResult, Step, Verdict } from '../analysis/reachability/path.js';
import { unjudgedBy } from '../analysis/reachability/unknowns.js';
import { UNKNOWN_CAUSES, unknownCause, unknownsInModel, type UnknownCause } from '../model/coverage.js';
import { SEVERITY_RANK, type Severity } from '../analysis/rules/rule.js';
import type { RuleSetting } from '../analysis/rule-settings.js';
import { isUnknown, type DependencyKind, type Origin, type Topology } from '../model/topology.js';

/** The JSON report's schema version. Bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/**
 * The overall result. INCOMPLETE: something in scope could not be judged (an unknown value, a
 * module not resolved): never reported as healthy, and it fails the run until given or accepted.
 */
export type Status = 'HEALTHY' | 'DEGRADED' | 'INCOMPLETE' | 'CRITICAL';

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
  /** A declared or inferred dependency, or one of the service's implicit destinations. */
  readonly destination: Destination;
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
  readonly source: { readonly kind: 'declared' } | { readonly kind: 'inferred'; readonly from: string; readonly rule?: string } | { readonly kind: 'implicit' };
  /** The implicit destinations its connections go to (`internet`, `google-apis`, `private:NETWORK:RANGE`). */
  readonly reliesOn: readonly string[];
  readonly location: Location;
  readonly hops: readonly ReportHop[];
  /** Where inputs describe the service differently and their verdicts differ: each description's trace. */
  readonly descriptions?: readonly { readonly file: string; readonly verdict: Verdict; readonly cause: Cause | null; readonly hops: readonly ReportHop[] }[];
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
  /** Something could not be judged: the run is INCOMPLETE while this finding stands. */
  readonly unjudged?: true;
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
  /** False when the run was asked not to run it (`--skip-rule`, `--rule`, the lifeline.yaml's `rules:`). */
  readonly enabled: boolean;
  /** What turned it off. */
  readonly offBy?: string;
}

/** A finding hidden by an inline suppression or a baseline, with the reason given. */
export interface ReportSuppression {
  readonly ruleId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly unjudged?: true;
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

/** A value the inputs do not give, grouped by cause, with where it would come from. */
export interface ReportUnknown {
  readonly key: string;
  readonly subject: string;
  readonly cause: UnknownCause;
  readonly reason: string;
  /** Where the value would be set. */
  readonly where: string;
  readonly location: Location;
  /** Paths it leaves undetermined (0: it decides no verdict, it is listed for completeness). */
  readonly affects: number;
  /** Accepted by an inline suppression or a baseline (with its reason). */
  readonly accepted?: { readonly by: 'inline' | 'baseline'; readonly reason: string };
}

/** What was understood, and what not: every report says how much it could judge. */
export interface ReportCoverage {
  /** Every service found; `project` and `region` are null when unknown (see `unknowns`). */
  readonly services: readonly { readonly name: string; readonly project: string | null; readonly region: string | null; readonly location: Location }[];
  readonly dependencies: {
    readonly declared: number;
    readonly inferred: number;
    /** Inferred dependencies by inference rule (or by what they were inferred from). */
    readonly byRule: Readonly<Record<string, number>>;
  };
  readonly implicitPaths: number;
  readonly unknowns: readonly ReportUnknown[];
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
    /** Dependency paths, by verdict. */
    readonly paths: number;
    readonly reachable: number;
    readonly unreachable: number;
    readonly ambiguous: number;
    readonly undetermined: number;
    /** Implicit destination paths, by verdict. */
    readonly implicit: { readonly paths: number; readonly reachable: number; readonly unreachable: number; readonly ambiguous: number; readonly undetermined: number };
    /** Findings by severity, not counting the unjudged ones. */
    readonly critical: number;
    readonly warning: number;
    readonly info: number;
    /** Findings that say something could not be judged. */
    readonly unjudged: number;
  };
  readonly coverage: ReportCoverage;
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
  /** How each rule ran (on or off, its severity); every rule as documented when absent. */
  readonly rules?: ReadonlyMap<string, RuleSetting>;
  /** The model analysed, for coverage (services found, unknown values). */
  readonly topology: Topology;
  /**
   * Set when the inputs deploy to several projects: this report is one project's, and its service
   * names and finding keys are qualified `PROJECT:NAME` (like Cloud SQL connection names) so the projects' reports can be combined.
   */
  readonly project?: string;
}

export function buildReport(analysis: Analysis, options: ReportOptions): Report {
  // Paths share hops and origins (services with the same egress share a trace): each is rendered once.
  const locations = new Map<Origin, Location>();
  const locate = (origin: Origin): Location => {
    let location = locations.get(origin);
    if (!location) locations.set(origin, (location = options.locate(origin)));
    return location;
  };
  const { project } = options;
  const q = (name: string): string => (project === undefined ? name : `${project}:${name}`);
  const count = (paths: readonly PathResult[], verdict: Verdict): number => paths.filter((p) => p.verdict === verdict).length;
  const findings = [...analysis.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const reportFindings: ReportFinding[] = findings.map((f) => ({
    ruleId: f.ruleId,
    key: q(f.key),
    fingerprint: findingFingerprint(f.ruleId, q(f.key), f.origin.file),
    severity: f.severity,
    message: f.message,
    location: locate(f.origin),
    ...(f.service !== undefined ? { service: q(f.service) } : {}),
    ...(f.dependency !== undefined ? { dependency: f.dependency } : {}),
    ...(f.unjudged ? { unjudged: true as const } : {}),
  }));
  const all = [...analysis.paths, ...analysis.implicit];
  const reportHops = new Map<Hop, ReportHop>();
  const facts = new Map<FactId, NonNullable<ReportHop['fact']>>();
  const factOf = (id: FactId): NonNullable<ReportHop['fact']> => {
    let fact = facts.get(id);
    if (!fact) facts.set(id, (fact = { id, ...FACTS[id] }));
    return fact;
  };
  const reportHop = (h: Hop): ReportHop => {
    let rendered = reportHops.get(h);
    if (!rendered) {
      rendered = {
        step: h.step,
        detail: h.detail,
        outcome: h.outcome,
        ...(h.cause ? { cause: h.cause } : {}),
        confidence: h.confidence,
        ...(h.fact ? { fact: factOf(h.fact) } : {}),
        ...(h.origin ? { location: locate(h.origin) } : {}),
      };
      reportHops.set(h, rendered);
    }
    return rendered;
  };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'lifeline', version: options.version },
    status: statusFor(reportFindings),
    failOn: options.failOn,
    inputs: options.inputs,
    ...(options.sources ? { sources: options.sources } : {}),
    summary: {
      paths: analysis.paths.length,
      reachable: count(analysis.paths, 'REACHABLE'),
      unreachable: count(analysis.paths, 'UNREACHABLE'),
      ambiguous: count(analysis.paths, 'AMBIGUOUS'),
      undetermined: count(analysis.paths, 'UNDETERMINED'),
      implicit: {
        paths: analysis.implicit.length,
        reachable: count(analysis.implicit, 'REACHABLE'),
        unreachable: count(analysis.implicit, 'UNREACHABLE'),
        ambiguous: count(analysis.implicit, 'AMBIGUOUS'),
        undetermined: count(analysis.implicit, 'UNDETERMINED'),
      },
      ...countFindings(reportFindings),
    },
    coverage: buildCoverage(analysis, options.topology, locate, q),
    paths: all.map((p) => ({
      destination: p.destination,
      service: q(p.service),
      dependency: p.dependency,
      kind: p.kind ?? null,
      target: p.target,
      critical: p.critical ?? null,
      verdict: p.verdict,
      cause: p.cause ?? null,
      confidence: p.confidence,
      assumptions: p.assumptions,
      source: sourceOf(p.provenance),
      reliesOn: p.reliesOn,
      location: locate(p.origin),
      hops: p.hops.map(reportHop),
      ...(p.descriptions ? { descriptions: p.descriptions.map((d) => ({ file: d.file, verdict: d.verdict, cause: d.cause ?? null, hops: d.hops.map(reportHop) })) } : {}),
    })),
    findings: reportFindings,
    fixes: analysis.fixes.map((f, i) => ({
      id: `fix-${i + 1}`,
      title: f.title,
      recommended: f.recommended,
      edits: f.edits,
      resolves: f.resolves.map((r) => ({ ...r, service: q(r.service) })),
      changes: options.renderChanges(f.edits),
    })),
    rejectedFixes: analysis.rejected.map((r) => ({ title: r.title, reason: r.reason })),
    suppressed: [],
    rules: RULES.map((r) => {
      const setting = options.rules?.get(r.id);
      return { id: r.id, title: r.title, category: r.category, severity: setting?.severity ?? r.severity, rationale: r.rationale, sources: r.sources, enabled: setting?.enabled ?? true, ...(setting?.offBy !== undefined ? { offBy: setting.offBy } : {}) };
    }),
  };
}

const DECLARED = { kind: 'declared' } as const;
const IMPLICIT = { kind: 'implicit' } as const;

function sourceOf(provenance: PathResult['provenance']): ReportPath['source'] {
  switch (provenance.kind) {
    case 'declared':
      return DECLARED;
    case 'implicit':
      return IMPLICIT;
    case 'inferred':
      return { kind: 'inferred', from: provenance.detail, rule: provenance.rule };
  }
}

/** Findings counted by severity, and the unjudged ones apart. */
export function countFindings(findings: readonly Pick<ReportFinding, 'severity' | 'unjudged'>[]): Pick<Report['summary'], 'critical' | 'warning' | 'info' | 'unjudged'> {
  const judged = findings.filter((f) => !f.unjudged);
  const bySeverity = (s: Severity): number => judged.filter((f) => f.severity === s).length;
  return { critical: bySeverity('critical'), warning: bySeverity('warning'), info: bySeverity('info'), unjudged: findings.length - judged.length };
}

function buildCoverage(analysis: Analysis, topology: Topology, locate: (origin: Origin) => Location, q: (name: string) => string): ReportCoverage {
  const byRule: Record<string, number> = {};
  let declared = 0;
  let inferred = 0;
  for (const service of topology.services) {
    for (const d of service.dependencies) {
      if (d.provenance.kind === 'declared') {
        declared++;
        continue;
      }
      inferred++;
      byRule[d.provenance.rule] = (byRule[d.provenance.rule] ?? 0) + 1;
    }
  }
  // Unknowns that decided verdicts, from the incomplete rule's findings, then every other unknown
  // value of the model (it decides nothing now, but a person should know it is there).
  const affects = new Map<string, number>();
  for (const p of [...analysis.paths, ...analysis.implicit]) {
    const u = unjudgedBy(p);
    if (u) affects.set(u.key, (affects.get(u.key) ?? 0) + 1);
  }
  const unknowns: ReportUnknown[] = [];
  const seen = new Set<string>();
  const add = (key: string, subject: string, reason: string, origin: Origin, count: number): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const cause = unknownCause(reason);
    unknowns.push({ key: q(key), subject, cause, reason, where: UNKNOWN_CAUSES[cause].where, location: locate(origin), affects: count });
  };
  for (const p of [...analysis.paths, ...analysis.implicit]) {
    const u = unjudgedBy(p);
    if (u) add(u.key, u.subject, u.reason, u.origin ?? p.blame, affects.get(u.key) ?? 0);
  }
  for (const f of analysis.findings) if (f.unjudged && !seen.has(f.key)) add(f.key, f.key, f.message, f.origin, 0);
  for (const u of unknownsInModel(topology)) add(u.key, u.subject, u.reason, u.origin, 0);
  return {
    services: topology.services.map((s) => ({ name: q(s.name), project: topology.project ?? null, region: isUnknown(s.region) ? null : s.region, location: locate(s.origin) })),
    dependencies: { declared, inferred, byRule },
    implicitPaths: analysis.implicit.length,
    unknowns,
  };
}

/**
 * One report from the reports of several projects (each built with `project` set): lists joined,
 * counts added, the status recomputed from every finding.
 */
export function combineReports(reports: readonly Report[]): Report {
  const [first] = reports;
  if (first === undefined) throw new TypeError('combineReports: no report');
  if (reports.length === 1) return first;
  const unique = <T>(items: readonly T[], key: (item: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];
  const add = (pick: (r: Report) => number): number => reports.reduce((sum, r) => sum + pick(r), 0);
  const findings = reports.flatMap((r) => r.findings).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const byRule: Record<string, number> = {};
  for (const r of reports) for (const [rule, n] of Object.entries(r.coverage.dependencies.byRule)) byRule[rule] = (byRule[rule] ?? 0) + n;
  const sources = reports.flatMap((r) => (r.sources ? [r.sources] : []));
  const implicit = (v: keyof Report['summary']['implicit']): number => add((r) => r.summary.implicit[v]);
  return {
    ...first,
    status: statusFor(findings),
    inputs: [...new Set(reports.flatMap((r) => r.inputs))],
    ...(sources.length > 0
      ? {
          sources: {
            read: unique(sources.flatMap((s) => s.read), (r) => r.file),
            ignored: unique(sources.flatMap((s) => s.ignored), (i) => i.file),
            notes: [...new Set(sources.flatMap((s) => s.notes))],
          },
        }
      : {}),
    summary: {
      paths: add((r) => r.summary.paths),
      reachable: add((r) => r.summary.reachable),
      unreachable: add((r) => r.summary.unreachable),
      ambiguous: add((r) => r.summary.ambiguous),
      undetermined: add((r) => r.summary.undetermined),
      implicit: { paths: implicit('paths'), reachable: implicit('reachable'), unreachable: implicit('unreachable'), ambiguous: implicit('ambiguous'), undetermined: implicit('undetermined') },
      ...countFindings(findings),
    },
    coverage: {
      services: reports.flatMap((r) => r.coverage.services),
      dependencies: { declared: add((r) => r.coverage.dependencies.declared), inferred: add((r) => r.coverage.dependencies.inferred), byRule },
      implicitPaths: add((r) => r.coverage.implicitPaths),
      unknowns: unique(reports.flatMap((r) => r.coverage.unknowns), (u) => u.key),
    },
    paths: reports.flatMap((r) => r.paths),
    findings,
    fixes: reports.flatMap((r) => r.fixes).map((f, i) => ({ ...f, id: `fix-${i + 1}` })),
    rejectedFixes: reports.flatMap((r) => r.rejectedFixes),
    suppressed: reports.flatMap((r) => r.suppressed),
  };
}

/**
 * The stable identity of a finding across runs: message wording and line numbers may change, the
 * file it is in may not (two topologies checked together can hold services of the same name).
 */
export function findingFingerprint(ruleId: string, key: string, file: string): string {
  return createHash('sha256').update(`${file}\u0000${ruleId}\u0000${key}`).digest('hex');
}

/**
 * The overall status: CRITICAL for any critical finding; else INCOMPLETE when something could not
 * be judged (what was not judged may hide the worst); else DEGRADED for a warning; else HEALTHY.
 */
export function statusFor(findings: readonly Pick<ReportFinding, 'severity' | 'unjudged'>[]): Status {
  const judged = severityStatus(findings.filter((f) => !f.unjudged).map((f) => f.severity));
  return judged !== 'CRITICAL' && findings.some((f) => f.unjudged) ? 'INCOMPLETE' : judged;
}

/** The worst severity present as a status (critical → CRITICAL, warning → DEGRADED), for what is all judged. */
export function severityStatus(severities: readonly Severity[]): 'HEALTHY' | 'DEGRADED' | 'CRITICAL' {
  // A loop, not Math.max(...): an estate's findings can outnumber the arguments a call may take.
  const worst = severities.reduce((w, s) => Math.max(w, SEVERITY_RANK[s]), -1);
  return worst >= SEVERITY_RANK.critical ? 'CRITICAL' : worst >= SEVERITY_RANK.warning ? 'DEGRADED' : 'HEALTHY';
}

/**
 * Exit code for `check`: 1 when any finding is at or above the threshold, or anything was left
 * unjudged (INCOMPLETE fails the run unless each unknown is given or accepted).
 */
export function exitCodeFor(report: Report): 0 | 1 {
  const threshold = SEVERITY_RANK[report.failOn];
  return report.findings.some((f) => f.unjudged || SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

/** `a, b (--skip-rule); c (lifeline.yaml)`: the rules that were off, grouped by what turned them off. */
export function rulesOff(rules: readonly { id: string; offBy?: string }[]): string {
  const by = new Map<string, string[]>();
  for (const r of rules) by.set(r.offBy ?? 'config', [...(by.get(r.offBy ?? 'config') ?? []), r.id]);
  return [...by].map(([why, ids]) => `${ids.join(', ')} (${why})`).join('; ');
}
