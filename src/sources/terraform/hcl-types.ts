import type { Expr } from './hcl-expression.js';
import { isRecord, ObjectReference, UnknownValue } from './hcl-values.js';

/**
 * Variable type constraints (developer.hashicorp.com/terraform/language/expressions/type-constraints),
 * applied as Terraform applies them to a variable's value: an `optional(T, default)` attribute
 * missing from an object is filled in (with its default, or null), and primitives are converted
 * (`"8080"` for a number). Values that do not conform are left as they are: Terraform would
 * refuse them, and a check reads what it can.
 */
export type TypeConstraint =
  | { readonly kind: 'primitive'; readonly name: 'string' | 'number' | 'bool' | 'any' }
  | { readonly kind: 'collection'; readonly of: 'list' | 'set' | 'map'; readonly element: TypeConstraint }
  | { readonly kind: 'tuple'; readonly elements: readonly TypeConstraint[] }
  | { readonly kind: 'object'; readonly attributes: ReadonlyMap<string, Attribute> };

interface Attribute {
  readonly type: TypeConstraint;
  readonly optional: boolean;
  /** The default of `optional(T, default)`, as an expression to evaluate. */
  readonly default: Expr | undefined;
}

const ANY: TypeConstraint = { kind: 'primitive', name: 'any' };

/** The constraint an expression spells (`list(object({ name = string }))`), or `any` for what is not one. */
export function typeConstraint(expr: Expr): TypeConstraint {
  if (expr.kind === 'scope' && expr.steps.length === 0 && (expr.root === 'string' || expr.root === 'number' || expr.root === 'bool' || expr.root === 'any')) {
    return { kind: 'primitive', name: expr.root };
  }
  if (expr.kind === 'template' && expr.parts.length === 1 && expr.parts[0] !== undefined) return typeConstraint(expr.parts[0]);
  if (expr.kind !== 'call') return ANY;
  const [first] = expr.args;
  switch (expr.name) {
    case 'list':
    case 'set':
    case 'map':
      return { kind: 'collection', of: expr.name, element: first === undefined ? ANY : typeConstraint(first) };
    case 'tuple':
      return { kind: 'tuple', elements: first?.kind === 'tuple' ? first.items.map(typeConstraint) : [] };
    case 'object': {
      const attributes = new Map<string, Attribute>();
      if (first?.kind === 'object') {
        for (const item of first.items) {
          if (item.key.kind !== 'literal' || typeof item.key.value !== 'string') continue;
          const spec = item.value;
          const optional = spec.kind === 'call' && spec.name === 'optional' ? spec : undefined;
          const inner = optional ? optional.args[0] : spec;
          attributes.set(item.key.value, { type: inner === undefined ? ANY : typeConstraint(inner), optional: optional !== undefined, default: optional?.args[1] });
        }
      }
      return { kind: 'object', attributes };
    }
    default:
      return ANY;
  }
}

/** `value` conformed to `type`; `evaluate` gives an optional attribute's default. */
export function conform(type: TypeConstraint, value: unknown, evaluate: (expr: Expr) => unknown): unknown {
  if (value === null || value instanceof UnknownValue || value instanceof ObjectReference) return value;
  switch (type.kind) {
    case 'primitive':
      if (type.name === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      if (type.name === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
      if (type.name === 'bool' && (value === 'true' || value === 'false')) return value === 'true';
      return value;
    case 'collection':
      if (type.of === 'map') return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conform(type.element, v, evaluate)])) : value;
      return Array.isArray(value) ? value.map((v: unknown) => conform(type.element, v, evaluate)) : value;
    case 'tuple':
      return Array.isArray(value) ? value.map((v: unknown, i) => conform(type.elements[i] ?? ANY, v, evaluate)) : value;
    case 'object': {
      if (!isRecord(value)) return value;
      const out: Record<string, unknown> = { ...value };
      for (const [name, attribute] of type.attributes) {
        const given = out[name];
        if (attribute.optional && (given === undefined || given === null)) {
          out[name] = attribute.default === undefined ? null : conform(attribute.type, evaluate(attribute.default), evaluate);
        } else if (given !== undefined) out[name] = conform(attribute.type, given, evaluate);
      }
      return out;
    }
    default:
      return type satisfies never;
  }
}
