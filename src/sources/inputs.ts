import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { diagnosticAt, parseSource, parseSourceDocuments, type KeyPath } from './document.js';
import { ruleEntryProblems, type ConfigRuleEntry } from '../analysis/rule-settings.js';
import { schemaDiagnostics } from './topology-file.js';
import { cloudDeployPlacements, placeFragment, type Placement } from './cloud-deploy.js';
import { InputError, type Diagnostic } from './errors.js';
import type { Fragment, InputFormat } from './fragment.js';
import { readInputFile, syntaxReason } from './input-file.js';
import { importTerraformFiles } from './terraform/hcl.js';
import type { VariableInputs } from './terraform/hcl-load.js';
import { walkDirectory } from './walk.js';
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

const SEVERITIES = ['critical', 'warning', 'info'] as const;
const ruleEntrySchema = z.union([
  z.enum(['off', ...SEVERITIES]).describe('`off` (the rule does not run) or the severity every finding of the rule gets.'),
  z
    .strictObject({
      severity: z.enum(['off', ...SEVERITIES]).optional().describe('`off`, or the severity every finding of the rule gets (default: the rule\'s own).'),
      options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional().describe('The rule\'s options, as `lifeline explain RULE` lists them, by name.'),
    })
    .describe('A severity and options for the rule.'),
]);

const configSchema = z
  .strictObject({
    inputs: z.array(z.string().min(1)).min(1).describe('Files and directories to read, relative to this file.'),
    failOn: z.enum(SEVERITIES).optional().describe('Exit 1 when a finding is at or above this severity (default: critical).'),
    baseline: z.string().optional().describe('A baseline file, relative to this file.'),
    rules: z.record(z.string(), ruleEntrySchema).optional().describe('Per rule, by id: `off`, a severity, or `{severity, options}`. Coverage rules always run.'),
  })
  .describe('A lifeline.yaml: what `lifeline check` reads and how it judges.');

export interface LifelineConfig {
  readonly file: string;
  readonly inputs: readonly string[];
  readonly failOn: 'critical' | 'warning' | 'info' | undefined;
  readonly baseline: string | undefined;
  /** The `rules:` map, validated: every id a rule, every option one it has. */
  readonly rules: Readonly<Record<string, ConfigRuleEntry>> | undefined;
}

export interface ResolveOptions {
  /** Globs matched against paths relative to each directory named; matches are not read. */
  readonly exclude?: readonly string[];
  /** Terraform variable values from outside the configuration (`TF_VAR_*`, `--var-file`, `--var`), for every root module read. */
  readonly variables?: VariableInputs;
}

const located = (file: string, message: string): Diagnostic => ({ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined });

/**
 * Resolves what the user named (files, directories, `lifeline.yaml`; nothing means the nearest
 * `lifeline.yaml`, from the current directory up to the repository root) into fragments, through
 * `view` (the work tree or a git revision).
 */
export async function resolveInputs(view: FileView, names: readonly string[], configFile?: string, options: ResolveOptions = {}): Promise<ResolvedInputs> {
  let config: LifelineConfig | undefined;
  let targets = names;
  if (configFile !== undefined || names.length === 0) {
    const file = configFile ?? (await findConfigUpwards(view));
    if (file === undefined) {
      throw new InputError([located('.', 'no inputs given and no lifeline.yaml here or in a parent directory up to the repository root; name files or directories, or write a lifeline.yaml listing `inputs`')]);
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
  const modules = new Set<string>();
  const directories: string[] = [];
  // .tf files named one by one: their directory is the module, once however many are named.
  const terraformDirectories: string[] = [];
  for (const target of targets) {
    try {
      const kind = await view.kind(target);
      if (kind === undefined) throw new InputError([located(target, view === workTree ? 'no such file or directory' : `no such file or directory at ${view.label}`)]);
      if (kind === 'directory') {
        directories.push(target);
        for (const found of await readDirectory(view, target, modules, options)) {
          if ('fragment' in found) add(found.fragment);
          else ignored.push(found);
        }
      } else if (isTerraformConfigName(target)) {
        const dir = dirname(target);
        if (!terraformDirectories.includes(dir)) terraformDirectories.push(dir);
      } else {
        const found = await readInputFile(view, target, true);
        if ('ignored' in found) throw new InputError(found.ignored.map((reason) => located(target, reason)));
        add(found.fragment);
        ignored.push(...found.ignoredDocuments.map((reason) => ({ file: target, reason })));
      }
    } catch (error: unknown) {
      if (error instanceof InputError) diagnostics.push(...error.diagnostics);
      else throw error;
    }
  }
  for (const dir of terraformDirectories) {
    try {
      const module = await readTerraformModule(view, dir, (await view.list(dir)).filter((e) => e.kind === 'file').map((e) => e.name), modules, options.variables);
      if (module !== undefined) add(module.fragment);
    } catch (error: unknown) {
      if (error instanceof InputError) diagnostics.push(...error.diagnostics);
      else throw error;
    }
  }
  if (diagnostics.length > 0) throw new InputError(diagnostics);
  if (fragments.length === 0) throw new InputError([located(targets.join(', '), nothingRecognised(directories, ignored))]);
  return { fragments, read, ignored, config };
}

const RECOGNISED = 'topology YAML/JSON, Terraform plan JSON or .tf files, Cloud Run service YAML/JSON, deploy scripts calling gcloud or the Cloud Run Admin API';

/** Why nothing was read: for directories, what each file was and why it was ignored (the first 20). */
function nothingRecognised(directories: readonly string[], ignored: readonly { file: string; reason: string }[]): string {
  if (directories.length === 0) return `no recognised input (${RECOGNISED})`;
  const shown = ignored.slice(0, 20).map((i) => `${i.file} (${i.reason})`);
  const more = ignored.length > shown.length ? `, and ${ignored.length - shown.length} more` : '';
  const list = ignored.length > 0 ? `; ignored: ${shown.join(', ')}${more}` : '; the directory holds no files';
  return `no recognised input (${RECOGNISED}) in ${directories.join(', ')}: read nothing${list}`;
}

const isTerraformConfigName = (file: string): boolean => file.endsWith('.tf') || file.endsWith('.tf.json');
const isTerraformName = (name: string): boolean => isTerraformConfigName(name) || name.endsWith('.tfvars') || name.endsWith('.tfvars.json');

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

/**
 * The nearest lifeline.yaml, as eslint and git find theirs: the current directory, then each parent
 * up to the repository root (the directory holding `.git`, looked up in the work tree). Outside a
 * repository, only the current directory.
 */
async function findConfigUpwards(view: FileView): Promise<string | undefined> {
  const here = await findConfig(view);
  if (here !== undefined) return here;
  const candidates: string[] = [];
  for (let dir = '..', depth = 0; depth < 64; dir = join(dir, '..'), depth++) {
    const below = dir === '..' ? '.' : dirname(dir);
    if ((await workTree.kind(join(below, '.git'))) !== undefined) break;
    if (resolve(dir) === resolve(below)) return undefined; // the file system's root: not in a repository
    candidates.push(dir);
  }
  for (const dir of candidates) {
    const file = await findConfig(view, dir);
    if (file !== undefined) return file;
  }
  return undefined;
}

async function readConfig(view: FileView, file: string): Promise<LifelineConfig> {
  const document = parseSource(file, await view.readText(file));
  const target = { value: document.value, diagnose: (path: KeyPath, message: string, options?: { key?: boolean }) => diagnosticAt(document, path, message, options) };
  if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
    throw new InputError([target.diagnose([], 'expected a mapping at the top level: `inputs` (a list of files and directories), and optional `failOn`, `baseline` and `rules`')]);
  }
  const parsed = configSchema.safeParse(document.value);
  if (!parsed.success) throw new InputError(schemaDiagnostics(target, parsed.error.issues, configSchema));
  const rules = parsed.data.rules;
  const problems = Object.entries(rules ?? {}).flatMap(([id, entry]) => ruleEntryProblems(id, entry).map((p) => target.diagnose(['rules', id, ...p.path], p.message, { key: p.key === true })));
  if (problems.length > 0) throw new InputError(problems);
  const base = dirname(file);
  const relative = (p: string): string => (base === '.' ? p : join(base, p));
  return { file, inputs: parsed.data.inputs.map(relative), failOn: parsed.data.failOn, baseline: parsed.data.baseline === undefined ? undefined : relative(parsed.data.baseline), rules };
}

type Found = { readonly fragment: Fragment } | { readonly file: string; readonly reason: string };

/**
 * A directory and its subdirectories: each directory with `.tf` files is one Terraform module,
 * every other file is read as whatever input it is or listed with the reason it was not. Modules
 * called by another module of the walk (`source = "./modules/x"`) are read as part of their
 * caller, not again on their own.
 */
async function readDirectory(view: FileView, root: string, modules: Set<string>, options: ResolveOptions): Promise<Found[]> {
  const walk = await walkDirectory(view, root, options.exclude ? { exclude: options.exclude } : {});
  const found: (Found | { readonly module: TerraformModule; readonly dir: string })[] = [];
  const placements: Placement[] = [];
  // Module directories a module already read as its child, and by which: not read again alone
  // (a caller is walked before the modules under it, so most children are found here).
  const readAsChild = new Map<string, string>();
  for (const { dir, relative, files } of walk.directories) {
    const terraform = files.filter(isTerraformName);
    const caller = readAsChild.get(resolve(dir));
    if (caller !== undefined && terraform.some(isTerraformConfigName)) {
      found.push({ file: dir, reason: `a Terraform module called by ${caller}: read as part of it` });
    } else if (terraform.some(isTerraformConfigName)) {
      try {
        const module = await readTerraformModule(view, dir, terraform, modules, options.variables);
        if (module !== undefined) {
          found.push({ module, dir });
          for (const file of module.files) {
            const child = resolve(dirname(file));
            if (child !== resolve(dir) && !readAsChild.has(child)) readAsChild.set(child, dir);
          }
        }
      } catch (error: unknown) {
        // A module below the named directory that cannot be parsed is skipped, located; the named directory's own module is an error.
        if (relative === '.' || !(error instanceof InputError) || !error.syntax) throw error;
        found.push({ file: dir, reason: `a Terraform module that ${syntaxReason(error)}` });
      }
    } else for (const name of terraform) found.push({ file: join(dir, name), reason: 'Terraform variables without any .tf file' });
    for (const name of files) {
      const path = join(dir, name);
      if (terraform.includes(name)) continue;
      if (isConfigName(name)) {
        found.push({ file: path, reason: 'a lifeline.yaml (name it, or run from its directory, to use its inputs)' });
        continue;
      }
      const read = await readInputFile(view, path, false);
      if ('ignored' in read) {
        found.push(...read.ignored.map((reason) => ({ file: path, reason })));
        // A Cloud Deploy pipeline is not a service, but it says where its manifests deploy.
        if (read.ignored.some((reason) => reason.includes('Cloud Deploy DeliveryPipeline'))) {
          const placed = await cloudDeployPlacements(view, path, parseSourceDocuments(path, await view.readText(path)), root);
          placements.push(...placed.placements);
          found.push(...placed.notes.map((reason) => ({ file: path, reason })));
        }
      } else {
        found.push({ fragment: read.fragment });
        found.push(...read.ignoredDocuments.map((reason) => ({ file: path, reason })));
      }
    }
  }
  found.push(...walk.skipped);
  // Which module directories some other module read as its child.
  const calledBy = new Map<string, string>();
  for (const f of found) {
    if (!('module' in f)) continue;
    for (const file of f.module.files) {
      const child = resolve(dirname(file));
      if (child !== resolve(f.dir) && !calledBy.has(child)) calledBy.set(child, f.dir);
    }
  }
  return found.map((f): Found => {
    if ('fragment' in f && f.fragment.format === 'cloud-run') return { fragment: placeFragment(f.fragment, placements) };
    if (!('module' in f)) return f;
    const caller = calledBy.get(resolve(f.dir));
    return caller === undefined ? { fragment: f.module.fragment } : { file: f.dir, reason: `a Terraform module called by ${caller}: read as part of it` };
  });
}

interface TerraformModule {
  readonly fragment: Fragment;
  /** Every file the module read, its called local modules' included. */
  readonly files: readonly string[];
}

/** One Terraform module (a directory's `.tf` and variable files); undefined when it was already read. */
async function readTerraformModule(view: FileView, dir: string, names: readonly string[], modules: Set<string>, variables?: VariableInputs): Promise<TerraformModule | undefined> {
  const key = resolve(dir);
  if (modules.has(key)) return undefined;
  modules.add(key);
  const texts = new Map<string, string>();
  for (const name of names.filter(isTerraformName)) texts.set(name, await view.readText(join(dir, name)));
  return importTerraformFiles(dir, texts, view, variables);
}
