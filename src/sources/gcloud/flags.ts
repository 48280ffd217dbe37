import type { Position } from '../document.js';
import { dropPrefix, firstUnknown, literalText, type Invocation, type Piece, type Word } from './words.js';

/** One `--flag`, `--flag value` or `--flag=value` of a command. */
export interface FlagUse {
  /** Without dashes: `vpc-egress`. */
  readonly name: string;
  /** Absent for a boolean flag. */
  readonly value: Word | undefined;
  /** Where the flag is written: what findings about its value point at. */
  readonly at: Position;
}

/** A gcloud command line read into its command path, positional arguments and flags. */
export interface GcloudCommand {
  /** The command without its release track: `['run', 'deploy']`. */
  readonly path: readonly string[];
  /** Positional arguments after the command path (the resource name first). */
  readonly args: readonly Word[];
  readonly flags: readonly FlagUse[];
  /** The gcloud word: where the entity a command creates is recorded. */
  readonly at: Position;
  /** Words the script leaves to run time where a flag or argument was expected (`$EXTRA_FLAGS`). */
  readonly unknownWords: readonly Word[];
  readonly env: ReadonlyMap<string, readonly Piece[]>;
}

/** Command groups and commands Lifeline reads; anything else is ignored. */
const COMMANDS: readonly (readonly string[])[] = [
  ['run', 'deploy'],
  ['run', 'services', 'update'],
  ['run', 'services', 'replace'],
  ['run', 'jobs', 'deploy'],
  ['run', 'jobs', 'create'],
  ['run', 'jobs', 'update'],
  ['functions', 'deploy'],
  ['compute', 'networks', 'vpc-access', 'connectors', 'create'],
  ['compute', 'networks', 'vpc-access', 'connectors', 'update'],
  ['compute', 'networks', 'subnets', 'create'],
  ['compute', 'networks', 'subnets', 'update'],
  ['compute', 'networks', 'create'],
  ['compute', 'routers', 'nats', 'create'],
  ['compute', 'routers', 'nats', 'update'],
  ['compute', 'routers', 'create'],
  ['compute', 'addresses', 'create'],
  ['sql', 'instances', 'create'],
  ['sql', 'instances', 'patch'],
  ['config', 'set'],
];
const RELEASE_TRACKS = new Set(['alpha', 'beta', 'preview']);

/**
 * Flags that take no value. gcloud's boolean flags are `--[no-]name` pairs and `--clear-…`
 * switches; the rest are listed from the references of the commands above and the gcloud-wide
 * flags. A flag not known to be boolean takes the next word as its value unless that is a flag.
 */
const BOOLEAN_FLAGS = new Set([
  'async', 'quiet', 'q', 'help', 'h', 'log-http', 'user-output-enabled', 'verbosity-debug',
  'allow-unauthenticated', 'cpu-throttling', 'cpu-boost', 'use-http2', 'session-affinity', 'default-url',
  'invoker-iam-check', 'dry-run', 'no-traffic', 'iap', 'deploy-health-check', 'automatic-updates',
  'require-ssl', 'assign-ip', 'deletion-protection', 'enable-bin-log', 'storage-auto-increase',
  'nat-all-subnet-ip-ranges', 'nat-primary-subnet-ip-ranges', 'auto-allocate-nat-external-ips',
  'enable-private-ip-google-access', 'enable-logging', 'enable-dynamic-port-allocation',
  'enable-endpoint-independent-mapping', 'global',
  'gen2', 'trigger-http', 'retry', 'wait', 'execute-now', 'allow-unauthenticated',
]);

const isBoolean = (name: string): boolean => BOOLEAN_FLAGS.has(name) || /^(no|clear|enable|disable)-/.test(name);

/**
 * What an invocation is: a command Lifeline reads, one whose command group the script leaves to
 * run time (`gcloud $CMD`, `["gcloud", *args]`), or any other gcloud command.
 */
export type ParsedInvocation = { readonly kind: 'command'; readonly command: GcloudCommand } | { readonly kind: 'hidden'; readonly word: Word } | { readonly kind: 'other' };

/** Reads an invocation into its command path, arguments and flags. */
export function parseCommand(invocation: Invocation): ParsedInvocation {
  const [gcloud, ...rest] = invocation.words;
  if (gcloud === undefined) return { kind: 'other' };
  const positionals: Word[] = [];
  const flags: FlagUse[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (word === undefined) continue;
    const literal = literalText(word.pieces);
    const head = word.pieces[0];
    const flagText = literal ?? (head?.kind === 'text' ? head.text : '');
    if (literal === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (!/^--?[A-Za-z]/.test(flagText)) {
      positionals.push(word);
      continue;
    }
    const eq = flagText.indexOf('=');
    if (eq !== -1) {
      const name = flagText.slice(flagText.startsWith('--') ? 2 : 1, eq);
      flags.push({ name, value: { pieces: dropPrefix(word.pieces, eq + 1), at: word.at }, at: word.at });
      continue;
    }
    if (literal === undefined) {
      // `--flag$SUFFIX`: the flag's own name is not known.
      positionals.push(word);
      continue;
    }
    const name = literal.replace(/^--?/, '');
    const next = rest[i + 1];
    const nextText = next === undefined ? undefined : (literalText(next.pieces) ?? '');
    const takesNext = next !== undefined && !isBoolean(name) && !(nextText?.startsWith('-') === true && nextText.length > 1 && !/^-\d/.test(nextText));
    flags.push({ name, value: takesNext ? next : undefined, at: word.at });
    if (takesNext) i++;
  }
  const literalPositionals = positionals.map((w) => literalText(w.pieces));
  let start = 0;
  while (RELEASE_TRACKS.has(literalPositionals[start] ?? '')) start++;
  const path = COMMANDS.find((command) => command.every((part, k) => literalPositionals[start + k] === part));
  if (path === undefined) {
    // A word the script leaves to run time where the command group should be: it may be a command Lifeline reads.
    const hidden = literalPositionals.findIndex((p) => p === undefined);
    const word = positionals[hidden];
    const prefix = literalPositionals.slice(start, hidden);
    const couldBe = hidden >= start && COMMANDS.some((command) => prefix.every((part, k) => command[k] === part) && prefix.length < command.length);
    return couldBe && word !== undefined ? { kind: 'hidden', word } : { kind: 'other' };
  }
  const args = positionals.slice(start + path.length);
  const command: GcloudCommand = {
    path,
    args,
    flags,
    at: gcloud.at,
    unknownWords: args.slice(1).filter((w) => firstUnknown(w.pieces) !== undefined),
    env: invocation.env,
  };
  return { kind: 'command', command };
}
