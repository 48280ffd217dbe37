/**
 * `npm run bench:guard`: the quick linearity check CI runs after the tests.
 *
 * Checks a generated JSON topology of 1,000 and of 5,000 services, and imports a generated
 * Terraform plan of 1,000 and of 5,000 resources, each in its own child process. It compares the
 * time per service (per resource) between the two sizes of one run — a ratio, so a slow or busy
 * machine slows both sizes alike — and exits 1 when it grows more than 2×: a quadratic step
 * (a lookup that scans, a list copied per item) shows up as growth, fixed costs as shrinkage.
 *
 * Usage: node dist/bench/guard.js [--sizes SMALL,LARGE] [--runs N] [--no-plan] [--inject-quadratic]
 * --inject-quadratic adds a deliberately quadratic step to the check (bench/measure.ts), to show
 * that the guard fails on one. The last line is one JSON object for tools to read.
 */
import { rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureCheck, measureImport } from './child.js';
import { Cleanup } from './cleanup.js';
import { generatePlan } from './generate-plan.js';
import { makeBenchDir, writeTopologyFiles } from './generate.js';

/** Per-unit time growing more than this from the smaller size to the larger is not linear. */
export const MAX_GROWTH = 2;

export interface Growth {
  readonly what: string;
  readonly unit: string;
  readonly small: { readonly size: number; readonly seconds: number };
  readonly large: { readonly size: number; readonly seconds: number };
  /** (large.seconds / large.size) / (small.seconds / small.size). */
  readonly growth: number;
}

export function growthOf(what: string, unit: string, small: Growth['small'], large: Growth['large']): Growth {
  return { what, unit, small, large, growth: large.seconds / large.size / (small.seconds / small.size) };
}

/** The failures: each growth above MAX_GROWTH, said in a line. */
export function nonLinear(growths: readonly Growth[]): string[] {
  return growths
    .filter((g) => !(g.growth <= MAX_GROWTH))
    .map((g) => `${g.what}: time per ${g.unit} grows x${g.growth.toFixed(2)} from ${g.small.size} to ${g.large.size} ${g.unit}s (at most x${MAX_GROWTH}): not linear`);
}

function parseArgs(argv: readonly string[]): { sizes: [number, number]; runs: number; plan: boolean; inject: boolean } {
  let sizes: [number, number] = [1_000, 5_000];
  let runs = 3;
  let plan = true;
  let inject = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sizes') {
      const parts = (argv[++i] ?? '').split(',').map(Number);
      const [a, b] = parts;
      if (parts.length !== 2 || a === undefined || b === undefined || !Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b <= a) throw new UsageError('--sizes takes SMALL,LARGE, two whole numbers, the second larger');
      sizes = [a, b];
    } else if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs takes a whole number of at least 1');
    } else if (arg === '--no-plan') plan = false;
    else if (arg === '--inject-quadratic') inject = true;
    else throw new UsageError(`unknown argument ${arg ?? ''}`);
  }
  return { sizes, runs, plan, inject };
}

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<void> {
  const { sizes, runs, plan, inject } = parseArgs(argv);
  const cleanup = new Cleanup();
  cleanup.undoOnSignals();
  const dir = await makeBenchDir();
  cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  try {
    console.log(`Lifeline linearity guard: node ${process.version}, ${availableParallelism()} CPUs; check of ${sizes.join(' and ')} services (JSON)${plan ? `, plan import of ${sizes.join(' and ')} resources` : ''}${inject ? '; with an injected quadratic step' : ''}`);
    const growths: Growth[] = [];
    const files = (await writeTopologyFiles(dir, sizes, ['json'])).sort((a, b) => a.services - b.services);
    const checks = [];
    for (const f of files) {
      const m = await measureCheck(f.file, ['--runs', String(runs), ...(inject ? ['--inject-quadratic'] : [])]);
      console.log(`check   ${String(f.services).padStart(6)} services: ${m.checkSeconds.toFixed(3)} s (${((m.checkSeconds / f.services) * 1e6).toFixed(1)} us/service), parse ${m.parseSeconds.toFixed(3)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
      checks.push({ size: f.services, seconds: m.checkSeconds });
    }
    const [smallCheck, largeCheck] = checks;
    if (smallCheck && largeCheck) growths.push(growthOf('check', 'service', smallCheck, largeCheck));
    if (plan) {
      const imports = [];
      for (const resources of sizes) {
        const file = join(dir, `plan-${resources}.json`);
        await writeFile(file, generatePlan(resources));
        const m = await measureImport('import', [file]);
        console.log(`import  ${String(resources).padStart(6)} resources (plan): ${m.seconds.toFixed(3)} s (${((m.seconds / resources) * 1e6).toFixed(1)} us/resource), peak RSS ${m.peakRssMb.toFixed(0)} MB`);
        imports.push({ size: resources, seconds: m.seconds });
      }
      const [smallPlan, largePlan] = imports;
      if (smallPlan && largePlan) growths.push(growthOf('plan import', 'resource', smallPlan, largePlan));
    }
    for (const g of growths) console.log(`linearity (${g.what} time per ${g.unit}): x${g.growth.toFixed(2)} from ${g.small.size} to ${g.large.size}`);
    const failures = nonLinear(growths);
    for (const f of failures) console.log(`NOT LINEAR: ${f}`);
    if (failures.length > 0) process.exitCode = 1;
    console.log(JSON.stringify({ bench: 'guard', maxGrowth: MAX_GROWTH, growths: growths.map((g) => ({ what: g.what, growth: Number(g.growth.toFixed(2)), small: g.small, large: g.large })), linear: failures.length === 0 }));
  } finally {
    const failed = await cleanup.run();
    for (const f of failed) console.error(`cleanup failed: ${f}`);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench/guard: ${e.message}\nusage: node dist/bench/guard.js [--sizes SMALL,LARGE] [--runs N] [--no-plan] [--inject-quadratic]`);
    process.exitCode = 2;
  }
}
