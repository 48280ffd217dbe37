import { readFile, writeFile, rename } from 'node:fs/promises';
import { analyzeTopology, type Analysis } from '../analysis/analyze.js';
import type { Severity } from '../analysis/rules/rule.js';
import type { Origin, Topology } from '../model/topology.js';
import { buildReport, exitCodeFor, type Location, type Report } from '../report/report.js';
import { applySuppressions } from '../report/suppress.js';
import type { SourceDocument } from '../sources/document.js';
import { InputError } from '../sources/errors.js';
import { inlineSuppressions, loadBaseline, renderBaseline, type Suppression } from '../sources/suppressions.js';
import { loadTopologyFile } from '../sources/topology-file.js';
import { renderTopologyChanges } from '../sources/topology-patch.js';
import { VERSION } from '../version.js';
import { RENDERERS, type OutputFormat } from './formats.js';

export interface CheckOptions {
  readonly format: OutputFormat;
  readonly failOn: Severity;
  readonly color: boolean;
  /** A baseline file whose findings are hidden. */
  readonly baseline?: string;
  /** Write every current finding to this baseline file, with `reason` (and `expires`). */
  readonly writeBaseline?: { readonly file: string; readonly reason: string; readonly expires?: string };
  /** YYYY-MM-DD, for suppression expiry. @default today (UTC) */
  readonly today?: string;
}

/** Reads the local files that secrets name, so rules can check their format. Values stay in memory. */
async function readSecretValues(topology: Topology): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const secret of topology.secrets.values()) {
    if (secret.file === undefined) continue;
    try {
      values.set(secret.name, (await readFile(secret.file, 'utf8')).replace(/\r?\n$/, ''));
    } catch {
      // An unreadable file leaves the format unchecked; it is not a configuration error.
    }
  }
  return values;
}

/**
 * `lifeline check FILE…`: loads each topology, analyses it, applies suppressions, renders one report.
 * Each file is analysed as its own topology; merging several sources into one is for importers.
 */
export async function runCheck(files: readonly string[], options: CheckOptions): Promise<{ output: string; exitCode: 0 | 1; report: Report }> {
  const loaded = [];
  for (const file of files) loaded.push(await loadTopologyFile(file));
  const documents = new Map<string, SourceDocument>(loaded.map((l) => [l.document.file, l.document]));
  const suppressions: Suppression[] = loaded.flatMap((l) => inlineSuppressions(l.document));
  if (options.baseline !== undefined) suppressions.push(...(await loadBaseline(options.baseline)));
  const analyses: { topology: Topology; analysis: Analysis }[] = [];
  for (const { topology } of loaded) analyses.push({ topology, analysis: analyzeTopology(topology, await readSecretValues(topology)) });
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
  const full = buildReport(combined, {
    version: VERSION,
    inputs: files,
    failOn: options.failOn,
    locate,
    renderChanges: (edits) => {
      const topology = topologyOfFix.get(edits);
      return topology ? renderTopologyChanges(edits, topology, documents) : [];
    },
  });
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  // Inline suppressions first: a baseline lists what the file itself does not already accept,
  // including what an older baseline hid (so refreshing a baseline in place keeps its entries).
  const inline = applySuppressions(full, suppressions.filter((s) => s.by === 'inline'), today);
  const report = applySuppressions(inline, suppressions.filter((s) => s.by === 'baseline'), today);
  if (options.writeBaseline) {
    // Written whole to a temporary name, then renamed: never half a baseline.
    const { file, reason, expires } = options.writeBaseline;
    try {
      await writeFile(`${file}.tmp`, renderBaseline(inline.findings, reason, expires));
      await rename(`${file}.tmp`, file);
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
      throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: `cannot write the baseline here (${code}); choose a writable path`, sourceLine: undefined }]);
    }
  }
  const output = RENDERERS[options.format](report, { color: options.color });
  return { output, exitCode: exitCodeFor(report), report };
}

export type { OutputFormat };
