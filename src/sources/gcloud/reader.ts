import { redactUrlPasswords } from '../../model/redact.js';
import { NAME_PATTERN as RESOURCE_NAME } from '../../model/schema.js';
import type { Position } from '../document.js';
import { lineOf, type Located } from '../fragment.js';
import type { FlagUse, GcloudCommand } from './flags.js';
import type { ScriptModel, Setting } from './model.js';
import { resourceName } from './values.js';
import { describeUnknown, firstUnknown, literalText, type UnknownPiece } from './words.js';

/** gcloud properties a script may set by environment variable instead of `gcloud config set`. */
const PROPERTY_VARIABLES: Readonly<Record<string, string>> = {
  project: 'CLOUDSDK_CORE_PROJECT',
  'run/region': 'CLOUDSDK_RUN_REGION',
  'compute/region': 'CLOUDSDK_COMPUTE_REGION',
};

/**
 * One command as the semantic handlers see it: its flags by name (the last of a repeated flag
 * wins, as in gcloud), literal values, and a way to note what the script leaves to run time.
 */
export class CommandReader {
  readonly command: GcloudCommand;
  readonly model: ScriptModel;
  readonly #source: string;

  constructor(command: GcloudCommand, model: ScriptModel, source: string) {
    this.command = command;
    this.model = model;
    this.#source = source;
  }

  get file(): string {
    return this.model.file;
  }

  /** `gcloud run deploy` as written in notes. */
  get title(): string {
    return `gcloud ${this.command.path.join(' ')}`;
  }

  located(at: Position): Located {
    return { file: this.model.file, line: at.line, column: at.column };
  }

  last(name: string): FlagUse | undefined {
    return this.command.flags.filter((f) => f.name === name).pop();
  }

  all(name: string): FlagUse[] {
    return this.command.flags.filter((f) => f.name === name);
  }

  has(name: string): boolean {
    return this.command.flags.some((f) => f.name === name);
  }

  /**
   * The literal value of a flag. Undefined when the flag has no value (a located problem) or the
   * script leaves it to run time (a note on `where`, e.g. `services[api].region`).
   */
  value(flag: FlagUse, where: string, consequence = 'not imported'): string | undefined {
    if (flag.value === undefined) {
      this.fail(flag.at, `--${flag.name}: expected a value after the flag`);
      return undefined;
    }
    const literal = literalText(flag.value.pieces);
    if (literal !== undefined) return literal;
    this.note(`${where}: --${flag.name} is given by ${describeUnknown(this.unknownOf(flag))}; ${consequence}`);
    return undefined;
  }

  /** The unknown part of a flag's value (a flag whose value is unknown has one). */
  unknownOf(flag: FlagUse): UnknownPiece {
    return firstUnknown(flag.value?.pieces ?? []) ?? { kind: 'unknown', source: `--${flag.name}`, why: 'which has no value' };
  }

  /** The resource the command names (its first argument), or undefined with a note saying why it is skipped. */
  resource(kind: string): { name: string; at: Position } | undefined {
    const word = this.command.args[0];
    const where = `${this.file}:${this.command.at.line}`;
    if (word === undefined) {
      this.note(`${where}: ${this.title} names no ${kind}; the command is not imported`);
      return undefined;
    }
    const unknown = firstUnknown(word.pieces);
    // What the command deploys is not judged: the note says it was left out, so the run is INCOMPLETE.
    if (unknown !== undefined) {
      this.note(`${where}: ${this.title}: the ${kind} name is given by ${describeUnknown(unknown)}; the command is left out`);
      return undefined;
    }
    const name = resourceName(literalText(word.pieces) ?? '');
    // A CI substitution or template the reader does not expand (`${_SERVICE}`, `{{ .name }}`).
    if (!RESOURCE_NAME.test(name)) {
      this.note(`${where}: ${this.title}: the ${kind} name ${JSON.stringify(name.slice(0, 60))} is not a name but a substitution or template filled in elsewhere; the command is left out`);
      return undefined;
    }
    return { name, at: word.at };
  }

  /** `--project`, else CLOUDSDK_CORE_PROJECT, else `gcloud config set project`. An unknown `--project` is noted where the command is read. */
  project(): Setting | undefined {
    return this.#setting('project', 'project', undefined);
  }

  /** `--region`, else the `run/region` or `compute/region` property (its CLOUDSDK_* variable, then `gcloud config set`). */
  region(property: 'run/region' | 'compute/region' | undefined, where: string): Setting | undefined {
    return this.#setting('region', property, where);
  }

  note(message: string): void {
    // Notes quote script text, which may hold a URL with a password.
    this.model.notes.push(redactUrlPasswords(message));
  }

  fail(at: Position, message: string): void {
    this.model.problems.push({ file: this.file, line: at.line, column: at.column, keyPath: undefined, message, sourceLine: lineOf(this.#source, at.line) });
  }

  #setting(flagName: string, property: string | undefined, where: string | undefined): Setting | undefined {
    const flag = this.last(flagName);
    if (flag !== undefined) {
      const value = where !== undefined ? this.value(flag, where) : flag.value === undefined ? undefined : literalText(flag.value.pieces);
      return value === undefined ? undefined : { value, at: this.located(flag.at) };
    }
    if (property === undefined) return undefined;
    // A CLOUDSDK_* variable overrides the configured property (gcloud topic configurations).
    const variable = PROPERTY_VARIABLES[property];
    const pieces = variable === undefined ? undefined : this.command.env.get(variable);
    const value = pieces === undefined ? undefined : literalText(pieces);
    if (value !== undefined) return { value, at: this.located(this.command.at) };
    const configured = this.model.config(property);
    // `gcloud config set` in two branches: which value this command reads is not known.
    if (configured?.kind === 'unsettled' && where !== undefined) this.note(`${where}: ${configured.reason}; not imported`);
    return configured?.kind === 'value' ? configured.setting : undefined;
  }
}
