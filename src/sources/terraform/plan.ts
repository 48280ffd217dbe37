import { runSecrets } from '../../model/secret-registry.js';
import { stringsIn } from './hcl-values.js';
import { diagnosticAt, parseSource, type KeyPath, type SourceDocument } from '../document.js';
import { formatKeyPath, InputError, type Diagnostic } from '../errors.js';
import type { Fragment, Located } from '../fragment.js';
import type { TerraformInput, TerraformResource } from './resource.js';
import { terraformFragment } from './resources.js';

/**
 * Reads the JSON of a saved plan (`terraform show -json PLANFILE`), as documented at
 * developer.hashicorp.com/terraform/internals/json-format: resources come from `planned_values`
 * (root module and child modules), what is unknown from each resource's `change.after_unknown`,
 * and what refers to what from `configuration`. Positions point into `planned_values` and are
 * resolved only when a finding needs them.
 */

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for the JSON of a Terraform plan (or state), for input detection. */
export function isTerraformPlan(value: unknown): boolean {
  return isObject(value) && 'format_version' in value && ('planned_values' in value || 'resource_changes' in value || 'terraform_version' in value);
}

/**
 * @example
 * const fragment = importTerraformPlan('plan.json', await readTextFile('plan.json'));
 * fragment.unknownReason(['databases', 0, 'privateIp']); // 'known after apply (google_sql_database_instance.main.private_ip_address)'
 */
export function importTerraformPlan(file: string, text: string, document: SourceDocument = parseSource(file, text)): Fragment {
  const plan = checkedPlan(document);
  const input = readPlan(document, plan);
  return terraformFragment(file, 'terraform-plan', input, (at, line) => (at === file ? document.lineText(line) : undefined));
}

// Major version 1 is the format of Terraform 1.x and OpenTofu; 0.1 (Terraform 0.12 to 0.14) and 0.2
// (0.15, which added after_sensitive) have the same planned_values, resource_changes and
// configuration. A new major version is not backward-compatible and must be rejected (the
// format's own versioning rule).
const SUPPORTED_FORMAT = /^(?:0\.[12]|1\.\d+)$/;

function checkedPlan(doc: SourceDocument): JsonObject {
  const fail = (path: KeyPath, message: string): never => {
    throw new InputError([diagnosticAt(doc, path, message)]);
  };
  const plan = doc.value;
  if (!isObject(plan)) return fail([], 'expected a Terraform plan: the JSON object printed by `terraform show -json PLANFILE`');
  const version = plan.format_version;
  if (version === undefined) return fail([], 'not a Terraform plan: no `format_version` (expected the output of `terraform show -json PLANFILE`)');
  if (typeof version !== 'string' || !SUPPORTED_FORMAT.test(version)) {
    return fail(['format_version'], `unsupported format_version ${JSON.stringify(version)}: Lifeline reads the Terraform JSON plan formats 0.1 to 1.x (Terraform 0.12 and later, OpenTofu)`);
  }
  if (plan.planned_values === undefined) {
    if ('values' in plan) return fail([], 'this is Terraform state, not a plan: save a plan with `terraform plan -out=PLANFILE` and give the output of `terraform show -json PLANFILE`');
    return fail([], 'not a Terraform plan: no `planned_values` (give the output of `terraform show -json PLANFILE`)');
  }
  if (!isObject(plan.planned_values)) return fail(['planned_values'], 'expected `planned_values` to be an object with a `root_module`');
  return plan;
}

interface ModuleConfig {
  readonly resources: Map<string, JsonObject>;
  /** A module call's outputs (`module.db.private_ip`, without instance keys) → the references of each output's expression. */
  readonly outputs: Map<string, readonly unknown[]>;
}

function readPlan(doc: SourceDocument, plan: JsonObject): TerraformInput {
  const changes = new Map<string, JsonObject>();
  for (const change of asArray(plan.resource_changes)) {
    if (isObject(change) && typeof change.address === 'string') changes.set(change.address, change);
  }
  const configuration = isObject(plan.configuration) ? plan.configuration : {};
  const config: ModuleConfig = { resources: new Map(), outputs: new Map() };
  if (isObject(configuration.root_module)) indexConfiguration(configuration.root_module, '', config);
  const resources: TerraformResource[] = [];
  const problems: Diagnostic[] = [];
  const planned = plan.planned_values as JsonObject;
  if (planned.root_module !== undefined) {
    walkModule(planned.root_module, ['planned_values', 'root_module'], (resource, path) => {
      if (resource.mode !== undefined && resource.mode !== 'managed') return;
      const { address, type, name } = resource;
      if (typeof address !== 'string' || typeof type !== 'string' || typeof name !== 'string') {
        problems.push(diagnosticAt(doc, path, 'expected a resource with string `address`, `type` and `name`'));
        return;
      }
      const change = changes.get(address);
      const actions = isObject(change?.change) ? change.change.actions : undefined;
      // A resource the plan deletes is not there after apply (replacements are delete + create).
      if (Array.isArray(actions) && actions.length === 1 && actions[0] === 'delete') return;
      // Values the plan marks sensitive (sensitive_values, after_sensitive) are never printed.
      const values = isObject(resource.values) ? resource.values : {};
      registerSensitive(values, resource.sensitive_values);
      if (isObject(change?.change)) registerSensitive(values, change.change.after_sensitive);
      const moduleAddress = moduleOf(address, type, name);
      const expressions = config.resources.get(`${withoutKeys(moduleAddress)}${type}.${name}`)?.expressions;
      resources.push(
        new PlanResource(doc, path, { address, type, values: isObject(resource.values) ? resource.values : {} }, {
          afterUnknown: isObject(change?.change) ? change.change.after_unknown : undefined,
          expressions: isObject(expressions) ? expressions : {},
          modulePrefix: moduleAddress,
          outputs: config.outputs,
        }),
      );
    }, problems, doc);
  }
  if (problems.length > 0) throw new InputError(problems.slice(0, 50));
  const notes: string[] = [];
  if (plan.errored === true) notes.push(`${doc.file}: Terraform reported errors while planning; the plan may be incomplete`);
  return { resources, provider: providerOf(configuration), notes };
}

const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** Registers as secrets the strings of `values` where `mask` (shaped like the values) is true. */
function registerSensitive(values: unknown, mask: unknown, depth = 0): void {
  if (depth > 64) return;
  if (mask === true) {
    for (const text of stringsIn(values)) runSecrets.add(text);
    return;
  }
  if (Array.isArray(mask) && Array.isArray(values)) {
    mask.forEach((m: unknown, i) => {
      registerSensitive(values[i], m, depth + 1);
    });
  }
  else if (isObject(mask) && isObject(values)) for (const [key, m] of Object.entries(mask)) registerSensitive(values[key], m, depth + 1);
}

function walkModule(module: unknown, path: KeyPath, visit: (resource: JsonObject, path: KeyPath) => void, problems: Diagnostic[], doc: SourceDocument): void {
  if (!isObject(module)) {
    problems.push(diagnosticAt(doc, path, 'expected a module object with `resources` and `child_modules`'));
    return;
  }
  for (const key of ['resources', 'child_modules'] as const) {
    if (module[key] !== undefined && !Array.isArray(module[key])) problems.push(diagnosticAt(doc, [...path, key], `expected \`${key}\` to be a list`));
  }
  asArray(module.resources).forEach((resource, j) => {
    if (isObject(resource)) visit(resource, [...path, 'resources', j]);
    else problems.push(diagnosticAt(doc, [...path, 'resources', j], 'expected a resource object'));
  });
  asArray(module.child_modules).forEach((child, i) => {
    walkModule(child, [...path, 'child_modules', i], visit, problems, doc);
  });
}

/** `configuration` resources by module path (without instance keys) and address, e.g. `module.net.google_compute_network.vpc`. */
function indexConfiguration(module: JsonObject, prefix: string, config: ModuleConfig): void {
  for (const resource of asArray(module.resources)) {
    if (isObject(resource) && typeof resource.address === 'string' && (resource.mode === undefined || resource.mode === 'managed')) {
      config.resources.set(`${prefix}${resource.address}`, resource);
    }
  }
  if (!isObject(module.module_calls)) return;
  for (const [name, call] of Object.entries(module.module_calls)) {
    if (!isObject(call) || !isObject(call.module)) continue;
    indexConfiguration(call.module, `${prefix}module.${name}.`, config);
    const outputs = isObject(call.module.outputs) ? call.module.outputs : {};
    for (const [output, spec] of Object.entries(outputs)) {
      const expression = isObject(spec) && isObject(spec.expression) ? spec.expression : undefined;
      if (expression !== undefined) config.outputs.set(`${prefix}module.${name}.${output}`, asArray(expression.references));
    }
  }
}

/** `module.net["a"].google_x.y[0]` → `module.net["a"].` (the module instance the resource is in). */
function moduleOf(address: string, type: string, name: string): string {
  const at = address.lastIndexOf(`${type}.${name}`);
  return at <= 0 ? '' : address.slice(0, at);
}

/** Instance keys (`[0]`, `["a"]`) removed: configuration describes each module and resource once. */
function withoutKeys(address: string): string {
  return address.replace(/\[(?:\d+|"(?:[^"\\]|\\.)*")\]/g, '');
}

function providerOf(configuration: JsonObject): TerraformInput['provider'] {
  const providers = isObject(configuration.provider_config) ? configuration.provider_config : {};
  const google = providers.google ?? providers['google-beta'];
  const expressions = isObject(google) && isObject(google.expressions) ? google.expressions : {};
  const constant = (key: string): string | undefined => {
    const expression = expressions[key];
    const value = isObject(expression) ? expression.constant_value : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const project = constant('project');
  const region = constant('region');
  return { ...(project === undefined ? {} : { project }), ...(region === undefined ? {} : { region }) };
}

/** `module.db.private_ip` or `module.db["eu"].private_ip`: an output of a module call. */
const MODULE_OUTPUT = /^module\.([A-Za-z_][\w-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.([A-Za-z_][\w-]*)$/;
/** Modules nest; past this depth, references through outputs are not followed. */
const MAX_MODULE_DEPTH = 32;

const NOT_RESOURCES = new Set(['var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self', 'data']);

class PlanResource implements TerraformResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly #doc: SourceDocument;
  readonly #path: KeyPath;
  readonly #afterUnknown: unknown;
  readonly #expressions: JsonObject;
  readonly #modulePrefix: string;
  readonly #outputs: ModuleConfig['outputs'];

  constructor(
    doc: SourceDocument,
    path: KeyPath,
    resource: { address: string; type: string; values: JsonObject },
    context: { afterUnknown: unknown; expressions: JsonObject; modulePrefix: string; outputs: ModuleConfig['outputs'] },
  ) {
    this.address = resource.address;
    this.type = resource.type;
    this.values = resource.values;
    this.#doc = doc;
    this.#path = path;
    this.#afterUnknown = context.afterUnknown;
    this.#expressions = context.expressions;
    this.#modulePrefix = context.modulePrefix;
    this.#outputs = context.outputs;
  }

  /** `after_unknown` mirrors the values, with `true` wherever a value (or a whole block) is unknown. */
  unknownReason(path: KeyPath): string | undefined {
    let node = this.#afterUnknown;
    for (const segment of path) {
      if (node === true) break;
      node = Array.isArray(node) || isObject(node) ? (node as Record<string | number, unknown>)[segment] : undefined;
    }
    return node === true ? `known after apply (${this.address}${path.length > 0 ? `.${formatKeyPath(path)}` : ''})` : undefined;
  }

  unknownKeys(path: KeyPath): readonly string[] {
    let node = this.#afterUnknown;
    for (const segment of path) node = Array.isArray(node) || isObject(node) ? (node as Record<string | number, unknown>)[segment] : undefined;
    return isObject(node) ? Object.keys(node).filter((key) => node[key] === true) : [];
  }

  /**
   * Expressions nest like the values: blocks as lists of objects of expressions. A map or list
   * attribute is one expression, so its references cover every element under it.
   */
  references(path: KeyPath): readonly string[] {
    let node: unknown = this.#expressions;
    for (const segment of path) {
      if (isExpression(node)) break;
      if (Array.isArray(node)) node = typeof segment === 'number' ? node[segment] : undefined;
      else if (isObject(node)) node = typeof segment === 'number' ? node : node[segment]; // single-nested block
      else return [];
    }
    if (!isExpression(node)) return [];
    const found = new Set<string>();
    this.#collect(asArray(node.references), this.#modulePrefix, found, 0);
    return [...found];
  }

  /**
   * Terraform's references, as it lists them (`google_redis_instance.cache.host`, then
   * `google_redis_instance.cache`), with the module prefix; a module output is followed into the
   * module, to the resources its expression refers to.
   */
  #collect(references: readonly unknown[], prefix: string, found: Set<string>, depth: number): void {
    for (const reference of references) {
      if (typeof reference !== 'string') continue;
      const address = resourceAddress(reference);
      if (address !== undefined) {
        found.add(`${prefix}${reference}`);
        found.add(`${prefix}${address}`);
        continue;
      }
      const output = MODULE_OUTPUT.exec(reference);
      if (output === null || depth >= MAX_MODULE_DEPTH) continue;
      const [, call = '', key = '', name = ''] = output;
      const inner = this.#outputs.get(`${withoutKeys(prefix)}module.${call}.${name}`);
      if (inner !== undefined) this.#collect(inner, `${prefix}module.${call}${key}.`, found, depth + 1);
    }
  }

  locate(path: KeyPath): Located | undefined {
    const position = this.#doc.locate(path.length === 0 ? [...this.#path, 'address'] : [...this.#path, 'values', ...path]);
    return position === undefined ? undefined : { file: this.#doc.file, ...position };
  }
}

function isExpression(node: unknown): node is JsonObject {
  return isObject(node) && ('references' in node || 'constant_value' in node);
}

/** `google_compute_network.vpc.id` → `google_compute_network.vpc`; `var.x` and module outputs are not resources. */
function resourceAddress(reference: string): string | undefined {
  const match = /^([A-Za-z][\w-]*)\.([A-Za-z_][\w-]*)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?/.exec(reference);
  if (match === null) return undefined;
  const [, type = '', name = '', key = ''] = match;
  if (NOT_RESOURCES.has(type) || !type.includes('_')) return undefined;
  return `${type}.${name}${key}`;
}
