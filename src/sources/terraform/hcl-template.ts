/**
 * hcl2json writes every non-literal expression as a template string, the way Terraform's JSON
 * syntax does (developer.hashicorp.com/terraform/language/syntax/json#expression-mapping):
 * `network = google_compute_network.vpc.id` arrives as `"${google_compute_network.vpc.id}"`,
 * and literal `${` is escaped as `$${`. This file splits such strings into their parts and reads
 * the one kind of expression Lifeline evaluates: a traversal such as `var.region` or
 * `google_compute_network.vpc.id`.
 */
export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'interpolation'; readonly expression: string }
  /** `%{ if … }` / `%{ for … }`: not evaluated. */
  | { readonly kind: 'directive'; readonly text: string };

/** A traversal step: `.name` or `[index]` / `["key"]`. */
export type TraversalStep = { readonly kind: 'attribute'; readonly name: string } | { readonly kind: 'index'; readonly key: string | number };

export interface Traversal {
  /** The root name: `var`, `local`, `module`, a resource type… */
  readonly root: string;
  readonly steps: readonly TraversalStep[];
}

/** The parts of a template string, literal escapes (`$${`, `%%{`) undone. */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if ((c === '$' || c === '%') && next === c && text[i + 2] === '{') {
      literal += `${c}{`;
      i += 3;
    } else if ((c === '$' || c === '%') && next === '{') {
      const end = closingBrace(text, i + 2);
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      const inner = text.slice(i + 2, end);
      parts.push(c === '$' ? { kind: 'interpolation', expression: inner.replace(/^~/, '').replace(/~$/, '').trim() } : { kind: 'directive', text: `%{${inner}}` });
      i = end + 1;
    } else {
      literal += text.charAt(i);
      i++;
    }
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** Index of the `}` closing an interpolation that starts at `from`, skipping nested braces and strings. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return text.length;
}

// Splats (`[*]`, `.*`) are not traversals here: they stand for every instance, which is not evaluated.
const TRAVERSAL = /^[A-Za-z_][\w-]*(?:\s*(?:\.\s*[A-Za-z_][\w-]*|\.\s*\d+|\[\s*\d+\s*\]|\[\s*"[^"\\]*"\s*\]))*$/;
const STEP = /\.\s*([A-Za-z_][\w-]*|\d+)|\[\s*(\d+|"[^"\\]*")\s*\]/g;

/** The traversal an expression consists of, or undefined for anything else (calls, operators, literals). */
export function parseTraversal(expression: string): Traversal | undefined {
  const text = expression.trim();
  if (!TRAVERSAL.test(text) || /^(true|false|null)$/.test(text)) return undefined;
  const root = /^[A-Za-z_][\w-]*/.exec(text)?.[0] ?? '';
  const steps: TraversalStep[] = [];
  for (const match of text.slice(root.length).matchAll(STEP)) {
    const [, name, index] = match;
    if (name !== undefined) steps.push(/^\d+$/.test(name) ? { kind: 'index', key: Number(name) } : { kind: 'attribute', name });
    else if (index !== undefined) steps.push({ kind: 'index', key: index.startsWith('"') ? index.slice(1, -1) : Number(index) });
  }
  return { root, steps };
}

/** Every `a.b` traversal head mentioned anywhere in an expression, for references of expressions not evaluated. */
export function traversalHeads(expression: string): { readonly root: string; readonly name: string }[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutStrings.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)\s*\.\s*([A-Za-z_][\w-]*)/g)].map((m) => ({ root: m[1] ?? '', name: m[2] ?? '' }));
}
