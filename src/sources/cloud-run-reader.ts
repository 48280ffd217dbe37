import { redactUrlPasswords } from '../model/redact.js';
import { NAME_PATTERN } from '../model/schema.js';
import { diagnosticAt, type KeyPath, type SourceDocument } from './document.js';
import type { Diagnostic } from './errors.js';
import type { Located, TopologyInput } from './fragment.js';
import { UnknownValue } from './code/values.js';

/** One `services` entry of the topology file, as an importer writes it (before defaults). */
export type ServiceInput = NonNullable<TopologyInput['services']>[number];

/** What one service definition contributes: the service and, when it names a project ID, the project. */
export interface ServiceRead {
  readonly service: ServiceInput;
  readonly project: { readonly id: string; readonly path: KeyPath } | undefined;
}

/**
 * Reads typed values out of a Cloud Run service document, collecting every problem as a located
 * diagnostic (so one run reports them all) and remembering, for each value placed in the
 * fragment, the key path in the source it came from. Positions are resolved only when asked for:
 * most imports never need a line number.
 */
export class CloudRunReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly notes: string[] = [];
  readonly #origins = new Map<string, KeyPath>();
  readonly #reasons = new Map<string, string>();
  /** Unknown values (from deploy code) a typed read met and no reader took as `unknown`, by source path. */
  readonly #unknowns = new Map<string, { readonly path: KeyPath; readonly value: UnknownValue }>();

  constructor(readonly doc: SourceDocument) {}

  /** The raw value at `path` of the source, or undefined when absent; under an unknown value, that unknown. */
  valueAt(path: KeyPath): unknown {
    let node: unknown = this.doc.value;
    for (const segment of path) {
      if (node instanceof UnknownValue) return node;
      if (!isRecord(node) && !Array.isArray(node)) return undefined;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return node;
  }

  /**
   * The value at `path` when deploy code leaves it to run time (an environment variable, an
   * argument): the caller writes `unknown` into the fragment with {@link unknown}.
   */
  unknownAt(path: KeyPath): UnknownValue | undefined {
    const value = this.valueAt(path);
    if (!(value instanceof UnknownValue)) return undefined;
    this.#unknowns.delete(keyOf(path));
    return value;
  }

  /** Records that the fragment value at `dataPath`, read at `sourcePath`, is unknown, and why. */
  unknown(dataPath: KeyPath, sourcePath: KeyPath, reason: string): void {
    this.from(dataPath, sourcePath);
    this.#reasons.set(keyOf(dataPath), reason);
  }

  /** Why the fragment value at `dataPath` is `unknown`. */
  unknownReason(dataPath: KeyPath): string | undefined {
    return this.#reasons.get(keyOf(dataPath));
  }

  /** Unknown values that were read but could not be written as `unknown`: what they set is left out. */
  unknownsLeftOut(): readonly { readonly path: KeyPath; readonly value: UnknownValue }[] {
    return [...this.#unknowns.values()];
  }

  /** The value at `path` for a typed read: an unknown one is remembered and read as absent. */
  #typed(path: KeyPath): unknown {
    const value = this.valueAt(path);
    if (!(value instanceof UnknownValue)) return value;
    this.#unknowns.set(keyOf(path), { path, value });
    return undefined;
  }

  /**
   * Records a problem at `path`; With
   * `inValue`, the column points at that character of a one-line string value (a JSON syntax
   * error inside an annotation), when the source spells the string out as it is.
   */
  fail(path: KeyPath, message: string, options?: { readonly inValue: number }): void {
    const diagnostic = diagnosticAt(this.doc, path, message);
    const column = options === undefined ? undefined : this.#columnInValue(path, diagnostic, options.inValue);
    this.diagnostics.push({ ...diagnostic, column: column ?? diagnostic.column, keyPath: path.length > 0 ? formatSourcePath(path) : undefined });
  }

  #columnInValue(path: KeyPath, at: Diagnostic, offset: number): number | undefined {
    const value = this.valueAt(path);
    if (typeof value !== 'string' || at.column === undefined || at.sourceLine === undefined) return undefined;
    const start = at.column - 1 + (at.sourceLine[at.column - 1] === "'" || at.sourceLine[at.column - 1] === '"' ? 1 : 0);
    // Escapes (`''` in YAML, `\"` in JSON) shift characters: then the value's start is the best we know.
    return at.sourceLine.slice(start, start + value.length) === value ? start + offset + 1 : undefined;
  }

  /** Remembers that the fragment value at `dataPath` was read at `sourcePath`. */
  from(dataPath: KeyPath, sourcePath: KeyPath): void {
    this.#origins.set(keyOf(dataPath), sourcePath);
  }

  /**
   * The position of the fragment value at `dataPath`: its nearest recorded ancestor's source
   * position (with `key`, the position of the source key when the value itself was recorded).
   */
  locate(dataPath: KeyPath, options?: { readonly key?: boolean }): Located | undefined {
    for (let n = dataPath.length; n >= 0; n--) {
      const source = this.#origins.get(keyOf(dataPath.slice(0, n)));
      if (source === undefined) continue;
      const at = this.doc.locate(source, { key: options?.key === true && n === dataPath.length });
      return at === undefined ? undefined : { file: this.doc.file, ...at };
    }
    return undefined;
  }

  /** An optional mapping: absent or null is undefined; anything else but a mapping is an error. */
  mapping(path: KeyPath, expected = 'a mapping'): Record<string, unknown> | undefined {
    const value = this.#typed(path);
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return value;
    this.fail(path, `expected ${expected}, got ${describeValue(value)}`);
    return undefined;
  }

  /** A list entry that must be a mapping (null included: `- ` with nothing after it). */
  entry(path: KeyPath, expected: string): Record<string, unknown> | undefined {
    const value = this.valueAt(path);
    if (value instanceof UnknownValue) {
      // Remembered, so the entry is noted as left out, never reported as missing.
      this.#typed(path);
      return undefined;
    }
    if (isRecord(value)) return value;
    this.fail(path, `expected ${expected}, got ${describeValue(value)}`);
    return undefined;
  }

  list(path: KeyPath): readonly unknown[] | undefined {
    const value = this.#typed(path);
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value as unknown[];
    this.fail(path, `expected a list, got ${describeValue(value)}`);
    return undefined;
  }

  string(path: KeyPath): string | undefined {
    const value = this.#typed(path);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    this.fail(path, `expected a string, got ${describeValue(value)}`);
    return undefined;
  }

  /**
   * A whole number, written as a number or as a string of digits: Kubernetes annotations are
   * always strings (`autoscaling.knative.dev/maxScale: '20'`), and proto3 JSON may quote integers.
   */
  integer(path: KeyPath, options: { readonly min: number; readonly example: string }): number | undefined {
    const value = this.#typed(path);
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < options.min) {
      const expected = options.min === 0 ? 'a whole number' : `a whole number of at least ${options.min}`;
      this.fail(path, `expected ${expected} such as ${options.example}, got ${describeValue(value)}`);
      return undefined;
    }
    return number;
  }

  /** A string that must be one of `allowed`; anything else is a located error naming them. */
  oneOf<T extends string>(path: KeyPath, allowed: readonly T[]): T | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    const found = allowed.find((a) => a === value);
    if (found !== undefined) return found;
    this.fail(path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`);
    return undefined;
  }
}

/**
 * The last segment of a Google Cloud resource path or self link
 * (`projects/p/locations/r/connectors/c` → `c`): identities are names, so fragments from a
 * Terraform plan, a deploy script and a service definition merge.
 */
export function resourceName(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** True for a Google Cloud project number (`123456789012`), which is not a project ID. */
export function isProjectNumber(project: string): boolean {
  return /^\d+$/.test(project);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UnknownValue);
}

/** Joins a mount directory and a file name the way the container sees them. */
export function joinMountPath(directory: string, file: string): string {
  return `${directory.replace(/\/+$/, '')}/${file.replace(/^\/+/, '')}`;
}

/** What a value is, for messages; strings are shown short and with URL passwords redacted. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = redactUrlPasswords(value);
    return `"${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${value}`;
  return typeof value;
}

/**
 * A key path as people read it. Annotation keys hold dots and slashes, so they are quoted:
 * `spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]`.
 */
export function formatSourcePath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!/^[A-Za-z0-9_-]+$/.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

const keyOf = (path: KeyPath): string => path.join('\u0000');

/**
 * Why a service name is a placeholder a deploy step fills in (`<PROJECT_SERVICE>`, `${SERVICE}`,
 * `{{ .name }}`), or undefined for a name. The service such a template describes is not known
 * until it is rendered: it is left out, with the reason.
 */
export function placeholderName(name: string, where: string): string | undefined {
  // Only template markers make a placeholder: any other bad name stays the schema's located error.
  if (NAME_PATTERN.test(name) || !/[<>{}$%]/.test(name)) return undefined;
  return `${where}: the service name ${JSON.stringify(name.slice(0, 60))} is not a name but a placeholder filled in when the file is rendered; the service is left out`;
}

