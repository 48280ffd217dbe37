/**
 * One benchmark run, in its own process so that peak RSS belongs to this file alone.
 * Usage: node --expose-gc dist/bench/measure.js FILE [--base | --cli] [--runs N] [--inject-quadratic]
 * Prints one JSON line (a Measurement) on stdout.
 *
 * --inject-quadratic adds a deliberately quadratic step to the check (each service finds its
 * paths by scanning every path), so that a test can show the linearity guard
 * (bench/guard.ts) fails when such a step creeps in. Never used for figures.
 *
 * parse = readTextFile + parseSource (read the file, parse it to a value with positions available).
 * check = loadTopologyFile + analyzeTopology + buildReport + renderText: the whole of
 *         `lifeline check` as a library, with its default output.
 * json  = JSON.stringify of that report, timed apart: what `--format json` adds.
 * cli   = with --cli, `lifeline check FILE` once, as the command runs it (see cliOnce), with this
 *         process's peak RSS.
 * base  = with --base, only the check without the implicit destinations (internet, Google APIs,
 *         private ranges), in its own process so that neither run inherits the other's heap: the
 *         difference is what judging every service's egress costs.
 * Each is timed after one warm-up run; the median of 3 runs is reported.
 */
import { performance } from 'node:perf_hooks';
import { analyzeTopology } from '../src/analysis/analyze.js';
import { buildReport, type Report } from '../src/report/report.js';
import { renderText } from '../src/report/text.js';
import { renderJsonChunks } from '../src/report/json.js';
import { parseSource, readTextFile } from '../src/sources/document.js';
import { loadTopologyFile } from '../src/sources/topology-file.js';
import { runCheck } from '../src/cli/check.js';
import type { Topology } from '../src/model/topology.js';

export interface Measurement {
  readonly parseSeconds: number;
  readonly checkSeconds: number;
  readonly parseRuns: readonly number[];
  readonly checkRuns: readonly number[];
  readonly implicitPaths: number;
  /** JSON.stringify of the report, timed apart from check. */
  readonly jsonSeconds: number;
  readonly jsonBytes: number;
  /** process.resourceUsage().maxRSS, converted from KiB to MiB. */
  readonly peakRssMb: number;
  readonly paths: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly findings: number;
  readonly fixes: number;
  readonly rejectedFixes: number;
  readonly outputBytes: number;
}

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
};
const RUNS = Number(argValue('--runs') ?? 3);
const INJECT_QUADRATIC = process.argv.includes('--inject-quadratic');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; result: Awaited<T> }> {
  globalThis.gc?.();
  const start = performance.now();
  const result = await run();
  return { seconds: (performance.now() - start) / 1000, result };
}

/**
 * Warm-up once, then the median of RUNS timed runs. Each run's result is let go before the next
 * starts (a command holds one result, not four).
 */
async function measure<T>(run: () => Promise<T>): Promise<{ runs: number[]; last: Awaited<T> }> {
  const held: { last?: Awaited<T> } = { last: await run() };
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    delete held.last;
    const t = await timed(run);
    runs.push(t.seconds);
    held.last = t.result;
  }
  if (held.last === undefined) throw new Error('measure: no run');
  return { runs, last: held.last };
}

/**
 * `lifeline check FILE` as the command runs it, once, in this fresh process: read, scan for
 * secrets, load, analyse, verify fixes, locate every origin in the file, render the text report.
 * Peak RSS is this process's.
 */
async function cliOnce(file: string): Promise<{ cliSeconds: number; cliRssMb: number; cliOutputBytes: number; exitCode: number }> {
  const start = performance.now();
  const result = await runCheck([file], { format: 'text', color: false });
  let bytes = 0;
  for (const chunk of result.chunks()) bytes += chunk.length;
  const cliSeconds = (performance.now() - start) / 1000;
  return { cliSeconds, cliRssMb: process.resourceUsage().maxRSS / 1024, cliOutputBytes: bytes, exitCode: result.exitCode };
}

async function parseOnce(file: string): Promise<number> {
  const doc = parseSource(file, await readTextFile(file));
  return doc.text.length;
}

async function checkOnce(file: string, implicit = true): Promise<{ output: string; report: Report; analysis: ReturnType<typeof analyzeTopology> }> {
  const { topology } = await loadTopologyFile(file);
  const analysis = analyzeTopology(topology, new Map(), { implicit });
  const report = buildReport(analysis, {
    version: 'bench',
    inputs: [file],
    failOn: 'critical',
    topology,
    locate: (origin) => ({ file: origin.file }),
    renderChanges: () => [],
  });
  const output = renderText(report, { color: false });
  if (INJECT_QUADRATIC) injectedQuadraticStep(analysis, topology);
  return { output, report, analysis };
}

/**
 * A lookup done the slow way, as a regression would: each service's paths found by scanning every
 * path with a composed key. Quadratic in the number of services.
 */
function injectedQuadraticStep(analysis: ReturnType<typeof analyzeTopology>, topology: Topology): number {
  const all = [...analysis.paths, ...analysis.implicit];
  let matches = 0;
  for (const service of topology.services) {
    const key = `${service.name}/`;
    for (const q of all) if (`${q.service}/${q.dependency}`.startsWith(key)) matches++;
  }
  return matches;
}

/** What `--format json` adds: the report written as JSON, in the pieces the command writes. */
async function jsonOnce(report: Report): Promise<number> {
  await Promise.resolve();
  let length = 0;
  for (const chunk of renderJsonChunks(report)) length += chunk.length;
  return length;
}

async function main(file: string): Promise<void> {
  if (process.argv.includes('--cli')) {
    console.log(JSON.stringify(await cliOnce(file)));
    return;
  }
  if (process.argv.includes('--base')) {
    const base = await measure(() => checkOnce(file, false));
    const json = await measure(() => jsonOnce(base.last.report));
    console.log(JSON.stringify({ baseSeconds: median(base.runs), baseRuns: base.runs, baseJsonSeconds: median(json.runs) }));
    return;
  }
  const parse = await measure(() => parseOnce(file));
  const check = await measure(() => checkOnce(file));
  const { analysis, output, report } = check.last;
  const json = await measure(() => jsonOnce(report));
  const verdicts: Record<string, number> = {};
  for (const p of analysis.paths) verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
  const result: Measurement = {
    parseSeconds: median(parse.runs),
    checkSeconds: median(check.runs),
    parseRuns: parse.runs,
    checkRuns: check.runs,
    jsonSeconds: median(json.runs),
    jsonBytes: json.last,
    implicitPaths: analysis.implicit.length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    paths: analysis.paths.length,
    verdicts,
    findings: analysis.findings.length,
    fixes: analysis.fixes.length,
    rejectedFixes: analysis.rejected.length,
    outputBytes: output.length,
  };
  console.log(JSON.stringify(result));
}

const file = process.argv[2];
if (file === undefined || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error('usage: node --expose-gc dist/bench/measure.js FILE [--base] [--runs N] [--inject-quadratic]');
  process.exit(2);
}
await main(file);
