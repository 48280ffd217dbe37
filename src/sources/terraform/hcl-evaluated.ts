import { redactSourceLine } from '../../model/redact.js';
import { ObjectReference, UnknownValue } from './hcl-values.js';

/**
 * The result of evaluating an HCL expression: a value, or why it is not known. Either way, the
 * resources it refers to (`google_compute_network.vpc`), so an unknown value can still be tied to
 * what it names. A known list or object may hold unknown values ({@link UnknownValue}) inside.
 */
export type Evaluated =
  | { readonly kind: 'known'; readonly value: unknown; readonly refs: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string; readonly refs: readonly string[] };

export const known = (value: unknown, refs: readonly string[] = []): Evaluated => ({ kind: 'known', value, refs });
export const unknown = (reason: string, refs: readonly string[] = []): Evaluated => ({ kind: 'unknown', reason, refs });

/** An evaluator value as a result: an unknown (or a whole resource) at the top is `unknown`. */
export function settle(value: unknown, refs: Iterable<string>): Evaluated {
  const all = new Set(refs);
  if (value instanceof UnknownValue) {
    for (const ref of value.refs) all.add(ref);
    return unknown(value.reason, [...all]);
  }
  if (value instanceof ObjectReference) return unknown(`${value.address} used as a whole value is known only after apply`, [...all, value.address]);
  return known(value, [...all]);
}

/** A result as an evaluator value. */
export function valueOf(result: Evaluated): unknown {
  return result.kind === 'known' ? result.value : new UnknownValue(result.reason, result.refs);
}

/** How an expression is named in a reason: redacted (it may hold a URL password or secret) and short. */
export function quoteExpression(expression: string): string {
  const flat = redactSourceLine(expression.replace(/\s+/g, ' ').trim());
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}
