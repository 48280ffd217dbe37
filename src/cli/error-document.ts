import { redactUrlPasswords } from '../model/redact.js';
import type { Diagnostic } from '../sources/errors.js';

/** The formats that carry a machine-readable error document on stdout when a run ends in exit 2. */
export const ERROR_DOCUMENT_FORMATS = ['json', 'sarif', 'junit'] as const;
export type ErrorDocumentFormat = (typeof ERROR_DOCUMENT_FORMATS)[number];

/** One error of an error document: where (when known) and what. Never a code frame. */
export interface ErrorEntry {
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly keyPath: string | null;
  readonly message: string;
}

/** What `--format json` prints on stdout for bad input or usage (exit 2). */
export interface ErrorDocument {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'lifeline'; readonly version: string };
  readonly status: 'ERROR';
  readonly errors: readonly ErrorEntry[];
}

/** Entries a document lists; the rest are counted in one last entry. */
const MAX_ENTRIES = 200;
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The errors of an input problem, redacted and bounded: the source line (code frame) is left out. */
export function errorEntries(diagnostics: readonly Diagnostic[]): ErrorEntry[] {
  const entries: ErrorEntry[] = diagnostics.slice(0, MAX_ENTRIES).map((d) => ({
    file: redactUrlPasswords(d.file),
    line: d.line ?? null,
    column: d.line === undefined ? null : (d.column ?? 1),
    keyPath: d.keyPath === undefined ? null : cut(redactUrlPasswords(d.keyPath), 200),
    message: cut(redactUrlPasswords(d.message), 4000),
  }));
  const more = diagnostics.length - MAX_ENTRIES;
  if (more > 0) entries.push({ file: null, line: null, column: null, keyPath: null, message: `… and ${more} more errors` });
  return entries;
}

/** A usage mistake as an error entry: no file. */
export function usageEntry(message: string): ErrorEntry {
  return { file: null, line: null, column: null, keyPath: null, message: redactUrlPasswords(message) };
}

/**
 * The error document in one format: JSON `{ schemaVersion, tool, status: "ERROR", errors }`; SARIF
 * 2.1.0 with one run whose invocation failed, each error a located tool execution notification;
 * JUnit XML with one failing test case per error.
 *
 * @example
 * renderErrorDocument('json', [{ file: 'a.yaml', line: 3, column: 5, keyPath: null, message: 'YAML syntax: …' }], '1.0.0');
 */
export function renderErrorDocument(format: ErrorDocumentFormat, errors: readonly ErrorEntry[], version: string): string {
  switch (format) {
    case 'json': {
      const document: ErrorDocument = { schemaVersion: 1, tool: { name: 'lifeline', version }, status: 'ERROR', errors };
      return `${JSON.stringify(document, null, 2)}\n`;
    }
    case 'sarif':
      return `${JSON.stringify(sarifErrors(errors, version), null, 2)}\n`;
    case 'junit':
      return junitErrors(errors);
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}

function sarifErrors(errors: readonly ErrorEntry[], version: string): unknown {
  const notification = (e: ErrorEntry): unknown => ({
    level: 'error',
    message: { text: e.keyPath === null ? e.message : `${e.keyPath}: ${e.message}` },
    ...(e.file === null
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: e.file.split('\\').join('/') },
                ...(e.line === null ? {} : { region: { startLine: e.line, ...(e.column === null ? {} : { startColumn: e.column }) } }),
              },
            },
          ],
        }),
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'lifeline', version, semanticVersion: version, rules: [] } },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: false, exitCode: 2, toolExecutionNotifications: errors.map(notification) }],
        results: [],
        properties: { status: 'ERROR' },
      },
    ],
  };
}

// XML 1.0 allows tab, LF, CR and everything from U+0020 except U+FFFE/U+FFFF and unpaired surrogates.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function attr(value: string): string {
  return value
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;');
}

function junitErrors(errors: readonly ErrorEntry[]): string {
  const where = (e: ErrorEntry): string => (e.file === null ? 'usage' : e.line === null ? e.file : `${e.file}:${e.line}:${e.column ?? 1}`);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="lifeline" tests="${errors.length}" failures="${errors.length}" errors="0" skipped="0" time="0">`];
  out.push(`  <testsuite name="input" tests="${errors.length}" failures="${errors.length}" errors="0" skipped="0" time="0">`);
  for (const e of errors) {
    const message = e.keyPath === null ? e.message : `${e.keyPath}: ${e.message}`;
    out.push(`    <testcase classname="lifeline.input" name="${attr(where(e))}" time="0">`);
    out.push(`      <failure message="${attr(message)}" type="input-error">${attr(`${where(e)}: ${message}`)}</failure>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
