import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { NAME_PATTERN } from '../model/schema.js';
import { isRecord } from './cloud-run-reader.js';
import { parseSourceDocuments, type KeyPath, type SourceDocument } from './document.js';
import { InputError } from './errors.js';
import type { FileView } from './file-view.js';
import type { Fragment, Located } from './fragment.js';

/** Where a Cloud Deploy pipeline deploys one manifest: a stage's target and its `run.location`. */
export interface Placement {
  /** The manifest as Skaffold lists it (a path or a glob, relative to the skaffold.yaml). */
  readonly manifest: string;
  /** Whether a file, as the walk names it, is this manifest. */
  readonly matches: (file: string) => boolean;
  readonly pipeline: string;
  readonly target: string;
  readonly project: string | undefined;
  readonly region: string | undefined;
  /** The target's `run.location`. */
  readonly at: Located;
  /** The text of a line of the Cloud Deploy file, for code frames. */
  readonly lineText: (line: number) => string | undefined;
}

const LOCATION = /^projects\/([^/]+)\/locations\/([^/]+)$/;

/** Whether a parsed YAML file holds a Cloud Deploy delivery pipeline. */
export function isCloudDeployPipeline(documents: readonly SourceDocument[]): boolean {
  return documents.some((d) => isRecord(d.value) && d.value.kind === 'DeliveryPipeline' && typeof d.value.apiVersion === 'string' && d.value.apiVersion.startsWith('deploy.cloud.google.com/'));
}

/**
 * Where the pipelines of a `clouddeploy.yaml` deploy each Knative manifest: every stage's target
 * (`run.location: projects/P/locations/R`) and the manifests the stage's Skaffold profiles render
 * (`manifests.rawYaml` in the `skaffold.yaml` beside it; the top-level list for a stage without
 * profiles; paths and globs relative to the skaffold.yaml). Targets that deploy to GKE place
 * nothing; notes say what could not be placed.
 *
 * @example
 * const { placements } = await cloudDeployPlacements(workTree, 'deploy/clouddeploy.yaml', documents);
 * placements[0]; // { manifest: 'deploy/run-dev.yaml', target: 'run-dev', project: 'acme', region: 'europe-west1', … }
 */
export async function cloudDeployPlacements(view: FileView, file: string, documents: readonly SourceDocument[], root: string = dirname(file)): Promise<{ placements: Placement[]; notes: string[] }> {
  const notes: string[] = [];
  const targets = new Map<string, { project: string | undefined; region: string | undefined; at: Located; lineText: (line: number) => string | undefined } | undefined>();
  for (const doc of documents) {
    if (!isRecord(doc.value) || doc.value.kind !== 'Target') continue;
    const name = stringAt(doc, ['metadata', 'name']);
    if (name === undefined) continue;
    const location = stringAt(doc, ['run', 'location']);
    const at = doc.locate(['run', 'location']);
    const match = location === undefined ? undefined : LOCATION.exec(location);
    if (match === undefined || match === null || at === undefined) {
      targets.set(name, undefined);
      continue;
    }
    const [, project, region] = match;
    // `projects/<gcp_project_id>/…`: a placeholder filled in elsewhere is no project.
    const known = (value: string | undefined): string | undefined => (value !== undefined && NAME_PATTERN.test(value) ? value : undefined);
    targets.set(name, { project: known(project), region: known(region), at: { file, ...at }, lineText: (line) => doc.lineText(line) });
  }
  const skaffold = await findSkaffold(view, dirname(file), root);
  if (skaffold === undefined) {
    notes.push(`no skaffold.yaml beside it or above it, so which manifests each target deploys is not known; the manifests' regions are not taken from it`);
    return { placements: [], notes };
  }
  const placements: Placement[] = [];
  for (const doc of documents) {
    if (!isRecord(doc.value) || doc.value.kind !== 'DeliveryPipeline') continue;
    const pipeline = stringAt(doc, ['metadata', 'name']) ?? file;
    const stages = listAt(doc, ['serialPipeline', 'stages']);
    stages.forEach((stage, i) => {
      if (!isRecord(stage) || typeof stage.targetId !== 'string') return;
      const target = targets.get(stage.targetId);
      if (target === undefined) {
        if (!targets.has(stage.targetId)) notes.push(`stage ${i + 1} of pipeline ${pipeline} deploys to target ${stage.targetId}, which is not in this file; its manifests are not placed`);
        return;
      }
      const profiles = Array.isArray(stage.profiles) ? stage.profiles.filter((p): p is string => typeof p === 'string') : [];
      const manifests = profiles.length === 0 ? skaffold.manifests : profiles.flatMap((p) => skaffold.profiles.get(p) ?? []);
      for (const p of profiles.filter((p) => !skaffold.profiles.has(p))) notes.push(`stage ${i + 1} of pipeline ${pipeline} uses Skaffold profile ${p}, which ${skaffold.file} does not define`);
      for (const manifest of manifests) {
        // Skaffold's paths and globs are relative to the skaffold.yaml.
        const base = resolve(dirname(skaffold.file));
        const glob = picomatch(manifest);
        const matches = (candidate: string): boolean => {
          const rel = relative(base, resolve(candidate)).split(sep).join('/');
          return !rel.startsWith('..') && glob(rel);
        };
        placements.push({ manifest, matches, pipeline, target: stage.targetId, project: target.project, region: target.region, at: target.at, lineText: target.lineText });
      }
    });
  }
  return { placements, notes: [...new Set(notes)] };
}

/**
 * The `skaffold.yaml` a release of this pipeline renders: beside the pipeline file, else in a
 * directory above it, up to the directory walked (Cloud Deploy takes it from the release's
 * source directory, most often the repository root).
 */
async function findSkaffold(view: FileView, dir: string, root: string): Promise<Awaited<ReturnType<typeof readSkaffold>>> {
  for (let current = dir; ; current = dirname(current)) {
    const found = await readSkaffold(view, current);
    if (found !== undefined) return found;
    const rel = relative(resolve(root), resolve(current));
    if (rel === '' || rel.startsWith('..') || dirname(current) === current) return undefined;
  }
}

/** Profiles' and the top level's `manifests.rawYaml` of every Skaffold config in `dir/skaffold.yaml`. */
async function readSkaffold(view: FileView, dir: string): Promise<{ file: string; manifests: string[]; profiles: Map<string, string[]> } | undefined> {
  for (const name of ['skaffold.yaml', 'skaffold.yml']) {
    const file = join(dir, name);
    if ((await view.kind(file)) !== 'file') continue;
    let documents: SourceDocument[];
    try {
      documents = parseSourceDocuments(file, await view.readText(file));
    } catch (error: unknown) {
      if (error instanceof InputError) return undefined;
      throw error;
    }
    const manifests: string[] = [];
    const profiles = new Map<string, string[]>();
    for (const doc of documents) {
      manifests.push(...rawYaml(doc, []));
      listAt(doc, ['profiles']).forEach((profile, i) => {
        if (!isRecord(profile) || typeof profile.name !== 'string') return;
        profiles.set(profile.name, [...(profiles.get(profile.name) ?? []), ...rawYaml(doc, ['profiles', i])]);
      });
    }
    return { file, manifests, profiles };
  }
  return undefined;
}

function rawYaml(doc: SourceDocument, at: KeyPath): string[] {
  return listAt(doc, [...at, 'manifests', 'rawYaml']).filter((m): m is string => typeof m === 'string');
}

function valueAt(doc: SourceDocument, path: KeyPath): unknown {
  let node: unknown = doc.value;
  for (const key of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

const stringAt = (doc: SourceDocument, path: KeyPath): string | undefined => {
  const value = valueAt(doc, path);
  return typeof value === 'string' ? value : undefined;
};

const listAt = (doc: SourceDocument, path: KeyPath): unknown[] => {
  const value = valueAt(doc, path);
  return Array.isArray(value) ? (value as unknown[]) : [];
};

/**
 * A Cloud Run fragment with the region and project its Cloud Deploy targets give the services that
 * name none: one region when every target agrees, `unknown` with the targets named when they do
 * not. Each placed value points at the target's `run.location`.
 */
export function placeFragment(fragment: Fragment, placements: readonly Placement[]): Fragment {
  const mine = placements.filter((p) => p.matches(fragment.file));
  if (mine.length === 0) return fragment;
  const regions = [...new Set(mine.map((p) => p.region))];
  const projects = [...new Set(mine.map((p) => p.project))];
  const [first] = mine;
  if (first === undefined) return fragment;
  const described = mine.map((p) => `${p.target} (${p.region ?? 'region not given'})`).join(', ');
  const placed = new Map<string, Located>();
  const reasons = new Map<string, string>();
  const notes: string[] = [];
  const services = (fragment.data.services ?? []).map((service, i) => {
    if (service.region !== undefined) return service;
    const [region] = regions;
    if (regions.length === 1 && region !== undefined) {
      placed.set(`services.${i}.region`, first.at);
      notes.push(`services[${service.name}].region: ${region}, from Cloud Deploy target ${first.target} of pipeline ${first.pipeline} (${first.at.file}:${first.at.line})`);
      return { ...service, region };
    }
    placed.set(`services.${i}.region`, first.at);
    reasons.set(`services.${i}.region`, `Cloud Deploy pipeline ${first.pipeline} deploys this manifest to targets ${described}`);
    return { ...service, region: 'unknown' as const };
  });
  const [project] = projects;
  const setProject = fragment.data.project === undefined && projects.length === 1 && project !== undefined;
  if (setProject) placed.set('project', first.at);
  const placedNames = new Set(services.filter((_, i) => placed.has(`services.${i}.region`)).map((s) => s.name));
  const keep = (note: string): boolean => ![...placedNames].some((name) => note.startsWith(`services[${name}].region: not in the input`));
  const key = (path: KeyPath): string => path.join('.');
  return {
    ...fragment,
    data: { ...fragment.data, ...(setProject ? { project } : {}), services },
    locate: (path, options) => placed.get(key(path)) ?? fragment.locate(path, options),
    unknownReason: (path) => reasons.get(key(path)) ?? fragment.unknownReason(path),
    notes: [...fragment.notes.filter(keep), ...notes],
    lineText: (name, line) => (name === first.at.file ? first.lineText(line) : fragment.lineText(name, line)),
  };
}
