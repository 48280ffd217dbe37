import type { Located } from '../fragment.js';
import type { KeyPath, Position } from '../document.js';
import { asRecord, blockBodies, type ResourceDeclaration } from './hcl-config.js';
import type { Bindings } from './hcl-evaluate.js';
import { needsParsing } from './hcl-expression.js';
import type { BlockOutline } from './hcl-outline.js';
import type { ResourceInstance } from './hcl-reference.js';
import { locateInBody } from './hcl-outline.js';
import type { ModuleScope } from './hcl-scope.js';
import type { TerraformResource } from './resource.js';
import { isRecord, ObjectReference, UnknownValue } from './hcl-values.js';

/** Arguments that steer Terraform itself rather than describe the resource. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

const keyOf = (path: KeyPath): string => path.join('\u0000');

/** Marks a value that is not known: left out of an object, `null` in a list (keeping indexes). */
const NOT_KNOWN = Symbol('not known');

/**
 * A resource read from HCL, its values evaluated. As in plan JSON, values that are not known are
 * absent (or `null` inside lists); `unknownReason` says why, and `references` what they name.
 */
class HclResource implements TerraformResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly #declared: ResourceDeclaration;
  readonly #reasons = new Map<string, string>();
  readonly #refs: { readonly key: string; readonly refs: readonly string[] }[] = [];
  readonly #generated = new Map<string, Position>();

  constructor(scope: ModuleScope, declared: ResourceDeclaration, instance: ResourceInstance, notes: string[]) {
    this.address = instance.address;
    this.type = declared.type;
    this.#declared = declared;
    const attributes = Object.fromEntries(Object.entries(declared.body).filter(([key]) => !META_ARGUMENTS.has(key)));
    this.values = this.#walkObject(scope, attributes, [], instance.bindings, notes);
  }

  unknownReason(path: KeyPath): string | undefined {
    // A value inside an unknown one is unknown for the same reason.
    for (let n = path.length; n >= 1; n--) {
      const reason = this.#reasons.get(keyOf(path.slice(0, n)));
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  unknownKeys(path: KeyPath): readonly string[] {
    const prefix = `${keyOf(path)}\u0000`;
    const keys: string[] = [];
    for (const key of this.#reasons.keys()) {
      const rest = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
      if (rest !== undefined && rest !== '' && !rest.includes('\u0000')) keys.push(rest);
    }
    return keys;
  }

  references(path: KeyPath): readonly string[] {
    const key = keyOf(path);
    const found = this.#refs.filter((r) => r.key === key || key === '' || r.key.startsWith(`${key}\u0000`)).flatMap((r) => r.refs);
    return [...new Set(found)].sort();
  }

  locate(path: KeyPath): Located {
    // A block made by a dynamic block is written where the dynamic block is.
    for (let n = path.length; n >= 1; n--) {
      const generated = this.#generated.get(keyOf(path.slice(0, n)));
      if (generated) return { file: this.#declared.file, ...generated };
    }
    return { file: this.#declared.file, ...locateInBody(this.#declared.block, path) };
  }

  #walk(scope: ModuleScope, raw: unknown, path: KeyPath, bindings: Bindings, notes: string[]): unknown {
    // A string, or an object expression with a computed key (`{ (var.name) = 1 }`), is evaluated whole.
    if (typeof raw === 'string' || (isRecord(raw) && Object.keys(raw).some(needsParsing))) {
      const evaluated = scope.evaluate(raw, bindings);
      if (evaluated.refs.length > 0) this.#refs.push({ key: keyOf(path), refs: evaluated.refs });
      if (evaluated.kind === 'known') return this.#settle(evaluated.value, path);
      this.#reasons.set(keyOf(path), evaluated.reason);
      return NOT_KNOWN;
    }
    if (Array.isArray(raw)) {
      return raw.map((item, i) => {
        const value = this.#walk(scope, item, [...path, i], bindings, notes);
        return value === NOT_KNOWN ? null : value;
      });
    }
    const record = asRecord(raw);
    return record ? this.#walkObject(scope, record, path, bindings, notes) : raw;
  }

  /** A known value with unknowns inside (`{ a = 1, b = <unknown> }`): each unknown left out with its reason. */
  #settle(value: unknown, path: KeyPath): unknown {
    const unknownHere = value instanceof UnknownValue ? value : value instanceof ObjectReference ? new UnknownValue(`${value.address} used as a whole value is known only after apply`) : undefined;
    if (unknownHere) {
      this.#reasons.set(keyOf(path), unknownHere.reason);
      return NOT_KNOWN;
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => {
        const settled = this.#settle(item, [...path, i]);
        return settled === NOT_KNOWN ? null : settled;
      });
    }
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const settled = this.#settle(item, [...path, key]);
      if (settled !== NOT_KNOWN) out[key] = settled;
    }
    return out;
  }

  #walkObject(scope: ModuleScope, raw: Readonly<Record<string, unknown>>, path: KeyPath, bindings: Bindings, notes: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(raw)) {
      if (key === 'dynamic') continue;
      const value = this.#walk(scope, item, [...path, key], bindings, notes);
      if (value !== NOT_KNOWN) out[key] = value;
    }
    for (const [name, specs] of Object.entries(asRecord(raw.dynamic) ?? {})) {
      for (const spec of blockBodies(specs)) this.#expandDynamic(scope, name, spec, path, out, bindings, notes);
    }
    return out;
  }

  /**
   * A `dynamic "NAME"` block (developer.hashicorp.com/terraform/language/expressions/dynamic-blocks):
   * one `NAME` block per element of `for_each`, its `content` evaluated with the iterator (`NAME`,
   * or the `iterator` argument) bound to the element's `key` and `value`.
   */
  #expandDynamic(
    scope: ModuleScope,
    name: string,
    spec: Readonly<Record<string, unknown>>,
    path: KeyPath,
    out: Record<string, unknown>,
    bindings: Bindings,
    notes: string[],
  ): void {
    const each = scope.evaluate(spec.for_each, bindings);
    if (each.refs.length > 0) this.#refs.push({ key: keyOf([...path, name]), refs: each.refs });
    const elements = each.kind === 'known' ? dynamicElements(each.value) : undefined;
    if (!elements) {
      const reason = each.kind === 'unknown' ? each.reason : 'for_each is not a collection';
      notes.push(`${this.address}: dynamic "${name}" blocks are not known (${reason}); their content is not in the model`);
      if (!(name in out)) this.#reasons.set(keyOf([...path, name]), `dynamic "${name}" for_each is not known (${reason})`);
      return;
    }
    const iterator = scope.bareName(spec.iterator) ?? name;
    const [content] = blockBodies(spec.content);
    const list = Array.isArray(out[name]) ? (out[name] as unknown[]) : [];
    for (const element of elements) {
      const index = list.length;
      const inner = new Map([...bindings, [iterator, { key: element.key, value: element.value }]]);
      const at = findDynamic(this.#declared.block, name);
      if (at) this.#generated.set(keyOf([...path, name, index]), at);
      list.push(this.#walkObject(scope, content ?? {}, [...path, name, index], inner, notes));
    }
    out[name] = list;
  }
}

/** What a dynamic block's `for_each` iterates: a list's elements by index, a map's by key. */
function dynamicElements(value: unknown): { key: string | number; value: unknown }[] | undefined {
  if (Array.isArray(value)) return value.map((item: unknown, i) => ({ key: i, value: item }));
  if (!isRecord(value)) return undefined;
  return Object.keys(value)
    .sort()
    .map((key) => ({ key, value: value[key] }));
}

/** Where the first `dynamic "NAME"` block inside a resource block is written. */
function findDynamic(block: BlockOutline, name: string): Position | undefined {
  for (const item of block.body) {
    if (item.kind !== 'block') continue;
    if (item.type === 'dynamic' && item.labels[0] === name) return item.at;
    const inner = findDynamic(item, name);
    if (inner) return inner;
  }
  return undefined;
}

/** Evaluates one instance of a declared resource in its module's scope. */
export function readResource(scope: ModuleScope, declared: ResourceDeclaration, instance: ResourceInstance, notes: string[]): TerraformResource {
  return new HclResource(scope, declared, instance, notes);
}
