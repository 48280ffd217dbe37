import { hcl2jsonFunction } from './hcl-parse.js';

/** A traversal step: `.name` or `[index]` / `["key"]`. */
export type TraversalStep = { readonly kind: 'attribute'; readonly name: string } | { readonly kind: 'index'; readonly key: string | number };

/**
 * An HCL expression as HashiCorp's parser reads it (hclsyntax, through `@cdktf/hcl2json`'s
 * `getExpressionAst`), reduced to what evaluation needs. `text` is the expression as written, for
 * reasons.
 */
export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** A string template: its parts' values joined. */
  | { readonly kind: 'template'; readonly parts: readonly Expr[] }
  /** `${x}` alone: x's value, not converted to a string (Terraform's template unwrapping). */
  | { readonly kind: 'scope'; readonly root: string; readonly steps: readonly TraversalStep[]; readonly text: string }
  | { readonly kind: 'relative'; readonly source: Expr; readonly steps: readonly TraversalStep[] }
  | { readonly kind: 'index'; readonly collection: Expr; readonly key: Expr }
  /** `list[*].a`: `each` is evaluated with `anon` standing for each element. */
  | { readonly kind: 'splat'; readonly source: Expr; readonly each: Expr }
  | { readonly kind: 'anon' }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly expand: boolean; readonly text: string }
  | { readonly kind: 'conditional'; readonly condition: Expr; readonly then: Expr; readonly otherwise: Expr }
  | { readonly kind: 'unary'; readonly operator: string; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly operator: string; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'tuple'; readonly items: readonly Expr[] }
  | { readonly kind: 'object'; readonly items: readonly { readonly key: Expr; readonly value: Expr }[] }
  | {
      readonly kind: 'for';
      readonly keyVar: string | undefined;
      readonly valueVar: string;
      readonly collection: Expr;
      readonly key: Expr | undefined;
      readonly value: Expr;
      readonly condition: Expr | undefined;
      readonly grouped: boolean;
      /** `{for …}` makes an object, `[for …]` a tuple, `%{for}` a string. */
      readonly result: 'object' | 'tuple' | 'string';
    };

/** What the parser gave for one hcl2json string: an expression, or why it could not be read. */
export type Parsed = { readonly kind: 'parsed'; readonly expr: Expr } | { readonly kind: 'failed'; readonly reason: string };

interface AstNode {
  readonly type: string;
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly children?: readonly AstNode[];
  readonly range?: { readonly start: { readonly byte: number }; readonly end: { readonly byte: number } };
}

type GetAst = (file: string, expression: string) => Promise<AstNode | null>;

let getAst: GetAst | undefined;

function astParser(): GetAst {
  getAst ??= hcl2jsonFunction('getExpressionAst') as GetAst;
  return getAst;
}

/** A string that hcl2json wrote with an interpolation or directive in it (else it is a literal). */
export function needsParsing(text: string): boolean {
  return text.includes('${') || text.includes('%{');
}

/**
 * Parsed expressions by the hcl2json string they came from. hcl2json writes every non-literal
 * expression as a template string in Terraform's JSON syntax (`network = google_compute_network.vpc.id`
 * arrives as `"${google_compute_network.vpc.id}"`); such a string is, character for character, the
 * body of a heredoc template in the native syntax, which `getExpressionAst` parses. Parsing is
 * asynchronous (the parser is WebAssembly), so every string is parsed before evaluation starts.
 */
export class ExpressionTable {
  readonly #parsed = new Map<string, Parsed>();

  /** Parses every string in `values` (nested in lists and objects) not parsed yet. */
  async prepare(values: Iterable<unknown>): Promise<void> {
    const pending = new Set<string>();
    const visit = (value: unknown): void => {
      if (typeof value === 'string') {
        if (needsParsing(value) && !this.#parsed.has(value)) pending.add(value);
      } else if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === 'object' && value !== null) {
        // An object expression's computed key is written as a template key (`"${(var.name)}"`).
        Object.keys(value).forEach(visit);
        Object.values(value).forEach(visit);
      }
    };
    for (const value of values) visit(value);
    const texts = [...pending];
    // Each call into the parser costs far more than a short expression: a batch is parsed in one
    // call, as the elements of one tuple. A batch that does not parse (one bad expression) is
    // parsed again one by one, so the error is that expression's own.
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH);
      const results = (await parseBatch(batch)) ?? (await Promise.all(batch.map((text) => parseTemplateString(text))));
      batch.forEach((text, k) => this.#parsed.set(text, results[k] ?? { kind: 'failed', reason: 'not parsed' }));
    }
  }

  /** The parsed form of a string given to {@link prepare}. */
  get(text: string): Parsed {
    return this.#parsed.get(text) ?? { kind: 'failed', reason: 'not parsed before evaluation' };
  }
}

const BATCH = 256;

/** `text` as the body of a heredoc whose delimiter is no line of it. */
function asHeredoc(text: string): string {
  let delimiter = 'EOT';
  for (let n = 1; text.split('\n').some((line) => line.trim() === delimiter); n++) delimiter = `EOT_${n}`;
  return `<<${delimiter}\n${text}\n${delimiter}\n`;
}

/** Every text of `batch` parsed in one call, or undefined when the batch does not parse as a whole. */
async function parseBatch(batch: readonly string[]): Promise<Parsed[] | undefined> {
  if (batch.length < 2) return undefined;
  const source = `[\n${batch.map(asHeredoc).join(',\n')}]\n`;
  let ast: AstNode | null;
  try {
    ast = await astParser()('expressions.tf', source);
  } catch (error: unknown) {
    if (error instanceof TypeError) throw error;
    return undefined;
  }
  const children = ast?.type === 'tuple' ? (ast.children ?? []) : [];
  if (children.length !== batch.length) return undefined;
  const context = { source: Buffer.from(source), quoted: false };
  return children.map((child): Parsed => ({ kind: 'parsed', expr: unwrap(heredoc(convert(child, context))) }));
}

async function parseTemplateString(text: string): Promise<Parsed> {
  const source = asHeredoc(text);
  let ast: AstNode | null;
  try {
    ast = await astParser()('expression.tf', source);
  } catch (error: unknown) {
    if (error instanceof TypeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', reason: `not parsed (${message.replace(/^.*?: /, '').slice(0, 200)})` };
  }
  if (!ast) return { kind: 'failed', reason: 'not parsed' };
  return { kind: 'parsed', expr: unwrap(heredoc(convert(ast, { source: Buffer.from(source), quoted: false }))) };
}

/** The heredoc adds one newline before its delimiter: taken off the last literal part. */
function heredoc(expr: Expr): Expr {
  if (expr.kind !== 'template') return expr;
  const parts = [...expr.parts];
  const last = parts.at(-1);
  if (last?.kind === 'literal' && typeof last.value === 'string' && last.value.endsWith('\n')) {
    const trimmed = last.value.slice(0, -1);
    if (trimmed === '') parts.pop();
    else parts[parts.length - 1] = { kind: 'literal', value: trimmed };
  }
  return { kind: 'template', parts };
}

/** A template that is one interpolation is that expression's value, unconverted. */
function unwrap(expr: Expr): Expr {
  if (expr.kind !== 'template') return expr;
  const [only, ...rest] = expr.parts;
  if (only && rest.length === 0 && only.kind !== 'literal' && !(only.kind === 'for' && only.result === 'string')) return only;
  if (expr.parts.length === 0) return { kind: 'literal', value: '' };
  return expr;
}

interface ConvertContext {
  readonly source: Buffer;
  /** Inside a quoted template, literals carry backslash escapes; inside a heredoc, they do not. */
  readonly quoted: boolean;
}

const meta = (node: AstNode, key: string): string => {
  const value = node.meta?.[key];
  return typeof value === 'string' ? value : '';
};

function child(node: AstNode, index: number): AstNode {
  const found = node.children?.[index];
  if (!found) throw new SyntaxError(`HCL ${node.type || 'expression'} node has no child ${index}`);
  return found;
}

function steps(node: AstNode): TraversalStep[] {
  const parts = node.meta?.traversal;
  if (!Array.isArray(parts)) return [];
  return parts.map((part: { type?: string; segment?: string }): TraversalStep => {
    const segment = part.segment ?? '';
    if (part.type === 'indexTraversal') return { kind: 'index', key: segment.startsWith('"') ? (JSON.parse(segment) as string) : Number(segment) };
    return { kind: 'attribute', name: segment };
  });
}

function convert(node: AstNode, context: ConvertContext): Expr {
  const children = node.children ?? [];
  switch (node.type) {
    case 'literalValue':
      return literal(node, context);
    case 'template':
    case 'templateWrap': {
      const value = meta(node, 'value');
      const inner = value.startsWith('"') ? { ...context, quoted: true } : value.startsWith('<<') ? { ...context, quoted: false } : context;
      return { kind: 'template', parts: children.map((c) => convert(c, inner)) };
    }
    case 'templateJoin':
      return convert(child(node, 0), context);
    case 'scopeTraversal': {
      const [first, ...rest] = steps(node);
      const root = first?.kind === 'attribute' ? first.name : '';
      return { kind: 'scope', root, steps: rest, text: meta(node, 'value') };
    }
    case 'relativeTraversal':
      return { kind: 'relative', source: convert(child(node, 0), context), steps: steps(node) };
    case 'index':
      return { kind: 'index', collection: convert(child(node, 0), context), key: convert(child(node, 1), context) };
    case 'splat':
      return { kind: 'splat', source: convert(child(node, 0), context), each: convert(child(node, 1), context) };
    case 'function':
      return { kind: 'call', name: meta(node, 'name'), args: children.map((c) => convert(c, context)), expand: node.meta?.expandedFinalArgument === true, text: meta(node, 'value') };
    case 'conditional':
      return { kind: 'conditional', condition: convert(child(node, 0), context), then: convert(child(node, 1), context), otherwise: children[2] ? convert(children[2], context) : { kind: 'literal', value: '' } };
    case 'unaryOp':
      return { kind: 'unary', operator: meta(node, 'operator'), operand: convert(child(node, 0), context) };
    case 'binaryOp':
      return { kind: 'binary', operator: meta(node, 'operator'), left: convert(child(node, 0), context), right: convert(child(node, 1), context) };
    case 'tuple':
      return { kind: 'tuple', items: children.map((c) => convert(c, context)) };
    case 'object': {
      const items: { key: Expr; value: Expr }[] = [];
      for (let i = 0; i + 1 < children.length; i += 2) items.push({ key: objectKey(child(node, i), context), value: convert(child(node, i + 1), context) });
      return { kind: 'object', items };
    }
    case 'for':
      return forExpression(node, context);
    case '':
      // Parentheses, and a splat's anonymous element.
      return children[0] ? convert(children[0], context) : { kind: 'anon' };
    default:
      throw new SyntaxError(`HCL expression node "${node.type}" is not known`);
  }
}

function forExpression(node: AstNode, context: ConvertContext): Expr {
  const has = (key: string): boolean => meta(node, key) !== '';
  let i = 0;
  const next = (): Expr => convert(child(node, i++), context);
  const collection = next();
  const open = meta(node, 'openRangeValue');
  const result = open.startsWith('{') ? 'object' : open.startsWith('[') ? 'tuple' : 'string';
  const key = result === 'object' && has('keyExpression') ? next() : undefined;
  const value = next();
  const condition = has('conditionalExpression') ? next() : undefined;
  const keyVar = meta(node, 'keyVar');
  return { kind: 'for', keyVar: keyVar === '' ? undefined : keyVar, valueVar: meta(node, 'valVar'), collection, key, value, condition, grouped: node.meta?.groupedValue === true, result };
}

/** An object key: a bare name is the name itself (`{ k = 1 }`), anything else an expression. */
function objectKey(node: AstNode, context: ConvertContext): Expr {
  const inner = node.children?.[0];
  if (inner) return convert(inner, context);
  const range = node.range;
  const name = range ? context.source.subarray(range.start.byte, range.end.byte).toString('utf8') : '';
  return { kind: 'literal', value: name };
}

function literal(node: AstNode, context: ConvertContext): Expr {
  const text = meta(node, 'value');
  switch (meta(node, 'type')) {
    case 'string':
      return { kind: 'literal', value: context.quoted ? unescapeQuoted(text) : unescapeTemplate(text) };
    case 'number':
      return { kind: 'literal', value: Number(text) };
    case 'bool':
      return { kind: 'literal', value: text === 'true' };
    default:
      return { kind: 'literal', value: null };
  }
}

/** `$${` and `%%{` stand for literal `${` and `%{` in every template. */
const unescapeTemplate = (text: string): string => text.replaceAll('$${', '${').replaceAll('%%{', '%{');

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** A quoted string's literal text as the parser keeps it, its escapes undone (HCL native syntax spec, "Template Literals"). */
function unescapeQuoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text.charAt(i + 1);
    const digits = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (digits > 0) {
      out += String.fromCodePoint(Number.parseInt(text.slice(i + 2, i + 2 + digits), 16));
      i += 1 + digits;
    } else {
      out += ESCAPES[next] ?? next;
      i++;
    }
  }
  return unescapeTemplate(out);
}
