import { buildTopology } from '../model/build.js';
import { credentialsIn, runSecrets } from '../model/secret-registry.js';
import type { Origin, ServiceDrift, Topology } from '../model/topology.js';
import type { BuildSource } from '../model/build.js';
import { redactData, redactUrlPasswords } from '../model/redact.js';
import type { KeyPath, SourceDocument } from './document.js';
import { InputError, formatKeyPath, type Diagnostic } from './errors.js';
import type { FileView } from './file-view.js';
import type { Located } from './fragment.js';
import { resolveInputs, type ResolvedInputs, type ResolveOptions } from './inputs.js';
import { mergeFragments, type MergedInput, type ServiceDrift as MergedDrift } from './merge.js';
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
  return loadResolved(await resolveInputs(view, names, configFile, options));
}

/**
 * The inputs grouped by the project they deploy to: services are identified by project, region and
 * name, so a prod and a staging file that both deploy `api` describe two services, each analysed
 * with its own project's networks. An input that names no project (a shared network description, a
 * script whose project comes at run time) belongs to every group. One group when at most one
 * project is named.
 */
export function projectGroups(resolved: ResolvedInputs): { readonly project: string | undefined; readonly inputs: ResolvedInputs }[] {
  const projects = [...new Set(resolved.fragments.map((f) => f.data.project).filter((p): p is string => typeof p === 'string' && p !== 'unknown'))];
  if (projects.length <= 1) return [{ project: projects[0], inputs: resolved }];
  return projects.map((project) => {
    const fragments = resolved.fragments.filter((f) => f.data.project === undefined || f.data.project === 'unknown' || f.data.project === project);
    return { project, inputs: { ...resolved, fragments } };
  });
}

/** Merges, validates and builds inputs already read. */
export function loadResolved(resolved: ResolvedInputs): LoadedInputs {
  // What the inputs say is secret is registered before anything about them is written.
  for (const f of resolved.fragments) registerSettings(f.data, '');
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
  const built = buildTopology(data, merged.source);
  if (built.issues.length > 0) throw new InputError(built.issues.map((i) => diagnose(i.path, i.message)));
  const topology = merged.drift.length === 0 ? built.topology : { ...built.topology, drift: merged.drift.map((d) => describeDrift(d, merged, diagnose)) };
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

/**
 * Builds each input's description of a drifting service: the merged data with that input's values
 * at the paths where inputs differ, each value's origin in its own file.
 */
function describeDrift(drift: MergedDrift, merged: MergedInput, diagnose: Parameters<typeof validateTopologyInput>[0]['diagnose']): ServiceDrift {
  const descriptions = drift.descriptions.map((description) => {
    const value = structuredClone(merged.data) as unknown;
    for (const { path, value: own } of description.values) setAt(value, path, own);
    const overrides = new Map(description.values.map((v) => [v.path.join('\u0000'), v.origin]));
    const source: BuildSource = {
      origin: (path) => {
        for (let n = path.length; n > 0; n--) {
          const own = overrides.get(path.slice(0, n).join('\u0000'));
          if (own) return { file: own.file, path: [...own.path, ...path.slice(n)] };
        }
        return merged.source.origin(path);
      },
      unknownReason: (path) => merged.source.unknownReason(path),
      linkedEntity: (path) => merged.source.linkedEntity?.(path),
    };
    const service = buildTopology(validateTopologyInput({ value, diagnose }), source).topology.services[drift.index];
    if (!service) throw new TypeError(`drift of ${drift.service}: no service at index ${drift.index}`);
    const differences = description.values.map(({ path, value: own, origin }) => {
      const attribute = path.slice(2).join('.');
      // Environment values and secrets may be credentials: never shown.
      const sensitive = path.includes('env') || path.includes('secrets');
      // A whole env map or secret list differs by its names: those are shown, their values never.
      const last = path[path.length - 1];
      const listed = last === 'env' && typeof own === 'object' && own !== null ? Object.keys(own) : last === 'secrets' && Array.isArray(own) ? own.map((ref: { env?: string; mount?: string }) => ref.env ?? ref.mount ?? '') : undefined;
      const names = listed === undefined ? undefined : `names ${listed.sort().join(', ') || '(none)'}`;
      const display = names ?? (sensitive ? 'a value' : redactUrlPasswords(JSON.stringify(redactData(own, String(path[path.length - 1] ?? '')))));
      return { attribute, display: display.length > 80 ? `${display.slice(0, 79)}…` : display, origin };
    });
    return { file: description.file, service, differences };
  });
  return { service: drift.service, descriptions };
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/**
 * Registers what an input's data reveals as secret: each environment value under a secret-looking
 * name, and the credentials inside any string (a URL's password, `password=` pairs). Other keys are
 * structure, not values: `secret: orders-db-url` names a Secret Manager secret and stays shown.
 */
function registerSettings(value: unknown, key: string): void {
  if (typeof value === 'string') {
    for (const credential of credentialsIn(value)) runSecrets.add(credential);
  } else if (Array.isArray(value)) {
    for (const item of value) registerSettings(item, key);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      // `unknown` is the topology's word for a value the input leaves to run time, never the value.
      if (key === 'env' && typeof v === 'string') {
        if (v !== 'unknown') runSecrets.addSetting(k, v);
      } else registerSettings(v, k);
    }
  }
}
