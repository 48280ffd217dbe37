import type { ServiceDrift } from '../../model/topology.js';
import { analyzeImplicitDestinations, analyzeReachability, type ReachabilityIndex } from './engine.js';
import { hop } from './legs.js';
import { pathKey, type PathResult } from './path.js';
import { decisiveHop } from './unknowns.js';

/**
 * Where several inputs describe one service differently, analyses each description and compares:
 * paths whose verdicts agree keep the first description's result; paths whose verdicts differ are
 * AMBIGUOUS (Connectivity Tests' meaning: several traces, different outcomes), each trace kept.
 */
export function reconcileDescriptions(index: ReachabilityIndex, drift: readonly ServiceDrift[], paths: readonly PathResult[]): PathResult[] {
  if (drift.length === 0) return [...paths];
  const alternatives = new Map<string, { file: string; path: PathResult }[]>();
  for (const d of drift) {
    for (const description of d.descriptions) {
      const traced = [...analyzeReachability(index, [description.service]), ...analyzeImplicitDestinations(index, [description.service])];
      for (const p of traced) alternatives.set(pathKey(p), [...(alternatives.get(pathKey(p)) ?? []), { file: description.file, path: p }]);
    }
  }
  return paths.map((p) => {
    const traces = alternatives.get(pathKey(p));
    if (!traces || traces.every((t) => t.path.verdict === p.verdict)) return p;
    const summary = traces
      .map(({ file, path }) => {
        const h = decisiveHop(path);
        return `${file} gives ${path.verdict}${h ? ` (${path.cause ?? h.outcome} at ${h.step}: ${h.detail})` : ''}`;
      })
      .join('; ');
    const differing = drift.find((d) => d.service === p.service)?.descriptions[1]?.differences[0]?.origin;
    const start = p.hops[0];
    return {
      ...p,
      verdict: 'AMBIGUOUS',
      cause: undefined,
      hops: [
        ...(start ? [start] : []),
        hop('START_FROM_CLOUD_RUN_REVISION', `${traces.length} descriptions of service ${p.service} disagree: ${summary}`, 'ambiguous', undefined, differing ? { origin: differing } : undefined),
      ],
      blame: differing ?? p.blame,
      descriptions: traces.map(({ file, path }) => ({ file, verdict: path.verdict, cause: path.cause, hops: path.hops })),
    };
  });
}
