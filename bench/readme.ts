/**
 * `npm run bench:readme`: writes the README's benchmark figures from the benchmarks' own results
 * (bench/results/check.json from `npm run bench:check`, bench/results/import.json from
 * `npm run bench:import`), between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` markers. No
 * figure in those blocks is typed by hand; bench/readme.test.ts fails when the README and the
 * results disagree.
 *
 * Usage: node dist/bench/readme.js [--check]   (--check: exit 1 if the README is out of date)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = new URL('../../', import.meta.url);
export const README = fileURLToPath(new URL('README.md', ROOT));
export const RESULTS = { check: fileURLToPath(new URL('bench/results/check.json', ROOT)), import: fileURLToPath(new URL('bench/results/import.json', ROOT)) } as const;

export interface CheckRow {
  readonly services: number;
  readonly format: 'yaml' | 'json';
  readonly fileMb: number;
  readonly parseSeconds: number;
  readonly checkSeconds: number;
  readonly jsonSeconds: number;
  readonly implicitOverhead: number;
  readonly implicitOverheadWithJson: number;
  readonly cliSeconds: number;
  readonly cliPeakRssMb: number;
  readonly paths: number;
  readonly implicitPaths: number;
  readonly fixes: number;
}

export interface CheckResults {
  readonly machine: string;
  readonly slow: readonly string[];
  readonly rows: readonly CheckRow[];
}

export interface ImportResults {
  readonly output: readonly string[];
}

const thousands = (n: number): string => n.toLocaleString('en-US');
const seconds = (s: number): string => `${s.toFixed(3)} s`;
const signed = (fraction: number): string => `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)}%`;

/** The bench:check block: the table, per-service growth, and what the run flagged. */
export function checkBlock(results: CheckResults): string {
  const lines = [
    `Latest run: ${results.machine}.`,
    '',
    '| services | format | file | parse | check | check / parse | per service | json | implicit (check; with json) | `lifeline check` end to end | its peak RSS |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results.rows) {
    lines.push(
      `| ${thousands(r.services)} | ${r.format.toUpperCase()} | ${r.fileMb.toFixed(2)} MB | ${seconds(r.parseSeconds)} | ${seconds(r.checkSeconds)} | ${(r.checkSeconds / r.parseSeconds).toFixed(1)}× | ${((r.checkSeconds / r.services) * 1000).toFixed(2)} ms | ${seconds(r.jsonSeconds)} | ${signed(r.implicitOverhead)}; ${signed(r.implicitOverheadWithJson)} | ${seconds(r.cliSeconds)} | ${thousands(r.cliPeakRssMb)} MB |`,
    );
  }
  lines.push('');
  for (const format of ['json', 'yaml'] as const) {
    const rows = results.rows.filter((r) => r.format === format);
    const growth = rows.slice(1).map((r, i) => {
      const before = rows[i];
      return before === undefined ? '' : `×${(r.checkSeconds / r.services / (before.checkSeconds / before.services)).toFixed(2)} to ${thousands(r.services)}`;
    });
    if (growth.length > 0) lines.push(`Check time per service, ${format.toUpperCase()}: ${growth.join(', ')}.`);
  }
  const largest = results.rows.reduce<CheckRow | undefined>((a, r) => (a === undefined || r.services > a.services ? r : a), undefined);
  if (largest) lines.push(`At ${thousands(largest.services)} services: ${thousands(largest.paths)} dependency paths and ${thousands(largest.implicitPaths)} implicit ones, ${thousands(largest.fixes)} fixes each verified by re-analysis.`);
  lines.push('');
  if (results.slow.length === 0) lines.push('The run printed no `SLOW:` line.');
  else {
    lines.push(`The run printed ${results.slow.length === 1 ? 'one `SLOW:` line' : `${results.slow.length} \`SLOW:\` lines`} (and so exited 1):`, '');
    for (const s of results.slow) lines.push(`- ${s}`);
  }
  return lines.join('\n');
}

/** The bench:import block: the run's output as printed. */
export function importBlock(results: ImportResults): string {
  return ['```', ...results.output, '```'].join('\n');
}

/** `text` with the block between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` replaced. */
export function replaceBlock(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}

export async function renderReadme(readme: string): Promise<string> {
  const check = JSON.parse(await readFile(RESULTS.check, 'utf8')) as CheckResults;
  const imported = JSON.parse(await readFile(RESULTS.import, 'utf8')) as ImportResults;
  return replaceBlock(replaceBlock(readme, 'check', checkBlock(check)), 'import', importBlock(imported));
}

async function main(): Promise<void> {
  const readme = await readFile(README, 'utf8');
  const rendered = await renderReadme(readme);
  if (process.argv.includes('--check')) {
    if (rendered !== readme) {
      console.error('README.md: the benchmark figures differ from bench/results/*.json; run npm run bench:readme');
      process.exitCode = 1;
    }
    return;
  }
  if (rendered !== readme) await writeFile(README, rendered);
  console.log(rendered === readme ? 'README.md: benchmark figures already up to date' : 'README.md: benchmark figures written from bench/results/');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await main();
