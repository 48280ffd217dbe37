import { redactSourceLine } from '../../model/redact.js';
import type { TraversalStep } from './hcl-template.js';

/**
 * The result of evaluating an HCL expression: a value, or why it is not known. Either way, the
 * resources it refers to (`google_compute_network.vpc`), so an unknown value can still be tied to
 * what it names.
 */
export type Evaluated =
  | { readonly kind: 'known'; readonly value: unknown; readonly refs: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string; readonly refs: readonly string[] };

export const known = (value: unknown, refs: readonly string[] = []): Evaluated => ({ kind: 'known', value, refs });
export const unknown = (reason: string, refs: readonly string[] = []): Evaluated => ({ kind: 'unknown', reason, refs });

export function withRefs(result: Evaluated, refs: readonly string[]): Evaluated {
  if (refs.length === 0) return result;
  const all = [...new Set([...result.refs, ...refs])];
  return result.kind === 'known' ? known(result.value, all) : unknown(result.reason, all);
}

/** Several values into one: known when all are, else the first reason; references from all. */
export function combine(parts: readonly Evaluated[], build: (values: unknown[]) => unknown): Evaluated {
  const refs = [...new Set(parts.flatMap((p) => p.refs))];
  const firstUnknown = parts.find((p) => p.kind === 'unknown');
  if (firstUnknown?.kind === 'unknown') return unknown(firstUnknown.reason, refs);
  return known(build(parts.map((p) => (p.kind === 'known' ? p.value : undefined))), refs);
}

/** How an expression is named in a reason: redacted (it may hold a URL password or secret) and short. */
export function quoteExpression(expression: string): string {
  const flat = redactSourceLine(expression.replace(/\s+/g, ' ').trim());
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}

/** `var.x` + `[0].name` as written, for reasons. */
export function describeSteps(head: string, steps: readonly TraversalStep[]): string {
  return head + steps.map((s) => (s.kind === 'attribute' ? `.${s.name}` : typeof s.key === 'number' ? `[${s.key}]` : `["${s.key}"]`)).join('');
}

/**
 * Follows `.name` / `[i]` steps into a known value. A step that finds nothing makes the value
 * unknown with `missing(path)` as the reason (for a resource: known only after apply).
 */
export function followSteps(start: Evaluated, head: string, steps: readonly TraversalStep[], missing: (path: string) => string): Evaluated {
  if (start.kind === 'unknown' || steps.length === 0) return start;
  let value: unknown = start.value;
  for (const [i, step] of steps.entries()) {
    const key = step.kind === 'attribute' ? step.name : step.key;
    const next: unknown = Array.isArray(value)
      ? typeof key === 'number'
        ? value[key]
        : undefined
      : typeof value === 'object' && value !== null && Object.hasOwn(value, key)
        ? (value as Record<string | number, unknown>)[key]
        : undefined;
    if (next === undefined) return unknown(missing(describeSteps(head, steps.slice(0, i + 1))), start.refs);
    value = next;
  }
  return known(value, start.refs);
}
