import { z } from 'zod';
import { topologyFileSchema } from '../../model/schema.js';
import type { KeyPath } from '../document.js';

/** The schema inside `.optional()`, `.default()` and `.nullable()`. */
function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  return inner;
}

/**
 * Whether the topology file accepts the literal `unknown` at `path` of the data (a field the
 * schema declares with `unknownable(…)`, such as a service's `egress`). A value there that the
 * script does not settle is written `unknown`; anywhere else it is left out.
 *
 * @example
 * acceptsUnknown(['services', 0, 'egress']); // true
 * acceptsUnknown(['services', 0, 'connector']); // false
 */
export function acceptsUnknown(path: KeyPath): boolean {
  let schema: z.ZodType | undefined = topologyFileSchema;
  for (const key of path) {
    const outer = unwrap(schema);
    if (outer instanceof z.ZodArray && typeof key === 'number') schema = outer.element as z.ZodType;
    else if (outer instanceof z.ZodObject && typeof key === 'string') schema = (outer.shape as Record<string, z.ZodType | undefined>)[key];
    else return false;
    if (schema === undefined) return false;
  }
  const field = unwrap(schema);
  return field instanceof z.ZodUnion && (field.options as readonly z.ZodType[]).some((option) => option instanceof z.ZodLiteral && option.values.has('unknown'));
}
