import type { Severity } from '../analysis/rules/rule.js';
import { REDACTED, redactUrlPasswords } from '../model/redact.js';
import type { Location, Report, ReportFinding, ReportFix, ReportPath, ReportRule, ReportSuppression } from './report.js';

/**
 * The key under which a result's fingerprint goes in `partialFingerprints`. The `/v1` suffix is
 * SARIF's convention for versioning a fingerprint scheme: bump it if `findingFingerprint` changes.
 */
export const SARIF_FINGERPRINT_KEY = 'lifelineFinding/v1';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { critical: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 for code scanning: one run, the rules that ran, one result per finding, and the
 * suppressed findings as results carrying their suppression (viewers hide them, but keep history).
 * Results are located relative to the repository root (`%SRCROOT%`) when the input path is relative.
 *
 * @example
 * fs.writeFileSync('lifeline.sarif', renderSarif(report));
 */
/**
 * The verified fixes that make a finding's path reachable, as SARIF fixes: each change the report
 * renders as unified-diff hunks becomes replacements of whole lines (a hunk's old lines, context
 * included, replaced by its new lines). A fix whose changes are instructions only (a command to
 * run, a resource to add by hand) has no artifact change and is left out.
 */
function sarifFixes(fixes: readonly ReportFix[]): SarifObject[] {
  return fixes.flatMap((fix) => {
    const byFile = new Map<string, SarifObject[]>();
    for (const change of fix.changes) {
      const replacements = hunkReplacements(change.patch);
      if (replacements.length > 0) byFile.set(change.file, [...(byFile.get(change.file) ?? []), ...replacements]);
    }
    if (byFile.size === 0) return [];
    return [{ description: { text: `${fix.id}${fix.recommended ? ' (recommended)' : ''}: ${fix.title}` }, artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifactLocation(file), replacements })) }];
  });
}

function hunkReplacements(patch: string): SarifObject[] {
  const out: SarifObject[] = [];
  let current: { start: number; old: number; inserted: string[] } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const inserted = current.inserted.length === 0 ? '' : `${current.inserted.join('\n')}\n`;
    // A hunk that deletes nothing inserts before its start line: an empty region there.
    const deletedRegion = current.old === 0 ? { startLine: current.start + 1, startColumn: 1, endLine: current.start + 1, endColumn: 1 } : { startLine: current.start, startColumn: 1, endLine: current.start + current.old, endColumn: 1 };
    out.push({ deletedRegion, insertedContent: { text: inserted } });
    current = undefined;
  };
  // A hunk with a redacted line cannot be applied as it stands: no change is better than a wrong one.
  if (patch.includes(REDACTED)) return [];
  for (const line of patch.split('\n')) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line);
    if (header) {
      flush();
      current = { start: Number(header[1]), old: header[2] === undefined ? 1 : Number(header[2]), inserted: [] };
    } else if (current !== undefined && (line.startsWith(' ') || line.startsWith('+'))) current.inserted.push(line.slice(1));
    else if (current !== undefined && !line.startsWith('-') && !line.startsWith('\\')) return [];
  }
  flush();
  return out;
}

export function renderSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const pathOf = new Map(report.paths.map((p) => [pairKey(p.service, p.dependency), p]));
  const result = (finding: ReportFinding | ReportSuppression, suppression?: ReportSuppression): SarifObject => {
    const index = ruleIndex.get(finding.ruleId);
    const path = 'service' in finding && finding.service !== undefined && finding.dependency !== undefined ? pathOf.get(pairKey(finding.service, finding.dependency)) : undefined;
    const fixes = path === undefined || suppression !== undefined ? [] : sarifFixes(report.fixes.filter((f) => f.resolves.some((r) => r.service === path.service && r.dependency === path.dependency)));
    return {
      ruleId: finding.ruleId,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: physicalLocation(finding.location) }],
      partialFingerprints: { [SARIF_FINGERPRINT_KEY]: finding.fingerprint },
      ...(path ? { codeFlows: [codeFlow(path)] } : {}),
      ...(fixes.length > 0 ? { fixes } : {}),
      ...(suppression
        ? {
            suppressions: [
              {
                kind: suppression.by === 'inline' ? 'inSource' : 'external',
                status: 'accepted',
                justification: suppression.reason,
                ...(suppression.expires === undefined ? {} : { properties: { expires: suppression.expires } }),
              },
            ],
          }
        : {}),
      properties: {
        key: finding.key,
        severity: finding.severity,
        ...('service' in finding && finding.service !== undefined ? { service: finding.service } : {}),
        ...('dependency' in finding && finding.dependency !== undefined ? { dependency: finding.dependency } : {}),
      },
    };
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: report.rules.map(ruleDescriptor),
          },
        },
        // Columns come from JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        artifacts: [...new Set([...report.inputs, ...report.findings.map((f) => f.location.file)])].map((file) => ({ location: artifactLocation(file) })),
        results: [...report.findings.map((f) => result(f)), ...report.suppressed.map((s) => result(s, s))],
        properties: { status: report.status, failOn: report.failOn, summary: report.summary },
      },
    ],
  };
  // Each value is redacted where the Report was built; this pass is a second line of defence.
  return redactUrlPasswords(`${JSON.stringify(sarif, null, 2)}\n`);
}

type SarifObject = Record<string, unknown>;

function ruleDescriptor(rule: ReportRule): SarifObject {
  const sources = rule.sources.length > 0 ? ` Sources: ${rule.sources.join(', ')}` : '';
  const name = pascalCase(rule.id);
  return {
    id: rule.id,
    // SARIF §3.49.7: a name that only repeats the id (`incomplete`, `Incomplete`) is left out.
    ...(name.toLowerCase() === rule.id.toLowerCase() ? {} : { name }),
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.rationale}${sources}` },
    help: {
      text: `${rule.rationale}${sources}`,
      markdown: [rule.rationale, ...(rule.sources.length > 0 ? ['', 'Sources:', ...rule.sources.map((s) => `- <${s}>`)] : [])].join('\n'),
    },
    ...(rule.sources[0] === undefined ? {} : { helpUri: rule.sources[0] }),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { category: rule.category, tags: ['lifeline', rule.category] },
  };
}

/** A path's hops as a thread flow, so viewers can step from the service to the hop that drops. */
function codeFlow(path: ReportPath): SarifObject {
  return {
    message: { text: `${path.service} → ${path.dependency} (${path.target}): ${path.verdict}${path.cause ? ` ${path.cause}` : ''}` },
    threadFlows: [
      {
        locations: path.hops.map((hop) => ({
          location: {
            ...(hop.location ? { physicalLocation: physicalLocation(hop.location) } : {}),
            message: { text: `${hop.step} (${hop.outcome}${hop.cause ? ` ${hop.cause}` : ''}): ${hop.detail}` },
          },
          kinds: [hop.outcome],
          ...(hop.outcome === 'drop' ? { importance: 'essential' } : {}),
        })),
      },
    ],
  };
}

function physicalLocation(location: Location): SarifObject {
  return {
    artifactLocation: artifactLocation(location.file),
    ...(location.line === undefined ? {} : { region: { startLine: location.line, ...(location.column === undefined ? {} : { startColumn: location.column }) } }),
  };
}

/** A relative input stays relative to the checkout (`%SRCROOT%`); an absolute one becomes a file URI. */
function artifactLocation(file: string): SarifObject {
  const slashed = file.replaceAll('\\', '/');
  const encode = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
  if (slashed.startsWith('/')) return { uri: `file://${encode(slashed)}` };
  const drive = /^[A-Za-z]:\//.exec(slashed);
  if (drive) return { uri: `file:///${drive[0]}${encode(slashed.slice(drive[0].length))}` };
  return { uri: encode(slashed.replace(/^(\.\/)+/, '')), uriBaseId: '%SRCROOT%' };
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

const pairKey = (service: string, dependency: string): string => `${service}\u0000${dependency}`;
