import type { Position } from '../document.js';
import { Blocks, type Branch } from './branches.js';
import type { OuterExpansion } from './shell-lexer.js';
import { shellInvocations } from './shell.js';
import { substitutedPieces } from './yaml-scalars.js';
import { MappedTextBuilder, literalText, mapFile, text, unknownPiece, type Invocation, type MappedText, type Piece } from './words.js';

type Fail = (at: Position, message: string) => never;

/** A logical line: physical lines joined by backslash continuations, with their offsets. */
interface LogicalLine {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const MAKE_VARIABLE = /^\s*(?:(?:export|override)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$/s;

/**
 * gcloud commands in Makefile recipes. Make expands `$(VAR)` before the shell runs each recipe
 * line (`$$` is a shell `$`); variables are the file's own `VAR = value` / `VAR := value`
 * (a `?=` default may come from the environment, so it is unknown). Each rule's recipe is a block
 * of its own: which targets run, and in what order, is up to whoever runs make.
 */
export function makefileInvocations(file: string, source: string, fail: Fail): Invocation[] {
  const mapped = mapFile(source);
  const variables = new Map<string, readonly Piece[]>();
  const outer = makeExpansion(file, variables);
  const out: Invocation[] = [];
  const blocks = new Blocks();
  let rule: Branch | undefined;
  for (const line of logicalLines(source)) {
    if (line.text.startsWith('\t') && rule !== undefined) {
      const recipe = stripRecipePrefix(sliceMapped(mapped, line.start + 1, line.end));
      out.push(...shellInvocations(recipe, { file, outer, fail, blocks, branch: rule }));
      continue;
    }
    if (/^\s*(#|$)/.test(line.text)) continue;
    const variable = MAKE_VARIABLE.exec(line.text);
    if (variable !== null && !/^[^=]*:[^=]/.test(line.text.replace(/::?=|:::=/, ''))) {
      const [, name = '', op, value = ''] = variable;
      const valueStart = line.start + line.text.length - value.length;
      const pieces = substitutedPieces(sliceMapped(mapped, valueStart, line.end), outer);
      const assigned = op === '?=' || op === '!=' ? [unknownPiece(`$(${name})`, op === '?=' ? `which ${file} sets with ?= (the environment may set it instead)` : 'which is the output of a command')] : pieces;
      const previous = variables.get(name);
      variables.set(name, op === '+=' && previous !== undefined ? [...previous, text(' '), ...assigned] : assigned);
      continue;
    }
    rule = /^[^\t#][^=]*:/.test(line.text) ? [blocks.open(true)] : undefined;
  }
  return out;
}

function makeExpansion(file: string, variables: ReadonlyMap<string, readonly Piece[]>): OuterExpansion {
  return (source, index) => {
    const next = source.charAt(index + 1);
    if (next === '$') return { end: index + 2, dollar: true };
    const close = next === '(' ? ')' : next === '{' ? '}' : undefined;
    if (close === undefined) {
      const automatic = /[@<^*?%+|]/.test(next);
      const shown = `$${next}`;
      const pieces = automatic ? [unknownPiece(shown, 'which is an automatic variable make sets per rule')] : (variables.get(next) ?? [unknownPiece(shown, `which is not set in ${file}`)]);
      return { end: index + 2, pieces };
    }
    const end = source.indexOf(close, index + 2);
    if (end === -1) return undefined;
    const name = source.slice(index + 2, end);
    const shown = source.slice(index, end + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) return { end: end + 1, pieces: [unknownPiece(shown, 'which is a make function evaluated when make runs')] };
    return { end: end + 1, pieces: variables.get(name) ?? [unknownPiece(shown, `which is not set in ${file}`)] };
  };
}

/** A recipe line without its `@` (silent), `-` (ignore errors) and `+` prefixes. */
function stripRecipePrefix(recipe: MappedText): MappedText {
  const skip = /^[@+\-\s]*/.exec(recipe.text)?.[0].length ?? 0;
  return { text: recipe.text.slice(skip), positionAt: (i) => recipe.positionAt(i + skip) };
}

/**
 * gcloud commands in a Dockerfile's `RUN` instructions (shell form). `ENV` and `ARG` defaults
 * before a `RUN` are its variables.
 */
export function dockerfileInvocations(file: string, source: string, fail: Fail): Invocation[] {
  const mapped = mapFile(source);
  const variables = new Map<string, readonly Piece[]>();
  const out: Invocation[] = [];
  const blocks = new Blocks();
  for (const line of logicalLines(source)) {
    const instruction = /^\s*([A-Za-z]+)\s+/.exec(line.text);
    if (instruction === null) continue;
    const keyword = (instruction[1] ?? '').toUpperCase();
    const bodyStart = line.start + instruction[0].length;
    const body = line.text.slice(instruction[0].length);
    if (keyword === 'RUN' && !body.trimStart().startsWith('[')) {
      const flags = /^(?:--[a-z]+=\S+\s+)*/.exec(body)?.[0].length ?? 0;
      out.push(...shellInvocations(sliceMapped(mapped, bodyStart + flags, line.end), { file, variables, fail, blocks }));
    } else if (keyword === 'ENV' || keyword === 'ARG') {
      readDockerVariables(body, keyword === 'ENV', variables);
    }
  }
  return out;
}

/** `ENV K=V K2="v 2"`, the legacy `ENV K V`, and `ARG K=default`. */
function readDockerVariables(body: string, env: boolean, into: Map<string, readonly Piece[]>): void {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=\s].*)$/s.exec(body.trim());
  if (env && legacy !== null && !legacy[1]?.includes('=')) {
    into.set(legacy[1] ?? '', [text((legacy[2] ?? '').trim())]);
    return;
  }
  for (const match of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = match[2] ?? '';
    const unquoted = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
    const pieces = [text(unquoted.replace(/\\(.)/g, '$1'))];
    into.set(match[1] ?? '', literalText(pieces)?.includes('$') === true ? [unknownPiece(`$${match[1] ?? ''}`, 'which refers to other variables')] : pieces);
  }
}

/** Lines joined by trailing backslashes (the backslash and newline are kept for the shell). */
function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let start = 0;
  while (start < source.length) {
    let end = source.indexOf('\n', start);
    while (end !== -1 && /\\\r?$/.test(source.slice(start, end))) end = source.indexOf('\n', end + 1);
    if (end === -1) end = source.length;
    lines.push({ start, end, text: source.slice(start, end) });
    start = end + 1;
  }
  return lines;
}

function sliceMapped(mapped: MappedText, start: number, end: number): MappedText {
  const builder = new MappedTextBuilder();
  for (let i = start; i < end; i++) builder.appendAt(mapped.text.charAt(i), mapped.positionAt(i));
  return builder.build();
}
