import { renderJson } from '../report/json.js';
import type { Report } from '../report/report.js';
import { renderText } from '../report/text.js';

/** Every output format of `check`, each a pure function of the Report. */
export const RENDERERS = {
  text: (report: Report, options: { color: boolean }) => renderText(report, options),
  json: (report: Report) => renderJson(report),
} as const satisfies Record<string, (report: Report, options: { color: boolean }) => string>;

export type OutputFormat = keyof typeof RENDERERS;
export const OUTPUT_FORMATS = Object.keys(RENDERERS) as OutputFormat[];
