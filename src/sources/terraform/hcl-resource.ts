import type { KeyPath } from '../document.js';
import type { Located } from '../fragment.js';
import { asRecord, type ResourceDeclaration } from './hcl-config.js';
import { locateInBody } from './hcl-outline.js';
import type { ModuleScope } from './hcl-scope.js';
import type { TerraformResource } from './resource.js';

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

  constructor(scope: ModuleScope, declared: ResourceDeclaration, notes: string[]) {
    this.address = scope.prefix + `${declared.type}.${declared.name}`;
    this.type = declared.type;
    this.#declared = declared;
    const attributes = Object.fromEntries(Object.entries(declared.body).filter(([key]) => !META_ARGUMENTS.has(key)));
    this.values = this.#walkObject(scope, attributes, [], notes);
  }

  unknownReason(path: KeyPath): string | undefined {
    // A value inside an unknown one is unknown for the same reason.
    for (let n = path.length; n >= 1; n--) {
      const reason = this.#reasons.get(keyOf(path.slice(0, n)));
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  references(path: KeyPath): readonly string[] {
    const key = keyOf(path);
    const found = this.#refs.filter((r) => r.key === key || key === '' || r.key.startsWith(`${key}\u0000`)).flatMap((r) => r.refs);
    return [...new Set(found)].sort();
  }

  locate(path: KeyPath): Located {
    return { file: this.#declared.file, ...locateInBody(this.#declared.block, path) };
  }

  #walk(scope: ModuleScope, raw: unknown, path: KeyPath, notes: string[]): unknown {
    if (typeof raw === 'string') {
      const evaluated = scope.template(raw);
      if (evaluated.refs.length > 0) this.#refs.push({ key: keyOf(path), refs: evaluated.refs });
      if (evaluated.kind === 'known') return evaluated.value;
      this.#reasons.set(keyOf(path), evaluated.reason);
      return NOT_KNOWN;
    }
    if (Array.isArray(raw)) {
      return raw.map((item, i) => {
        const value = this.#walk(scope, item, [...path, i], notes);
        return value === NOT_KNOWN ? null : value;
      });
    }
    const record = asRecord(raw);
    return record ? this.#walkObject(scope, record, path, notes) : raw;
  }

  #walkObject(scope: ModuleScope, raw: Readonly<Record<string, unknown>>, path: KeyPath, notes: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(raw)) {
      if (key === 'dynamic') {
        const kinds = Object.keys(asRecord(item) ?? {}).map((k) => `"${k}"`).join(', ');
        notes.push(`${this.address}: dynamic ${kinds} blocks are not expanded; their content is not in the model`);
        continue;
      }
      const value = this.#walk(scope, item, [...path, key], notes);
      if (value !== NOT_KNOWN) out[key] = value;
    }
    return out;
  }
}

/** Evaluates a declared resource in its module's scope. */
export function readResource(scope: ModuleScope, declared: ResourceDeclaration, notes: string[]): TerraformResource {
  return new HclResource(scope, declared, notes);
}
