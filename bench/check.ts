/**
 * `npm run bench:check`: how `lifeline check` scales with the number of services.
 *
 * Generates synthetic topologies (bench/generate.ts) of 100, 1,000 and 10,000 services in YAML and
 * JSON, measures each in its own child process (bench/measure.ts) so peak RSS is per run, and
 * prints one line per size and format, the per-service check time, and how YAML compares.
 * The last line is one JSON object for 10,000 services in JSON, for tools to read.
 *
 * Set LIFELINE_BENCH_KEEP=1 to keep the generated files.
 */
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { measureBase, measureCheck } from './child.js';
import { BENCH_FORMATS, BENCH_SIZES, DEPENDENCIES_PER_SERVICE, makeBenchDir, writeTopologyFiles, type BenchFormat, type GeneratedFile } from './generate.js';
import type { Measurement } from './measure.js';

const MIB = 1024 * 1024;
/** check/parse above this means the analysis, not the parser, dominates. */
const MAX_CHECK_TO_PARSE = 3;
/** Per-service check time growing more than this from one size to the next (10×) is not linear. */
const MAX_PER_SERVICE_GROWTH = 2;
/** Judging every service's egress (implicit destinations) may add this much to check time at the largest size. */
const MAX_IMPLICIT_OVERHEAD = 0.1;

interface Row extends GeneratedFile {
  readonly m: Measurement & { readonly baseSeconds: number; readonly baseJsonSeconds: number };
}

/** The full check in one child, the check without implicit destinations in another. */
async function measureInChild(file: string): Promise<Row['m']> {
  const parsed = await measureCheck(file);
  const base = await measureBase(file);
  return { ...parsed, ...base };
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
    `peakRSS=${m.peakRssMb.toFixed(1).padStart(7)} MB`,
    `| ${m.paths} paths (${verdicts}), ${m.implicitPaths} implicit; ${m.findings} findings, ${m.fixes} fixes, ${m.rejectedFixes} rejected`,
  ].join('  ');
}

async function main(): Promise<void> {
  const dir = await makeBenchDir();
  console.log(`Lifeline check benchmark: node ${process.version}, ${availableParallelism()} CPUs; median of 3 runs after 1 warm-up, one child process per line (MB = MiB)`);
  console.log(`topology files: ${dir}`);
  const rows: Row[] = [];
  try {
    const files = await writeTopologyFiles(dir);
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
  const largest = BENCH_SIZES[BENCH_SIZES.length - 1] ?? 10_000;
  const notes: string[] = [];

  console.log('linearity (check time per service):');
  for (const format of BENCH_FORMATS) {
    let previous: number | undefined;
    const parts = BENCH_SIZES.map((services) => {
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
      `peak RSS x${(yaml.peakRssMb / json.peakRssMb).toFixed(1)} (YAML: parse ${yaml.parseSeconds.toFixed(3)} s, check ${yaml.checkSeconds.toFixed(3)} s, ${yaml.peakRssMb.toFixed(1)} MB)`,
  );
  console.log(
    JSON.stringify({
      bench: 'check',
      services: largest,
      format: 'json',
      checkSeconds: round(json.checkSeconds, 3),
      implicitOverhead: round((json.checkSeconds - json.baseSeconds) / json.baseSeconds, 3),
      jsonSeconds: round(json.jsonSeconds, 3),
      parseSeconds: round(json.parseSeconds, 3),
      peakRssMb: round(json.peakRssMb, 1),
    }),
  );
}

await main();
