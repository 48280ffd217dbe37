import { resolve } from 'node:path';
import { redactUrlPasswords } from '../../model/redact.js';
import { lineOf, type Fragment } from '../fragment.js';
import { workTree, type FileView } from '../file-view.js';
import type { ModuleConfig } from './hcl-config.js';
import { ExpressionTable } from './hcl-expression.js';
import { ConfigReader } from './hcl-files.js';
import { isLocalSource, loadModule, NO_VARIABLE_INPUTS, readModuleManifest, readVariableValues, type LoadContext, type VariableInputs } from './hcl-load.js';
import { googleProviderSetting } from './hcl-reference.js';
import { readResource } from './hcl-resource.js';
import { instanceSuffix, MAX_INSTANCES, ModuleScope } from './hcl-scope.js';
import type { TerraformInput, TerraformResource } from './resource.js';
import { terraformFragment } from './resources.js';

/** What {@link readTerraformDirectory} found: the resources, plus every file it read. */
export type TerraformDirectory = TerraformInput & {
  /** Every file read (`.tf`, variable files, local modules' files), root first. */
  readonly files: readonly string[];
  /** Their texts, by file, for code frames. */
  readonly texts: ReadonlyMap<string, string>;
};

/**
 * Reads a Terraform configuration directory (the one you run `terraform plan` in) without running
 * Terraform: every `*.tf` file, the variable files Terraform loads automatically, and local
 * modules. Expressions are evaluated on HashiCorp's syntax tree (variables, locals, functions,
 * conditionals, `for`, references between resources); what is not known before apply is
 * unknown, with the reason.
 *
 * @example
 * const { resources, provider, notes } = await readTerraformDirectory('infra/staging');
 * resources.find((r) => r.address === 'google_compute_network.vpc')?.values.name; // 'vpc'
 */
export async function readTerraformDirectory(dir: string, view: FileView = workTree, variables: VariableInputs = NO_VARIABLE_INPUTS): Promise<TerraformDirectory> {
  return readConfiguration(dir, new ConfigReader(view), variables);
}

async function readConfiguration(dir: string, reader: ConfigReader, variables: VariableInputs, names?: readonly string[]): Promise<TerraformDirectory> {
  const context: LoadContext = { reader, texts: new Map(), notes: [], varFiles: new Set(variables.files.map((f) => resolve(f))) };
  const listed = names ?? (await reader.list(dir));
  context.manifest = await readModuleManifest(context, dir);
  const config = await loadModule(context, dir, listed);
  const values = await readVariableValues(context, dir, listed, variables);
  const table = new ExpressionTable();
  await table.prepare([...moduleBodies(config), ...values.values()]);
  const root = new ModuleScope(config, { kind: 'tfvars', values }, table);
  const resources: TerraformResource[] = [];
  collectResources(root, resources, context.notes);
  const provider = providerSettings(root, context.notes);
  return { resources, provider, notes: context.notes, files: [...context.texts.keys()], texts: context.texts };
}

/** The parsed bodies of a module's files and of every module it calls, for parsing their expressions up front. */
function* moduleBodies(config: ModuleConfig): Generator {
  for (const file of config.files) yield file.body;
  for (const call of config.modules.values()) if (call.child) yield* moduleBodies(call.child);
}

/**
 * Imports a Terraform configuration directory as a fragment of the topology.
 *
 * @example
 * const fragment = await importTerraformDirectory('infra/staging');
 * fragment.data.networks; // [{ name: 'vpc', subnets: [...] }]
 */
export async function importTerraformDirectory(dir: string, view: FileView = workTree): Promise<Fragment> {
  return fragmentOf(dir, await readTerraformDirectory(dir, view));
}

/**
 * Like {@link importTerraformDirectory}, for a directory whose files were already read: `texts`
 * holds them by name (`main.tf`); local modules are read through `view`. Also gives every file
 * read (the local modules' too), so a directory walk knows which modules were read as children.
 *
 * @example
 * const texts = new Map([['main.tf', await view.readText('infra/main.tf')]]);
 * const { fragment, files } = await importTerraformFiles('infra', texts, view);
 * files; // ['infra/main.tf', 'infra/modules/net/main.tf']
 */
export async function importTerraformFiles(
  dir: string,
  texts: ReadonlyMap<string, string>,
  view: FileView,
  variables: VariableInputs = NO_VARIABLE_INPUTS,
): Promise<{ readonly fragment: Fragment; readonly files: readonly string[] }> {
  const names = [...texts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const input = await readConfiguration(dir, new ConfigReader(view, { dir, texts }), variables, names);
  return { fragment: fragmentOf(dir, input), files: input.files };
}

function fragmentOf(dir: string, input: TerraformDirectory): Fragment {
  return terraformFragment(dir, 'terraform-hcl', input, (file, line) => {
    const text = input.texts.get(file);
    return text === undefined ? undefined : lineOf(text, line);
  });
}

function collectResources(scope: ModuleScope, resources: TerraformResource[], notes: string[]): void {
  for (const declared of scope.config.resources.values()) {
    const address = `${scope.prefix}${declared.type}.${declared.name}`;
    const instances = scope.instances(declared.body);
    switch (instances.kind) {
      case 'none':
        break;
      case 'single':
        resources.push(readResource(scope, declared, { address, bindings: new Map() }, notes));
        break;
      case 'unknown':
        notes.push(`${address}: ${instances.note}`);
        resources.push(readResource(scope, declared, { address, bindings: instances.bindings }, notes));
        break;
      case 'expanded':
        if (instances.total > MAX_INSTANCES) notes.push(`${address}: only the first ${MAX_INSTANCES} of ${instances.total} instances are read`);
        for (const instance of instances.instances) resources.push(readResource(scope, declared, { address: address + instanceSuffix(instance.key), bindings: instance.bindings }, notes));
        break;
      default:
        instances satisfies never;
    }
  }
  for (const call of scope.config.modules.values()) {
    const instances = scope.instances(call.body);
    if (instances.kind === 'none') continue;
    const address = `${scope.prefix}module.${call.name}`;
    if (instances.kind === 'unknown') notes.push(`${address}: ${instances.note}`);
    if (instances.kind === 'expanded') notes.push(`${address}: ${instances.instances.length} instances of the module are read as one`);
    const child = scope.child(call.name);
    if (child) collectResources(child, resources, notes);
    else if (!isLocalSource(call.source)) {
      const source = call.source === undefined ? 'not a literal string' : `"${redactUrlPasswords(call.source)}"`;
      const within = scope.prefix === '' ? '' : ` in ${scope.prefix.slice(0, -1)}`;
      notes.push(`module "${call.name}"${within} (source ${source}) not fetched: resources it creates are not in the model (run \`terraform init\` to fetch it, or check a plan)`);
    }
  }
}

/** The root google provider's project and region when they are known; a note when they are not. */
function providerSettings(root: ModuleScope, notes: string[]): TerraformInput['provider'] {
  const provider: { project?: string; region?: string; regionReason?: string } = {};
  for (const setting of ['project', 'region'] as const) {
    const value = googleProviderSetting(root, setting);
    if (value === undefined) continue;
    if (value.kind === 'known' && typeof value.value === 'string') provider[setting] = value.value;
    else {
      if (setting === 'region') provider.regionReason = `provider "google" region: ${value.kind === 'unknown' ? value.reason : 'not a string'}`;
      notes.push(`provider "google" ${setting}: ${value.kind === 'unknown' ? value.reason : 'not a string'}; the topology's ${setting} is not set from it`);
    }
  }
  return provider;
}
