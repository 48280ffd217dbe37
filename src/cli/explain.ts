import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { closest } from 'fastest-levenshtein';
import { renderFactsDoc } from '../analysis/reachability/facts.js';
import { RULES } from '../analysis/rules/index.js';
import type { Rule } from '../analysis/rules/rule.js';
import { GENERATED_MARKER, renderRuleDoc, renderRuleIndex } from '../report/rule-doc.js';

/** What `lifeline explain` was asked for: exactly one of a rule id, `--list` or `--write-docs DIR`. */
export interface ExplainRequest {
  readonly id?: string | undefined;
  readonly list?: boolean | undefined;
  readonly writeDocs?: string | undefined;
}

export interface ExplainIo {
  readonly write: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

// The CLI's exit codes (EXIT in main.ts, which cannot be imported: importing it runs the CLI).
const OK = 0;
const USAGE = 2;

/**
 * `lifeline explain ID | --list | --write-docs DIR`: a rule's doc, the list of rules, or every doc
 * written to DIR (plus a README.md index). Returns the exit code: 0, or 2 for an unknown id or bad usage.
 *
 * @example
 * process.exitCode = await runExplain({ id: 'secret-version' }, { write: (t) => process.stdout.write(t), writeErr: (t) => process.stderr.write(t) });
 */
export async function runExplain(request: ExplainRequest, io: ExplainIo, rules: readonly Rule[] = RULES): Promise<0 | 2> {
  const asked = [request.id !== undefined, request.list === true, request.writeDocs !== undefined].filter(Boolean).length;
  if (asked !== 1) {
    io.writeErr('lifeline explain: give one of a rule id, --list or --write-docs DIR\n');
    return USAGE;
  }
  if (request.list === true) {
    const width = Math.max(0, ...rules.map((r) => r.id.length));
    io.write(rules.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title}\n`).join(''));
    return OK;
  }
  if (request.writeDocs !== undefined) {
    await writeRuleDocs(request.writeDocs, rules, io);
    return OK;
  }
  const id = request.id ?? '';
  const rule = rules.find((r) => r.id === id);
  if (!rule) {
    const suggestion = rules.length > 0 ? ` Did you mean "${closest(id, rules.map((r) => r.id))}"?` : '';
    io.writeErr(`lifeline explain: no rule "${id}".${suggestion} (lifeline explain --list lists every rule)\n`);
    return USAGE;
  }
  // The marker tells --write-docs which files it owns; a reader at a terminal does not need it.
  io.write(renderRuleDoc(rule).replace(`${GENERATED_MARKER}\n\n`, ''));
  return OK;
}

/** Writes `DIR/<id>.md` for every rule and `DIR/README.md`; removes generated docs of rules that no longer exist. */
async function writeRuleDocs(dir: string, rules: readonly Rule[], io: ExplainIo): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const wanted = new Map<string, string>(rules.map((r) => [`${r.id}.md`, renderRuleDoc(r)]));
  wanted.set('README.md', renderRuleIndex(rules));
  for (const [name, text] of wanted) await fs.writeFile(path.join(dir, name), text);
  const removed: string[] = [];
  for (const name of await fs.readdir(dir)) {
    if (!name.endsWith('.md') || wanted.has(name)) continue;
    const file = path.join(dir, name);
    // Only files this command wrote: anything else in DIR is someone's own document.
    if ((await fs.readFile(file, 'utf8')).startsWith(GENERATED_MARKER)) {
      await fs.rm(file);
      removed.push(name);
    }
  }
  // The facts the rule docs link to, beside DIR (docs/facts.md for docs/rules).
  const facts = path.join(dir, '..', 'facts.md');
  await fs.writeFile(facts, renderFactsDoc());
  io.write(`wrote ${wanted.size} files to ${dir} (${rules.length} rules and README.md) and ${facts}${removed.length > 0 ? `; removed ${removed.join(', ')}` : ''}\n`);
}

/**
 * Adds `explain` to the CLI.
 *
 * @example
 * registerExplainCommand(program, { write, writeErr: (t) => process.stderr.write(t) });
 */
export function registerExplainCommand(program: Command, io: ExplainIo): void {
  program
    .command('explain')
    .description('Print what a rule checks and why (generated from its metadata), list the rules, or write every rule doc.')
    .argument('[id]', 'rule id, such as secret-version')
    .option('--list', 'list every rule: id, default severity and title')
    .option('--write-docs <dir>', 'write <dir>/<id>.md for every rule, <dir>/README.md, and facts.md beside <dir>')
    .action(async (id: string | undefined, opts: { list?: boolean; writeDocs?: string }) => {
      process.exitCode = await runExplain({ id, list: opts.list, writeDocs: opts.writeDocs }, io);
    });
}
