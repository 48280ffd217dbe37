import { redactUrlPasswords } from '../model/redact.js';
import type { Report } from './report.js';

/** Chunks are joined up to about this many characters before they are given out. */
const CHUNK_CHARS = 1 << 20;

/** The stable, versioned JSON report (see README, "JSON report"). */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('');
}

/**
 * The same text as {@link renderJson} — `JSON.stringify(report, null, 2)` and a newline — given out
 * in pieces that end between elements of the report's lists, so that a report larger than a string
 * can be (50,000 services make a report of about a billion characters; V8's limit is about half of
 * that) is still written whole. A value is never cut, so redaction per piece sees every value whole.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  let buffer = '{\n';
  const flush = function* (force: boolean): Generator<string> {
    if (buffer.length === 0 || (!force && buffer.length < CHUNK_CHARS)) return;
    // Targets are already redacted; this pass is a second line of defence for any URL in a message.
    yield redactUrlPasswords(buffer);
    buffer = '';
  };
  const entries = Object.entries(report).filter(([, value]) => value !== undefined && typeof value !== 'function');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  for (const [i, [key, value]] of entries.entries()) {
    buffer += `  ${JSON.stringify(key)}: `;
    if (Array.isArray(value) && value.length > 0) {
      buffer += '[\n';
      for (const [j, item] of (value as unknown[]).entries()) {
        // JSON.stringify gives undefined for undefined and functions, which a list writes as null.
        const json = JSON.stringify(item, null, 2) as string | undefined;
        buffer += `    ${indent(json ?? 'null', '    ')}${j < value.length - 1 ? ',\n' : '\n'}`;
        yield* flush(false);
      }
      buffer += '  ]';
    } else buffer += indent(JSON.stringify(value, null, 2), '  ');
    buffer += i < entries.length - 1 ? ',\n' : '\n';
    yield* flush(false);
  }
  buffer += '}\n';
  yield* flush(true);
}

function indent(json: string, by: string): string {
  return json.includes('\n') ? json.replace(/\n/g, `\n${by}`) : json;
}
