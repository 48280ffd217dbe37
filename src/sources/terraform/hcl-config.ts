import { InputError, type Diagnostic } from '../errors.js';
import type { Position } from '../document.js';
import { fileProblem, problemAt } from './hcl-files.js';
import { blocksNamed, type BlockOutline, type BodyItem } from './hcl-outline.js';

/** One `.tf` file: its text, hcl2json's value, and where its blocks are written. */
export interface ParsedFile {
  readonly file: string;
  readonly text: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly outline: readonly BodyItem[];
}

/** A block declared in a file (`resource "T" "N"`, `module "N"`), with its hcl2json body. */
export interface Declaration {
  readonly body: Readonly<Record<string, unknown>>;
  readonly file: string;
  readonly text: string;
  readonly block: BlockOutline;
}

export interface ResourceDeclaration extends Declaration {
  readonly type: string;
  readonly name: string;
}

export interface ModuleCall extends Declaration {
  readonly name: string;
  /** The literal `source`, when it is one. */
  readonly source: string | undefined;
  /** The called module, for local sources (`./x`, `../x`); undefined for sources not fetched. */
  child?: ModuleConfig;
}

/** What one module directory declares. Values stay as hcl2json wrote them, evaluated later. */
export interface ModuleConfig {
  readonly dir: string;
  readonly files: readonly ParsedFile[];
  /** `type` is the constraint as hcl2json gives it (`"${list(object({…}))}"`), when there is one. */
  readonly variables: ReadonlyMap<string, { readonly hasDefault: boolean; readonly default: unknown; readonly type: unknown; readonly sensitive: boolean }>;
  readonly locals: ReadonlyMap<string, unknown>;
  /** By `TYPE.NAME`. */
  readonly resources: ReadonlyMap<string, ResourceDeclaration>;
  readonly modules: ReadonlyMap<string, ModuleCall>;
  /** Output values (`output "N" { value = … }`) by name. */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** Default (un-aliased) provider configurations by provider name. */
  readonly providers: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

/** A block the outline scanner did not find (it should always): placed at the top of its file rather than lost. */
function unplaced(type: string, labels: string[]): BlockOutline {
  return { kind: 'block', type, labels, at: { line: 1, column: 1 }, body: [] };
}

export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** hcl2json writes every block as a list of bodies; anything else is read as no blocks. */
export function blockBodies(value: unknown): Readonly<Record<string, unknown>>[] {
  return Array.isArray(value) ? value.map(asRecord).filter((b) => b !== undefined) : [];
}

/** `{ LABEL: [body…] }` as [label, body, index among same-labelled blocks] triples. */
function labelled(value: unknown): [string, Readonly<Record<string, unknown>>, number][] {
  return Object.entries(asRecord(value) ?? {}).flatMap(([label, list]) => blockBodies(list).map((body, k): [string, Readonly<Record<string, unknown>>, number] => [label, body, k]));
}

/**
 * Gathers the declarations of a module's files, refusing what Terraform refuses: the same
 * resource, variable, local, module or output declared twice.
 */
export function moduleConfig(dir: string, files: readonly ParsedFile[]): ModuleConfig {
  const problems: Diagnostic[] = [];
  const variables = new Map<string, { hasDefault: boolean; default: unknown; type: unknown; sensitive: boolean }>();
  const locals = new Map<string, unknown>();
  const resources = new Map<string, ResourceDeclaration>();
  const modules = new Map<string, ModuleCall>();
  const outputs = new Map<string, unknown>();
  const providers = new Map<string, Readonly<Record<string, unknown>>>();
  const firstAt = new Map<string, string>();

  const declare = (key: string, what: string, f: ParsedFile, at: Position | undefined): boolean => {
    const first = firstAt.get(key);
    if (first !== undefined) {
      const message = `${what} is declared twice (first at ${first}); Terraform refuses duplicates`;
      problems.push(at ? problemAt(f.file, f.text, at, message) : fileProblem(f.file, message));
      return false;
    }
    firstAt.set(key, at ? `${f.file}:${at.line}` : f.file);
    return true;
  };
  const blockOf = (f: ParsedFile, type: string, labels: string[], k: number): BlockOutline | undefined => blocksNamed(f.outline, type, labels)[k];

  for (const f of files) {
    for (const [name, body, k] of labelled(f.body.variable)) {
      if (declare(`var.${name}`, `variable "${name}"`, f, blockOf(f, 'variable', [name], k)?.at)) variables.set(name, { hasDefault: 'default' in body, default: body.default, type: body.type, sensitive: body.sensitive === true || body.sensitive === '${true}' });
    }
    const localBlocks = blocksNamed(f.outline, 'locals', []);
    for (const [k, body] of blockBodies(f.body.locals).entries()) {
      for (const [name, value] of Object.entries(body)) {
        const at = localBlocks[k]?.body.find((item) => item.kind === 'attribute' && item.name === name)?.at;
        if (declare(`local.${name}`, `local.${name}`, f, at)) locals.set(name, value);
      }
    }
    for (const [type, byName] of Object.entries(asRecord(f.body.resource) ?? {})) {
      for (const [name, body, k] of labelled(byName)) {
        const block = blockOf(f, 'resource', [type, name], k) ?? unplaced('resource', [type, name]);
        if (declare(`${type}.${name}`, `resource "${type}" "${name}"`, f, block.at)) resources.set(`${type}.${name}`, { type, name, body, file: f.file, text: f.text, block });
      }
    }
    for (const [name, body, k] of labelled(f.body.module)) {
      const block = blockOf(f, 'module', [name], k) ?? unplaced('module', [name]);
      const source = typeof body.source === 'string' && !body.source.includes('${') ? body.source : undefined;
      if (declare(`module.${name}`, `module "${name}"`, f, block.at)) modules.set(name, { name, source, body, file: f.file, text: f.text, block });
    }
    for (const [name, body, k] of labelled(f.body.output)) {
      if (declare(`output.${name}`, `output "${name}"`, f, blockOf(f, 'output', [name], k)?.at)) outputs.set(name, body.value);
    }
    for (const [name, body] of labelled(f.body.provider)) {
      if (body.alias === undefined && !providers.has(name)) providers.set(name, body);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return { dir, files, variables, locals, resources, modules, outputs, providers };
}
