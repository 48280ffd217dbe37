import { redactUrlPasswords } from '../../model/redact.js';
import type { ModuleCall, ModuleConfig } from './hcl-config.js';
import { evaluateExpression, type Bindings, type NameLookup } from './hcl-evaluate.js';
import { quoteExpression, settle, unknown, valueOf, type Evaluated } from './hcl-evaluated.js';
import { needsParsing, type Expr, type ExpressionTable, type TraversalStep } from './hcl-expression.js';
import { resourceValue } from './hcl-reference.js';
import { conform, typeConstraint } from './hcl-types.js';
import { runSecrets } from '../../model/secret-registry.js';
import { EvaluationError, ObjectReference, stringsIn, UnknownValue } from './hcl-values.js';

/** Where a module's input variables get their values. */
export type InputSource =
  | { readonly kind: 'tfvars'; readonly values: ReadonlyMap<string, unknown> }
  | { readonly kind: 'module'; readonly parent: ModuleScope; readonly call: ModuleCall };

/** One instance of a resource or module call: its key (`0`, `"api"`), and what `count` or `each` stand for in it. */
export interface Instance {
  readonly key: string | number;
  readonly bindings: Bindings;
}

/** The instances of a resource or module call. */
export type Instances =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'single' }
  /** `total` instances, of which the first `MAX_INSTANCES` are in `instances`. */
  | { readonly kind: 'expanded'; readonly instances: readonly Instance[]; readonly total: number }
  /** `count` or `for_each` not known: read as one instance whose `count`/`each` are unknown. */
  | { readonly kind: 'unknown'; readonly note: string; readonly bindings: Bindings };

/** The most instances read per resource: beyond, a configuration is generated, not written. */
export const MAX_INSTANCES = 1000;


const unknownBindings = (name: 'count' | 'each', reason: string): Bindings =>
  new Map([[name, new UnknownValue(`${name} is not known (${reason})`)]]);

/** `for_each` over a map or object (by key) or a set of strings (each key is its value). */
function forEachEntries(value: unknown): (readonly [string, unknown])[] | undefined {
  if (Array.isArray(value)) {
    if (!value.every((item) => typeof item === 'string')) return undefined;
    return [...new Set(value)].sort().map((item) => [item, item] as const);
  }
  if (typeof value !== 'object' || value === null || value instanceof UnknownValue || value instanceof ObjectReference) return undefined;
  return Object.keys(value)
    .sort()
    .map((key) => [key, (value as Record<string, unknown>)[key]] as const);
}

/** `[0]` or `["api"]`, as Terraform writes an instance's key in its address. */
export const instanceSuffix = (key: string | number): string => (typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`);

const NO_BINDINGS: Bindings = new Map();

/**
 * Evaluates the expressions of one module (the root, or a local child module) on HashiCorp's
 * syntax tree: variables from tfvars or the calling module block, locals, references to its
 * resources and child modules' outputs, functions, conditionals, `for` expressions. Results are
 * cached; a value that depends on itself is unknown, naming the cycle.
 */
export class ModuleScope implements NameLookup {
  readonly config: ModuleConfig;
  /** `''` for the root, `module.net.` inside `module "net"`. */
  readonly prefix: string;
  readonly root: ModuleScope;
  readonly #inputs: InputSource;
  readonly #table: ExpressionTable;
  readonly #stack: string[];
  readonly #cache = new Map<string, Evaluated>();
  readonly #children = new Map<string, ModuleScope>();

  /** `table` holds every expression of the configuration, parsed (see {@link ExpressionTable.prepare}). */
  constructor(config: ModuleConfig, inputs: InputSource, table: ExpressionTable, parent?: ModuleScope, prefix = '') {
    this.config = config;
    this.prefix = prefix;
    this.#inputs = inputs;
    this.#table = table;
    this.root = parent?.root ?? this;
    this.#stack = parent ? parent.#stack : [];
  }

  /**
   * A value as hcl2json wrote it (strings are templates, lists and objects hold them), evaluated;
   * `bindings` names what `each`, `count` or a dynamic block's iterator stand for.
   */
  evaluate(raw: unknown, bindings: Bindings = NO_BINDINGS): Evaluated {
    const refs = new Set<string>();
    return settle(this.#value(raw, bindings, refs), refs);
  }

  /** A bare name as an argument (`iterator = setting`), or undefined for anything else. */
  bareName(raw: unknown): string | undefined {
    if (typeof raw !== 'string' || !needsParsing(raw)) return undefined;
    const parsed = this.#table.get(raw);
    return parsed.kind === 'parsed' && parsed.expr.kind === 'scope' && parsed.expr.steps.length === 0 ? parsed.expr.root : undefined;
  }

  #value(raw: unknown, bindings: Bindings, refs: Set<string>): unknown {
    if (typeof raw === 'string') {
      if (!needsParsing(raw)) return raw;
      const parsed = this.#table.get(raw);
      if (parsed.kind === 'failed') return new UnknownValue(`${quoteExpression(raw)}: ${parsed.reason}`);
      try {
        return evaluateExpression(parsed.expr, this, bindings, refs);
      } catch (error: unknown) {
        // `${x}` alone is the expression x: quoted as written.
        const shown = parsed.expr.kind !== 'template' && raw.startsWith('${') && raw.endsWith('}') ? raw.slice(2, -1) : raw;
        if (error instanceof EvaluationError) return new UnknownValue(`${quoteExpression(shown)} cannot be evaluated: ${error.message}`);
        throw error;
      }
    }
    if (Array.isArray(raw)) return raw.map((item) => this.#value(item, bindings, refs));
    if (typeof raw === 'object' && raw !== null) {
      const entries: [string, unknown][] = [];
      for (const [k, v] of Object.entries(raw)) {
        const key = needsParsing(k) ? this.#value(k, bindings, refs) : k;
        // One key not known makes the whole object not known, as in Terraform.
        if (key instanceof UnknownValue) return key;
        entries.push([typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean' ? String(key) : k, this.#value(v, bindings, refs)]);
      }
      return Object.fromEntries(entries);
    }
    return raw;
  }

  /** What a name at the start of a traversal stands for in this module. */
  lookup(root: string, steps: readonly TraversalStep[], refs: Set<string>): { readonly value: unknown; readonly rest: readonly TraversalStep[] } {
    const [first, second] = steps;
    const name = first?.kind === 'attribute' ? first.name : undefined;
    const from = (result: Evaluated, used: number): { value: unknown; rest: readonly TraversalStep[] } => {
      for (const ref of result.refs) refs.add(ref);
      return { value: valueOf(result), rest: steps.slice(used) };
    };
    const notKnown = (reason: string, used = 1): { value: unknown; rest: readonly TraversalStep[] } => ({ value: new UnknownValue(reason), rest: steps.slice(used) });
    switch (root) {
      case 'var':
        return name === undefined ? notKnown('var is not a value') : from(this.variable(name), 1);
      case 'local':
        return name === undefined ? notKnown('local is not a value') : from(this.local(name), 1);
      case 'module':
        if (name === undefined) return notKnown('module is not a value');
        return { value: this.#moduleValue(name), rest: steps.slice(1) };
      case 'data':
        return notKnown(`data source read from the cloud during plan (data.${name ?? ''}${second?.kind === 'attribute' ? `.${second.name}` : ''})`, 2);
      case 'count':
      case 'each':
        return notKnown(`${root}.${name ?? ''} is used outside a resource or block that sets it`);
      case 'path':
        return name === 'module' || name === 'root' ? { value: name === 'module' ? this.config.dir : this.root.config.dir, rest: steps.slice(1) } : notKnown(`path.${name ?? ''} depends on where Terraform runs`);
      case 'terraform':
        return notKnown(`terraform.${name ?? ''} depends on how Terraform runs (the selected workspace)`);
      case 'self':
        return notKnown('self is known only inside provisioners');
      default: {
        if (name === undefined) return notKnown(`${root} is not a value`, 0);
        const key = `${root}.${name}`;
        const declared = this.config.resources.get(key);
        if (!declared) return notKnown(`${this.prefix}${key} is not declared in ${this.config.dir}`);
        refs.add(this.prefix + key);
        return { value: resourceValue(this, declared), rest: steps.slice(1) };
      }
    }
  }

  #moduleValue(name: string): unknown {
    const call = this.config.modules.get(name);
    const address = `${this.prefix}module.${name}`;
    if (!call) return new UnknownValue(`module "${name}" is not declared`);
    // A call with count or for_each is read as one instance: `module.x[0]` selects it.
    return new ObjectReference(
      address,
      (output) => {
        const result = this.moduleOutput(name, output);
        return { value: valueOf(result), refs: result.refs };
      },
      'count' in call.body || 'for_each' in call.body,
    );
  }

  variable(name: string): Evaluated {
    return this.guard(`var.${name}`, () => {
      const declared = this.config.variables.get(name);
      if (!declared) return unknown(`var.${name} is not declared (no variable "${name}" block in ${this.config.dir})`);
      const given = this.#input(name) ?? (declared.hasDefault ? this.evaluate(declared.default) : undefined);
      if (given) {
        const typed = this.#typed(declared.type, given);
        // `sensitive = true`: Terraform never shows it, and neither does Lifeline, whatever it is called.
        if (declared.sensitive && typed.kind === 'known') for (const text of stringsIn(typed.value)) runSecrets.add(text);
        return typed;
      }
      return unknown(
        this.#inputs.kind === 'tfvars'
          ? `var.${name} has no default and no value in terraform.tfvars`
          : `var.${name} has no default and module "${this.#inputs.call.name}" does not set it`,
      );
    });
  }

  /** A variable's value under its type constraint: optional attributes filled in, primitives converted. */
  #typed(type: unknown, value: Evaluated): Evaluated {
    if (value.kind !== 'known' || typeof type !== 'string' || !needsParsing(type)) return value;
    const parsed = this.#table.get(type);
    if (parsed.kind !== 'parsed') return value;
    const evaluate = (expr: Expr): unknown => {
      try {
        return evaluateExpression(expr, this, NO_BINDINGS, new Set());
      } catch (error: unknown) {
        if (error instanceof EvaluationError) return null;
        throw error;
      }
    };
    return { ...value, value: conform(typeConstraint(parsed.expr), value.value, evaluate) };
  }

  local(name: string): Evaluated {
    return this.guard(`local.${name}`, () => {
      if (!this.config.locals.has(name)) return unknown(`local.${name} is not defined in any locals block`);
      return this.evaluate(this.config.locals.get(name));
    });
  }

  /** The scope of a local child module, or undefined for sources not fetched. */
  child(name: string): ModuleScope | undefined {
    const call = this.config.modules.get(name);
    if (!call?.child) return undefined;
    let scope = this.#children.get(name);
    if (!scope) {
      scope = new ModuleScope(call.child, { kind: 'module', parent: this, call }, this.#table, this, `${this.prefix}module.${name}.`);
      this.#children.set(name, scope);
    }
    return scope;
  }

  moduleOutput(name: string, output: string): Evaluated {
    const call = this.config.modules.get(name);
    if (!call) return unknown(`module "${name}" is not declared`);
    const instances = this.instances(call.body);
    if (instances.kind === 'none') return unknown(`module "${name}" is not created (${instances.reason})`);
    const scope = this.child(name);
    if (!scope) return unknown(`module "${name}" (source "${redactUrlPasswords(call.source ?? 'not a literal')}") not fetched: its outputs are not known`);
    return this.guard(`module.${name}.${output}`, () =>
      scope.config.outputs.has(output) ? scope.evaluate(scope.config.outputs.get(output)) : unknown(`module "${name}" has no output "${output}"`),
    );
  }

  /**
   * The instances `count` or `for_each` create (developer.hashicorp.com/terraform/language/meta-arguments/count):
   * `count = 2` makes `[0]` and `[1]`, `for_each` one per key (`["api"]`), each with its
   * `count.index` or `each.key`/`each.value`. When the number is not known, one instance is read,
   * its `count.index` or `each` unknown.
   */
  instances(body: Readonly<Record<string, unknown>>): Instances {
    if ('count' in body) {
      const count = this.evaluate(body.count);
      if (count.kind === 'unknown') return { kind: 'unknown', note: `count is not known (${count.reason}); read as one instance`, bindings: unknownBindings('count', count.reason) };
      const n = typeof count.value === 'number' ? count.value : typeof count.value === 'string' ? Number(count.value) : Number.NaN;
      if (!Number.isInteger(n) || n < 0) return { kind: 'unknown', note: 'count is not a whole number; read as one instance', bindings: unknownBindings('count', 'count is not a whole number') };
      if (n === 0) return { kind: 'none', reason: 'count = 0' };
      // Built only up to the limit: `count = 1e9` must not allocate a billion instances.
      return { kind: 'expanded', instances: Array.from({ length: Math.min(n, MAX_INSTANCES) }, (_, i) => ({ key: i, bindings: new Map([['count', { index: i }]]) })), total: n };
    }
    if ('for_each' in body) {
      const each = this.evaluate(body.for_each);
      const entries = each.kind === 'known' ? forEachEntries(each.value) : undefined;
      if (each.kind === 'unknown' || !entries) {
        const reason = each.kind === 'unknown' ? each.reason : 'for_each is not a map or a set of strings';
        return { kind: 'unknown', note: `for_each is not known (${reason}); read as one instance`, bindings: unknownBindings('each', reason) };
      }
      if (entries.length === 0) return { kind: 'none', reason: 'for_each is empty' };
      return { kind: 'expanded', instances: entries.slice(0, MAX_INSTANCES).map(([key, value]) => ({ key, bindings: new Map([['each', { key, value }]]) })), total: entries.length };
    }
    return { kind: 'single' };
  }

  /** Evaluates once per key; a key met again while it is being evaluated is a cycle. */
  guard(key: string, compute: () => Evaluated): Evaluated {
    const label = this.prefix + key;
    const cached = this.#cache.get(label);
    if (cached) return cached;
    const start = this.#stack.indexOf(label);
    if (start !== -1) return unknown(`${label} refers to itself (${[...this.#stack.slice(start), label].join(' → ')})`);
    this.#stack.push(label);
    try {
      const result = compute();
      this.#cache.set(label, result);
      return result;
    } finally {
      this.#stack.pop();
    }
  }

  #input(name: string): Evaluated | undefined {
    const inputs = this.#inputs;
    if (inputs.kind === 'tfvars') return inputs.values.has(name) ? this.evaluate(inputs.values.get(name)) : undefined;
    if (!Object.hasOwn(inputs.call.body, name)) return undefined;
    // A module called with count or for_each is read as one instance: its `count`/`each` are unknown.
    const instances = inputs.parent.instances(inputs.call.body);
    const bindings = instances.kind === 'single' ? NO_BINDINGS : instances.kind === 'unknown' ? instances.bindings : unknownBindings(Object.hasOwn(inputs.call.body, 'count') ? 'count' : 'each', 'module instances are not expanded');
    return inputs.parent.evaluate(inputs.call.body[name], bindings);
  }
}
