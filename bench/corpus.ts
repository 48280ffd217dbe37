/**
 * `npm run corpus [dir]`: runs `lifeline check` on public repositories that deploy Cloud Run.
 *
 * The manifest is bench/corpus.json (repository, pinned commit, subdirectory checked, what it
 * exercises); docs/corpus.md shows it with the results, and corpus.test.ts keeps the two in step.
 * Each repository must already be checked out under `<dir>/owner+name` at its pinned commit
 * (default dir: ../corpus); nothing here touches the network. Prints one line per entry and, last,
 * one JSON summary line. `--markdown` prints the docs/corpus.md table rows instead.
 *
 * An entry whose configuration calls registry modules lists them under `modules`: before the check,
 * `.terraform/modules` is laid out in the checked directory as `terraform init` would, copying each
 * module's repository (itself checked out under `<dir>/owner+name`) and writing `modules.json`.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIMEOUT_MS = 60_000;
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../../bench/corpus.json', import.meta.url));

export interface CorpusEntry {
  readonly repo: string;
  readonly commit: string;
  readonly subdirectory: string;
  readonly exercises: string;
  /** Registry modules the configuration calls, as `terraform init` would fetch them. */
  readonly modules?: readonly CorpusModule[];
}

/** One module call (`key` as in modules.json: `vpc`, `vpc.nat`), from a repository pinned by commit. */
export interface CorpusModule {
  readonly key: string;
  readonly source: string;
  readonly version: string;
  readonly repo: string;
  readonly commit: string;
  /** The module within the repository (`modules/vpc-serverless-connector-beta`), `` for its root. */
  readonly subdirectory: string;
}

export interface CorpusResult {
  readonly entry: CorpusEntry;
  readonly exitCode: number | 'timeout' | 'missing';
  readonly status: string;
  readonly services: number;
  readonly paths: Readonly<Record<string, number>>;
  readonly unknowns: number | undefined;
  readonly error: string | undefined;
}

export async function readManifest(file = MANIFEST): Promise<CorpusEntry[]> {
  return JSON.parse(await readFile(file, 'utf8')) as CorpusEntry[];
}

export const checkoutName = (repo: string): string => repo.replace('/', '+');

interface Run { readonly code: number | 'timeout'; readonly stdout: string; readonly stderr: string }

function runCheck(dir: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, 'check', dir, '--format', 'json'], { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && error.killed) {
        done({ code: 'timeout', stdout, stderr });
        return;
      }
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 3;
      done({ code, stdout, stderr });
    });
  });
}

interface JsonReport {
  status?: string;
  paths?: { service?: string; verdict?: string }[];
  coverage?: { unknowns?: unknown[] | number };
  error?: { message?: string };
  errors?: { message?: string }[];
  diagnostics?: { message?: string }[];
}

function firstErrorLine(report: JsonReport | undefined, stderr: string, root: string): string | undefined {
  const fromReport = report?.errors?.[0]?.message ?? report?.diagnostics?.[0]?.message ?? report?.error?.message;
  const line = (fromReport ?? stderr).split('\n').find((l) => l.trim() !== '');
  // Paths are shown relative to the checkouts' directory (`owner+name/…`) before the line is cut.
  const text = line?.trim().replaceAll(`${root}/`, '');
  // A directory with nothing recognised lists every ignored file: the first clause says enough.
  return text !== undefined && text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/** `.terraform/modules` as `terraform init` leaves it: each package copied whole, `Dir` at the module in it. */
async function layOutModules(root: string, dir: string, modules: readonly CorpusModule[]): Promise<void> {
  const base = join(dir, '.terraform', 'modules');
  await rm(base, { recursive: true, force: true });
  await mkdir(base, { recursive: true });
  const entries: object[] = [{ Key: '', Source: '', Dir: '.' }];
  const staging = await mkdtemp(join(root, '.staging-'));
  for (const m of modules) {
    // Through a staging directory: a module may be the very repository being checked (its examples).
    const copy = join(staging, m.key);
    await cp(join(root, checkoutName(m.repo)), copy, { recursive: true, filter: (src) => !src.split(sep).includes('.terraform') });
    await rename(copy, join(base, m.key));
    entries.push({ Key: m.key, Source: `registry.terraform.io/${m.source}`, Version: m.version, Dir: join('.terraform', 'modules', m.key, m.subdirectory) });
  }
  await rm(staging, { recursive: true, force: true });
  await writeFile(join(base, 'modules.json'), `${JSON.stringify({ Modules: entries })}\n`);
}

export async function checkEntry(root: string, entry: CorpusEntry): Promise<CorpusResult> {
  const dir = join(root, checkoutName(entry.repo), entry.subdirectory);
  if (entry.modules !== undefined) await layOutModules(root, dir, entry.modules);
  const run = await runCheck(dir);
  let report: JsonReport | undefined;
  try { report = JSON.parse(run.stdout) as JsonReport; } catch { report = undefined; }
  const paths: Record<string, number> = {};
  for (const p of report?.paths ?? []) paths[p.verdict ?? '?'] = (paths[p.verdict ?? '?'] ?? 0) + 1;
  const unknowns = report?.coverage?.unknowns;
  return {
    entry,
    exitCode: run.code,
    status: report?.status ?? (run.code === 2 ? 'ERROR' : 'NONE'),
    services: new Set((report?.paths ?? []).map((p) => p.service)).size,
    paths,
    unknowns: Array.isArray(unknowns) ? unknowns.length : unknowns,
    // Paths in messages are shown relative to the checkouts' directory, as `owner+name/…`.
    error: run.code === 0 || run.code === 1 ? undefined : firstErrorLine(report, run.stderr, root),
  };
}

const pathText = (paths: Readonly<Record<string, number>>): string => {
  const parts = Object.entries(paths).sort().map(([v, n]) => `${n} ${v}`);
  return parts.length === 0 ? '0' : parts.join(', ');
};

function line(r: CorpusResult): string {
  const where = r.entry.subdirectory === '' ? r.entry.repo : `${r.entry.repo}/${r.entry.subdirectory}`;
  const unknowns = r.unknowns === undefined ? '' : `, ${r.unknowns} unknowns`;
  const error = r.error === undefined ? '' : ` — ${r.error}`;
  return `${where}: exit ${r.exitCode}, ${r.status}, ${r.services} services, paths ${pathText(r.paths)}${unknowns}${error}`;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function markdownRow(r: CorpusResult): string {
  const e = r.entry;
  const result = `${r.status}, exit ${r.exitCode}, ${r.services} services, paths ${pathText(r.paths)}${r.unknowns === undefined ? '' : `, ${r.unknowns} unknowns`}${r.error === undefined ? '' : `: ${r.error}`}`;
  return `| \`${e.repo}\` | \`${e.commit}\` | ${e.subdirectory === '' ? '(root)' : `\`${e.subdirectory}\``} | ${cell(e.exercises)} | ${cell(result)} |`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const markdown = args.includes('--markdown');
  const root = resolve(args.find((a) => !a.startsWith('--')) ?? '../corpus');
  const results: CorpusResult[] = [];
  for (const entry of await readManifest()) {
    const r = await checkEntry(root, entry);
    results.push(r);
    console.log(markdown ? markdownRow(r) : line(r));
  }
  const count = (f: (r: CorpusResult) => boolean): number => results.filter(f).length;
  const summary = {
    entries: results.length,
    exit2: count((r) => r.exitCode === 2),
    healthyNoPaths: count((r) => r.status === 'HEALTHY' && r.services === 0 && Object.keys(r.paths).length === 0),
    incomplete: count((r) => r.status === 'INCOMPLETE'),
    other: 0,
    timeouts: count((r) => r.exitCode === 'timeout'),
  };
  summary.other = summary.entries - summary.exit2 - summary.healthyNoPaths - summary.incomplete;
  console.log(JSON.stringify(summary));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 3;
  });
}
