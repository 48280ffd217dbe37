import { SEVERITY_RANK } from '../analysis/rules/rule.js';
import { redactUrlPasswords } from '../model/redact.js';
import { formatLocation, type Location, type Report, type ReportFinding, type ReportHop, type ReportPath } from './report.js';

/**
 * JUnit XML for CI test views: one testsuite per service with a test case per dependency, and a
 * testsuite `rules` with a test case per rule.
 *
 * A dependency's test case:
 * - REACHABLE passes;
 * - UNREACHABLE is a `<failure>` naming the cause and the hop that drops;
 * - AMBIGUOUS is an `<error>`: the configuration lets some connections through and not others,
 *   so the check ran but gives no single answer; CI views should flag it, yet it is not a proven failure;
 * - UNDETERMINED is `<skipped>`: the configuration lacks a value the path depends on, so the check
 *   could not be run at all (like a test whose precondition is missing).
 *
 * A rule's test case fails when the rule has findings (listing them), and passes otherwise;
 * suppressed findings do not fail it and are listed in its `<system-out>`.
 *
 * Characters XML 1.0 cannot carry (control characters other than tab, newline and carriage return)
 * are written as `\uXXXX` text.
 *
 * @example
 * fs.writeFileSync('lifeline-junit.xml', renderJunit(report));
 */
export function renderJunit(report: Report): string {
  const suites: Suite[] = [];
  const byService = new Map<string, ReportPath[]>();
  for (const p of report.paths) byService.set(p.service, [...(byService.get(p.service) ?? []), p]);
  for (const [service, paths] of byService) suites.push({ name: service, cases: paths.map((p) => pathCase(p, report)) });
  suites.push({ name: 'rules', cases: ruleCases(report) });

  const totals = countAll(suites.flatMap((s) => s.cases));
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="lifeline" ${countAttributes(totals)} time="0">`);
  for (const suite of suites) {
    out.push(`  <testsuite name="${attr(suite.name)}" ${countAttributes(countAll(suite.cases))} time="0">`);
    for (const c of suite.cases) out.push(...renderCase(c));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

interface Outcome {
  readonly kind: 'failure' | 'error' | 'skipped';
  readonly message: string;
  readonly type: string;
  readonly detail: string;
}

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly location?: Location;
  readonly outcome?: Outcome;
  readonly systemOut?: string;
}

interface Suite {
  readonly name: string;
  readonly cases: readonly Case[];
}

function pathCase(path: ReportPath, report: Report): Case {
  const base = { classname: `lifeline.services.${path.service}`, name: `${path.service} → ${path.dependency}`, location: path.location };
  const hop = decisiveHop(path);
  const summary = `${path.service} → ${path.dependency} (${path.target}) is ${path.verdict}${path.cause ? `: ${path.cause}` : ''}${hop ? ` at ${hop.step}: ${hop.detail}` : ''}`;
  const fixes = report.fixes.filter((f) => f.resolves.some((r) => r.service === path.service && r.dependency === path.dependency));
  const detail = [
    summary,
    ...(hop ? hopLines(hop) : []),
    '',
    'hops:',
    ...path.hops.map((h, i) => `  ${i + 1}. ${h.step} [${h.outcome}${h.cause ? ` ${h.cause}` : ''}] ${h.detail}`),
    ...(path.assumptions.length > 0 ? ['', 'assumptions:', ...path.assumptions.map((a) => `  - ${a}`)] : []),
    ...(fixes.length > 0 ? ['', 'verified fixes:', ...fixes.map((f) => `  - ${f.id}${f.recommended ? ' (recommended)' : ''}: ${f.title}`)] : []),
  ].join('\n');
  switch (path.verdict) {
    case 'REACHABLE':
      return base;
    case 'UNREACHABLE':
      return { ...base, outcome: { kind: 'failure', message: summary, type: path.cause ?? 'UNREACHABLE', detail } };
    case 'AMBIGUOUS':
      return { ...base, outcome: { kind: 'error', message: summary, type: path.cause ?? 'AMBIGUOUS', detail } };
    case 'UNDETERMINED':
      return { ...base, outcome: { kind: 'skipped', message: summary, type: path.cause ?? 'UNDETERMINED', detail } };
    default: {
      const unexpected: never = path.verdict;
      throw new TypeError(`unknown verdict ${String(unexpected)}`);
    }
  }
}

function hopLines(hop: ReportHop): string[] {
  return [
    `failing hop: ${hop.step} (${hop.outcome}${hop.cause ? ` ${hop.cause}` : ''}, ${hop.confidence})`,
    `  ${hop.detail}`,
    ...(hop.fact ? [`  ${hop.fact.statement} (${hop.fact.source})`] : []),
    ...(hop.location ? [`  at ${where(hop.location)}`] : []),
  ];
}

function ruleCases(report: Report): Case[] {
  const ids = [...report.rules.map((r) => r.id)];
  // A finding from a rule missing from the metadata still gets a test case rather than vanishing.
  for (const f of report.findings) if (!ids.includes(f.ruleId)) ids.push(f.ruleId);
  return ids.map((id) => {
    const findings = report.findings.filter((f) => f.ruleId === id);
    const suppressed = report.suppressed.filter((s) => s.ruleId === id);
    const title = report.rules.find((r) => r.id === id)?.title;
    const systemOut =
      suppressed.length > 0 ? ['suppressed:', ...suppressed.map((s) => `  ${where(s.location)} [${s.severity}] ${s.message} (${s.by}: ${s.reason})`)].join('\n') : undefined;
    const base = { classname: 'lifeline.rules', name: title === undefined ? id : `${id}: ${title}`, ...(systemOut === undefined ? {} : { systemOut }) };
    const worst = findings.reduce<ReportFinding | undefined>((w, f) => (w === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity] ? f : w), undefined);
    if (worst === undefined) return base;
    const bySeverity = (['critical', 'warning', 'info'] as const)
      .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    return {
      ...base,
      location: worst.location,
      outcome: {
        kind: 'failure',
        message: `${findings.length} finding${findings.length === 1 ? '' : 's'} (${bySeverity})`,
        type: worst.severity,
        detail: findings.map((f) => `[${f.severity}] ${where(f.location)}: ${f.message}`).join('\n'),
      },
    };
  });
}

function renderCase(c: Case): string[] {
  const location = c.location ? ` file="${attr(c.location.file)}"${c.location.line === undefined ? '' : ` line="${c.location.line}"`}` : '';
  const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"${location} time="0"`;
  if (!c.outcome && c.systemOut === undefined) return [`${open}/>`];
  const out = [`${open}>`];
  if (c.outcome) out.push(`      <${c.outcome.kind} message="${attr(c.outcome.message)}" type="${attr(c.outcome.type)}">${text(c.outcome.detail)}</${c.outcome.kind}>`);
  if (c.systemOut !== undefined) out.push(`      <system-out>${text(c.systemOut)}</system-out>`);
  out.push('    </testcase>');
  return out;
}

interface Counts {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function countAll(cases: readonly Case[]): Counts {
  const of = (kind: Outcome['kind']): number => cases.filter((c) => c.outcome?.kind === kind).length;
  return { tests: cases.length, failures: of('failure'), errors: of('error'), skipped: of('skipped') };
}

const countAttributes = (c: Counts): string => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

function decisiveHop(path: ReportPath): ReportHop | undefined {
  return path.hops.find((h) => h.outcome === 'drop') ?? path.hops.find((h) => h.outcome === 'undetermined') ?? path.hops.find((h) => h.outcome === 'ambiguous');
}

const where = formatLocation;

// XML 1.0 allows tab, LF, CR and everything from U+0020 except U+FFFE/U+FFFF and unpaired
// surrogates; C1 controls (U+007F–U+009F) are allowed but discouraged, so they go too.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlSafe(value: string): string {
  return redactUrlPasswords(value).replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Element content: redacted, unencodable characters spelled out, markup escaped (CR too: parsers turn a literal one into LF). */
function text(value: string): string {
  return xmlSafe(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;');
}

/** Attribute value: as text, plus quotes, and whitespace as references (parsers normalise literal ones to spaces). */
function attr(value: string): string {
  return text(value).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;');
}
