import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { buildTopology } from '../model/build.js';
import { redactUrlPasswords } from '../model/redact.js';
import { topologyFileSchema, type TopologyFile } from '../model/schema.js';
import type { Topology } from '../model/topology.js';
import { diagnosticAt, parseSource, readTextFile, type KeyPath, type SourceDocument } from './document.js';
import { InputError, type Diagnostic } from './errors.js';
import type { Fragment } from './fragment.js';

export interface LoadedTopology {
  readonly topology: Topology;
  readonly document: SourceDocument;
}

/** Reads, parses, validates and normalizes one topology file. Throws InputError with every problem located. */
export async function loadTopologyFile(file: string): Promise<LoadedTopology> {
  return parseTopology(file, await readTextFile(file));
}

export function parseTopology(file: string, text: string): LoadedTopology {
  const document = parseSource(file, text);
  if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
    throw new InputError([diagnosticAt(document, [], `expected a mapping at the top level (keys such as \`services\`, \`networks\`), got ${describeType(document.value)}`)]);
  }
  const parsed = validateTopologyInput({ value: document.value, diagnose: (path, message, options) => diagnosticAt(document, path, message, options) });
  const { topology, issues } = buildTopology(parsed, file);
  if (issues.length > 0) throw new InputError(issues.map((i) => diagnosticAt(document, i.path, i.message)));
  return { topology, document };
}

/** Data to validate, and how to place a diagnostic at one of its paths (merged inputs map back to each file). */
export interface ValidationTarget {
  readonly value: unknown;
  diagnose(path: KeyPath, message: string, options?: { key?: boolean }): Diagnostic;
}

/** Validates topology-shaped data against the schema; every problem becomes a located diagnostic. */
export function validateTopologyInput(target: ValidationTarget): TopologyFile {
  const parsed = topologyFileSchema.safeParse(target.value);
  if (!parsed.success) throw new InputError(parsed.error.issues.flatMap((issue) => diagnosticsForIssue(target, issue)).slice(0, 50));
  return parsed.data;
}

/**
 * Every problem zod found validating `target` against `schema`, located in the file, worded the
 * way topology errors are (unknown keys with a did-you-mean, the values a field accepts): for the
 * other files Lifeline reads whole, such as the lifeline.yaml.
 */
export function schemaDiagnostics(target: ValidationTarget, issues: readonly z.core.$ZodIssue[], schema: z.ZodType): Diagnostic[] {
  return issues.flatMap((issue) => diagnosticsForIssue(target, issue, [], schema)).slice(0, 50);
}

/** A topology file as a fragment: its values come from itself, at the same paths. */
export function topologyFragment(document: SourceDocument): Fragment {
  if (typeof document.value !== 'object' || document.value === null || Array.isArray(document.value)) {
    throw new InputError([diagnosticAt(document, [], `expected a mapping at the top level (keys such as \`services\`, \`networks\`), got ${describeType(document.value)}`)]);
  }
  return {
    file: document.file,
    format: 'topology',
    data: document.value,
    locate: (path, options) => {
      const pos = document.locate(path, options);
      return pos ? { file: document.file, ...pos } : undefined;
    },
    unknownReason: () => undefined,
    notes: [],
    document,
    lineText: (file, line) => (file === document.file ? document.lineText(line) : undefined),
  };
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

const asPath = (path: readonly PropertyKey[]): KeyPath => path.filter((p): p is string | number => typeof p !== 'symbol');

function diagnosticsForIssue(doc: ValidationTarget, issue: z.core.$ZodIssue, prefix: KeyPath = [], root: unknown = topologyFileSchema): Diagnostic[] {
  const path = [...prefix, ...asPath(issue.path)];
  const actual = valueAt(doc.value, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const allowed = allowedKeys(path, root);
        const suggestion = allowed.length > 0 ? closest(key, allowed) : undefined;
        const near = suggestion !== undefined && distance(key, suggestion) <= Math.max(2, Math.floor(key.length / 3));
        const hint = near ? `; did you mean "${suggestion}"?` : allowed.length > 0 ? `; expected one of: ${allowed.join(', ')}` : '';
        return doc.diagnose([...path, key], `unknown key "${key}"${hint}`, { key: true });
      });
    case 'invalid_type': {
      if (actual === undefined) {
        const key = path[path.length - 1];
        return [doc.diagnose(path, `missing required key \`${String(key)}\` (expected ${issue.expected})`)];
      }
      return [doc.diagnose(path, `expected ${issue.expected}, got ${describeType(actual)}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      const got = typeof actual === 'string' ? `"${redactUrlPasswords(actual).slice(0, 60)}"` : describeType(actual);
      const strings = issue.values.filter((v): v is string => typeof v === 'string');
      const suggestion = typeof actual === 'string' && strings.length > 0 ? closest(actual, strings) : undefined;
      const hint = suggestion !== undefined && typeof actual === 'string' && distance(actual, suggestion) <= 3 ? `; did you mean "${suggestion}"?` : '';
      return [doc.diagnose(path, `expected ${options.length === 1 ? options[0] ?? '' : `one of ${options.join(', ')}`}, got ${got}${hint}`)];
    }
    case 'invalid_union': {
      // string | number | boolean and the like: one message listing every accepted type.
      const types = issue.errors.map((errs) => (errs.length === 1 && errs[0]?.code === 'invalid_type' && errs[0].path.length === 0 ? errs[0].expected : undefined));
      if (types.length > 1 && types.every((t) => t !== undefined)) {
        const list = `${types.slice(0, -1).join(', ')} or ${types[types.length - 1] ?? ''}`;
        return [doc.diagnose(path, actual === undefined ? `missing required key \`${String(path[path.length - 1])}\` (expected ${list})` : `expected ${list}, got ${describeType(actual)}`)];
      }
      // Report the branch that got furthest: the one that is not the `unknown` placeholder.
      const branches = issue.errors.filter((errs) => !errs.every((e) => e.code === 'invalid_value' && e.values.includes('unknown')));
      const first = branches[0] ?? issue.errors[0];
      if (first && first.length > 0) {
        const unknownAllowed = issue.errors.some((errs) => errs.some((e) => e.code === 'invalid_value' && e.values.includes('unknown')));
        return first.flatMap((inner) => diagnosticsForIssue(doc, inner, path, root)).map((d) =>
          unknownAllowed ? { ...d, message: `${d.message} (or "unknown")` } : d,
        );
      }
      return [doc.diagnose(path, `unexpected value: ${issue.message}`)];
    }
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'custom':
    case 'invalid_key':
    case 'invalid_element':
      return [doc.diagnose(path, `expected ${issue.message.replace(/^Invalid input: /, '').replace(/^expected /i, '')}`)];
  }
}

/** The keys the schema allows at a path (for "did you mean"). */
function allowedKeys(path: KeyPath, root: unknown): string[] {
  let schema: unknown = root;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def?.type === 'object' && typeof segment === 'string') schema = (def.shape as Record<string, unknown>)[segment];
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  const def = defOf(unwrap(schema));
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

interface LooseDef {
  type: string;
  shape?: unknown;
  element?: unknown;
  valueType?: unknown;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): LooseDef | undefined {
  return (schema as { _zod?: { def?: LooseDef } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (!def) return current;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union') current = def.options?.find((o) => defOf(unwrap(o))?.type === 'object' || defOf(unwrap(o))?.type === 'array') ?? current;
    else return current;
    if (def.type === 'union') return current;
  }
  return current;
}
