import { countFindings, statusFor, type Report, type ReportFinding, type ReportSuppression } from './report.js';
import type { Suppression } from '../sources/suppressions.js';

/**
 * Hides the findings that suppressions cover and recomputes the summary and status. A suppression
 * past its expiry date hides nothing: the finding returns, saying that its suppression lapsed.
 * Pure: `today` is given (YYYY-MM-DD).
 */
export function applySuppressions(report: Report, suppressions: readonly Suppression[], today: string): Report {
  if (suppressions.length === 0) return report;
  const kept: ReportFinding[] = [];
  const suppressed: ReportSuppression[] = [...report.suppressed];
  for (const finding of report.findings) {
    const match = suppressions.find((s) =>
      s.by === 'baseline'
        ? s.fingerprint === finding.fingerprint
        : s.ruleId === finding.ruleId && s.file === finding.location.file && s.line === finding.location.line,
    );
    if (!match) {
      kept.push(finding);
      continue;
    }
    if (match.expires !== undefined && match.expires < today) {
      kept.push({ ...finding, message: `${finding.message} [its suppression expired on ${match.expires}: "${match.reason}"]` });
      continue;
    }
    suppressed.push({
      ruleId: finding.ruleId,
      key: finding.key,
      fingerprint: finding.fingerprint,
      severity: finding.severity,
      message: finding.message,
      location: finding.location,
      ...(finding.unjudged ? { unjudged: true as const } : {}),
      by: match.by,
      reason: match.reason,
      ...(match.expires !== undefined ? { expires: match.expires } : {}),
    });
  }
  // An accepted unknown stays listed in coverage, saying who accepted it and why.
  const accepted = new Map(suppressed.filter((s) => s.unjudged).map((s) => [s.key, { by: s.by, reason: s.reason }]));
  return {
    ...report,
    status: statusFor(kept),
    summary: { ...report.summary, ...countFindings(kept) },
    coverage: { ...report.coverage, unknowns: report.coverage.unknowns.map((u) => (accepted.has(u.key) ? { ...u, accepted: accepted.get(u.key) } : u)) },
    findings: kept,
    suppressed,
  };
}
