import { isEnvOrSecretAttribute, type DiffResult, type PathChange, type ValueChange } from '../analysis/diff.js';
import type { Cause, Step, Verdict } from '../analysis/reachability/path.js';
import type { Finding, Severity } from '../analysis/rules/rule.js';
import { redactData, redactEnvValue, redactSourceLine, redactUrlPasswords } from '../model/redact.js';
import type { Origin } from '../model/topology.js';
import { formatLocation, type Location } from './report.js';

/** The JSON diff report's schema version. */
export const DIFF_SCHEMA_VERSION = 1;

export interface DiffLocation extends Location {
  /** The source line, redacted. */
  readonly text?: string;
}

export interface DiffValueChange {
  readonly attribute: string;
  /** Rendered values (environment values redacted); null when absent on that side. */
  readonly before: string | null;
  readonly after: string | null;
  readonly location: DiffLocation;
  readonly side: 'head' | 'base';
}

export interface DiffPath {
  readonly service: string;
  readonly dependency: string;
  readonly target: string;
  readonly critical: boolean | null;
  readonly before: Verdict | null;
  readonly after: Verdict | null;
  readonly hop: { readonly step: Step; readonly detail: string; readonly cause: Cause | null; readonly location: DiffLocation | null } | null;
  /** Configuration that changed on this path, most likely cause first. */
  readonly changes: readonly DiffValueChange[];
}

export interface DiffFinding {
  readonly ruleId: string;
  readonly key: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: DiffLocation;
}

export interface DiffReport {
  readonly schemaVersion: typeof DIFF_SCHEMA_VERSION;
  readonly tool: { readonly name: 'lifeline'; readonly version: string };
  readonly status: 'WORSE' | 'NOT_WORSE';
  readonly failOn: Severity;
  readonly base: { readonly label: string; readonly inputs: readonly string[] };
  readonly head: { readonly label: string; readonly inputs: readonly string[] };
  readonly summary: Readonly<Record<'worse' | 'improved' | 'added' | 'removed' | 'introduced' | 'resolved' | 'shrunk', number>>;
  readonly worse: readonly DiffPath[];
  readonly improved: readonly DiffPath[];
  readonly added: readonly DiffPath[];
  readonly removed: readonly DiffPath[];
  readonly introduced: readonly DiffFinding[];
  readonly resolved: readonly DiffFinding[];
  readonly shrunk: readonly { readonly key: string; readonly what: string; readonly unit: string; readonly before: number; readonly after: number; readonly location: DiffLocation }[];
}

export interface DiffReportOptions {
  readonly version: string;
  readonly failOn: Severity;
  readonly worse: boolean;
  readonly base: { readonly label: string; readonly inputs: readonly string[]; locate(origin: Origin): DiffLocation };
  readonly head: { readonly label: string; readonly inputs: readonly string[]; locate(origin: Origin): DiffLocation };
}

/** Turns a diff into its report: every origin resolved to a line on its side. */
export function buildDiffReport(diff: DiffResult, options: DiffReportOptions): DiffReport {
  const { base, head } = options;
  const value = (attribute: string, v: unknown): string | null => {
    if (v === undefined) return null;
    const key = /\.([^.[\]]+)$/.exec(attribute)?.[1] ?? '';
    if (typeof v === 'string') return redactEnvValue(key, v);
    return redactUrlPasswords(JSON.stringify(redactData(v, key)));
  };
  const change = (c: ValueChange): DiffValueChange => {
    const location = (c.side === 'head' ? head : base).locate(c.origin);
    return {
      attribute: c.attribute,
      before: value(c.attribute, c.before),
      after: value(c.attribute, c.after),
      // An environment or secret value's own line may hold the value under another key (`value: …`).
      location: isEnvOrSecretAttribute(c.attribute) ? withoutText(location) : location,
      side: c.side,
    };
  };
  const path = (p: PathChange): DiffPath => ({
    service: p.service,
    dependency: p.dependency,
    target: p.target,
    critical: p.critical ?? null,
    before: p.before ?? null,
    after: p.after ?? null,
    hop: p.failingHop ? { step: p.failingHop.step, detail: p.failingHop.detail, cause: p.failingHop.cause ?? null, location: p.failingHop.origin ? head.locate(p.failingHop.origin) : null } : null,
    changes: p.causes.slice(0, 5).map(change),
  });
  const finding = (side: DiffReportOptions['head']) => (f: Finding): DiffFinding => ({ ruleId: f.ruleId, key: f.key, severity: f.severity, message: f.message, location: side.locate(f.origin) });
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: { name: 'lifeline', version: options.version },
    status: options.worse ? 'WORSE' : 'NOT_WORSE',
    failOn: options.failOn,
    base: { label: base.label, inputs: base.inputs },
    head: { label: head.label, inputs: head.inputs },
    summary: {
      worse: diff.worse.length,
      improved: diff.improved.length,
      added: diff.added.length,
      removed: diff.removed.length,
      introduced: diff.introduced.length,
      resolved: diff.resolved.length,
      shrunk: diff.shrunk.length,
    },
    worse: diff.worse.map(path),
    improved: diff.improved.map(path),
    added: diff.added.map(path),
    removed: diff.removed.map(path),
    introduced: diff.introduced.map(finding(head)),
    resolved: diff.resolved.map(finding(base)),
    shrunk: diff.shrunk.map((m) => ({ key: m.key, what: m.what, unit: m.unit, before: m.before, after: m.after, location: head.locate(m.origin) })),
  };
}

export function renderDiffJson(report: DiffReport): string {
  return redactUrlPasswords(`${JSON.stringify(report, null, 2)}\n`);
}

const where = formatLocation;
const verdict = (v: Verdict | null): string => v ?? 'absent';

/** A reviewer's summary: what the change breaks (with the line that did it), then the rest. */
export function renderDiffText(report: DiffReport): string {
  const out: string[] = [];
  const s = report.summary;
  out.push(`Lifeline diff: ${report.status === 'WORSE' ? 'this change makes things WORSE' : 'nothing got worse'}`);
  out.push(`base: ${report.base.label} (${report.base.inputs.join(', ')})`);
  out.push(`head: ${report.head.label} (${report.head.inputs.join(', ')})`);
  out.push(`${s.worse} worse, ${s.improved} improved, ${s.added} new reachable, ${s.removed} removed · findings: ${s.introduced} introduced, ${s.resolved} resolved · ${s.shrunk} margins shrank`);
  const section = (title: string, items: readonly DiffPath[], detail: boolean): void => {
    if (items.length === 0) return;
    out.push('', title);
    for (const p of items) {
      out.push(`  ${p.service} → ${p.dependency} (${p.target}): ${verdict(p.before)} → ${verdict(p.after)}${p.critical === false ? ' [optional]' : ''}`);
      if (!detail) continue;
      if (p.hop) {
        out.push(`      fails at ${p.hop.step}${p.hop.cause ? ` (${p.hop.cause})` : ''}: ${p.hop.detail}`);
        if (p.hop.location) out.push(`      at ${where(p.hop.location)}`);
      }
      const first = p.changes[0];
      if (first) {
        out.push(`      caused by: ${first.attribute}: ${first.before ?? 'unset'} → ${first.after ?? 'unset'}, at ${where(first.location)}${first.side === 'base' ? ' (removed)' : ''}`);
        if (first.location.text !== undefined) out.push(`        ${first.location.line ?? ''} | ${first.location.text.trim()}`);
        for (const other of p.changes.slice(1)) out.push(`      also changed: ${other.attribute}: ${other.before ?? 'unset'} → ${other.after ?? 'unset'} (${where(other.location)}${other.side === 'base' ? ', removed' : ''})`);
      }
    }
  };
  section('Got worse:', report.worse, true);
  section('Improved:', report.improved, false);
  section('New and reachable:', report.added, false);
  section('Removed:', report.removed, false);
  const findings = (title: string, items: readonly DiffFinding[]): void => {
    if (items.length === 0) return;
    out.push('', title);
    for (const f of items) out.push(`  [${f.severity}] ${f.ruleId} ${where(f.location)}`, `      ${f.message}`);
  };
  // The unreachable paths are the headline already: their findings would only repeat it.
  const headline = new Set(report.worse.map((p) => `${p.service}→${p.dependency}`));
  const repeated = (f: DiffFinding): boolean => (f.ruleId === 'unreachable-dependency' || f.ruleId === 'unconfirmed-path') && headline.has(f.key);
  findings('Findings introduced:', report.introduced.filter((f) => !repeated(f)));
  findings('Findings resolved:', report.resolved);
  if (report.shrunk.length > 0) {
    out.push('', 'Margins that shrank:');
    for (const m of report.shrunk) out.push(`  ${m.key}: ${m.before} → ${m.after} ${m.unit} — ${m.what} (${where(m.location)})`);
  }
  return redactUrlPasswords(`${out.join('\n')}\n`);
}

function withoutText(location: DiffLocation): DiffLocation {
  return location.line === undefined ? { file: location.file } : { file: location.file, line: location.line, ...(location.column === undefined ? {} : { column: location.column }) };
}

/** A located origin with its (redacted) source line. */
export function withLineText(location: Location, text: string | undefined): DiffLocation {
  if (text === undefined) return location;
  // Minified JSON is one long line: keep the part around the value, cut only after redaction (a
  // cut URL would no longer look like one).
  if (text.length <= MAX_LINE) return { ...location, text: redactSourceLine(text) };
  const start = Math.max(0, (location.column ?? 1) - 1 - 40);
  const redacted = redactSourceLine(text.slice(Math.max(0, start - MAX_LINE), start + 2 * MAX_LINE));
  const offset = Math.min(MAX_LINE, start);
  return { ...location, text: `${start > 0 ? '…' : ''}${redacted.slice(offset, offset + MAX_LINE)}…` };
}

const MAX_LINE = 200;
