import type { Position } from '../document.js';
import { codeUnknown, withPath, type CodeObject, type CodeValue } from './values.js';

/** A span of the source, by offsets: a function body, or the whole module. */
export interface Scope {
  readonly from: number;
  readonly to: number;
  /** `deploy()`, for reasons; undefined for the module. */
  readonly label: string | undefined;
}

interface Binding {
  readonly offset: number;
  readonly scope: Scope;
  readonly value: () => CodeValue;
}

/** `body["template"]["vpcAccess"] = …`, `svc.template.vpc_access = …`: a field set on what a name holds. */
interface Mutation {
  readonly offset: number;
  readonly scope: Scope;
  readonly path: readonly { readonly key: string; readonly at: Position }[];
  readonly value: () => CodeValue;
}

/** How deep names may refer to names before the reader gives up (a chain of 64 is no deploy script). */
const MAX_DEPTH = 64;

/**
 * The names a script assigns, per scope, resolved the way a reader of the script would: the
 * last assignment before the use in the innermost scope that has one (a module constant used in
 * a function defined above it is the module's). Values are computed on first use, once; a name
 * that refers back to itself is unknown, never a loop.
 *
 * @example
 * const names = new Bindings(file);
 * names.bind('REGION', 10, module, () => codeString('europe-west1', at));
 * names.resolve('REGION', 200, at); // the string value
 */
export class Bindings {
  readonly #byName = new Map<string, Binding[]>();
  readonly #mutations = new Map<string, Mutation[]>();
  readonly #cache = new Map<Binding, CodeValue>();
  readonly #active = new Set<Binding>();
  readonly #file: string;
  #depth = 0;

  constructor(file: string) {
    this.#file = file;
  }

  bind(name: string, offset: number, scope: Scope, value: () => CodeValue): void {
    let list = this.#byName.get(name);
    if (list === undefined) this.#byName.set(name, (list = []));
    list.push({ offset, scope, value });
  }

  /** Records that the statement at `offset` sets `path` of what `name` holds. */
  mutate(name: string, offset: number, scope: Scope, path: Mutation['path'], value: () => CodeValue): void {
    let list = this.#mutations.get(name);
    if (list === undefined) this.#mutations.set(name, (list = []));
    list.push({ offset, scope, path, value });
  }

  /**
   * The value `name` has at `offset`, or an unknown saying why it has none: the value last
   * assigned to it, with the fields later statements set on it before `offset` (in the same
   * scope) set. Fields set on an unknown (a service read from the API at run time) make a partial
   * object: only those fields are known.
   */
  resolve(name: string, offset: number, at: Position): CodeValue {
    const binding = this.#find(name, offset);
    if (binding === undefined) return codeUnknown(name, `which is not assigned in ${this.#file}`, at);
    const base = this.#value(binding, name, at);
    const mutations = (this.#mutations.get(name) ?? []).filter((m) => m.offset > binding.offset && m.offset < offset && m.scope === binding.scope);
    if (mutations.length === 0 || this.#depth >= MAX_DEPTH) return base;
    this.#depth++;
    try {
      return mutations.reduce((value, m) => withPath(value, m.path, m.value(), -(m.offset + 1)), base);
    } finally {
      this.#depth--;
    }
  }

  #value(binding: Binding, name: string, at: Position): CodeValue {
    const cached = this.#cache.get(binding);
    if (cached !== undefined) return cached;
    if (this.#active.has(binding) || this.#depth >= MAX_DEPTH) return codeUnknown(name, 'which is defined in terms of itself', at);
    this.#active.add(binding);
    this.#depth++;
    try {
      const value = binding.value();
      this.#cache.set(binding, value);
      return value;
    } finally {
      this.#depth--;
      this.#active.delete(binding);
    }
  }

  #find(name: string, offset: number): Binding | undefined {
    const list = this.#byName.get(name);
    if (list === undefined) return undefined;
    const enclosing = list.filter((b) => b.scope.from <= offset && offset <= b.scope.to);
    // Innermost scope first; in it, the last assignment before the use, else (a function reading a
    // constant the module assigns below it) the first after.
    enclosing.sort((a, b) => b.scope.from - a.scope.from || a.offset - b.offset);
    const inner = enclosing[0]?.scope;
    if (inner === undefined) return undefined;
    const same = enclosing.filter((b) => b.scope === inner);
    const before = same.filter((b) => b.offset < offset);
    return before[before.length - 1] ?? (inner.label === undefined ? same[0] : undefined) ?? this.#outer(enclosing, inner, offset);
  }

  #outer(enclosing: readonly Binding[], inner: Scope, offset: number): Binding | undefined {
    const rest = enclosing.filter((b) => b.scope !== inner);
    if (rest.length === 0) return undefined;
    const next = rest[0]?.scope;
    const same = rest.filter((b) => b.scope === next);
    const before = same.filter((b) => b.offset < offset);
    return before[before.length - 1] ?? same[0];
  }
}

/** Every object a script writes that a reader may take as a request body, with the calls that send values. */
export interface CodeProgram {
  readonly file: string;
  /** Dict and object literals and constructor calls, outermost first, each evaluated. */
  readonly objects: readonly CodeObject[];
  readonly calls: readonly CodeCall[];
}

/** A call, with its arguments evaluated: `requests.patch(url, json=body)`. */
export interface CodeCall {
  /** The callee as written, `requests.patch`, `fetch`, `client.update_service`. */
  readonly callee: string;
  readonly args: readonly CodeValue[];
  readonly keywords: ReadonlyMap<string, CodeValue>;
  readonly at: Position;
}
