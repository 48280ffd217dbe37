import { analyzeTopology } from '../analysis/analyze.js';
import { diffAnalyses, diffIsWorse, type DiffSide } from '../analysis/diff.js';
import type { Severity } from '../analysis/rules/rule.js';
import type { Origin } from '../model/topology.js';
import { buildDiffReport, renderDiffJson, renderDiffText, withLineText, type DiffLocation, type DiffReport } from '../report/diff.js';
import { gitRevision, workTree, type FileView } from '../sources/file-view.js';
import { loadInputs, type LoadedInputs } from '../sources/load.js';
import { VERSION } from '../version.js';

export interface DiffOptions {
  readonly format: 'text' | 'json';
  /** Findings introduced at or above this severity make the diff worse. @default warning */
  readonly failOn?: Severity;
  /** A lifeline.yaml listing the inputs (on both sides). */
  readonly config?: string;
  /** Globs of paths (relative to each directory named) not to read, on both sides. @default none */
  readonly exclude?: readonly string[];
}

/** What to compare: two inputs in the work tree, or the same inputs at two git revisions. */
export type DiffSides =
  | { readonly kind: 'paths'; readonly base: string; readonly head: string }
  | { readonly kind: 'revisions'; readonly base: string; readonly head: string | undefined; readonly inputs: readonly string[] };

interface LoadedSide {
  readonly label: string;
  readonly loaded: LoadedInputs;
  readonly side: DiffSide;
}

async function loadSide(view: FileView, label: string, names: readonly string[], config: string | undefined, exclude: readonly string[]): Promise<LoadedSide> {
  const loaded = await loadInputs(view, names, config, { exclude });
  return { label, loaded, side: { topology: loaded.topology, analysis: analyzeTopology(loaded.topology, new Map(), { fixes: false }), data: loaded.merged.data, source: loaded.merged.source } };
}

/**
 * `lifeline diff BASE HEAD` / `lifeline diff --base REV [--head REV] [INPUT…]`: analyses both
 * sides and reports what the change breaks, fixes, and narrows. Exit 1 when anything got worse.
 */
export async function runDiff(sides: DiffSides, options: DiffOptions): Promise<{ output: string; exitCode: 0 | 1; report: DiffReport }> {
  const exclude = options.exclude ?? [];
  let base: LoadedSide;
  let head: LoadedSide;
  if (sides.kind === 'paths') {
    base = await loadSide(workTree, sides.base, [sides.base], undefined, exclude);
    head = await loadSide(workTree, sides.head, [sides.head], undefined, exclude);
  } else {
    base = await loadSide(await gitRevision(sides.base), sides.base, sides.inputs, options.config, exclude);
    head = sides.head === undefined ? await loadSide(workTree, 'the work tree', sides.inputs, options.config, exclude) : await loadSide(await gitRevision(sides.head), sides.head, sides.inputs, options.config, exclude);
  }
  const failOn = options.failOn ?? head.loaded.config?.failOn ?? 'warning';
  const diff = diffAnalyses(base.side, head.side);
  const worse = diffIsWorse(diff, failOn);
  const locator = (side: LoadedSide) => (origin: Origin): DiffLocation => {
    const at = side.loaded.locate(origin);
    return at ? withLineText(at, side.loaded.lineText(origin, at)) : { file: origin.file };
  };
  const report = buildDiffReport(diff, {
    version: VERSION,
    failOn,
    worse,
    base: { label: base.label, inputs: base.loaded.read.map((r) => r.file), locate: locator(base) },
    head: { label: head.label, inputs: head.loaded.read.map((r) => r.file), locate: locator(head) },
  });
  return { output: options.format === 'json' ? renderDiffJson(report) : renderDiffText(report), exitCode: worse ? 1 : 0, report };
}
