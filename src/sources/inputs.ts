import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { parseSource, type SourceDocument } from './document.js';
import { InputError, type Diagnostic } from './errors.js';
import type { Fragment, InputFormat } from './fragment.js';
import { cloudRunKind, importCloudRunDocument } from './cloud-run.js';
import { containsGcloudCommand, importGcloudScript } from './gcloud/script.js';
import { importTerraformFiles } from './terraform/hcl.js';
import { importTerraformPlan, isTerraformPlan } from './terraform/plan.js';
import { topologyFragment } from './topology-file.js';
import { workTree, type FileView } from './file-view.js';

/** What `check` and `diff` read: the fragments, and which files were read or ignored (and why). */
export interface ResolvedInputs {
  readonly fragments: readonly Fragment[];
  readonly read: readonly { readonly file: string; readonly format: InputFormat }[];
  readonly ignored: readonly { readonly file: string; readonly reason: string }[];
  /** Settings from a `lifeline.yaml`, when one listed the inputs. */
  readonly config: LifelineConfig | undefined;
}

export const CONFIG_NAMES = ['lifeline.yaml', 'lifeline.yml'] as const;

const configSchema = z.strictObject({
  inputs: z.array(z.string().min(1)).min(1).describe('Files and directories to read, relative to this file.'),
  failOn: z.enum(['critical', 'warning', 'info']).optional(),
  baseline: z.string().optional().describe('A baseline file, relative to this file.'),
});

export interface LifelineConfig {
  readonly file: string;
  readonly inputs: readonly string[];
  readonly failOn: 'critical' | 'warning' | 'info' | undefined;
  readonly baseline: string | undefined;
}

const SCRIPT_EXTENSIONS = new Set(['.sh', '.bash', '.py', '.js', '.mjs', '.cjs', '.ts']);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform', 'dist', '__pycache__']);

const located = (file: string, message: string): Diagnostic => ({ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined });

/**
 * Resolves what the user named (files, directories, `lifeline.yaml`; nothing means the
 * `lifeline.yaml` of the current directory) into fragments, through `view` (the work tree or a
 * git revision).
 */
export async function resolveInputs(view: FileView, names: readonly string[], configFile?: string): Promise<ResolvedInputs> {
  let config: LifelineConfig | undefined;
  let targets = names;
  if (configFile !== undefined || names.length === 0) {
    const file = configFile ?? (await findConfig(view));
    if (file === undefined) {
      throw new InputError([located('.', 'no inputs given and no lifeline.yaml here; name files or directories, or write a lifeline.yaml listing `inputs`')]);
    }
    config = await readConfig(view, file);
    targets = config.inputs;
  } else if (names.length === 1 && names[0] !== undefined) {
    // One lifeline.yaml, or a directory (a repository) that has one: its inputs.
    const only = names[0];
    const kind = await view.kind(only);
    const file = kind === 'file' && isConfigName(only) ? only : kind === 'directory' ? await findConfig(view, only) : undefined;
    if (file !== undefined) {
      config = await readConfig(view, file);
      targets = config.inputs;
    }
  }
  const fragments: Fragment[] = [];
  const read: { file: string; format: InputFormat }[] = [];
  const ignored: { file: string; reason: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  const add = (fragment: Fragment): void => {
    fragments.push(fragment);
    read.push({ file: fragment.file, format: fragment.format });
  };
  for (const target of targets) {
    try {
      const kind = await view.kind(target);
      if (kind === undefined) throw new InputError([located(target, view === workTree ? 'no such file or directory' : `no such file or directory at ${view.label}`)]);
      if (kind === 'directory') await readDirectory(view, target, add, ignored);
      else {
        const fragment = await readFile(view, target, true);
        if (typeof fragment === 'string') throw new InputError([located(target, fragment)]);
        add(fragment);
      }
    } catch (error: unknown) {
      if (error instanceof InputError) diagnostics.push(...error.diagnostics);
      else throw error;
    }
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  if (fragments.length === 0) {
    const skipped = ignored.length > 0 ? `; ignored: ${ignored.map((i) => `${i.file} (${i.reason})`).join(', ')}` : '';
    throw new InputError([located(targets.join(', '), `no recognised input (topology YAML/JSON, Terraform plan JSON or .tf files, Cloud Run service YAML/JSON, deploy scripts calling gcloud)${skipped}`)]);
  }
  return { fragments, read, ignored, config };
}

function isConfigName(file: string): boolean {
  return (CONFIG_NAMES as readonly string[]).includes(basename(file));
}

async function findConfig(view: FileView, dir?: string): Promise<string | undefined> {
  for (const name of CONFIG_NAMES) {
    const file = dir === undefined ? name : join(dir, name);
    if ((await view.kind(file)) === 'file') return file;
  }
  return undefined;
}

async function readConfig(view: FileView, file: string): Promise<LifelineConfig> {
  const document = parseSource(file, await view.readText(file));
  const parsed = configSchema.safeParse(document.value);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const pos = document.locate(path);
        return { file, line: pos?.line, column: pos?.column, keyPath: path.join('.') || undefined, message: `${issue.message} (a lifeline.yaml has \`inputs\`: a list of files and directories, and optional \`failOn\` and \`baseline\`)`, sourceLine: pos ? document.lineText(pos.line) : undefined };
      }),
    );
  }
  const base = dirname(file);
  const relative = (p: string): string => (base === '.' ? p : join(base, p));
  return { file, inputs: parsed.data.inputs.map(relative), failOn: parsed.data.failOn, baseline: parsed.data.baseline === undefined ? undefined : relative(parsed.data.baseline) };
}

async function readDirectory(view: FileView, dir: string, add: (f: Fragment) => void, ignored: { file: string; reason: string }[]): Promise<void> {
  const entries = await view.list(dir);
  const terraform = entries.filter((e) => e.kind === 'file' && (e.name.endsWith('.tf') || e.name.endsWith('.tfvars') || e.name.endsWith('.tf.json') || e.name.endsWith('.tfvars.json')));
  if (terraform.some((e) => e.name.endsWith('.tf') || e.name.endsWith('.tf.json'))) {
    const texts = new Map<string, string>();
    for (const e of terraform) texts.set(e.name, await view.readText(join(dir, e.name)));
    add(await importTerraformFiles(dir, texts, view));
  } else for (const e of terraform) ignored.push({ file: join(dir, e.name), reason: 'Terraform variables without any .tf file' });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (terraform.includes(entry)) continue;
    if (entry.kind === 'directory') {
      // CI workflows are where deploy commands live; other subdirectories are separate inputs.
      if (entry.name === '.github' && (await view.kind(join(path, 'workflows'))) === 'directory') await readDirectory(view, join(path, 'workflows'), add, ignored);
      else if (!SKIPPED_DIRECTORIES.has(entry.name)) ignored.push({ file: path, reason: 'a subdirectory (name it to read it)' });
      continue;
    }
    if (isConfigName(entry.name)) {
      ignored.push({ file: path, reason: 'a lifeline.yaml (name it, or run from its directory, to use its inputs)' });
      continue;
    }
    const fragment = await readFile(view, path, false);
    if (typeof fragment === 'string') ignored.push({ file: path, reason: fragment });
    else add(fragment);
  }
}

/**
 * Reads one file as whatever input it is. For a file inside a directory, an unrecognised one is
 * ignored (the reason is returned); a file named explicitly must be recognised.
 */
async function readFile(view: FileView, file: string, explicit: boolean): Promise<Fragment | string> {
  const ext = extname(file).toLowerCase();
  const name = basename(file);
  if (ext === '.tf' || ext === '.tfvars') return explicit ? 'is a Terraform file: name its directory to read the module' : 'part of a Terraform module';
  const scriptLike = SCRIPT_EXTENSIONS.has(ext) || /^(GNUmakefile|[Mm]akefile|Dockerfile(\..+)?)$/.test(name) || ext === '.mk';
  const ciYaml = name === '.gitlab-ci.yml' || /^cloudbuild\.ya?ml$/.test(name) || /(^|\/)\.github\/workflows\//.test(file);
  const dataLike = ext === '.json' || ext === '.yaml' || ext === '.yml';
  if (!scriptLike && !dataLike && ext !== '') return 'not a recognised input (by its extension)';
  let text: string;
  try {
    text = await view.readText(file);
  } catch (error: unknown) {
    // An unreadable file in a directory (binary, too large) is skipped; a broken input is not.
    if (explicit || !(error instanceof InputError)) throw error;
    return error.diagnostics[0]?.message ?? 'cannot be read';
  }
  if (scriptLike || ciYaml || (ext === '' && text.startsWith('#!'))) {
    if (!explicit && !containsGcloudCommand(text)) return 'a script with no gcloud command';
    try {
      return importGcloudScript(file, text);
    } catch (error: unknown) {
      // Mentioning gcloud (a comment, an echo) is not calling it: in a directory, that is not an input.
      if (!explicit && error instanceof InputError && error.diagnostics.every((d) => d.message.startsWith('no gcloud command found'))) return 'a script with no gcloud command';
      throw error;
    }
  }
  if (!dataLike) return 'not a recognised input (no extension and no #! line)';
  const document = parseSource(file, text);
  return fragmentOfDocument(document, text, explicit);
}

function fragmentOfDocument(document: SourceDocument, text: string, explicit: boolean): Fragment | string {
  const value = document.value;
  const file = document.file;
  if (isTerraformPlan(value)) return importTerraformPlan(file, text, document);
  if (cloudRunKind(value) !== undefined) return importCloudRunDocument(document);
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  // Kubernetes-shaped documents: the Cloud Run importer says what a Cloud Run service needs.
  if (record && 'apiVersion' in record && 'kind' in record) return importCloudRunDocument(document);
  if (record && ('jobs' in record || 'steps' in record || 'stages' in record)) {
    if (containsGcloudCommand(text)) return importGcloudScript(file, text);
    return explicit ? importGcloudScript(file, text) : 'a CI workflow with no gcloud command';
  }
  if (record && ('format_version' in record || 'terraform_version' in record)) return importTerraformPlan(file, text, document);
  if (!explicit && !looksLikeTopology(record)) return 'not a recognised input (not a topology, Terraform plan or Cloud Run service)';
  return topologyFragment(document);
}

const TOPOLOGY_KEYS = new Set(['version', 'project', 'region', 'networks', 'addresses', 'connectors', 'databases', 'caches', 'externals', 'secrets', 'services', 'loadBalancers']);

function looksLikeTopology(record: Record<string, unknown> | undefined): boolean {
  if (!record) return false;
  const keys = Object.keys(record);
  // Every topology list is a list: a docker-compose file's `services` mapping is not one.
  const listsAreLists = keys.every((k) => ['version', 'project', 'region'].includes(k) || Array.isArray(record[k]));
  return keys.length > 0 && keys.every((k) => TOPOLOGY_KEYS.has(k)) && listsAreLists;
}
