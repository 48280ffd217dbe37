/**
 * Benchmarks measure in child processes, so that wall time and peak RSS belong to one run alone.
 * These spawn bench/measure.ts (a check) and bench/import.ts --measure (an import or a diff) and
 * read the JSON line they print.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Measurement } from './measure.js';

const run = promisify(execFile);
const MEASURE = fileURLToPath(new URL('./measure.js', import.meta.url));
const IMPORT = fileURLToPath(new URL('./import.js', import.meta.url));
const MIB = 1024 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isMeasurement(v: unknown): v is Measurement {
  return (
    isRecord(v) &&
    isNumber(v['parseSeconds']) &&
    isNumber(v['checkSeconds']) &&
    isNumber(v['implicitPaths']) &&
    isNumber(v['jsonSeconds']) &&
    isNumber(v['jsonBytes']) &&
    isNumber(v['peakRssMb']) &&
    isNumber(v['paths']) &&
    isNumber(v['findings']) &&
    isNumber(v['fixes']) &&
    isNumber(v['rejectedFixes']) &&
    isRecord(v['verdicts']) &&
    Object.values(v['verdicts']).every(isNumber)
  );
}

/** The last line a child printed, as JSON. */
async function lastLine(script: string, args: readonly string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--expose-gc', script, ...args], { maxBuffer: 16 * MIB });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as unknown;
}

/** `lifeline check` of one topology file, in a child (bench/measure.ts; `args` are its flags). */
export async function measureCheck(file: string, args: readonly string[] = []): Promise<Measurement> {
  const parsed = await lastLine(MEASURE, [file, ...args]);
  if (!isMeasurement(parsed)) throw new Error(`unexpected output from ${MEASURE} ${file}: ${JSON.stringify(parsed).slice(0, 200)}`);
  return parsed;
}

/** The check without implicit destinations, in another child: what judging every service's egress costs. */
export async function measureBase(file: string): Promise<{ readonly baseSeconds: number; readonly baseJsonSeconds: number }> {
  const base = await lastLine(MEASURE, [file, '--base']);
  if (!isRecord(base) || !isNumber(base['baseSeconds']) || !isNumber(base['baseJsonSeconds'])) throw new Error(`unexpected output from ${MEASURE} ${file} --base`);
  return { baseSeconds: base['baseSeconds'], baseJsonSeconds: base['baseJsonSeconds'] };
}

export interface CliMeasurement {
  readonly cliSeconds: number;
  readonly cliRssMb: number;
  readonly cliOutputBytes: number;
  readonly exitCode: number;
}

/** `lifeline check FILE` once, end to end, in a fresh child: its time and peak RSS. */
export async function measureCli(file: string): Promise<CliMeasurement> {
  const parsed = await lastLine(MEASURE, [file, '--cli']);
  if (!isRecord(parsed) || !isNumber(parsed['cliSeconds']) || !isNumber(parsed['cliRssMb']) || !isNumber(parsed['cliOutputBytes']) || !isNumber(parsed['exitCode'])) {
    throw new Error(`unexpected output from ${MEASURE} ${file} --cli: ${JSON.stringify(parsed).slice(0, 200)}`);
  }
  return { cliSeconds: parsed['cliSeconds'], cliRssMb: parsed['cliRssMb'], cliOutputBytes: parsed['cliOutputBytes'], exitCode: parsed['exitCode'] };
}

export interface ImportMeasurement {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly detail: string;
}

/** Importing `files` as `check` reads them (kind `import`), or diffing two (`diff`), in a child. */
export async function measureImport(kind: 'import' | 'diff', files: readonly string[]): Promise<ImportMeasurement> {
  const parsed = await lastLine(IMPORT, ['--measure', kind, ...files]);
  if (!isRecord(parsed) || !isNumber(parsed['seconds']) || !isNumber(parsed['peakRssMb']) || typeof parsed['detail'] !== 'string') {
    throw new Error(`unexpected output from ${IMPORT} --measure ${kind}: ${JSON.stringify(parsed).slice(0, 200)}`);
  }
  return { seconds: parsed['seconds'], peakRssMb: parsed['peakRssMb'], detail: parsed['detail'] };
}
