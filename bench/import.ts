/**
 * `npm run bench:import`: how long reading real configuration takes.
 *
 * 1. Imports a generated Terraform plan of 5,000 resources (bench/generate-plan.ts) into the model:
 *    read, JSON parse, map, merge, validate, build — everything `check` does before analysis.
 * 2. Imports a generated Terraform directory (bench/generate-hcl.ts) of 1,000 and of 5,000
 *    resources in nested modules, evaluated as Terraform would: parse, evaluate, map, build. The
 *    time per resource at both sizes shows whether it grows linearly; it must not grow by more than
 *    half (the run fails).
 * 3. Diffs two generated configurations of 1,000 services (bench/generate.ts; the head flips
 *    egress on one service in ten): both sides loaded, analysed and compared, as `lifeline diff`.
 * 4. Imports a generated deploy script (bench/generate-script.ts) of 2,000 and of 10,000 lines, in
 *    Python and in TypeScript, each PATCHing service bodies through the Admin API: parse with the
 *    language's grammar, evaluate, read the bodies, build. 2,000 lines must take under 0.2 s; the
 *    time per line must not grow by more than half from the smaller to the larger (the run fails).
 *
 * Each runs in its own child process, so wall time and peak RSS are its own. The last line is one
 * JSON object for tools to read; that and every line printed are written to bench/results/import.json,
 * from which `npm run bench:readme` writes the README's figures. Set LIFELINE_BENCH_KEEP=1 to keep
 * the generated files.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDiff } from '../src/cli/diff.js';
import { workTree } from '../src/sources/file-view.js';
import { loadInputs } from '../src/sources/load.js';
import { measureImport, type ImportMeasurement } from './child.js';
import { Cleanup } from './cleanup.js';
import { generatePlan } from './generate-plan.js';
import { generateTopology, makeBenchDir } from './generate.js';
import { writeHclTree } from './generate-hcl.js';
import { generateDeployScript } from './generate-script.js';

const OUT = fileURLToPath(new URL('../../bench/results/import.json', import.meta.url));
const PLAN_RESOURCES = 5_000;
const HCL_SIZES = [1_000, 5_000] as const;
/** Per-resource HCL import time growing more than this from the smaller size to the larger is not linear. */
const MAX_GROWTH = 1.5;
const DIFF_SERVICES = 1_000;
const TARGET_SECONDS = 1;
/** Two 1,000-service configurations diffed: a reviewer's wait. */
const DIFF_TARGET_SECONDS = 0.5;
const SCRIPT_LINES = [2_000, 10_000] as const;
const SCRIPT_TARGET_SECONDS = 0.2;

type Measurement = ImportMeasurement;

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** In the child: one measurement, printed as JSON. */
async function measure(kind: string, files: readonly string[]): Promise<Measurement> {
  if (kind === 'import') {
    const start = performance.now();
    const loaded = await loadInputs(workTree, files);
    const seconds = (performance.now() - start) / 1000;
    const t = loaded.topology;
    return { seconds, peakRssMb: peakRssMb(), detail: `${t.networks.size} networks, ${t.connectors.size} connectors, ${t.databases.size} databases, ${t.caches.size} caches, ${t.services.length} services` };
  }
  const [base, head] = files;
  if (base === undefined || head === undefined) throw new TypeError('diff needs two files');
  const start = performance.now();
  const { report } = await runDiff({ kind: 'paths', base, head }, { format: 'json' });
  const seconds = (performance.now() - start) / 1000;
  const s = report.summary;
  return { seconds, peakRssMb: peakRssMb(), detail: `${s.worse} worse, ${s.improved} improved, ${s.introduced} findings introduced, ${s.resolved} resolved` };
}


async function main(): Promise<void> {
  // Everything printed is also kept, for bench/results/import.json (the README's figures).
  const printed: string[] = [];
  const say = (line: string): void => {
    printed.push(line);
    console.log(line);
  };
  const cleanup = new Cleanup();
  cleanup.undoOnSignals();
  const dir = await makeBenchDir();
  if (process.env.LIFELINE_BENCH_KEEP === undefined) cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  try {
    const plan = join(dir, 'plan.json');
    const planText = generatePlan(PLAN_RESOURCES);
    await writeFile(plan, planText);
    const base = generateTopology(DIFF_SERVICES);
    const head = { ...base, services: (base.services ?? []).map((s, k) => (k % 10 === 0 ? { ...s, egress: 'all-traffic' as const } : s)) };
    const baseFile = join(dir, 'base.json');
    const headFile = join(dir, 'head.json');
    await writeFile(baseFile, JSON.stringify(base));
    await writeFile(headFile, JSON.stringify(head));

    say(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, node ${process.version}`);
    const imported = await measureImport('import', [plan]);
    say(`import  plan of ${PLAN_RESOURCES} resources (${(planText.length / 1024 / 1024).toFixed(1)} MiB): ${imported.seconds.toFixed(3)} s, peak RSS ${imported.peakRssMb.toFixed(0)} MB — ${imported.detail}`);
    const hcl: { resources: number; seconds: number; peakRssMb: number }[] = [];
    for (const size of HCL_SIZES) {
      const tree = await writeHclTree(dir, size);
      const m = await measureImport('import', [tree.root]);
      hcl.push({ resources: tree.resources, seconds: m.seconds, peakRssMb: m.peakRssMb });
      say(`import  HCL tree of ${tree.resources} resources in nested modules (${(tree.bytes / 1024 / 1024).toFixed(1)} MiB): ${m.seconds.toFixed(3)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB — ${m.detail}`);
    }
    const [small, large] = hcl;
    const growth = small && large ? large.seconds / large.resources / (small.seconds / small.resources) : 1;
    say(`linearity (HCL import time per resource): x${growth.toFixed(2)} from ${small?.resources ?? 0} to ${large?.resources ?? 0} resources`);
    if (growth > MAX_GROWTH) {
      say(`HCL import: time per resource grows x${growth.toFixed(2)}: not linear`);
      process.exitCode = 1;
    }
    const diffed = await measureImport('diff', [baseFile, headFile]);
    say(`diff    ${DIFF_SERVICES} services each side: ${diffed.seconds.toFixed(3)} s, peak RSS ${diffed.peakRssMb.toFixed(0)} MB — ${diffed.detail}`);
    const scripts: { language: string; lines: number; services: number; seconds: number; peakRssMb: number }[] = [];
    for (const language of ['python', 'typescript'] as const) {
      for (const lines of SCRIPT_LINES) {
        const script = generateDeployScript(language, lines);
        const file = join(dir, `deploy-${lines}.${language === 'python' ? 'py' : 'ts'}`);
        await writeFile(file, script.text);
        const m = await measureImport('import', [file]);
        const count = script.text.split('\n').length;
        scripts.push({ language, lines: count, services: script.services, seconds: m.seconds, peakRssMb: m.peakRssMb });
        say(`import  ${language} deploy script of ${count} lines (${script.services} service bodies): ${m.seconds.toFixed(3)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB — ${m.detail}`);
      }
      const [short, long] = scripts.slice(-2);
      const scriptGrowth = short !== undefined && long !== undefined ? long.seconds / long.lines / (short.seconds / short.lines) : 0;
      say(`linearity (${language} script import time per line): x${scriptGrowth.toFixed(2)} from ${short?.lines ?? 0} to ${long?.lines ?? 0} lines`);
      if (scriptGrowth > MAX_GROWTH) {
        say(`${language} script import: time per line grows x${scriptGrowth.toFixed(2)}: not linear`);
        process.exitCode = 1;
      }
      say(`${language} script of ${short?.lines ?? 0} lines: ${(short?.seconds ?? Infinity) < SCRIPT_TARGET_SECONDS ? 'within' : 'OVER'} the ${SCRIPT_TARGET_SECONDS} s target`);
    }
    for (const [what, m, target] of [['import', imported, TARGET_SECONDS], [`import HCL ${large?.resources ?? 0}`, large ?? imported, TARGET_SECONDS], ['diff', diffed, DIFF_TARGET_SECONDS]] as const) {
      say(`${what}: ${m.seconds < target ? 'within' : 'OVER'} the ${target} s target`);
    }
    const summary = {
        bench: 'import',
        planResources: PLAN_RESOURCES,
        importSeconds: Number(imported.seconds.toFixed(3)),
        hcl: hcl.map((h) => ({ resources: h.resources, seconds: Number(h.seconds.toFixed(3)), peakRssMb: Number(h.peakRssMb.toFixed(0)) })),
        hclGrowth: Number(growth.toFixed(2)),
        diffServices: DIFF_SERVICES,
        diffSeconds: Number(diffed.seconds.toFixed(3)),
        scripts: scripts.map((m) => ({ language: m.language, lines: m.lines, seconds: Number(m.seconds.toFixed(3)) })),
        peakRssMb: Number(Math.max(imported.peakRssMb, diffed.peakRssMb, ...hcl.map((h) => h.peakRssMb)).toFixed(0)),
      };
    say(JSON.stringify(summary));
    await mkdir(dirname(OUT), { recursive: true });
    await writeFile(OUT, `${JSON.stringify({ ...summary, output: printed }, null, 2)}\n`);
  } finally {
    const failed = await cleanup.run();
    for (const f of failed) console.error(`cleanup failed: ${f}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--measure') {
  const [, kind = '', ...files] = args;
  process.stdout.write(JSON.stringify(await measure(kind, files)));
} else {
  await main();
}
