import { createRequire } from 'node:module';
import type { Diagnostic } from '../errors.js';
import { InputError } from '../errors.js';
import { lineOf } from '../fragment.js';

type HclParse = (fileName: string, content: string) => Promise<Record<string, unknown>>;

/**
 * A function of hcl2json (HashiCorp's HCL parser compiled to WebAssembly), loaded on first use: it
 * takes a few hundred milliseconds, which commands that read no HCL should not pay. It is required
 * untyped because its type declarations pull the DOM library into the whole program.
 */
export function hcl2jsonFunction(name: 'parse' | 'getExpressionAst'): unknown {
  const loaded: unknown = createRequire(import.meta.url)('@cdktf/hcl2json');
  const fn: unknown = typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[name] : undefined;
  if (typeof fn !== 'function') throw new TypeError(`@cdktf/hcl2json does not export \`${name}\`; reinstall Lifeline`);
  return fn;
}

let parser: HclParse | undefined;

function hclParser(): HclParse {
  parser ??= hcl2jsonFunction('parse') as HclParse;
  return parser;
}

/**
 * Parses one HCL file (`.tf`, `.tfvars`) into hcl2json's JSON shape: blocks as lists of objects,
 * expressions as `${…}` template strings. Syntax errors become located diagnostics.
 */
export async function parseHcl(file: string, text: string): Promise<Record<string, unknown>> {
  try {
    return await hclParser()(file, text);
  } catch (error: unknown) {
    if (error instanceof TypeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(hclSyntaxDiagnostics(file, text, message), { syntax: true });
  }
}

/**
 * hcl2json reports `parse config: [FILE:L,C-L,C: Summary; Detail FILE:L,C-C: Summary; Detail]`
 * (HCL's diagnostics joined by spaces). Each becomes a diagnostic at its start position; `file`
 * is the name passed to the parser, so it is matched literally rather than by pattern.
 */
export function hclSyntaxDiagnostics(file: string, text: string, message: string): Diagnostic[] {
  const body = message.replace(/^parse config: \[/, '').replace(/\]$/, '');
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = new RegExp(`(?:^| )${escaped}:(\\d+),(\\d+)-(?:\\d+,)?\\d+: `, 'g');
  const matches = [...body.matchAll(start)];
  if (matches.length === 0) {
    return [{ file, line: undefined, column: undefined, keyPath: undefined, message: `HCL syntax: ${body}`, sourceLine: undefined }];
  }
  return matches.map((match, i) => {
    const end = matches[i + 1]?.index ?? body.length;
    const found = body.slice((match.index) + match[0].length, end).trim();
    const line = Number(match[1]);
    const column = Number(match[2]);
    return { file, line, column, keyPath: undefined, message: `HCL syntax: ${found.replace(/; /, ': ')}`, sourceLine: lineOf(text, line) };
  });
}
