import { renderHtml } from '../report/html.js';
import { renderJson, renderJsonChunks } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/report.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';

/** Every output format of `check`, each a pure function of the Report. */
export const RENDERERS = {
  text: (report: Report, options: { color: boolean }) => renderText(report, options),
  json: (report: Report) => renderJson(report),
  sarif: (report: Report) => renderSarif(report),
  junit: (report: Report) => renderJunit(report),
  markdown: (report: Report) => renderMarkdown(report),
  html: (report: Report) => renderHtml(report),
} as const satisfies Record<string, (report: Report, options: { color: boolean }) => string>;

export type OutputFormat = keyof typeof RENDERERS;
export const OUTPUT_FORMATS = Object.keys(RENDERERS) as OutputFormat[];

/**
 * A report in a format as pieces to write one after another: the JSON report in pieces (it can be
 * larger than one string may be), every other format whole.
 */
export function renderChunks(format: OutputFormat, report: Report, options: { color: boolean }): Iterable<string> {
  return format === 'json' ? renderJsonChunks(report) : [RENDERERS[format](report, options)];
}
