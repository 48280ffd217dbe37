import type { VariableInputs } from '../sources/terraform/hcl-load.js';
import { readTextFile } from '../sources/document.js';
import { writeFileSafely } from './safe-write.js';
import { analyzeTopology } from '../analysis/analyze.js';
import type { Severity } from '../analysis/rules/rule.js';
import { ruleSettings, type RuleSetting } from '../analysis/rule-settings.js';
import type { Origin, Topology } from '../model/topology.js';
import { buildReport, combineReports, exitCodeFor, type Location, type Report } from '../report/report.js';
import { applySuppressions } from '../report/suppress.js';
import { workTree, type FileView } from '../sources/file-view.js';
import { loadResolved, projectGroups, type LoadedInputs } from '../sources/load.js';
import { resolveInputs } from '../sources/inputs.js';
import { unresolvedOf } from '../sources/unresolved.js';
import { InputError } from '../sources/errors.js';
import { inlineSuppressions, loadBaseline, renderBaseline, type Suppression } from '../sources/suppressions.js';
import { gitPatch } from '../sources/git-patch.js';
import { importedTextEdits, renderImportedChanges, type ImportedSources, type TextEdit } from '../sources/imported-patch.js';
import { renderTopologyChanges, topologyTextEdits } from '../sources/topology-patch.js';
import { VERSION } from '../version.js';
import { runSecrets } from '../model/secret-registry.js';
import { renderChunks, type OutputFormat } from './formats.js';

export interface CheckOptions {
  readonly format: OutputFormat;
  /** @default the lifeline.yaml's `failOn`, else critical */
  readonly failOn?: Severity;
  readonly color: boolean;
  /** A baseline file whose findings are hidden. */
  readonly baseline?: string;
  /** Write every current finding to this baseline file, with `reason` (and `expires`). */
  readonly writeBaseline?: { readonly file: string; readonly reason: string; readonly expires?: string };
  /** YYYY-MM-DD, for suppression expiry. @default today (UTC) */
  readonly today?: string;
  /** A lifeline.yaml listing the inputs (the one in the current directory when no inputs are named). */
  readonly config?: string;
  /** Where inputs are read from. @default the work tree */
  readonly view?: FileView;
  /** Globs of paths (relative to each directory named) not to read. @default none */
  readonly exclude?: readonly string[];
  /** Terraform variable values from outside the configuration. */
  readonly variables?: VariableInputs;
  /** `--rule` (only these) and `--skip-rule`, over the lifeline.yaml's `rules:` map; ids already checked. */
  readonly rules?: { readonly only?: readonly string[]; readonly skip?: readonly string[] };
  /**
   * Write fixes as one patch `git apply` accepts: every recommended fix (one per project the inputs
   * deploy to), or only the fix `fix` names (`fix-2`).
   */
  readonly patch?: { readonly file: string; readonly fix?: string };
}

/** Reads the local files that secrets name, so rules can check their format. Values stay in memory. */
async function readSecretValues(topology: Topology): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const secret of topology.secrets.values()) {
    if (secret.file === undefined) continue;
    try {
      const value = (await readTextFile(secret.file)).replace(/\r?\n$/, '');
      runSecrets.add(value);
      values.set(secret.name, value);
    } catch {
      // An unreadable file leaves the format unchecked; it is not a configuration error.
    }
  }
  return values;
}

/**
 * `lifeline check [INPUT…]`: reads every input (files, directories, a lifeline.yaml), merges them
 * into one model per project they deploy to, analyses each, applies suppressions, renders one
 * report.
 */
/** What `--patch` wrote: the fixes, the files the patch changes, and what it could not hold. */
export interface PatchWritten {
  readonly file: string;
  readonly fixes: readonly string[];
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

/** What `--write-baseline` wrote: the file and how many entries it holds. */
export interface BaselineWritten {
  readonly file: string;
  readonly entries: number;
}

export async function runCheck(
  names: readonly string[],
  options: CheckOptions,
): Promise<{ readonly output: string; chunks: () => Iterable<string>; chunksFor: (format: OutputFormat) => Iterable<string>; exitCode: 0 | 1; report: Report; patch?: PatchWritten; baselineWritten?: BaselineWritten }> {
  const resolved = await resolveInputs(options.view ?? workTree, names, options.config, { exclude: options.exclude ?? [], ...(options.variables !== undefined ? { variables: options.variables } : {}) });
  const groups = projectGroups(resolved);
  const rules = ruleSettings({ ...options.rules, ...(resolved.config?.rules !== undefined ? { config: resolved.config.rules } : {}) });
  const suppressions: Suppression[] = [];
  const reports: Report[] = [];
  const loads: LoadedInputs[] = [];
  /** Each fix's edits as text edits, in the order of the combined report's fixes. */
  const fixEdits: (() => TextEdit[])[] = [];
  for (const group of groups) {
    const loaded = loadResolved(group.inputs);
    loads.push(loaded);
    if (loaded.topology.services.length === 0) continue;
    const one = await reportFor(loaded, options, rules, groups.length > 1 ? group.project : undefined);
    reports.push(one.report);
    fixEdits.push(...one.fixEdits);
  }
  const [any] = loads;
  if (reports.length === 0 || any === undefined) throw noServiceError(any ?? loadResolved(resolved));
  // An input shared by several projects is read once: its inline suppressions are listed once.
  const documents = new Map(loads.flatMap((l) => [...l.documents]));
  suppressions.push(...[...documents.values()].flatMap((document) => inlineSuppressions(document)));
  const baseline = options.baseline ?? resolved.config?.baseline;
  if (baseline !== undefined) suppressions.push(...(await loadBaseline(baseline)));
  const full = combineReports(reports);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  // Inline suppressions first: a baseline lists what the file itself does not already accept,
  // including what an older baseline hid (so refreshing a baseline in place keeps its entries).
  const inline = applySuppressions(full, suppressions.filter((s) => s.by === 'inline'), today);
  const report = applySuppressions(inline, suppressions.filter((s) => s.by === 'baseline'), today);
  let baselineWritten: BaselineWritten | undefined;
  if (options.writeBaseline) {
    // Written whole beside the target, then renamed over it: never half a baseline (see safe-write.ts).
    const { file, reason, expires } = options.writeBaseline;
    await writeFileSafely(file, runSecrets.redact(renderBaseline(inline.findings, reason, expires)), 'the baseline');
    baselineWritten = { file, entries: inline.findings.length };
  }
  const patch = options.patch === undefined ? undefined : await writePatch(options.patch, full, fixEdits, options.view ?? workTree);
  const chunks = (): Iterable<string> => renderChunks(options.format, report, { color: options.color });
  // `--output FORMAT=FILE`: files never hold colour codes.
  const chunksFor = (format: OutputFormat): Iterable<string> => renderChunks(format, report, { color: false });
  return {
    // Rendered when asked: the command writes the pieces; a caller that wants one string joins them.
    get output(): string {
      return [...chunks()].join('');
    },
    chunks,
    chunksFor,
    exitCode: exitCodeFor(report),
    report,
    ...(patch !== undefined ? { patch } : {}),
    ...(baselineWritten !== undefined ? { baselineWritten } : {}),
  };
}

async function writePatch(request: NonNullable<CheckOptions['patch']>, full: Report, fixEdits: readonly (() => TextEdit[])[], view: FileView): Promise<PatchWritten> {
  const chosen = request.fix === undefined ? full.fixes.flatMap((f, i) => (f.recommended ? [i] : [])) : full.fixes.flatMap((f, i) => (f.id === request.fix ? [i] : []));
  if (request.fix !== undefined && chosen.length === 0) {
    throw new InputError([{ file: request.fix, line: undefined, column: undefined, keyPath: undefined, message: `--fix: no such fix; this check proposes ${full.fixes.map((f) => f.id).join(', ') || 'none'}`, sourceLine: undefined }]);
  }
  // Projects that share an input propose the same change to it: each distinct edit once.
  const seen = new Set<string>();
  const edits = chosen.flatMap((i) => fixEdits[i]?.() ?? []).filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const { text, files, skipped } = await gitPatch(edits, view, process.cwd());
  // An empty patch is still written: the file says there is nothing to apply, not that the run failed.
  await writeFileSafely(request.file, text, 'the patch');
  return { file: request.file, fixes: chosen.map((i) => full.fixes[i]?.id ?? ''), files, skipped };
}

/** One project's report (every input's, when they name at most one project), before suppressions. */
async function reportFor(loaded: LoadedInputs, options: CheckOptions, rules: ReadonlyMap<string, RuleSetting>, project: string | undefined): Promise<{ report: Report; fixEdits: (() => TextEdit[])[] }> {
  const { topology } = loaded;
  const analysis = analyzeTopology(topology, await readSecretValues(topology), { unresolved: unresolvedOf(loaded.fragments), rules });
  const sources: ImportedSources = { formatOf: (file) => loaded.read.find((r) => r.file === file)?.format, locate: (origin) => loaded.locate(origin), lineText: (origin, at) => loaded.lineText(origin, at) };
  // Only the fix a patch is written for is rendered as whole files (each rendering writes its files again).
  const fixEdits = analysis.fixes.map((f) => (): TextEdit[] => [...topologyTextEdits(f.edits, topology, loaded.documents).map((e): TextEdit => ({ kind: 'whole', ...e })), ...importedTextEdits(f.edits, topology, sources)]);
  const report = buildReport(analysis, {
    version: VERSION,
    inputs: loaded.read.map((r) => r.file),
    sources: { read: loaded.read, ignored: loaded.ignored, notes: loaded.fragments.flatMap((f) => f.notes) },
    failOn: options.failOn ?? loaded.config?.failOn ?? 'critical',
    topology,
    ...(project !== undefined ? { project } : {}),
    locate: (origin: Origin): Location => loaded.locate(origin) ?? { file: origin.file },
    rules,
    renderChanges: (edits) => [...renderTopologyChanges(edits, topology, loaded.documents), ...renderImportedChanges(edits, topology, sources)],
  });
  return { report, fixEdits };
}

/**
 * Nothing to judge is not a healthy result: with no service found, say what was read and why
 * nothing counted, and stop (exit 2).
 */
function noServiceError(loaded: LoadedInputs): InputError {
  const read = loaded.read.map((r) => `${r.file} (${r.format})`).join(', ');
  const ignored = loaded.ignored.length > 0 ? `; ignored: ${loaded.ignored.slice(0, 20).map((i) => `${i.file} (${i.reason})`).join(', ')}${loaded.ignored.length > 20 ? ` and ${loaded.ignored.length - 20} more` : ''}` : '';
  const files = loaded.read.map((r) => r.file).join(', ') || '.';
  // Why nothing counted: what the importers left out (a service whose name is not evaluated, say).
  const leftOut = unresolvedOf(loaded.fragments);
  const why = leftOut.length > 0 ? `; left out: ${leftOut.slice(0, 5).map((u) => `${u.subject}: ${u.reason}`).join('; ')}${leftOut.length > 5 ? ` and ${leftOut.length - 5} more` : ''}` : '';
  return new InputError([
    {
      file: files,
      line: undefined,
      column: undefined,
      keyPath: undefined,
      message: `found no Cloud Run service in these inputs: read ${read || 'nothing'}${why}${ignored}. Name the files that deploy your services (Terraform, Cloud Run YAML, deploy scripts) or describe them in a topology file`,
      sourceLine: undefined,
    },
  ]);
}

export type { OutputFormat };
