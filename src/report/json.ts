import { redactUrlPasswords } from '../model/redact.js';
import type { Report } from './report.js';

/** The stable, versioned JSON report (see README, "JSON report"). */
export function renderJson(report: Report): string {
  // Targets are already redacted; this pass is a second line of defence for any URL in a message.
  return redactUrlPasswords(`${JSON.stringify(report, null, 2)}\n`);
}
