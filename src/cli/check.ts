import { analyzeTopology, type Analysis } from '../analysis/analyze.js';
import type { Severity } from '../analysis/rules/rule.js';
import type { Origin, Topology } from '../model/topology.js';
import { renderJson } from '../report/json.js';
import { buildReport, exitCodeFor, type Location, type Report } from '../report/report.js';
import { renderText } from '../report/text.js';
import type { SourceDocument } from '../sources/document.js';
import { loadTopologyFile } from '../sources/topology-file.js';
import { renderTopologyChanges } from '../sources/topology-patch.js';
import { VERSION } from '../version.js';

export interface CheckOptions {
  readonly format: 'text' | 'json';
  readonly failOn: Severity;
  readonly color: boolean;
}

/**
 * `lifeline check FILE…`: loads each topology, analyses it, renders one report.
 * Each file is analysed as its own topology; merging several sources into one is for importers.
 */
export async function runCheck(files: readonly string[], options: CheckOptions): Promise<{ output: string; exitCode: 0 | 1; report: Report }> {
  const loaded = [];
  for (const file of files) loaded.push(await loadTopologyFile(file));
  const documents = new Map<string, SourceDocument>(loaded.map((l) => [l.document.file, l.document]));
  const analyses: { topology: Topology; analysis: Analysis }[] = loaded.map(({ topology }) => ({ topology, analysis: analyzeTopology(topology) }));
  const combined: Analysis = {
    paths: analyses.flatMap((a) => a.analysis.paths),
    findings: analyses.flatMap((a) => a.analysis.findings),
    fixes: analyses.flatMap((a) => a.analysis.fixes),
    rejected: analyses.flatMap((a) => a.analysis.rejected),
  };
  const topologyOfFix = new Map(analyses.flatMap(({ topology, analysis }) => analysis.fixes.map((f) => [f.edits, topology] as const)));
  const locate = (origin: Origin): Location => {
    const pos = documents.get(origin.file)?.locate(origin.path, { key: typeof origin.path[origin.path.length - 1] === 'string' });
    return pos ? { file: origin.file, line: pos.line, column: pos.column } : { file: origin.file };
  };
  const report = buildReport(combined, {
    version: VERSION,
    inputs: files,
    failOn: options.failOn,
    locate,
    renderChanges: (edits) => {
      const topology = topologyOfFix.get(edits);
      return topology ? renderTopologyChanges(edits, topology, documents) : [];
    },
  });
  const output = options.format === 'json' ? renderJson(report) : renderText(report, { color: options.color });
  return { output, exitCode: exitCodeFor(report), report };
}
