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

function formatDiagnosticHeadline(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const key = d.keyPath ? `${d.keyPath}: ` : '';
  return redactUrlPasswords(`${where}: error: ${key}${d.message}`);
}

/** `file:line:col: error: key: message`, then a code frame with a caret when the line is known. */
export function formatDiagnostic(d: Diagnostic): string {
  const lines = [formatDiagnosticHeadline(d)];
  if (d.line !== undefined && d.sourceLine !== undefined) {
    const gutter = String(d.line);
    lines.push(`  ${gutter} | ${redactSourceLine(d.sourceLine)}`);
    lines.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, (d.column ?? 1) - 1))}^`);
  }
  return lines.join('\n');
}
