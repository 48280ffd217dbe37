import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { Position } from '../document.js';
import { parseSource } from '../document.js';
import { Blocks, type Branch } from './branches.js';
import { deployCloudRunInvocations, isDeployCloudRunStep } from './deploy-action.js';
import type { OuterExpansion } from './shell-lexer.js';
import { shellInvocations } from './shell.js';
import { scalarText, substitutedPieces } from './yaml-scalars.js';
import { MappedTextBuilder, literalText, mapFile, unknownPiece, type Invocation, type MappedText, type Piece, type Word } from './words.js';

type Variables = ReadonlyMap<string, readonly Piece[]>;

interface CiContext {
  readonly file: string;
  readonly mapped: MappedText;
  readonly fail: (at: Position, message: string) => never;
  readonly blocks: Blocks;
  readonly notes: string[];
}

/** Keys whose value is a shell script: GitHub Actions `run`, GitLab CI `script` and friends, Cloud Build `script`. */
const SCRIPT_KEYS = new Set(['run', 'script', 'before_script', 'after_script']);
/** Keys holding environment variables for the scripts below them (GitHub `env`, GitLab `variables`). */
const VARIABLE_KEYS = ['env', 'variables'];
/** Keys that make a job or step run only sometimes (GitHub `if`, GitLab `rules`, `only`, `except`, `when`). */
const CONDITION_KEYS = ['if', 'rules', 'only', 'except', 'when'];
/** Substitutions Cloud Build fills in itself (cloud.google.com/build/docs/configuring-builds/substitute-variable-values). */
const CLOUD_BUILD_BUILTINS = new Set(['PROJECT_ID', 'PROJECT_NUMBER', 'BUILD_ID', 'LOCATION', 'TRIGGER_NAME', 'COMMIT_SHA', 'SHORT_SHA', 'REVISION_ID', 'REPO_NAME', 'REPO_FULL_NAME', 'BRANCH_NAME', 'TAG_NAME', 'REF_NAME', 'TRIGGER_BUILD_CONFIG_PATH', 'SERVICE_ACCOUNT_EMAIL', 'SERVICE_ACCOUNT']);

/**
 * gcloud commands in CI configuration: the `run:` steps of a GitHub Actions workflow, the
 * `script:` lists of GitLab CI jobs, and Cloud Build steps (`entrypoint: gcloud` with `args`, the
 * `gcr.io/cloud-builders/gcloud` builder, `bash -c` scripts, `script:`). Positions are in the YAML file.
 * Steps of one job run in order; jobs (every mapping under a key) are blocks of their own, since
 * which of them run, and in what order, is up to the CI system; a condition makes a block too.
 */
export function ciInvocations(file: string, source: string, fail: CiContext['fail'], notes: string[] = []): Invocation[] {
  const document = parseSource(file, source);
  const root = document.yaml?.contents;
  const ctx: CiContext = { file, mapped: mapFile(source), fail, blocks: new Blocks(), notes };
  const steps = isMap(root) ? root.get('steps', true) : undefined;
  if (isMap(root) && isSeq(steps)) return cloudBuildInvocations(ctx, root, steps.items);
  const out: Invocation[] = [];
  walkScripts(ctx, root, new Map(), out, []);
  return out;
}

function walkScripts(ctx: CiContext, node: unknown, inherited: Variables, out: Invocation[], around: Branch): void {
  if (isSeq(node)) {
    for (const item of node.items) walkScripts(ctx, item, inherited, out, around);
    return;
  }
  if (!isMap(node)) return;
  const variables = new Map(inherited);
  for (const key of VARIABLE_KEYS) readVariables(ctx, node.get(key, true), variables);
  const branch = CONDITION_KEYS.some((key) => node.has(key)) ? [...around, ctx.blocks.open()] : around;
  if (isDeployCloudRunStep(node, ctx.mapped)) {
    out.push(...deployCloudRunInvocations({ file: ctx.file, mapped: ctx.mapped, fail: ctx.fail, outer: githubExpressions(variables), notes: ctx.notes }, node, variables, branch));
    return;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === 'string' && SCRIPT_KEYS.has(key)) {
      const script = scriptText(ctx, pair.value);
      if (script !== undefined) out.push(...shellInvocations(script, { file: ctx.file, variables, outer: githubExpressions(variables), fail: ctx.fail, blocks: ctx.blocks, branch }));
    } else if (typeof key !== 'string' || !VARIABLE_KEYS.includes(key)) {
      walkScripts(ctx, pair.value, variables, out, isMap(pair.value) ? [...branch, ctx.blocks.open(true)] : branch);
    }
  }
}

/** A script given as one string, or (GitLab) as a list of lines, possibly nested: one shell text. */
function scriptText(ctx: CiContext, node: unknown): MappedText | undefined {
  if (!isSeq(node)) return scalarText(node, ctx.mapped);
  const builder = new MappedTextBuilder();
  const add = (item: unknown): void => {
    if (isSeq(item)) {
      item.items.forEach(add);
      return;
    }
    const line = scalarText(item, ctx.mapped);
    if (line === undefined) return;
    for (let i = 0; i < line.text.length; i++) builder.appendAt(line.text.charAt(i), line.positionAt(i));
    builder.appendAt('\n', line.positionAt(line.text.length));
  };
  node.items.forEach(add);
  return builder.build();
}

/** `KEY: value` mappings (GitLab also allows `KEY: {value: …}`); a value that refers to other variables is unknown. */
function readVariables(ctx: CiContext, node: unknown, into: Map<string, readonly Piece[]>): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const valueNode = isMap(pair.value) ? pair.value.get('value', true) : pair.value;
    const value = scalarText(valueNode, ctx.mapped);
    if (key === undefined || value === undefined) continue;
    const pieces = substitutedPieces(value, githubExpressions(into));
    const literal = literalText(pieces);
    into.set(key, literal?.includes('$') === true ? [unknownPiece(`$${key}`, `whose value in ${ctx.file} refers to other variables`)] : pieces);
  }
}

/** `${{ env.NAME }}` resolves from `env:`; every other expression is filled in by GitHub Actions at run time. */
function githubExpressions(variables: Variables): OuterExpansion {
  return (source, index) => {
    if (!source.startsWith('${{', index)) return undefined;
    const close = source.indexOf('}}', index + 3);
    if (close === -1) return undefined;
    const expression = source.slice(index + 3, close).trim();
    const shown = `\${{ ${expression} }}`;
    const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)?.[1];
    const known = env === undefined ? undefined : variables.get(env);
    const why = expression.startsWith('secrets.') ? 'which GitHub Actions fills in from a secret at run time' : 'which GitHub Actions fills in at run time';
    return { end: close + 2, pieces: known ?? [unknownPiece(shown, why)] };
  };
}

function cloudBuildInvocations(ctx: CiContext, root: YAMLMap, steps: readonly unknown[]): Invocation[] {
  const substitutions = new Map<string, readonly Piece[]>();
  const subs = root.get('substitutions', true);
  if (isMap(subs)) {
    for (const pair of subs.items) {
      const value = scalarText(pair.value, ctx.mapped);
      if (isScalar(pair.key) && value !== undefined) substitutions.set(String(pair.key.value), [{ kind: 'text', text: value.text }]);
    }
  }
  const outer = cloudBuildSubstitution(ctx.file, substitutions);
  const out: Invocation[] = [];
  for (const step of steps) {
    if (!isMap(step)) continue;
    // Steps run in order unless `waitFor` starts one alongside others.
    const branch = step.has('waitFor') ? [ctx.blocks.open(true)] : [];
    const env = stepEnv(ctx, step.get('env', true), outer);
    const args = step.get('args', true);
    const argWords = isSeq(args) ? args.items.map((item) => scalarWord(ctx, item, outer)) : [];
    const entrypoint = step.get('entrypoint', true);
    const image = step.get('name', true);
    const entry = literalOf(ctx, entrypoint) ?? '';
    const script = scalarText(step.get('script', true), ctx.mapped);
    if (script !== undefined) out.push(...shellInvocations(script, { file: ctx.file, variables: env, fail: ctx.fail, blocks: ctx.blocks, branch }));
    if (entry === 'gcloud' || (entry === '' && /(^|\/)cloud-builders\/gcloud(-slim)?(:|@|$)/.test(literalOf(ctx, image) ?? ''))) {
      const gcloud = scalarWord(ctx, entry === '' ? image : entrypoint, undefined);
      out.push({ words: [gcloud ?? { pieces: [], at: { line: 1, column: 1 } }, ...argWords.filter((w) => w !== undefined)], env, branch });
    } else if (/(^|\/)(ba)?sh$/.test(entry) && isSeq(args)) {
      // `bash -c 'script'`: Cloud Build substitutes first ($$ escapes a shell $), then bash runs it.
      const flag = args.items.findIndex((item) => /^-[A-Za-z]*c$/.test(literalOf(ctx, item) ?? ''));
      const body = flag === -1 ? undefined : scalarText(args.items[flag + 1], ctx.mapped);
      if (body !== undefined) out.push(...shellInvocations(body, { file: ctx.file, variables: env, outer, fail: ctx.fail, blocks: ctx.blocks, branch }));
    }
  }
  return out;
}

function cloudBuildSubstitution(file: string, substitutions: Variables): OuterExpansion {
  return (source, index) => {
    if (source.charAt(index + 1) === '$') return { end: index + 2, dollar: true };
    const match = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(source.slice(index));
    const name = match?.[1] ?? match?.[2];
    if (match === null || name === undefined) return undefined;
    const why = CLOUD_BUILD_BUILTINS.has(name) ? 'which Cloud Build fills in at build time' : `which is not among the substitutions in ${file}`;
    return { end: index + match[0].length, pieces: substitutions.get(name) ?? [unknownPiece(match[0], why)] };
  };
}

/** A step's `env: ['KEY=value', …]`. */
function stepEnv(ctx: CiContext, node: unknown, outer: OuterExpansion): Map<string, readonly Piece[]> {
  const env = new Map<string, readonly Piece[]>();
  if (!isSeq(node)) return env;
  for (const item of node.items) {
    const value = scalarText(item, ctx.mapped);
    const eq = value?.text.indexOf('=') ?? -1;
    if (value === undefined || eq <= 0) continue;
    const key = value.text.slice(0, eq);
    const literal = literalText(substitutedPieces(value, outer));
    const assigned = literal?.slice(literal.indexOf('=') + 1);
    env.set(key, assigned === undefined ? [unknownPiece(`$${key}`, `which ${ctx.file} sets from a substitution Cloud Build fills in`)] : [{ kind: 'text', text: assigned }]);
  }
  return env;
}

/** A scalar as one word, positioned where the scalar starts (at its opening quote, like a quoted shell word). */
function scalarWord(ctx: CiContext, node: unknown, outer: OuterExpansion | undefined): Word | undefined {
  const value = scalarText(node, ctx.mapped);
  const start = isScalar(node) ? node.range?.[0] : undefined;
  if (value === undefined || start === undefined) return undefined;
  return { pieces: substitutedPieces(value, outer), at: ctx.mapped.positionAt(start) };
}

function literalOf(ctx: CiContext, node: unknown): string | undefined {
  return scalarText(node, ctx.mapped)?.text;
}
