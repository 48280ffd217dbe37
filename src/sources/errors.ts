import { redactSourceLine, redactUrlPasswords } from '../model/redact.js';

/** One located problem in an input. Lines and columns are 1-based. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The key path inside the file, e.g. `services[0].egress`. */
  readonly keyPath: string | undefined;
  readonly message: string;
  /** The source line, redacted, for a code frame. */
  readonly sourceLine: string | undefined;
}

/**
 * Input the user must fix (exit code 2). Carries every problem found, each with its location,
 * so one run reports them all.
 */
export class InputError extends Error {
  override name = 'InputError' as const;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The file could not be parsed at all (YAML, JSON, HCL or shell syntax; empty): inside a
   * directory such a file is skipped with this reason, while a file named explicitly is an error.
   */
  readonly syntax: boolean;

  constructor(diagnostics: readonly Diagnostic[], options?: { readonly syntax?: boolean }) {
    super(diagnostics.map((d) => formatDiagnosticHeadline(d)).join('\n'));
    this.diagnostics = diagnostics;
    this.syntax = options?.syntax ?? false;
  }
}

/** Formats a key path the way people write it: `services[0].dependencies[1].critical`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** A message longer than this is cut: a diagnostic never repeats a whole long line. */
const MAX_MESSAGE = 4000;
/** Characters of the source line shown either side of the column in a code frame. */
const FRAME_SIDE = 60;
/** Characters either side of the column that are redacted before the frame is cut from them. */
const REDACT_SIDE = 1000;
/** Diagnostics printed per file; the rest are counted. */
export const MAX_DIAGNOSTICS_PER_FILE = 20;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function formatDiagnosticHeadline(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const key = d.keyPath ? `${cut(d.keyPath, 200)}: ` : '';
  return redactUrlPasswords(`${where}: error: ${key}${cut(d.message, MAX_MESSAGE)}`);
}

/**
 * The part of a source line a code frame shows: redacted, then cut to a window around the column
 * (`…` where it was cut), with the caret's offset in it. Bounded work on any line length.
 */
export function frameWindow(line: string, column: number): { readonly text: string; readonly caret: number } {
  const at = Math.min(Math.max(0, column - 1), line.length);
  const from = Math.max(0, at - REDACT_SIDE);
  const region = redactSourceLine(line.slice(from, at + REDACT_SIDE));
  // Redaction may shorten the text before the column; the caret follows the redacted prefix.
  const caretInRegion = redactSourceLine(line.slice(from, at)).length;
  const start = Math.max(0, caretInRegion - FRAME_SIDE);
  const end = Math.min(region.length, caretInRegion + FRAME_SIDE);
  const head = start > 0 || from > 0 ? '…' : '';
  const tail = end < region.length || at + REDACT_SIDE < line.length ? '…' : '';
  return { text: `${head}${region.slice(start, end)}${tail}`, caret: head.length + caretInRegion - start };
}

/** `file:line:col: error: key: message`, then a code frame with a caret when the line is known. */
export function formatDiagnostic(d: Diagnostic): string {
  const lines = [formatDiagnosticHeadline(d)];
  if (d.line !== undefined && d.sourceLine !== undefined) {
    const gutter = String(d.line);
    const frame = frameWindow(d.sourceLine, d.column ?? 1);
    lines.push(`  ${gutter} | ${frame.text}`);
    lines.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(frame.caret)}^`);
  }
  return lines.join('\n');
}

/** Diagnostics for people: at most MAX_DIAGNOSTICS_PER_FILE per file, then how many more. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const shown = new Map<string, number>();
  const more = new Map<string, number>();
  const out: string[] = [];
  for (const d of diagnostics) {
    const n = shown.get(d.file) ?? 0;
    if (n >= MAX_DIAGNOSTICS_PER_FILE) {
      more.set(d.file, (more.get(d.file) ?? 0) + 1);
      continue;
    }
    shown.set(d.file, n + 1);
    out.push(formatDiagnostic(d));
  }
  for (const [file, n] of more) out.push(`${file}: … and ${n} more error${n === 1 ? '' : 's'}`);
  return out.join('\n');
}
