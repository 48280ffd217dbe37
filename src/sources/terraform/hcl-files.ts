import { join } from 'node:path';
import { registerTokens } from '../../model/secret-registry.js';
import { checkInputSize, type Position } from '../document.js';
import { InputError, type Diagnostic } from '../errors.js';
import type { FileView } from '../file-view.js';
import { lineOf } from '../fragment.js';

/** A problem with a whole file or directory (no line). */
export function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined };
}

/** A problem at a position of a file whose text is known. */
export function problemAt(file: string, text: string, at: Position, message: string): Diagnostic {
  return { file, line: at.line, column: at.column, keyPath: undefined, message, sourceLine: lineOf(text, at.line) };
}

/**
 * Reads the files of a configuration through a {@link FileView} (the work tree or a git revision),
 * with texts already read for one directory taken as given.
 */
export class ConfigReader {
  readonly #view: FileView;
  readonly #given: ReadonlyMap<string, string>;

  constructor(view: FileView, given?: { readonly dir: string; readonly texts: ReadonlyMap<string, string> }) {
    this.#view = view;
    this.#given = new Map([...(given?.texts ?? new Map<string, string>())].map(([name, text]) => [join(given?.dir ?? '.', name), text]));
  }

  /** The names of the files in `dir`; an error naming the directory when it is none. */
  async list(dir: string): Promise<string[]> {
    const kind = await this.#view.kind(dir);
    if (kind === undefined) throw new InputError([fileProblem(dir, `no such directory in ${this.#view.label}; expected a Terraform configuration directory`)]);
    if (kind === 'file') throw new InputError([fileProblem(dir, 'is not a directory; expected a Terraform configuration directory (the one holding the *.tf files)')]);
    const entries = await this.#view.list(dir);
    // Byte order, as Terraform (Go's sort.Strings) compares names: no locale.
    return entries.filter((e) => e.kind === 'file').map((e) => e.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async isFile(file: string): Promise<boolean> {
    return this.#given.has(file) || (await this.#view.kind(file)) === 'file';
  }

  async read(file: string): Promise<string> {
    const text = this.#given.get(file) ?? (await this.#view.readText(file));
    checkInputSize(file, text, 'terraform');
    await registerTokens(file, text);
    return text;
  }
}

/** The kinds of file Terraform reads from a directory (developer.hashicorp.com/terraform/language/files). */
export type ConfigFileKind = 'hcl' | 'hcl-override' | 'json-config' | 'tfvars' | 'tfvars-json' | 'tfvars-manual' | 'other';

export function configFileKind(name: string): ConfigFileKind {
  if (name.endsWith('.tf.json')) return 'json-config';
  if (name === 'override.tf' || name.endsWith('_override.tf')) return 'hcl-override';
  if (name.endsWith('.tf')) return 'hcl';
  if (name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')) return 'tfvars';
  if (name === 'terraform.tfvars.json' || name.endsWith('.auto.tfvars.json')) return 'tfvars-json';
  // Other variable files are loaded only with -var-file, which a check cannot know.
  if (name.endsWith('.tfvars') || name.endsWith('.tfvars.json')) return 'tfvars-manual';
  return 'other';
}

/**
 * The variable files Terraform loads automatically, lowest precedence first: `terraform.tfvars`,
 * `terraform.tfvars.json`, then `*.auto.tfvars` / `*.auto.tfvars.json` in lexical order of their
 * names; later files win (developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
 */
export function variableFilesInOrder(names: readonly string[]): string[] {
  const auto = names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json'));
  return [...['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n)), ...auto];
}
