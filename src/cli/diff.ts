import { analyzeTopology } from '../analysis/analyze.js';
import { diffAnalyses, diffIsWorse, type DiffResult, type DiffSide, type PathChange } from '../analysis/diff.js';
import type { Finding } from '../analysis/rules/rule.js';
import type { Severity } from '../analysis/rules/rule.js';
import type { Origin, Topology } from '../model/topology.js';
import { buildDiffReport, renderDiffJson, renderDiffText, withLineText, type DiffLocation, type DiffReport } from '../report/diff.js';
import { gitRevision, workTree, type FileView } from '../sources/file-view.js';
import { resolveInputs } from '../sources/inputs.js';
import { loadResolved, projectGroups, type LoadedInputs } from '../sources/load.js';
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
  /** The project of this side's inputs, when they name several; undefined when at most one. */
  readonly project: string | undefined;
  readonly loaded: LoadedInputs;
  readonly side: DiffSide;
}

/** One side, as one model per project its inputs deploy to (see projectGroups). */
async function loadSides(view: FileView, label: string, names: readonly string[], config: string | undefined, exclude: readonly string[]): Promise<LoadedSide[]> {
  const groups = projectGroups(await resolveInputs(view, names, config, { exclude }));
  return groups.map((group) => {
    const loaded = loadResolved(group.inputs);
    return {
      label,
      project: groups.length > 1 ? group.project : undefined,
      loaded,
      side: { topology: loaded.topology, analysis: analyzeTopology(loaded.topology, new Map(), { fixes: false }), data: loaded.merged.data, source: loaded.merged.source },
    };
  });
}

/** A side with nothing on it: a project one side deploys to and the other does not. */
function emptySide(like: DiffSide): DiffSide {
  const topology: Topology = { ...like.topology, networks: new Map(), addresses: new Map(), connectors: new Map(), databases: new Map(), caches: new Map(), externals: new Map(), secrets: new Map(), services: [], loadBalancers: [] };
  return { topology, analysis: { paths: [], implicit: [], findings: [], fixes: [], rejected: [] }, data: {}, source: like.source };
}

/**
 * `lifeline diff BASE HEAD` / `lifeline diff --base REV [--head REV] [INPUT…]`: analyses both
 * sides and reports what the change breaks, fixes, and narrows. Exit 1 when anything got worse.
 * Inputs for several projects are compared project by project, services named PROJECT:NAME.
 */
export async function runDiff(sides: DiffSides, options: DiffOptions): Promise<{ output: string; exitCode: 0 | 1; report: DiffReport }> {
  const exclude = options.exclude ?? [];
  let bases: LoadedSide[];
  let heads: LoadedSide[];
  if (sides.kind === 'paths') {
    bases = await loadSides(workTree, sides.base, [sides.base], undefined, exclude);
    heads = await loadSides(workTree, sides.head, [sides.head], undefined, exclude);
  } else {
    bases = await loadSides(await gitRevision(sides.base), sides.base, sides.inputs, options.config, exclude);
    heads = sides.head === undefined ? await loadSides(workTree, 'the work tree', sides.inputs, options.config, exclude) : await loadSides(await gitRevision(sides.head), sides.head, sides.inputs, options.config, exclude);
  }
  const [base, head] = [bases[0], heads[0]];
  if (base === undefined || head === undefined) throw new TypeError('diff: a side with no inputs');
  const failOn = options.failOn ?? head.loaded.config?.failOn ?? 'warning';
  // Per project: a side whose inputs name no project stands for every project of the other.
  const projects = [...new Set([...bases, ...heads].map((s) => s.project).filter((p): p is string => p !== undefined))];
  const pick = (list: readonly LoadedSide[], project: string): LoadedSide | undefined => list.find((s) => s.project === project) ?? list.find((s) => s.project === undefined);
  const diff =
    projects.length === 0
      ? diffAnalyses(base.side, head.side)
      : combineDiffs(
          projects.map((project) => {
            const b = pick(bases, project);
            const h = pick(heads, project);
            return qualifyDiff(diffAnalyses(b?.side ?? emptySide((h ?? head).side), h?.side ?? emptySide((b ?? base).side)), project);
          }),
        );
  const worse = diffIsWorse(diff, failOn);
  // An origin names its file: whichever project's model read that file can place it.
  const locator = (list: readonly LoadedSide[]) => (origin: Origin): DiffLocation => {
    for (const side of list) {
      const at = side.loaded.locate(origin);
      if (at) return withLineText(at, side.loaded.lineText(origin, at));
    }
    return { file: origin.file };
  };
  const inputs = (list: readonly LoadedSide[]) => [...new Set(list.flatMap((s) => s.loaded.read.map((r) => r.file)))];
  const report = buildDiffReport(diff, {
    version: VERSION,
    failOn,
    worse,
    base: { label: base.label, inputs: inputs(bases), locate: locator(bases) },
    head: { label: head.label, inputs: inputs(heads), locate: locator(heads) },
  });
  return { output: options.format === 'json' ? renderDiffJson(report) : renderDiffText(report), exitCode: worse ? 1 : 0, report };
}

/** A project's diff with its services and keys named PROJECT:NAME, so projects' diffs can be joined. */
function qualifyDiff(diff: DiffResult, project: string): DiffResult {
  const q = (name: string): string => `${project}:${name}`;
  const path = (c: PathChange): PathChange => ({ ...c, key: q(c.key), service: q(c.service) });
  const finding = (f: Finding): Finding => ({ ...f, key: q(f.key), ...(f.service !== undefined ? { service: q(f.service) } : {}) });
  return {
    worse: diff.worse.map(path),
    improved: diff.improved.map(path),
    added: diff.added.map(path),
    removed: diff.removed.map(path),
    introduced: diff.introduced.map(finding),
    resolved: diff.resolved.map(finding),
    shrunk: diff.shrunk.map((m) => ({ ...m, key: q(m.key) })),
  };
}

function combineDiffs(diffs: readonly DiffResult[]): DiffResult {
  return {
    worse: diffs.flatMap((d) => d.worse),
    improved: diffs.flatMap((d) => d.improved),
    added: diffs.flatMap((d) => d.added),
    removed: diffs.flatMap((d) => d.removed),
    introduced: diffs.flatMap((d) => d.introduced),
    resolved: diffs.flatMap((d) => d.resolved),
    shrunk: diffs.flatMap((d) => d.shrunk),
  };
}
