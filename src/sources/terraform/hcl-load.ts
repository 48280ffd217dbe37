import { join, normalize, relative, resolve } from 'node:path';
import { isCredentialKey } from '../../model/redact.js';
import { runSecrets } from '../../model/secret-registry.js';
import { parseSource } from '../document.js';
import { formatKeyPath, InputError } from '../errors.js';
import { asRecord, moduleConfig, type ModuleCall, type ModuleConfig, type ParsedFile } from './hcl-config.js';
import { configFileKind, fileProblem, problemAt, variableFilesInOrder, type ConfigReader } from './hcl-files.js';
import { outlineHcl } from './hcl-outline.js';
import { parseHcl } from './hcl-parse.js';

/** What loading shares: where files come from, every text read (for code frames), and notes. */
export interface LoadContext {
  readonly reader: ConfigReader;
  readonly texts: Map<string, string>;
  readonly notes: string[];
  /** Where `terraform init` put the modules it fetched, when it ran. */
  manifest?: ModuleManifest;
  /** The `--var-file` files given (resolved), which are read, not noted as skipped. */
  readonly varFiles?: ReadonlySet<string>;
}

/**
 * `.terraform/modules/modules.json`, as `terraform init` writes it: each module call, by its key
 * (`vpc`, `vpc.subnets` for a call inside the `vpc` module), and the directory it was fetched to.
 */
export interface ModuleManifest {
  readonly file: string;
  readonly dirs: ReadonlyMap<string, string>;
}

const MANIFEST = join('.terraform', 'modules', 'modules.json');

/** The root module's manifest of fetched modules, or undefined when `terraform init` has not run. */
export async function readModuleManifest(context: LoadContext, root: string): Promise<ModuleManifest | undefined> {
  const file = join(root, MANIFEST);
  if (!(await context.reader.isFile(file))) return undefined;
  const text = await context.reader.read(file);
  context.texts.set(file, text);
  const doc = parseSource(file, text);
  const expected = (path: readonly (string | number)[], what: string): never => {
    const at = doc.locate(path);
    throw new InputError([{ file, line: at?.line, column: at?.column, keyPath: path.length > 0 ? formatKeyPath(path) : undefined, message: `expected ${what}, as \`terraform init\` writes it`, sourceLine: at ? doc.lineText(at.line) : undefined }]);
  };
  const modules = asRecord(doc.value)?.Modules;
  if (!Array.isArray(modules)) return expected([], 'an object with a "Modules" list');
  const dirs = new Map<string, string>();
  modules.forEach((entry: unknown, i) => {
    const record = asRecord(entry);
    if (typeof record?.Key !== 'string' || typeof record.Dir !== 'string') return expected(['Modules', i], 'a module entry with string "Key" and "Dir"');
    if (record.Key === '') return;
    // A directory outside the configuration is not read: the manifest names where init wrote, under the root.
    const dir = normalize(join(root, record.Dir));
    if (relative(resolve(root), resolve(dir)).startsWith('..')) {
      context.notes.push(`${file}: module "${record.Key}" is in ${record.Dir}, outside the configuration directory; not read`);
      return;
    }
    dirs.set(record.Key, dir);
  });
  return { file, dirs };
}

/** A local module source: Terraform's rule is that it starts with `./` or `../` (developer.hashicorp.com/terraform/language/modules/sources#local-paths). */
export function isLocalSource(source: string | undefined): boolean {
  return source !== undefined && /^\.\.?[\\/]/.test(source);
}

/**
 * Reads a module directory's `*.tf` files and, recursively, the local modules it calls.
 * Every syntax error of every file is reported at once.
 */
export async function loadModule(context: LoadContext, dir: string, names: readonly string[], chain: readonly string[] = [], key = ''): Promise<ModuleConfig> {
  const { texts, notes } = context;
  const read: { file: string; text: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const kind = configFileKind(name);
    if (kind === 'hcl-override') notes.push(`${file}: override files are not applied; the model shows the configuration without them`);
    if (kind === 'json-config') notes.push(`${file}: JSON configuration syntax (*.tf.json) is not read; what it declares is not in the model`);
    if (kind === 'tfvars-manual' && chain.length === 0 && context.varFiles?.has(resolve(file)) !== true) notes.push(`${file}: not read (Terraform loads it only with -var-file); variables take terraform.tfvars, *.auto.tfvars and defaults`);
    if (kind !== 'hcl') continue;
    const text = await context.reader.read(file);
    texts.set(file, text);
    read.push({ file, text });
  }
  // Parsed together: the parser (WebAssembly) idles between calls made one after another.
  const parsed = await Promise.allSettled(read.map(async ({ file, text }): Promise<ParsedFile> => ({ file, text, body: await parseHcl(file, text), outline: outlineHcl(text) })));
  const files: ParsedFile[] = [];
  const problems: InputError[] = [];
  for (const result of parsed) {
    if (result.status === 'fulfilled') files.push(result.value);
    else if (result.reason instanceof InputError) problems.push(result.reason);
    else throw result.reason;
  }
  if (problems.length > 0) throw new InputError(problems.flatMap((e) => e.diagnostics), { syntax: problems.every((e) => e.syntax) });
  if (files.length === 0 && chain.length === 0) {
    const onlyJson = names.some((n) => configFileKind(n) === 'json-config');
    throw new InputError([
      fileProblem(
        dir,
        onlyJson
          ? 'holds only JSON configuration (*.tf.json), which Lifeline does not read; check a plan instead (terraform show -json PLAN > plan.json)'
          : 'contains no Terraform configuration files (*.tf); expected the directory you run `terraform plan` in',
      ),
    ]);
  }
  const config = moduleConfig(dir, files);
  // Child modules load together, each into its own texts and notes, merged back in call order so
  // that what is listed does not depend on which finished first.
  const loads = [...config.modules.values()].map(async (call) => {
    const callKey = key === '' ? call.name : `${key}.${call.name}`;
    const fetched = context.manifest?.dirs.get(callKey);
    const own: LoadContext = { ...context, texts: new Map(), notes: [] };
    const from = call.source !== undefined && isLocalSource(call.source) ? join(dir, call.source) : fetched;
    if (from !== undefined) call.child = await loadChild(own, call, from, [...chain, resolve(dir)], callKey);
    return own;
  });
  const settled = await Promise.allSettled(loads);
  for (const result of settled) {
    if (result.status === 'rejected') throw result.reason;
    for (const [file, text] of result.value.texts) texts.set(file, text);
    notes.push(...result.value.notes);
  }
  return config;
}

async function loadChild(context: LoadContext, call: ModuleCall, dir: string, chain: readonly string[], key: string): Promise<ModuleConfig> {
  const sourceAt = call.block.body.find((item) => item.kind === 'attribute' && item.name === 'source')?.at ?? call.block.at;
  const fail = (message: string): never => {
    throw new InputError([problemAt(call.file, call.text, sourceAt, message)]);
  };
  if (chain.includes(resolve(dir))) return fail(`module "${call.name}": source "${call.source ?? ''}" calls a module that calls it (a cycle)`);
  let names: string[];
  try {
    names = await context.reader.list(dir);
  } catch (error: unknown) {
    if (!(error instanceof InputError)) throw error;
    return fail(`module "${call.name}": source "${call.source ?? ''}" ${error.diagnostics[0]?.message ?? 'cannot be read'} (${dir})`);
  }
  const config = await loadModule(context, dir, names, chain, key);
  if (config.files.length === 0) return fail(`module "${call.name}": source "${call.source ?? ''}" contains no Terraform configuration files (*.tf) (${dir})`);
  return config;
}

/**
 * Variable values given outside the configuration, as Terraform takes them: `TF_VAR_name`
 * environment variables, `-var-file` files and `-var name=value` flags.
 */
export interface VariableInputs {
  /** `TF_VAR_*` of the environment, by variable name. */
  readonly environment: ReadonlyMap<string, string>;
  /** `--var-file` files, in the order given. */
  readonly files: readonly string[];
  /** `--var name=value`, in the order given. */
  readonly values: readonly (readonly [string, string])[];
}

export const NO_VARIABLE_INPUTS: VariableInputs = { environment: new Map(), files: [], values: [] };

/**
 * The root module's variable values, with Terraform's precedence, later winning
 * (developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence):
 * `TF_VAR_*`, then `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in name order,
 * then `--var-file` files, then `--var` flags. Values from the environment and flags are strings, as
 * Terraform reads them for string variables; the variable's type converts them.
 */
export async function readVariableValues(context: LoadContext, dir: string, names: readonly string[], given: VariableInputs = NO_VARIABLE_INPUTS): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  // A value given under a credential's name (TF_VAR_db_password) is never printed.
  const outside = (key: string, value: string): void => {
    if (isCredentialKey(key)) runSecrets.add(value);
    values.set(key, literalStrings(value));
  };
  for (const [key, value] of given.environment) outside(key, value);
  const read = async (file: string, json: boolean): Promise<void> => {
    const text = await context.reader.read(file);
    context.texts.set(file, text);
    const parsed = json ? parseTfvarsJson(file, text) : await parseHcl(file, text);
    for (const [key, value] of Object.entries(parsed)) values.set(key, value);
  };
  for (const name of variableFilesInOrder(names)) await read(join(dir, name), configFileKind(name) === 'tfvars-json');
  for (const file of given.files) {
    if (!(await context.reader.isFile(file))) throw new InputError([fileProblem(file, 'given with --var-file, but no such file: expected a Terraform variables file (.tfvars or .tfvars.json)')]);
    await read(file, file.endsWith('.json'));
  }
  for (const [key, value] of given.values) outside(key, value);
  return values;
}

function parseTfvarsJson(file: string, text: string): Readonly<Record<string, unknown>> {
  if (text.trim() === '') return {};
  const value = asRecord(parseSource(file, text).value);
  if (!value) throw new InputError([fileProblem(file, 'expected a JSON object of variable values, such as {"region": "europe-west1"}')]);
  return literalStrings(value) as Readonly<Record<string, unknown>>;
}

/** Strings in a JSON variable file are literal: escape what the evaluator would read as a template. */
function literalStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/([$%])\{/g, '$1$1{');
  if (Array.isArray(value)) return value.map(literalStrings);
  const record = asRecord(value);
  return record ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k, literalStrings(v)])) : value;
}
