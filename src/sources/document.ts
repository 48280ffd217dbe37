import { readFile, stat } from 'node:fs/promises';
import { parse as parseJsonc, ParseErrorCode, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { InputError, formatKeyPath, type Diagnostic } from './errors.js';
import { JsonPositions } from './json-positions.js';
import { jsonStringEnd } from './text-scan.js';
import { readYamlFast, trimEnd, type YamlPositions, type YamlSpan } from './yaml-fast.js';

/** Largest input read, in bytes. Larger files are refused before they are read. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Tighter limits for inputs whose parsers need memory or depth in proportion: the HCL parser (one
 * large heredoc ran it out of memory) and the script readers. No real file comes near them.
 */
export const INPUT_LIMITS = { terraform: 4 * 1024 * 1024, script: 2 * 1024 * 1024 } as const;

/** An error when `text` is over the limit for its kind of input, saying the limit. */
export function checkInputSize(file: string, text: string, kind: keyof typeof INPUT_LIMITS): void {
  const limit = INPUT_LIMITS[kind];
  if (text.length <= limit) return;
  const what = kind === 'terraform' ? 'one Terraform file' : 'one script';
  throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: `is ${(text.length / 1024 / 1024).toFixed(1)} MiB, larger than the ${limit / 1024 / 1024} MiB limit for ${what}; split it, or leave it out with --exclude`, sourceLine: undefined }]);
}

export type KeyPath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed configuration file: its plain value and a way back from a key path to a line. */
export interface SourceDocument {
  readonly file: string;
  /** `code`: a dict or object literal of a deploy script, read as the data it sends. */
  readonly format: 'yaml' | 'json' | 'code';
  readonly text: string;
  readonly value: unknown;
  /**
   * The position of the value at `path` (or of its key, with `key`); when the path does not exist,
   * the position of its nearest existing ancestor.
   */
  locate(path: KeyPath, options?: { key?: boolean }): Position | undefined;
  /** The text of a 1-based line. */
  lineText(line: number): string | undefined;
  /** The YAML document, for edits that keep comments and layout (YAML sources only). */
  readonly yaml: Document | undefined;
  /** YAML sources: the extent of the node at `path` in the text, and the line it starts on (undefined when it does not exist). */
  span?(path: KeyPath): (YamlSpan & { readonly line: number }) | undefined;
}

/** Reads a text file, refusing directories, binary and oversized files with a clear error. */
export async function readTextFile(file: string): Promise<string> {
  const fail = (message: string): never => {
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
  };
  let info;
  try {
    info = await stat(file);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'unknown error'})`);
  }
  if (info.isDirectory()) return fail('is a directory; expected a topology file (.yaml, .yml or .json)');
  // A FIFO would block the read forever and a device never end: only regular files are read.
  if (!info.isFile()) return fail('is not a regular file (a pipe, device or socket); expected a file');
  const size = info.size;
  if (size > MAX_INPUT_BYTES) {
    return fail(`is ${(size / 1024 / 1024).toFixed(1)} MiB, larger than the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit for one input; split the topology into several files`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error: unknown) {
    return fail(`cannot read (${(error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error'})`);
  }
  return decodeInput(file, bytes);
}

/** An input's bytes as text: no NUL bytes, valid UTF-8. */
function decodeInput(file: string, bytes: Uint8Array): string {
  const fail = (message: string): never => {
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
  };
  if (bytes.includes(0)) return fail('is a binary file (it contains NUL bytes); expected a YAML or JSON text file');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('is not valid UTF-8 text; expected a YAML or JSON text file');
  }
}

/**
 * Standard input, read whole as one input named `file`, with the same limits as a file: reading
 * stops at MAX_INPUT_BYTES; a terminal is refused rather than waited on.
 */
export async function readStandardInput(file: string, stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) {
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: 'standard input is a terminal; pipe a topology into it (lifeline check - < topology.yaml)', sourceLine: undefined }]);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const piece = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += piece.length;
    if (size > MAX_INPUT_BYTES) {
      stream.destroy();
      throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: `is larger than the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit for one input; split the topology into several files`, sourceLine: undefined }]);
    }
    chunks.push(piece);
  }
  return decodeInput(file, Buffer.concat(chunks));
}

/**
 * Parses YAML (or JSON by extension) into a SourceDocument; syntax errors become located
 * diagnostics. A YAML stream of several documents is refused here, at its second document: use
 * {@link parseSourceDocuments} where several are meaningful.
 */
export function parseSource(file: string, text: string): SourceDocument {
  const [first, second] = parseSourceDocuments(file, text);
  if (second !== undefined) {
    const at = second.locate([]);
    throw new InputError([
      { file, line: at?.line, column: at?.column, keyPath: undefined, message: 'a second YAML document starts here (after `---`); expected one document in this file', sourceLine: at ? second.lineText(at.line) : undefined },
    ]);
  }
  if (first === undefined) throw new Error('parseSourceDocuments returned no document');
  return first;
}

/**
 * Parses every document of a YAML stream (`---` separated; JSON is always one), each with exact
 * positions in the whole file. Empty documents (a trailing `---`) are left out; a file with none
 * is an error. Syntax errors anywhere fail the whole file, located.
 *
 * @example
 * const [pipeline, target] = parseSourceDocuments('clouddeploy.yaml', text);
 * target?.locate(['kind']); // { line: 12, column: 7 }
 */
export function parseSourceDocuments(
  file: string,
  text: string,
  /** `fastYaml`: read YAML with js-yaml where it applies whatever the size (@default for files of FAST_YAML_BYTES or more). */
  options: { readonly fastYaml?: boolean } = {},
): SourceDocument[] {
  const empty = (): never => {
    throw new InputError(
      [{ file, line: undefined, column: undefined, keyPath: undefined, message: 'is empty; expected a topology document (a mapping with keys such as `services`, `networks`)', sourceLine: undefined }],
      { syntax: true },
    );
  };
  if (onlyBlankOrComments(text)) empty();
  const lines = splitLines(text);
  if (file.toLowerCase().endsWith('.json')) return [parseJson(file, text, lines)];
  const documents = parseYamlStream(file, text, lines, options.fastYaml);
  return documents.length > 0 ? documents : empty();
}

/**
 * True when every line is blank or a comment. Line by line (a single regex over the whole text
 * backtracks exponentially on blank lines), stopping at the first line with content.
 */
function onlyBlankOrComments(text: string): boolean {
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (!/^\s*(#.*)?$/.test(line)) return false;
    if (end === -1) break;
    start = end + 1;
  }
  return true;
}

function splitLines(text: string): { starts: number[]; text: (line: number) => string | undefined } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    starts,
    text: (line) => {
      const start = starts[line - 1];
      if (start === undefined) return undefined;
      const end = starts[line] ?? text.length + 1;
      return text.slice(start, end - 1).replace(/\r$/, '');
    },
  };
}

/**
 * A syntax error found at the end of the input (an unclosed bracket) is reported at the end of the
 * last line with text, where a person can see what is unclosed.
 */
function nonBlankPosition(lines: ReturnType<typeof splitLines>, pos: Position): Position {
  const text = lines.text(pos.line);
  if (text !== undefined && text.trim() !== '') return pos;
  for (let line = pos.line - 1; line >= 1; line--) {
    const previous = lines.text(line) ?? '';
    if (previous.trim() !== '') return { line, column: previous.length + 1 };
  }
  return pos;
}

/** The 1-based line and column of an offset, from the offsets where lines start. */
function positionOf(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/**
 * YAML inputs at least this large are read with js-yaml where it gives the same data
 * (src/sources/yaml-fast.ts); smaller ones, and any it does not apply to, with the `yaml` package.
 */
export const FAST_YAML_BYTES = 256 * 1024;

function parseYamlStream(file: string, text: string, lines: ReturnType<typeof splitLines>, fast = text.length >= FAST_YAML_BYTES): SourceDocument[] {
  const read = fast ? readYamlFast(text) : undefined;
  if (read) return [fastYamlDocument(file, text, lines, read)];
  const lineCounter = new LineCounter();
  const stream = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // An empty stream (only comments and `---`) has errors of its own and no documents.
  const docs: readonly Document[] = 'empty' in stream ? [] : stream;
  const errors = 'empty' in stream ? [...stream.errors] : docs.flatMap((doc) => doc.errors);
  if (errors.length > 0) {
    throw new InputError(
      errors.map((e): Diagnostic => {
        const pos = nonBlankPosition(lines, positionOf(lines.starts, e.pos[0]));
        return { file, ...pos, keyPath: undefined, message: `YAML syntax: ${yamlHeadline(e.message.split('\n')[0] ?? e.code)}`, sourceLine: lines.text(pos.line) };
      }),
      { syntax: true },
    );
  }
  // A trailing `---` (or a document of only comments) is an empty document: nothing to read.
  const empty = (doc: Document): boolean => doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  return docs.filter((doc) => !empty(doc)).map((doc) => yamlSourceDocument(file, text, lines, doc));
}

/** A YAML document read by js-yaml: the `yaml` document model is composed only when a fix is written. */
function fastYamlDocument(file: string, text: string, lines: ReturnType<typeof splitLines>, read: { value: unknown; positions: YamlPositions }): SourceDocument {
  let model: Document | undefined;
  return {
    file,
    format: 'yaml',
    text,
    value: read.value,
    get yaml(): Document | undefined {
      if (model === undefined) {
        const stream = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
        model = 'empty' in stream ? undefined : stream[0];
      }
      return model;
    },
    lineText: lines.text,
    locate(path, options) {
      const offset = read.positions.locate(path, options);
      return offset === undefined ? undefined : positionOf(lines.starts, offset);
    },
    span: (path) => withLine(lines, read.positions.span(path)),
  };
}

function withLine(lines: ReturnType<typeof splitLines>, span: YamlSpan | undefined): (YamlSpan & { readonly line: number }) | undefined {
  return span === undefined ? undefined : { ...span, line: positionOf(lines.starts, span.start).line };
}

/** The extent of a node of a `yaml` document, as {@link YamlSpan} defines it. */
function yamlSpan(text: string, doc: Document, path: KeyPath): YamlSpan | undefined {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!(isScalar(node) || isMap(node) || isSeq(node)) || !node.range) return undefined;
  const start = node.range[0];
  const kind = isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar';
  const flow = !isScalar(node) && node.flow === true;
  let last: unknown = node;
  for (;;) {
    if (isMap(last) && !last.flow && last.items.length > 0) {
      const pair = last.items[last.items.length - 1];
      last = pair?.value ?? pair?.key;
    } else if (isSeq(last) && !last.flow && last.items.length > 0) last = last.items[last.items.length - 1];
    else break;
  }
  const range = isScalar(last) || isMap(last) || isSeq(last) ? last.range : undefined;
  const end = range ? trimEnd(text, range[0], range[1]) : trimEnd(text, start, node.range[1]);
  return { start, end, kind, flow, root: node === doc.contents };
}

function yamlSourceDocument(file: string, text: string, lines: ReturnType<typeof splitLines>, doc: Document): SourceDocument {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error: unknown) {
    // Alias bombs and other structures that cannot become plain data.
    throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message: `cannot be read as data: ${error instanceof Error ? error.message : String(error)}`, sourceLine: undefined }], { syntax: true });
  }
  return {
    file,
    format: 'yaml',
    text,
    value,
    yaml: doc,
    span: (path) => withLine(lines, yamlSpan(text, doc, path)),
    lineText: lines.text,
    locate(path, options) {
      let node: unknown = doc.contents;
      let found: YamlNode | undefined = doc.contents ?? undefined;
      for (const [i, segment] of path.entries()) {
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
          if (!pair) break;
          if (last && options?.key && isScalar(pair.key)) {
            found = pair.key;
            break;
          }
          node = pair.value;
          if (isScalar(node) || isMap(node) || isSeq(node)) found = node;
          else break;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item: unknown = node.items[segment];
          if (!(isScalar(item) || isMap(item) || isSeq(item))) break;
          node = item;
          found = item;
        } else break;
      }
      const offset = found?.range?.[0];
      return offset === undefined ? undefined : positionOf(lines.starts, offset);
    },
  };
}

function parseJson(file: string, text: string, lines: ReturnType<typeof splitLines>): SourceDocument {
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse: deep nesting is refused below, before any recursive reader
    // (the position parser, the model's walks) sees it.
    value = JSON.parse(text);
  } catch {
    const tooDeep = jsonNestingTooDeep(text);
    if (tooDeep !== undefined) throw tooDeepError(file, lines, tooDeep);
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
    throw new InputError(
      (errors.length > 0 ? errors : [{ error: ParseErrorCode.InvalidSymbol, offset: 0, length: 0 }]).slice(0, 10).map((e): Diagnostic => {
        const pos = nonBlankPosition(lines, positionOf(lines.starts, e.offset));
        return { file, ...pos, keyPath: undefined, message: `JSON syntax: ${printParseErrorCode(e.error)}`, sourceLine: lines.text(pos.line) };
      }),
      { syntax: true },
    );
  }
  checkJsonStructure(file, text, lines, value);
  // Positions are needed only for findings and errors: built on first use.
  let positions: JsonPositions | undefined;
  return {
    file,
    format: 'json',
    text,
    value,
    yaml: undefined,
    lineText: lines.text,
    locate(path, options) {
      positions ??= JsonPositions.build(text);
      const offset = positions.locate(path, options);
      return offset === undefined ? undefined : positionOf(lines.starts, offset);
    },
  };
}

/** Nesting deeper than this is refused: no configuration needs it, and every later walk would recurse that deep. */
export const MAX_NESTING = 200;

function tooDeepError(file: string, lines: ReturnType<typeof splitLines>, offset: number): InputError {
  const pos = positionOf(lines.starts, offset);
  return new InputError([{ file, ...pos, keyPath: undefined, message: `nested more than ${MAX_NESTING} levels deep; no topology needs that`, sourceLine: lines.text(pos.line) }]);
}

/** The offset where JSON text opens its (MAX_NESTING + 1)th nested array or object, in one pass without recursion. */
function jsonNestingTooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/**
 * What JSON.parse accepts silently: nesting deeper than MAX_NESTING, and a key given twice in one
 * object (the last would win), an error at the second. Runs on text JSON.parse accepted: one pass
 * counts keys and depth (string bodies skipped natively); only when the text has more keys than
 * the parsed value, which happens only with duplicates, a second pass finds where.
 */
function checkJsonStructure(file: string, text: string, lines: ReturnType<typeof splitLines>, value: unknown): void {
  const n = text.length;
  // 1 for an object, 0 for an array, per open bracket.
  const kinds = new Uint8Array(MAX_NESTING + 1);
  let depth = 0;
  let keys = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = jsonStringEnd(text, i) + 1;
      if (depth > 0 && kinds[depth - 1] === 1) {
        let j = i;
        while (j < n && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j++;
        if (text.charCodeAt(j) === 0x3a) keys++;
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_NESTING) throw tooDeepError(file, lines, i);
      kinds[depth++] = c === 0x7b ? 1 : 0;
    } else if (c === 0x7d || c === 0x5d) depth--;
    i++;
  }
  if (keys !== keyCount(value)) reportDuplicateKeys(file, text, lines);
}

/** The number of keys of every object in a parsed JSON value, without recursion. */
function keyCount(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    for (const key in node) {
      count++;
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return count;
}

/** Every key given twice in one object (up to 20), located at the second. */
function reportDuplicateKeys(file: string, text: string, lines: ReturnType<typeof splitLines>): void {
  const problems: Diagnostic[] = [];
  // Runs on text JSON.parse accepted, so one linear pass over strings and brackets is enough:
  // a string directly followed by `:` inside an object is a key. null marks an array.
  const stack: (Set<string> | null)[] = [];
  // One set per depth, emptied when the next object at that depth opens: objects are many, depths few.
  const sets: Set<string>[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) {
        if (text.charCodeAt(i) === 0x5c) {
          escaped = true;
          i++;
        }
        i++;
      }
      const end = i;
      i++;
      const keys = stack[stack.length - 1];
      if (keys) {
        let j = i;
        while (j < n && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j++;
        if (text.charCodeAt(j) === 0x3a) {
          const key = escaped ? (JSON.parse(text.slice(start, end + 1)) as string) : text.slice(start + 1, end);
          if (keys.has(key) && problems.length < 20) {
            const pos = positionOf(lines.starts, start);
            problems.push({ file, ...pos, keyPath: undefined, message: `duplicate key ${JSON.stringify(key).slice(0, 80)} in this object: JSON keeps only the last, so one of them would be silently lost`, sourceLine: lines.text(pos.line) });
          }
          keys.add(key);
        }
      }
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_NESTING) throw tooDeepError(file, lines, i);
      if (c === 0x5b) stack.push(null);
      else {
        let keys = sets[stack.length];
        if (keys) keys.clear();
        else sets[stack.length] = keys = new Set();
        stack.push(keys);
      }
    } else if (c === 0x7d || c === 0x5d) stack.pop();
    i++;
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** A diagnostic at a key path of a document. */
export function diagnosticAt(doc: SourceDocument, path: KeyPath, message: string, options?: { key?: boolean }): Diagnostic {
  const pos = doc.locate(path, options);
  return {
    file: doc.file,
    line: pos?.line,
    column: pos?.column,
    keyPath: path.length > 0 ? formatKeyPath(path) : undefined,
    message,
    sourceLine: pos ? doc.lineText(pos.line) : undefined,
  };
}

/**
 * A YAML error's first line without the token it quotes (`Unexpected double-quoted-scalar token
 * in YAML stream: "\"hunter2\""`): the token may be a secret, and the code frame shows the place.
 */
function yamlHeadline(line: string): string {
  const quote = line.indexOf('"');
  return quote < 0 ? line : line.slice(0, quote).replace(/[\s:]+$/, '');
}
