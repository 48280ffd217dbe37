import { redactUrlPasswords } from '../../model/redact.js';
import type { ModuleCall, ModuleConfig } from './hcl-config.js';
import { combine, followSteps, known, quoteExpression, unknown, type Evaluated } from './hcl-evaluated.js';
import { referenceResource } from './hcl-reference.js';
import { parseTraversal, splitTemplate, traversalHeads, type TraversalStep } from './hcl-template.js';

/** Where a module's input variables get their values. */
export type InputSource =
  | { readonly kind: 'tfvars'; readonly values: ReadonlyMap<string, unknown> }
  | { readonly kind: 'module'; readonly parent: ModuleScope; readonly call: ModuleCall };

/** How many instances of a resource or module call are read. */
export type Instances = { readonly kind: 'none'; readonly reason: string } | { readonly kind: 'one'; readonly note: string | undefined };

/**
 * Evaluates the expressions of one module (the root, or a local child module): variables from
 * tfvars or the calling module block, locals, references to its resources and child modules'
 * outputs. Results are cached; a value that depends on itself is unknown, naming the cycle.
 */
export class ModuleScope {
  readonly config: ModuleConfig;
  /** `''` for the root, `module.net.` inside `module "net"`. */
  readonly prefix: string;
  readonly root: ModuleScope;
  readonly #inputs: InputSource;
  readonly #stack: string[];
  readonly #cache = new Map<string, Evaluated>();
  readonly #children = new Map<string, ModuleScope>();

  constructor(config: ModuleConfig, inputs: InputSource, parent?: ModuleScope, prefix = '') {
    this.config = config;
    this.prefix = prefix;
    this.#inputs = inputs;
    this.root = parent?.root ?? this;
    this.#stack = parent ? parent.#stack : [];
  }

  /** A value as hcl2json wrote it: strings are templates; lists and objects are evaluated whole. */
  evaluate(raw: unknown): Evaluated {
    if (typeof raw === 'string') return this.template(raw);
    if (Array.isArray(raw)) return combine(raw.map((item) => this.evaluate(item)), (values) => values);
    if (typeof raw === 'object' && raw !== null) {
      const entries = Object.entries(raw);
      return combine(entries.map(([, v]) => this.evaluate(v)), (values) => Object.fromEntries(entries.map(([k], i) => [k, values[i]])));
    }
    return known(raw);
  }

  template(text: string): Evaluated {
    if (!text.includes('{')) return known(text);
    const parts = splitTemplate(text);
    const only = parts[0];
    if (parts.length === 1 && only?.kind === 'interpolation') return this.expression(only.expression);
    const pieces = parts.map((part): Evaluated => {
      switch (part.kind) {
        case 'literal':
          return known(part.text);
        case 'directive':
          return unknown(`template directive not evaluated: ${quoteExpression(part.text)}`);
        case 'interpolation': {
          const value = this.expression(part.expression);
          if (value.kind === 'known' && !['string', 'number', 'boolean'].includes(typeof value.value)) {
            return unknown(`${quoteExpression(part.expression)} is not a string, number or bool, so it cannot be interpolated`, value.refs);
          }
          return value;
        }
        default:
          return part satisfies never;
      }
    });
    return combine(pieces, (values) => values.map((v) => String(v)).join(''));
  }

  /** The expression inside `${…}`: a traversal is evaluated; anything else is unknown. */
  expression(text: string): Evaluated {
    const traversal = parseTraversal(text);
    if (traversal) return this.#traversal(traversal.root, traversal.steps);
    // Function calls, operators and conditionals are not evaluated (Lifeline never guesses).
    return unknown(`expression not evaluated: ${quoteExpression(text)}`, this.#mentionedRefs(text));
  }

  variable(name: string): Evaluated {
    return this.guard(`var.${name}`, () => {
      const declared = this.config.variables.get(name);
      if (!declared) return unknown(`var.${name} is not declared (no variable "${name}" block in ${this.config.dir})`);
      const given = this.#input(name);
      if (given) return given;
      if (declared.hasDefault) return this.evaluate(declared.default);
      return unknown(
        this.#inputs.kind === 'tfvars'
          ? `var.${name} has no default and no value in terraform.tfvars`
          : `var.${name} has no default and module "${this.#inputs.call.name}" does not set it`,
      );
    });
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
      scope = new ModuleScope(call.child, { kind: 'module', parent: this, call }, this, `${this.prefix}module.${name}.`);
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
   * `count`: 0 creates nothing; anything else is read as one instance (with a note unless it is 1).
   * `for_each` is read as one instance unless it is known to be empty.
   */
  instances(body: Readonly<Record<string, unknown>>): Instances {
    if ('count' in body) {
      const count = this.evaluate(body.count);
      if (count.kind === 'unknown') return { kind: 'one', note: `count is not known (${count.reason}); read as one instance` };
      if (count.value === 0) return { kind: 'none', reason: 'count = 0' };
      if (typeof count.value !== 'number') return { kind: 'one', note: 'count is not a number; read as one instance' };
      return { kind: 'one', note: count.value === 1 ? undefined : `count = ${count.value}; read as one instance` };
    }
    if ('for_each' in body) {
      const each = this.evaluate(body.for_each);
      const empty = each.kind === 'known' && typeof each.value === 'object' && each.value !== null && Object.keys(each.value).length === 0;
      if (empty) return { kind: 'none', reason: 'for_each is empty' };
      return { kind: 'one', note: 'for_each instances are not expanded; read as one instance' };
    }
    return { kind: 'one', note: undefined };
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
    return Object.hasOwn(inputs.call.body, name) ? inputs.parent.evaluate(inputs.call.body[name]) : undefined;
  }

  #traversal(root: string, steps: readonly TraversalStep[]): Evaluated {
    const [first, second] = steps;
    const name = first?.kind === 'attribute' ? first.name : undefined;
    switch (root) {
      case 'var':
        return name === undefined ? unknown('var is not a value') : followSteps(this.variable(name), `var.${name}`, steps.slice(1), (p) => `${p} does not exist`);
      case 'local':
        return name === undefined ? unknown('local is not a value') : followSteps(this.local(name), `local.${name}`, steps.slice(1), (p) => `${p} does not exist`);
      case 'module': {
        if (name === undefined || second?.kind !== 'attribute') return unknown(`module.${name ?? ''} is not an output reference`);
        return followSteps(this.moduleOutput(name, second.name), `module.${name}.${second.name}`, steps.slice(2), (p) => `${p} does not exist`);
      }
      case 'data':
        return unknown(`data source read from the cloud during plan (data.${name ?? ''}${second?.kind === 'attribute' ? `.${second.name}` : ''})`);
      case 'count':
      case 'each':
        return unknown(`${root}.${name ?? ''}: count/for_each instances are not expanded`);
      case 'self':
      case 'path':
      case 'terraform':
        return unknown(`${root}.${name ?? ''} is not evaluated`);
      default:
        return referenceResource(this, root, steps);
    }
  }

  /** The resources an expression that is not evaluated mentions, directly or through vars and locals. */
  #mentionedRefs(text: string): string[] {
    const refs = traversalHeads(text).flatMap(({ root, name }): readonly string[] => {
      if (root === 'var') return this.variable(name).refs;
      if (root === 'local') return this.local(name).refs;
      return this.config.resources.has(`${root}.${name}`) ? [`${this.prefix}${root}.${name}`] : [];
    });
    return [...new Set(refs)];
  }
}
