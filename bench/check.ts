/**
 * `npm run bench:check`: how `lifeline check` scales with the number of services.
 *
 * Generates synthetic topologies (bench/generate.ts) of 100, 1,000 and 10,000 services in YAML and
 * JSON, and 50,000 in JSON, measures each in its own child processes (bench/measure.ts) so peak
 * RSS is per run, and prints one line per size and format, the per-service check time, and how
 * YAML compares. Each line has two figures for the check: `check`, the library's analysis and text
 * report, warm (median of 3 after a warm-up), which the linearity bounds use; and `cli`, the whole
 * `lifeline check FILE` once in a fresh process, cold, as a person or CI runs it, with its peak RSS.
 *
 * The last line is one JSON object with every row, for tools to read; it is also written to
 * bench/results/check.json, from which `npm run bench:readme` writes the README's table.
 * Set LIFELINE_BENCH_KEEP=1 to keep the generated files; LIFELINE_BENCH_SIZES=100,1000 to run fewer sizes.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBase, measureCheck, measureCli, type CliMeasurement } from './child.js';
import { BENCH_FORMATS, BENCH_SIZES, DEPENDENCIES_PER_SERVICE, makeBenchDir, writeTopologyFiles, type BenchFormat, type GeneratedFile } from './generate.js';
import type { Measurement } from './measure.js';

/** The largest size, JSON only: linearity to 50,000 services. */
const LARGEST_JSON = 50_000;
/** Per-service check time at the largest size may be at most this multiple of that at 1,000. */
const MAX_GROWTH_TO_LARGEST = 1.3;
const OUT = fileURLToPath(new URL('../../bench/results/check.json', import.meta.url));
const MIB = 1024 * 1024;
/** check/parse above this means the analysis, not the parser, dominates. */
const MAX_CHECK_TO_PARSE = 3;
/** Per-service check time growing more than this from one size to the next (10×) is not linear. */
const MAX_PER_SERVICE_GROWTH = 2;
/** Judging every service's egress (implicit destinations) may add this much to check time at the largest size. */
const MAX_IMPLICIT_OVERHEAD = 0.1;

interface Row extends GeneratedFile {
  readonly m: Measurement & { readonly baseSeconds: number; readonly baseJsonSeconds: number } & CliMeasurement;
}

/** The full check in one child, the check without implicit destinations in another, the command in a third. */
async function measureInChild(file: string): Promise<Row['m']> {
  const parsed = await measureCheck(file);
  const base = await measureBase(file);
  const cli = await measureCli(file);
  return { ...parsed, ...base, ...cli };
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));
const percent = (value: number, base: number): string => `${value >= base ? '+' : ''}${(((value - base) / base) * 100).toFixed(1)}%`;

function describe(row: Row): string {
  const { m } = row;
  const verdicts = Object.entries(m.verdicts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  return [
    `services=${String(row.services).padStart(6)}`,
    `format=${row.format.padEnd(4)}`,
    `file=${(row.bytes / MIB).toFixed(2).padStart(6)} MB`,
    `parse=${m.parseSeconds.toFixed(3).padStart(7)} s`,
    `check=${m.checkSeconds.toFixed(3).padStart(7)} s`,
    `check/parse=${(m.checkSeconds / m.parseSeconds).toFixed(1).padStart(6)}x`,
    `json=+${m.jsonSeconds.toFixed(3).padStart(6)} s (${(m.jsonBytes / MIB).toFixed(0)} MB)`,
    `implicit=${percent(m.checkSeconds, m.baseSeconds)} (json ${percent(m.checkSeconds + m.jsonSeconds, m.baseSeconds + m.baseJsonSeconds)})`,
    `cli=${m.cliSeconds.toFixed(3).padStart(7)} s`,
    `cliPeakRSS=${m.cliRssMb.toFixed(0).padStart(5)} MB`,
    `| ${m.paths} paths (${verdicts}), ${m.implicitPaths} implicit; ${m.findings} findings, ${m.fixes} fixes, ${m.rejectedFixes} rejected`,
  ].join('  ');
}

async function main(): Promise<void> {
  const dir = await makeBenchDir();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} CPUs, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.version}`;
  console.log(`Lifeline check benchmark: ${machine}; check: median of 3 runs after 1 warm-up; cli: one cold run; one child process per measurement (MB = MiB)`);
  console.log(`topology files: ${dir}`);
  const rows: Row[] = [];
  const sizes = sizesToRun();
  try {
    const files = [...(await writeTopologyFiles(dir, sizes.both)), ...(await writeTopologyFiles(dir, sizes.jsonOnly, ['json']))];
    for (const f of files) {
      const m = await measureInChild(f.file);
      const expected = f.services * DEPENDENCIES_PER_SERVICE;
      if (m.paths !== expected) throw new Error(`${f.file}: expected ${expected} paths, got ${m.paths}: the generator is off`);
      const row = { ...f, m };
      rows.push(row);
      console.log(describe(row));
    }
  } finally {
    if (process.env['LIFELINE_BENCH_KEEP'] === '1') console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }

  const find = (services: number, format: BenchFormat): Row => {
    const row = rows.find((r) => r.services === services && r.format === format);
    if (!row) throw new Error(`no result for ${services} ${format}`);
    return row;
  };
  const largest = sizes.both[sizes.both.length - 1] ?? 10_000;
  const notes: string[] = [];

  console.log('linearity (check time per service):');
  for (const format of BENCH_FORMATS) {
    let previous: number | undefined;
    const measured = [...sizes.both, ...(format === 'json' ? sizes.jsonOnly : [])];
    const parts = measured.map((services) => {
      const perService = find(services, format).m.checkSeconds / services;
      const growth = previous === undefined ? '' : ` (x${(perService / previous).toFixed(2)})`;
      if (previous !== undefined && perService / previous > MAX_PER_SERVICE_GROWTH) {
        notes.push(`${format}: check time per service grows x${(perService / previous).toFixed(1)} at ${services} services: not linear`);
      }
      previous = perService;
      return `${services} -> ${(perService * 1e6).toFixed(1)} us/service${growth}`;
    });
    console.log(`  ${format.padEnd(4)}  ${parts.join(';  ')}`);
  }
  const thousand = rows.find((r) => r.services === 1_000 && r.format === 'json');
  const biggest = rows.find((r) => r.services === LARGEST_JSON && r.format === 'json');
  if (thousand && biggest) {
    const growth = biggest.m.checkSeconds / biggest.services / (thousand.m.checkSeconds / thousand.services);
    console.log(`  json  ${LARGEST_JSON} vs 1000 services: x${growth.toFixed(2)} per service (at most x${MAX_GROWTH_TO_LARGEST})`);
    if (growth > MAX_GROWTH_TO_LARGEST) notes.push(`json: check time per service at ${LARGEST_JSON} services is x${growth.toFixed(2)} that at 1,000 (expected within x${MAX_GROWTH_TO_LARGEST}): not linear`);
  }
  for (const r of rows) {
    if (r.services >= 1_000 && r.m.checkSeconds > MAX_CHECK_TO_PARSE * r.m.parseSeconds) {
      notes.push(`${r.format} ${r.services}: check is ${(r.m.checkSeconds / r.m.parseSeconds).toFixed(1)}x parse (expected within ${MAX_CHECK_TO_PARSE}x)`);
    }
  }
  for (const format of BENCH_FORMATS) {
    const { m } = find(largest, format);
    const overhead = (m.checkSeconds - m.baseSeconds) / m.baseSeconds;
    if (overhead > MAX_IMPLICIT_OVERHEAD) notes.push(`${format} ${largest}: implicit destinations add ${(overhead * 100).toFixed(1)}% to check time (expected within ${MAX_IMPLICIT_OVERHEAD * 100}%)`);
    console.log(`implicit destinations at ${largest} ${format}: check ${percent(m.checkSeconds, m.baseSeconds)}; with the JSON report ${percent(m.checkSeconds + m.jsonSeconds, m.baseSeconds + m.baseJsonSeconds)} (every trace serialised)`);
  }
  for (const note of notes) console.log(`SLOW: ${note}`);
  // Non-linear growth or a costly egress judgement fails the run, so CI and people notice.
  if (notes.length > 0) process.exitCode = 1;

  const yaml = find(largest, 'yaml').m;
  const json = find(largest, 'json').m;
  console.log(
    `YAML vs JSON at ${largest} services: parse x${(yaml.parseSeconds / json.parseSeconds).toFixed(1)}, check x${(yaml.checkSeconds / json.checkSeconds).toFixed(1)}, ` +
      `cli x${(yaml.cliSeconds / json.cliSeconds).toFixed(1)} (YAML: parse ${yaml.parseSeconds.toFixed(3)} s, check ${yaml.checkSeconds.toFixed(3)} s, cli ${yaml.cliSeconds.toFixed(3)} s, ${yaml.cliRssMb.toFixed(0)} MB)`,
  );
  const summary = {
    bench: 'check',
    machine,
    services: largest,
    format: 'json',
    checkSeconds: round(json.checkSeconds, 3),
    cliSeconds: round(json.cliSeconds, 3),
    implicitOverhead: round((json.checkSeconds - json.baseSeconds) / json.baseSeconds, 3),
    jsonSeconds: round(json.jsonSeconds, 3),
    parseSeconds: round(json.parseSeconds, 3),
    cliPeakRssMb: round(json.cliRssMb, 0),
    slow: notes,
    rows: rows.map((r) => ({
      services: r.services,
      format: r.format,
      fileMb: round(r.bytes / MIB, 2),
      parseSeconds: round(r.m.parseSeconds, 3),
      checkSeconds: round(r.m.checkSeconds, 3),
      jsonSeconds: round(r.m.jsonSeconds, 3),
      implicitOverhead: round((r.m.checkSeconds - r.m.baseSeconds) / r.m.baseSeconds, 3),
      implicitOverheadWithJson: round((r.m.checkSeconds + r.m.jsonSeconds - r.m.baseSeconds - r.m.baseJsonSeconds) / (r.m.baseSeconds + r.m.baseJsonSeconds), 3),
      cliSeconds: round(r.m.cliSeconds, 3),
      cliPeakRssMb: round(r.m.cliRssMb, 0),
      paths: r.m.paths,
      implicitPaths: r.m.implicitPaths,
      fixes: r.m.fixes,
    })),
  };
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary));
}

/** The sizes to run: all of them, or those LIFELINE_BENCH_SIZES names (for a quick look). */
function sizesToRun(): { both: readonly number[]; jsonOnly: readonly number[] } {
  const env = process.env['LIFELINE_BENCH_SIZES'];
  if (env === undefined || env === '') return { both: BENCH_SIZES, jsonOnly: [LARGEST_JSON] };
  const wanted = env.split(',').map(Number);
  return { both: BENCH_SIZES.filter((n) => wanted.includes(n)), jsonOnly: wanted.includes(LARGEST_JSON) ? [LARGEST_JSON] : [] };
}

await main();
