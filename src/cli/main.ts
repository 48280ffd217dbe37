#!/usr/bin/env node
import { once } from 'node:events';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { topologyJsonSchema } from '../model/schema.js';
import { redactUrlPasswords } from '../model/redact.js';
import { runSecrets } from '../model/secret-registry.js';
import { InputError, formatDiagnostics } from '../sources/errors.js';
import { VERSION } from '../version.js';
import type { Severity } from '../analysis/rules/rule.js';
import { runCheck } from './check.js';
import { cannotTurnOff, ruleById, unknownRule } from '../analysis/rule-settings.js';
import { runDiff, type DiffSides } from './diff.js';
import { STDIN, withStandardInput, workTree } from '../sources/file-view.js';
import { readStandardInput } from '../sources/document.js';
import { ERROR_DOCUMENT_FORMATS, errorEntries, renderErrorDocument, usageEntry, type ErrorDocumentFormat, type ErrorEntry } from './error-document.js';
import { registerExplainCommand } from './explain.js';
import { OUTPUT_FORMATS, type OutputFormat } from './formats.js';
import { runProbeCommand } from './probe.js';
import { durationArgument, formatDuration } from './duration.js';
import { useColor } from './color.js';
import { writeFileSafely } from './safe-write.js';

/** A usage mistake found after parsing (a combination of options): printed, exit 2. */
class UsageError extends Error {
  override name = 'UsageError' as const;
}

const INPUTS_HELP =
  'files or directories: topology YAML/JSON, Terraform plan JSON (terraform show -json), Terraform directories (.tf), Cloud Run service YAML/JSON, deploy scripts and CI workflows calling gcloud, deploy code sending Cloud Run bodies to the Admin API, or a lifeline.yaml';

/** Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad input or usage; 3 internal error; 141 the output's reader closed early. */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3, closedPipe: 141 } as const;

/** `--var NAME=VALUE`, repeatable: a Terraform variable's value, as `terraform plan -var` takes it. */
const varOption = (): Option =>
  new Option('--var <name=value>', 'a Terraform variable value for the root modules read, as `terraform plan -var` (repeatable)')
    .argParser((pair: string, previous: [string, string][]) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new InvalidArgumentError('expected NAME=VALUE, such as region=europe-west1');
      return [...previous, [pair.slice(0, at), pair.slice(at + 1)] as [string, string]];
    })
    .default([], 'none');

/** `--var-file FILE`, repeatable: a Terraform variables file, as `terraform plan -var-file`. */
const varFileOption = (): Option =>
  new Option('--var-file <file>', 'a Terraform variables file (.tfvars or .tfvars.json) for the root modules read, as `terraform plan -var-file` (repeatable)')
    .argParser((file: string, previous: string[]) => [...previous, file])
    .default([], 'none');

/** Terraform's own `TF_VAR_name` environment variables: the lowest-precedence variable values. */
function terraformEnvironment(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('TF_VAR_') && key.length > 7 && value !== undefined) found.set(key.slice(7), value);
  return found;
}

/** `--exclude GLOB`, repeatable: paths (relative to each directory named) not to read. */
const excludeOption = (): Option =>
  new Option('--exclude <glob>', 'do not read paths matching this glob, relative to each directory named (repeatable)').argParser((glob: string, previous: string[]) => [...previous, glob]).default([], 'none');

/** `--rule ID` / `--skip-rule ID`, repeatable, comma lists too: every id a rule (did-you-mean otherwise). */
const ruleListOption = (flags: string, description: string, skipping: boolean): Option =>
  new Option(flags, description)
    .argParser((list: string, previous: string[]) => {
      const ids = list.split(',').map((id) => id.trim()).filter(Boolean);
      for (const id of ids) {
        const rule = ruleById(id);
        if (rule === undefined) throw new InvalidArgumentError(unknownRule(id));
        const refused = skipping ? cannotTurnOff(rule) : undefined;
        if (refused !== undefined) throw new InvalidArgumentError(refused);
      }
      return [...previous, ...ids];
    })
    .default([], 'none');

/**
 * `--output FORMAT=FILE`, repeatable: the report in another format, written to a file in the same
 * run (the terminal still gets `--format`). Two outputs to one file are refused.
 */
const outputOption = (): Option =>
  new Option('--output <format=file>', `also write the report in FORMAT to FILE, atomically (repeatable; formats: ${OUTPUT_FORMATS.join(', ')})`)
    .argParser((pair: string, previous: { format: OutputFormat; file: string }[]) => {
      const at = pair.indexOf('=');
      const format = at < 0 ? pair : pair.slice(0, at);
      if (!(OUTPUT_FORMATS as string[]).includes(format)) {
        const known = OUTPUT_FORMATS.join(', ');
        throw new InvalidArgumentError(at < 0 ? `expected FORMAT=FILE, such as sarif=lifeline.sarif (formats: ${known})` : `"${format}" is not a format; formats: ${known}`);
      }
      const file = pair.slice(at + 1);
      if (at < 0 || file === '') throw new InvalidArgumentError(`expected FORMAT=FILE, such as ${format}=lifeline.${format}: name the file to write`);
      if (previous.some((o) => o.file === file)) throw new InvalidArgumentError(`${file} is named by two --output options: give each format its own file`);
      return [...previous, { format: format as OutputFormat, file }];
    })
    .default([], 'none');

/** Pieces of text, each changed by `change` as it is written. */
function* mapPieces(pieces: Iterable<string>, change: (piece: string) => string): Iterable<string> {
  for (const piece of pieces) yield change(piece);
}

/** What a failed run needs to print its error document: the format asked for, and commander's own message. */
interface RunState {
  format: string | undefined;
  usageMessage: string | undefined;
}

function writeErr(text: string): void {
  process.stderr.write(runSecrets.redact(text));
}

function buildProgram(write: (text: string) => void, state: RunState, writeChunks: (chunks: Iterable<string>) => Promise<void> = (chunks) => {
  for (const chunk of chunks) write(chunk);
  return Promise.resolve();
}): Command {
  const program = new Command()
    .name('lifeline')
    .description('Checks that every service can reach every dependency, from configuration alone.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: write,
      writeErr: (text) => {
        state.usageMessage ??= text.replace(/^error: /, '').trim();
        writeErr(text);
      },
    })
    .showSuggestionAfterError();
  // The format is known once options are parsed; a parse error falls back to reading argv.
  program.hook('preAction', (_program, action) => {
    const format: unknown = action.opts().format;
    if (typeof format === 'string') state.format = format;
  });

  program
    .command('check')
    .description('Analyse the configuration: reachability of every (service, dependency), findings and verified fixes.')
    .argument('[inputs...]', `${INPUTS_HELP}; - reads one YAML or JSON input from standard input`)
    .option('--config <file>', 'a lifeline.yaml listing the inputs (default: the nearest lifeline.yaml, up to the repository root, when no inputs are named)')
    .addOption(excludeOption())
    .addOption(varOption())
    .addOption(varFileOption())
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: the lifeline.yaml\'s failOn, else critical)').choices(['critical', 'warning']))
    .addOption(ruleListOption('--rule <id>', 'run only this rule (repeatable, or a comma list); coverage rules always run', false))
    .addOption(ruleListOption('--skip-rule <id>', 'do not run this rule (repeatable, or a comma list)', true))
    .option('--baseline <file>', 'hide the findings listed in this baseline file (each with its reason)')
    .option('--write-baseline <file>', 'write every current finding to a baseline file (needs --reason)')
    .option('--reason <text>', 'why the findings written by --write-baseline are acceptable')
    .option('--expires <date>', 'YYYY-MM-DD after which the baseline entries lapse (a future date)', (value: string) => {
      const date = new Date(`${value}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
        throw new InvalidArgumentError('expected a real date such as 2027-01-31');
      }
      const today = new Date().toISOString().slice(0, 10);
      if (value <= today) throw new InvalidArgumentError(`${value} is not in the future (today is ${today}): an entry that has already lapsed hides nothing`);
      return value;
    })
    .option('--patch <file>', 'write every recommended fix (or only --fix ID) as one patch `git apply` accepts, paths relative to the current directory')
    .addOption(new Option('--write-patch <file>', 'the former name of --patch').hideHelp())
    .option('--fix <id>', 'with --patch: the one fix to write (fix-2, …), as the report numbers them')
    .addOption(outputOption())
    .option('--no-color', 'never colour the text output')
    .action(
      async (
        files: string[],
        opts: {
          patch?: string;
          writePatch?: string;
          output: { format: OutputFormat; file: string }[];
          fix?: string;
          format: OutputFormat;
          failOn?: 'critical' | 'warning';
          config?: string;
          color: boolean;
          baseline?: string;
          writeBaseline?: string;
          reason?: string;
          expires?: string;
          exclude: string[];
          var: [string, string][];
          varFile: string[];
          rule: string[];
          skipRule: string[];
        },
      ) => {
        if (opts.writeBaseline !== undefined && (opts.reason === undefined || opts.reason.trim() === '')) {
          throw new UsageError('--write-baseline needs --reason "why these findings are acceptable": every suppression carries a reason');
        }
        if (opts.patch !== undefined && opts.writePatch !== undefined) throw new UsageError('--write-patch is the former name of --patch: give one of them');
        const patchFile = opts.patch ?? opts.writePatch;
        if (opts.fix !== undefined && patchFile === undefined) throw new UsageError('--fix goes with --patch FILE');
        const color = useColor(opts.color);
        // `-` is standard input, read whole before anything else (a topology, a Cloud Run service, a plan).
        const stdin = files.filter((f) => f === '-').length;
        if (stdin > 1) throw new UsageError('- (standard input) can be named once');
        if (stdin === 1 && patchFile !== undefined) throw new UsageError('--patch changes the files read, and standard input is not one: name the file instead of -');
        const view = stdin === 1 ? withStandardInput(workTree, await readStandardInput(STDIN)) : undefined;
        const result = await runCheck(stdin === 1 ? files.map((f) => (f === '-' ? STDIN : f)) : files, {
          ...(view !== undefined ? { view } : {}),
          format: opts.format,
          ...(opts.failOn !== undefined ? { failOn: opts.failOn } : {}),
          ...(opts.config !== undefined ? { config: opts.config } : {}),
          color,
          exclude: opts.exclude,
          rules: { only: opts.rule, skip: opts.skipRule },
          variables: { environment: terraformEnvironment(), files: opts.varFile, values: opts.var },
          ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
          ...(patchFile !== undefined ? { patch: { file: patchFile, ...(opts.fix !== undefined ? { fix: opts.fix } : {}) } } : {}),
          ...(opts.writeBaseline !== undefined ? { writeBaseline: { file: opts.writeBaseline, reason: opts.reason ?? '', ...(opts.expires !== undefined ? { expires: opts.expires } : {}) } } : {}),
        });
        if (result.baselineWritten !== undefined) {
          // The baseline is the result: say what was written, not the report it now hides.
          const { file, entries } = result.baselineWritten;
          write(`wrote ${entries} ${entries === 1 ? 'entry' : 'entries'} to ${file}\n`);
          process.exitCode = EXIT.ok;
          return;
        }
        // Every file first, then the terminal: a CI step that reads them after a failing exit finds them all.
        for (const output of opts.output) await writeFileSafely(output.file, mapPieces(result.chunksFor(output.format), (piece) => runSecrets.redact(piece)), `the ${output.format} report`);
        await writeChunks(result.chunks());
        if (result.patch !== undefined) {
          const { file, fixes, files: changed, skipped } = result.patch;
          const named = fixes.join(', ');
          const what = fixes.length === 0 ? 'no fix is proposed' : changed.length === 0 ? `${named} ${fixes.length === 1 ? 'has' : 'have'} no change that can be written as a patch (see the report for what to do)` : `${named}, changing ${changed.join(', ')}; apply it with \`git apply ${file}\``;
          process.stderr.write(`wrote ${file}: ${what}\n${skipped.map((s) => `  not in the patch: ${s}\n`).join('')}`);
        }
        process.exitCode = result.exitCode;
      },
    );

  program
    .command('diff')
    .description('What a change breaks: compare BASE and HEAD (files, directories or lifeline.yaml), or the same inputs at two git revisions.')
    .argument('[inputs...]', 'BASE HEAD; with --base, the inputs to read at each revision (default: the lifeline.yaml)')
    .option('--base <rev>', 'read the inputs at this git revision (branch, tag or commit) through git, without touching the work tree')
    .option('--head <rev>', 'with --base: read the head side at this revision too (default: the work tree)')
    .option('--config <file>', 'a lifeline.yaml listing the inputs (with --base)')
    .addOption(excludeOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'a finding introduced at or above this severity counts as worse (default: warning)').choices(['critical', 'warning', 'info']))
    .action(async (inputs: string[], opts: { base?: string; head?: string; config?: string; format: 'text' | 'json'; failOn?: Severity; exclude: string[] }) => {
      let sides: DiffSides;
      if (opts.base !== undefined) sides = { kind: 'revisions', base: opts.base, head: opts.head, inputs };
      else {
        if (opts.head !== undefined) throw new UsageError('--head goes with --base: give --base REV [--head REV], or two paths BASE HEAD');
        if (opts.config !== undefined) throw new UsageError('--config goes with --base; to compare two configurations, name them: lifeline diff BASE HEAD');
        const [base, head, ...rest] = inputs;
        if (base === undefined || head === undefined || rest.length > 0) throw new UsageError('diff needs two inputs, BASE and HEAD (files, directories or lifeline.yaml), or --base REV to compare git revisions');
        sides = { kind: 'paths', base, head };
      }
      const result = await runDiff(sides, { format: opts.format, exclude: opts.exclude, ...(opts.failOn !== undefined ? { failOn: opts.failOn } : {}), ...(opts.config !== undefined ? { config: opts.config } : {}) });
      write(result.output);
      process.exitCode = result.exitCode;
    });

  const positiveInt = (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
    return n;
  };
  program
    .command('probe')
    .description('Connect to every dependency from here (inside the runtime), time each phase, and compare with the static verdict.')
    .argument('[inputs...]', INPUTS_HELP)
    .option('--service <name>', 'probe only this service\'s dependencies')
    .addOption(excludeOption())
    .option('--concurrency <n>', 'probes in flight at once', positiveInt, 16)
    .addOption(new Option('--timeout <duration>', 'hard deadline of each probe, with its unit (500ms, 2s, 1m)').argParser(durationArgument).default(5000, formatDuration(5000)))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a result is at or above this severity').choices(['critical', 'warning']).default('critical'))
    .option('--watch <interval>', 'repeat every interval (with its unit: 10s, 1m) and print what changed, until interrupted', durationArgument)
    .option('--cloudsql-dir <dir>', 'where Cloud SQL sockets are mounted', '/cloudsql')
    .option('--dns-server <address...>', 'resolve names with these DNS servers instead of the system resolver')
    .option('--ca <file>', 'extra trusted CA certificates (PEM) for TLS')
    .option('--no-color', 'never colour the text output')
    .action(
      async (
        files: string[],
        opts: { service?: string; concurrency: number; timeout: number; format: 'text' | 'json'; failOn: 'critical' | 'warning'; watch?: number; cloudsqlDir: string; dnsServer?: string[]; ca?: string; color: boolean; exclude: string[] },
      ) => {
        const color = useColor(opts.color);
        process.exitCode = await runProbeCommand(
          files,
          {
            ...(opts.service !== undefined ? { service: opts.service } : {}),
            exclude: opts.exclude,
            concurrency: opts.concurrency,
            deadlineMs: opts.timeout,
            format: opts.format,
            failOn: opts.failOn,
            color,
            cloudSqlDir: opts.cloudsqlDir,
            ...(opts.dnsServer ? { dnsServers: opts.dnsServer } : {}),
            ...(opts.ca !== undefined ? { caFile: opts.ca } : {}),
            ...(opts.watch !== undefined ? { watchMs: opts.watch } : {}),
          },
          write,
        );
      },
    );

  program
    .command('schema')
    .description('Print the JSON Schema of the topology file (for editor completion).')
    .action(() => {
      write(`${JSON.stringify(topologyJsonSchema(), null, 2)}\n`);
    });
  registerExplainCommand(program, { write, writeErr });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Every byte written passes the run's secret registry: a value read as secret never leaves.
  const write = (text: string): void => {
    process.stdout.write(runSecrets.redact(text));
  };
  // A report in pieces (a large JSON report) waits for stdout to drain between pieces, so it is never all in memory at once.
  const writeChunks = async (chunks: Iterable<string>): Promise<void> => {
    for (const chunk of chunks) if (!process.stdout.write(runSecrets.redact(chunk))) await once(process.stdout, 'drain');
  };
  const state: RunState = { format: undefined, usageMessage: undefined };
  const program = buildProgram(write, state, writeChunks);
  // Bad input or usage: the human text on stderr, and in a machine format its error document on stdout.
  const failWith = (errors: readonly ErrorEntry[]): number => {
    const format = errorDocumentFormat(state.format ?? formatInArgv(argv));
    if (format !== undefined) write(renderErrorDocument(format, errors, VERSION));
    return EXIT.usage;
  };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error: unknown) {
    if (error instanceof CommanderError || error instanceof InvalidArgumentError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : failWith([usageEntry(state.usageMessage ?? error.message)]);
    }
    if (error instanceof UsageError) {
      writeErr(`lifeline: ${error.message}\n`);
      return failWith([usageEntry(error.message)]);
    }
    if (error instanceof InputError) {
      writeErr(`${formatDiagnostics(error.diagnostics)}\n`);
      return failWith(errorEntries(error.diagnostics));
    }
    // The reader went away (`| head`, `| grep -m1`): nothing more can be written and there is no
    // error to report; the run ends as one killed by SIGPIPE would (128 + 13), not as a pass.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return EXIT.closedPipe;
    const message = error instanceof Error ? error.message : String(error);
    writeErr(`lifeline: internal error: ${redactUrlPasswords(message)}\n`);
    if (process.env.LIFELINE_DEBUG && error instanceof Error && error.stack) writeErr(`${redactUrlPasswords(error.stack)}\n`);
    return EXIT.internal;
  }
}

function errorDocumentFormat(format: string | undefined): ErrorDocumentFormat | undefined {
  return (ERROR_DOCUMENT_FORMATS as readonly (string | undefined)[]).includes(format) ? (format as ErrorDocumentFormat) : undefined;
}

/** `--format X` or `--format=X` as typed, for errors commander raises before it has parsed options. */
function formatInArgv(argv: readonly string[]): string | undefined {
  let format: string | undefined;
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') break;
    if (arg === '--format') format = argv[i + 1];
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
  }
  return format;
}

process.exitCode = await main(process.argv.slice(2));
