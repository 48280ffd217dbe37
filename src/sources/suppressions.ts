import { z } from 'zod';
import { diagnosticAt, readTextFile, type SourceDocument } from './document.js';
import { InputError, type Diagnostic } from './errors.js';
import { ruleById, unknownRule } from '../analysis/rule-settings.js';

/** A decision to hide one finding, always with a reason, optionally until a date. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** YYYY-MM-DD: after this day the finding returns. */
  readonly expires: string | undefined;
  readonly by: 'inline' | 'baseline';
  /** Inline: the file and the line whose findings it covers. */
  readonly file?: string;
  readonly line?: number;
  /** Baseline: the finding's fingerprint (rule id and key). */
  readonly fingerprint?: string;
  readonly key?: string;
}

// # lifeline-ignore RULE-ID reason words [until YYYY-MM-DD]
const INLINE = /#\s*lifeline-ignore\b(.*)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Inline suppressions in a YAML topology: `# lifeline-ignore RULE reason [until YYYY-MM-DD]`,
 * at the end of the line a finding points at, or alone on the line above it.
 */
export function inlineSuppressions(doc: SourceDocument): Suppression[] {
  if (doc.format !== 'yaml') return [];
  const out: Suppression[] = [];
  const problems: Diagnostic[] = [];
  // CRLF too: a \r left on the line would keep the comment from matching.
  const lines = doc.text.split(/\r?\n/);
  lines.forEach((text, index) => {
    const match = INLINE.exec(text);
    if (!match) return;
    const line = index + 1;
    const words = (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const [ruleId, ...rest] = words;
    // The expiry, if any, is the last two words: `until YYYY-MM-DD` (a reason may say "until").
    let expires: string | undefined;
    if (rest.length >= 2 && rest[rest.length - 2] === 'until' && DATE.test(rest[rest.length - 1] ?? '')) {
      expires = rest.pop();
      rest.pop();
    } else if (rest[rest.length - 1] === 'until' || (rest[rest.length - 2] === 'until' && /^\d/.test(rest[rest.length - 1] ?? ''))) {
      problems.push(located(doc, line, text.lastIndexOf('until') + 1, 'expected `until YYYY-MM-DD` at the end of the suppression'));
      return;
    }
    const reason = rest.join(' ');
    if (ruleId === undefined || reason === '') {
      problems.push(located(doc, line, text.indexOf('#') + 1, 'a suppression needs a rule id and a reason: `# lifeline-ignore RULE-ID why it is acceptable [until YYYY-MM-DD]`'));
      return;
    }
    if (ruleById(ruleId) === undefined) {
      // A misspelt id would hide nothing and say nothing: refuse it where it is written.
      problems.push(located(doc, line, text.indexOf(ruleId, text.indexOf('lifeline-ignore')) + 1, unknownRule(ruleId)));
      return;
    }
    // A comment alone on its line covers the next line that holds something else.
    const standalone = text.trim().startsWith('#');
    let target = line;
    if (standalone) {
      target = line + 1;
      while (target <= lines.length && /^\s*(#.*)?$/.test(lines[target - 1] ?? '')) target++;
    }
    out.push({ ruleId, reason, expires, by: 'inline', file: doc.file, line: target });
  });
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

function located(doc: SourceDocument, line: number, column: number, message: string): Diagnostic {
  return { file: doc.file, line, column, keyPath: undefined, message, sourceLine: doc.lineText(line) };
}

export const BASELINE_VERSION = 1;

const baselineSchema = z.strictObject({
  version: z.literal(BASELINE_VERSION),
  findings: z.array(
    z.strictObject({
      ruleId: z.string().min(1),
      key: z.string().min(1),
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex fingerprint'),
      reason: z.string().trim().min(1, 'every suppression needs a reason'),
      expires: z.string().regex(DATE, 'YYYY-MM-DD').optional(),
      message: z.string().optional(),
    }),
  ),
});

export type Baseline = z.output<typeof baselineSchema>;

/** Reads a baseline file written by `check --write-baseline`; every entry must give a reason. */
export async function loadBaseline(file: string): Promise<Suppression[]> {
  const text = await readTextFile(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: 'is not JSON; expected a baseline written by `lifeline check --write-baseline`', sourceLine: undefined }]);
  }
  const parsed = baselineSchema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.slice(0, 20).map((issue) => ({
        file,
        line: undefined,
        column: undefined,
        keyPath: issue.path.map(String).join('.'),
        message: issue.message.replace(/^Invalid input: /, '').replace(/^(?!expected )/, 'expected '),
        sourceLine: undefined,
      })),
    );
  }
  const unknown = parsed.data.findings.flatMap((f, i) => (ruleById(f.ruleId) === undefined ? [{ file, line: undefined, column: undefined, keyPath: `findings.${i}.ruleId`, message: unknownRule(f.ruleId), sourceLine: undefined }] : []));
  if (unknown.length > 0) throw new InputError(unknown.slice(0, 20));
  return parsed.data.findings.map((f) => ({ ruleId: f.ruleId, key: f.key, fingerprint: f.fingerprint, reason: f.reason, expires: f.expires, by: 'baseline' as const }));
}

/** The text of a baseline hiding the given findings, all with one reason (edit per entry later). */
export function renderBaseline(findings: readonly { ruleId: string; key: string; fingerprint: string; message: string }[], reason: string, expires: string | undefined): string {
  const baseline: Baseline = {
    version: BASELINE_VERSION,
    findings: findings.map((f) => ({ ruleId: f.ruleId, key: f.key, fingerprint: f.fingerprint, reason, ...(expires !== undefined ? { expires } : {}), message: f.message })),
  };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export { diagnosticAt };
