import { readFileSync } from 'node:fs';
import { analyzeReachability, indexTopology } from '../analysis/reachability/engine.js';
import { pathKey, type PathResult } from '../analysis/reachability/path.js';
import { SEVERITY_RANK, type Severity } from '../analysis/rules/rule.js';
import type { Topology } from '../model/topology.js';
import { compareWithStatic } from '../probes/compare.js';
import { planProbes, type CredentialSource } from '../probes/plan.js';
import { runProbes, type ProbeSpec } from '../probes/run.js';
import { severityStatus } from '../report/report.js';
import { renderProbeChanges, renderProbeJson, renderProbeText, type ProbeReport, type ProbeReportEntry } from '../report/probe.js';
import { readTextFile } from '../sources/document.js';
import { InputError } from '../sources/errors.js';
import { workTree } from '../sources/file-view.js';
import { loadInputs } from '../sources/load.js';

export interface ProbeCommandOptions {
  readonly service?: string;
  readonly concurrency: number;
  readonly deadlineMs: number;
  readonly format: 'text' | 'json';
  readonly failOn: Severity;
  readonly color: boolean;
  readonly cloudSqlDir: string;
  readonly dnsServers?: readonly string[];
  readonly caFile?: string;
  readonly watchMs?: number;
  /** Globs of paths (relative to each directory named) not to read. @default none */
  readonly exclude?: readonly string[];
}

/** Reads secrets the way the service would: its environment and its mounted secret files. */
const runtimeCredentials: CredentialSource = {
  env: (name) => process.env[name],
  file: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

async function probeOnce(topologies: readonly Topology[], inputs: readonly string[], options: ProbeCommandOptions, ca: string | undefined, signal: AbortSignal): Promise<ProbeReport> {
  const staticPaths = new Map<string, PathResult>();
  const planned = topologies.flatMap((topology) => {
    for (const p of analyzeReachability(indexTopology(topology))) staticPaths.set(pathKey(p), p);
    return planProbes(topology, runtimeCredentials, { cloudSqlDir: options.cloudSqlDir, ...(ca !== undefined ? { ca } : {}) }, options.service);
  });
  const specs = planned.flatMap((p) => ('spec' in p ? [p.spec] : []));
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const results = await runProbes(specs, { deadlineMs: options.deadlineMs, concurrency: options.concurrency, signal, ...(options.dnsServers ? { dnsServers: options.dnsServers } : {}) });
  const wallMs = Math.round(performance.now() - start);
  let next = 0;
  const entries: ProbeReportEntry[] = planned.map((p) => {
    const path = staticPaths.get(pathKey(p));
    const staticVerdict = { verdict: path?.verdict ?? null, cause: path?.cause ?? null };
    const critical = path?.critical ?? null;
    if (!('spec' in p)) {
      return { service: p.service, dependency: p.dependency, target: p.target, critical, protocol: null, outcome: 'NOT_PROBED', durationMs: 0, phases: [], detail: p.skipped, info: {}, static: staticVerdict, agrees: null, suggestion: 'not probed', severity: 'warning' };
    }
    const result = results[next++];
    if (!result) throw new Error('probe results out of step with the plan');
    const { agrees, suggestion } = compareWithStatic(result.outcome, path?.verdict, path?.cause);
    const failed = result.outcome !== 'OK';
    const severity: Severity = failed ? (critical === false ? 'warning' : 'critical') : agrees === false ? 'warning' : 'info';
    return {
      service: p.service,
      dependency: p.dependency,
      target: p.target,
      critical,
      protocol: protocolName(p.spec),
      outcome: result.outcome,
      durationMs: result.durationMs,
      phases: result.phases,
      detail: result.detail,
      info: result.info,
      static: staticVerdict,
      agrees,
      suggestion,
      severity,
    };
  });
  return {
    schemaVersion: 1,
    kind: 'probe',
    status: severityStatus(entries.map((e) => e.severity)),
    startedAt,
    wallMs,
    deadlineMs: options.deadlineMs,
    concurrency: options.concurrency,
    inputs,
    results: entries,
  };
}

function protocolName(spec: ProbeSpec): string {
  return spec.protocol;
}

const isAborted = (signal: AbortSignal): boolean => signal.aborted;

export function probeExitCode(report: ProbeReport, failOn: Severity): 0 | 1 {
  return report.results.some((r) => SEVERITY_RANK[r.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

/** `lifeline probe`: one round, or with `--watch` a round every interval until interrupted, printing changes. */
/** Exit code when interrupted by a signal before any result (128 + SIGINT). */
const INTERRUPTED = 130;

export async function runProbeCommand(files: readonly string[], options: ProbeCommandOptions, write: (text: string) => void): Promise<0 | 1 | 130> {
  // Every input merged into one model, as check does (files, directories, a lifeline.yaml).
  const topologies: Topology[] = [(await loadInputs(workTree, files, undefined, { exclude: options.exclude ?? [] })).topology];
  if (options.service !== undefined && !topologies.some((t) => t.services.some((s) => s.name === options.service))) {
    const names = topologies.flatMap((t) => t.services.map((s) => s.name));
    throw new InputError([{ file: files.join(', '), line: undefined, column: undefined, keyPath: undefined, message: `has no service named "${options.service}"; services: ${names.join(', ') || '(none)'}`, sourceLine: undefined }]);
  }
  const ca = options.caFile !== undefined ? await readTextFile(options.caFile) : undefined;
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let report = await probeOnce(topologies, files, options, ca, stop.signal);
    // Interrupted mid-round: the cut-short probes are not evidence of anything; say so and stop.
    if (isAborted(stop.signal)) {
      process.stderr.write('lifeline probe: interrupted before the probes finished; no results\n');
      return INTERRUPTED;
    }
    write(options.format === 'json' ? renderProbeJson(report) : renderProbeText(report, { color: options.color }));
    while (options.watchMs !== undefined && !stop.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.watchMs);
        stop.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      // Read through a call: the signal changes while we wait, which narrowing cannot see.
      if (isAborted(stop.signal)) break;
      const next = await probeOnce(topologies, files, options, ca, stop.signal);
      if (isAborted(stop.signal)) break; // a round cut short by Ctrl-C is not a change
      const changes = renderProbeChanges(report, next);
      if (changes.length > 0) write(options.format === 'json' ? renderProbeJson(next) : `${changes.join('\n')}\n`);
      report = next;
    }
    return probeExitCode(report, options.failOn);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
