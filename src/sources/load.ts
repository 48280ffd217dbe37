import { buildTopology } from '../model/build.js';
import type { Origin, Topology } from '../model/topology.js';
import type { KeyPath, SourceDocument } from './document.js';
import { InputError, formatKeyPath, type Diagnostic } from './errors.js';
import type { FileView } from './file-view.js';
import type { Located } from './fragment.js';
import { resolveInputs, type ResolvedInputs, type ResolveOptions } from './inputs.js';
import { mergeFragments, type MergedInput } from './merge.js';
import { validateTopologyInput } from './topology-file.js';

/** Every input read, merged, validated and built into one model, with the way back to each line. */
export interface LoadedInputs extends ResolvedInputs {
  readonly merged: MergedInput;
  readonly topology: Topology;
  /** Topology documents by file, for YAML fix diffs and inline suppressions. */
  readonly documents: ReadonlyMap<string, SourceDocument>;
  locate(origin: Origin): Located | undefined;
  /** The source line where an origin's value is written (`located` is `locate(origin)`), for code frames. */
  lineText(origin: Origin, located: Located): string | undefined;
}

export async function loadInputs(view: FileView, names: readonly string[], configFile?: string, options: ResolveOptions = {}): Promise<LoadedInputs> {
  const resolved = await resolveInputs(view, names, configFile, options);
  const merged = mergeFragments(resolved.fragments);
  const fragmentOf = (file: string) => resolved.fragments.find((f) => f.file === file);
  const diagnose = (path: KeyPath, message: string, options?: { key?: boolean }): Diagnostic => {
    const origin = merged.source.origin(path);
    const at = merged.locate(origin, options);
    return {
      file: at?.file ?? origin.file,
      line: at?.line,
      column: at?.column,
      keyPath: path.length > 0 ? formatKeyPath(origin.path) : undefined,
      message,
      sourceLine: at ? fragmentOf(origin.file)?.lineText(at.file, at.line) : undefined,
    };
  };
  const data = validateTopologyInput({ value: merged.data, diagnose });
  const { topology, issues } = buildTopology(data, merged.source);
  if (issues.length > 0) throw new InputError(issues.map((i) => diagnose(i.path, i.message)));
  const documents = new Map<string, SourceDocument>();
  for (const f of resolved.fragments) if (f.document) documents.set(f.file, f.document);
  return {
    ...resolved,
    merged,
    topology,
    documents,
    // A finding about a key (`…egress`) points at the key; one about an entry at the entry.
    locate: (origin) => merged.locate(origin, { key: typeof origin.path[origin.path.length - 1] === 'string' }),
    lineText: (origin, at) => fragmentOf(origin.file)?.lineText(at.file, at.line),
  };
}
