import { isMap, isScalar, type YAMLMap } from 'yaml';
import type { Position } from '../document.js';
import type { Branch } from './branches.js';
import type { OuterExpansion } from './shell-lexer.js';
import { shellInvocations } from './shell.js';
import { scalarText, substitutedPieces } from './yaml-scalars.js';
import { literalText, MappedTextBuilder, normalizePieces, text, type Invocation, type MappedText, type Piece, type Word } from './words.js';

/** `uses: google-github-actions/deploy-cloudrun@v2` (any ref). */
const ACTION = /^google-github-actions\/deploy-cloudrun(@|$)/;

/** The action's default region when `region` is not given (its action.yml). */
const DEFAULT_REGION = 'us-central1';

export interface ActionContext {
  readonly file: string;
  readonly mapped: MappedText;
  readonly fail: (at: Position, message: string) => never;
  readonly outer: OuterExpansion;
  readonly notes: string[];
}

/** Whether a workflow step runs the deploy-cloudrun action. */
export function isDeployCloudRunStep(step: YAMLMap, mapped: MappedText): boolean {
  const uses = scalarText(step.get('uses', true), mapped)?.text.trim();
  return uses !== undefined && ACTION.test(uses);
}

/**
 * The gcloud commands a `google-github-actions/deploy-cloudrun` step runs, built from its inputs
 * the way the action builds them (github.com/google-github-actions/deploy-cloudrun):
 * `gcloud run deploy SERVICE` (or `gcloud run jobs deploy JOB`) with `--image`/`--source`,
 * `--update-env-vars` or `--set-env-vars` per `env_vars` entry, `--update-secrets` or
 * `--set-secrets` per `secrets` entry, `--tag`, `--no-traffic`, `--timeout`, `--region` (one
 * command per region; `us-central1` when none is given), `--project`, then `flags` as gcloud
 * reads them. Every word points at the input that gave it; `${{ … }}` expressions are unknown
 * unless they name `env` values the workflow sets. A `metadata` file is deployed with `gcloud
 * run services replace`: it is a Cloud Run YAML input of its own.
 */
export function deployCloudRunInvocations(ctx: ActionContext, step: YAMLMap, variables: ReadonlyMap<string, readonly Piece[]>, branch: Branch): Invocation[] {
  const inputs = step.get('with', true);
  const usesNode = step.get('uses', true);
  const at = ctx.mapped.positionAt(isScalar(usesNode) ? (usesNode.range?.[0] ?? 0) : 0);
  const literal = (value: string): Word => ({ pieces: [text(value)], at });
  if (!isMap(inputs)) {
    ctx.notes.push(`${ctx.file}:${at.line}: deploy-cloudrun step with no \`with:\` inputs names no service; the step is left out`);
    return [];
  }
  const input = (name: string): MappedText | undefined => {
    const value = scalarText(inputs.get(name, true), ctx.mapped);
    return value === undefined || value.text.trim() === '' ? undefined : value;
  };
  const word = (value: MappedText): Word => ({ pieces: substitutedPieces(value, ctx.outer), at: value.positionAt(firstNonSpace(value.text)) });
  const metadata = input('metadata');
  if (metadata !== undefined) {
    ctx.notes.push(`${ctx.file}:${metadata.positionAt(0).line}: deploy-cloudrun deploys ${JSON.stringify(metadata.text.trim())} with \`gcloud run services replace\`; that file is read as a Cloud Run service input when it is among the inputs`);
    return [];
  }
  const service = input('service');
  const job = input('job');
  const target = job ?? service;
  if (target === undefined) {
    ctx.notes.push(`${ctx.file}:${at.line}: deploy-cloudrun step names no \`service\` or \`job\`; the step is left out`);
    return [];
  }
  const words: Word[] = [literal('gcloud'), literal('run'), ...(job !== undefined ? [literal('jobs')] : []), literal('deploy'), word(target)];
  const image = input('image') ?? input('source');
  if (image !== undefined) words.push(literal(input('image') !== undefined ? '--image' : '--source'), word(image));
  const strategy = (name: string): 'merge' | 'overwrite' => (literalText(substitutedPieces(input(name) ?? emptyText(at), ctx.outer))?.trim() === 'overwrite' ? 'overwrite' : 'merge');
  const envVars = input('env_vars');
  if (envVars !== undefined) {
    const flag = strategy('env_vars_update_strategy') === 'overwrite' ? '--set-env-vars' : '--update-env-vars';
    for (const entry of entries(envVars, ctx.outer)) words.push(literal(flag), entry);
  }
  const secrets = input('secrets');
  if (secrets !== undefined) {
    // Jobs have no --update-secrets: the action sets them.
    const flag = job !== undefined || strategy('secrets_update_strategy') === 'overwrite' ? '--set-secrets' : '--update-secrets';
    for (const entry of entries(secrets, ctx.outer)) words.push(literal(flag), entry);
  }
  const tag = input('tag');
  if (tag !== undefined && job === undefined) words.push(literal('--tag'), word(tag));
  const noTraffic = input('no_traffic');
  if (noTraffic !== undefined && noTraffic.text.trim() === 'true' && job === undefined) words.push(literal('--no-traffic'));
  const timeout = input('timeout');
  if (timeout !== undefined && job === undefined) words.push(literal('--timeout'), word(timeout));
  const project = input('project_id');
  if (project !== undefined) words.push(literal('--project'), word(project));
  const flags = input('flags');
  if (flags !== undefined) words.push(...flagWords(ctx, flags, variables));
  const region = input('region');
  const regions = region === undefined ? [literal(DEFAULT_REGION)] : entries(region, ctx.outer);
  return regions.map((r) => ({ words: [...words, literal('--region'), r], env: variables, branch }));
}

const emptyText = (at: Position): MappedText => ({ text: '', positionAt: () => at });

function firstNonSpace(value: string): number {
  const index = value.search(/\S/);
  return index === -1 ? 0 : index;
}

/**
 * `KEY=VALUE` entries of a list input, one per line or separated by commas (a `\,` stays in the
 * value), comments and blank lines skipped: each entry one word, positioned where it starts. An
 * entry holding a comma is written with gcloud's `^DELIM^` escape, so the flag reads it whole.
 */
function entries(value: MappedText, outer: OuterExpansion): Word[] {
  const out: Word[] = [];
  let start = 0;
  const flush = (end: number): void => {
    const raw = value.text.slice(start, end);
    const lead = firstNonSpace(raw);
    const trimmed = raw.trim();
    const from = start + lead;
    start = end + 1;
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const builder = new MappedTextBuilder();
    for (let i = from; i < from + trimmed.length; i++) {
      // `\,` is a comma inside a value.
      if (value.text.charAt(i) === '\\' && value.text.charAt(i + 1) === ',') continue;
      builder.appendAt(value.text.charAt(i), value.positionAt(i));
    }
    const pieces = substitutedPieces(builder.build(), outer);
    const plain = pieces.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    const delimiter = plain.includes(',') ? ['|', ';', '@', '#', '~'].find((d) => !plain.includes(d)) : undefined;
    out.push({ pieces: delimiter === undefined ? pieces : normalizePieces([text(`^${delimiter}^`), ...pieces]), at: value.positionAt(from) });
  };
  for (let i = 0; i < value.text.length; i++) {
    const char = value.text.charAt(i);
    if (char === '\\' && value.text.charAt(i + 1) === ',') {
      i++;
      continue;
    }
    if (char === '\n' || char === ',') flush(i);
  }
  flush(value.text.length);
  return out;
}

/** The `flags` input as gcloud receives it: split into words like a shell would, line breaks as spaces. */
function flagWords(ctx: ActionContext, flags: MappedText, variables: ReadonlyMap<string, readonly Piece[]>): Word[] {
  const builder = new MappedTextBuilder();
  builder.append('gcloud ', flags.positionAt(0));
  for (let i = 0; i < flags.text.length; i++) {
    const char = flags.text.charAt(i);
    builder.appendAt(char === '\n' || char === '\r' ? ' ' : char, flags.positionAt(i));
  }
  const [invocation] = shellInvocations(builder.build(), { file: ctx.file, variables, outer: ctx.outer, fail: ctx.fail });
  return invocation === undefined ? [] : invocation.words.slice(1);
}
