import type { Service, Topology } from '../../model/topology.js';
import { analyzeReachability, indexTopology } from '../reachability/engine.js';
import { pathKey, type PathResult } from '../reachability/path.js';
import { RULES } from '../rules/index.js';
import { defaultOptions } from '../rules/rule.js';
import { candidateFixes } from './candidates.js';
import { applyEdits, describeEdit, editKey, editTouches, type Edit } from './edit.js';

export interface Fix {
  readonly edits: readonly Edit[];
  readonly title: string;
  /** Paths (service→dependency) that are REACHABLE after the fix and were not before. */
  readonly resolves: readonly { readonly service: string; readonly dependency: string }[];
  readonly recommended: boolean;
}

export interface RejectedFix {
  readonly edits: readonly Edit[];
  readonly title: string;
  readonly reason: string;
}

export interface FixProposals {
  readonly fixes: readonly Fix[];
  readonly rejected: readonly RejectedFix[];
}

/**
 * Generates candidate edits for the failed paths and keeps a candidate only when re-analysis
 * shows that it makes at least one failed path REACHABLE, turns no REACHABLE path into anything
 * else, and adds no security finding. Only services whose paths consulted an edited entity are
 * re-analysed, which keeps this linear in the size of what the edit can affect.
 */
const SECURITY_RULES = RULES.filter((r) => r.category === 'security');

export function proposeFixes(topology: Topology, paths: readonly PathResult[]): FixProposals {
  const failed = paths.filter((p) => p.verdict !== 'REACHABLE');
  if (failed.length === 0) return { fixes: [], rejected: [] };
  const seen = new Set<string>();
  const fixes: Omit<Fix, 'recommended'>[] = [];
  const rejected: RejectedFix[] = [];
  const positionOf = new Map(topology.services.map((s, i) => [s.name, i]));
  const byService = new Map<string, PathResult[]>();
  // Which services consulted which entity: an edit re-checks only the services it can affect.
  const servicesByKey = new Map<string, Set<string>>();
  for (const p of paths) {
    let list = byService.get(p.service);
    if (!list) byService.set(p.service, (list = []));
    list.push(p);
    for (const key of p.consulted) {
      let set = servicesByKey.get(key);
      if (!set) servicesByKey.set(key, (set = new Set()));
      set.add(p.service);
    }
  }

  for (const edits of candidateFixes(topology, failed)) {
    const key = editKey(edits);
    if (seen.has(key)) continue;
    seen.add(key);
    const title = edits.map(describeEdit).join('; ');
    const { topology: edited, services: editedServices } = applyEdits(topology, edits);
    const touched = edits.flatMap(editTouches);
    const affectedNames = new Set(touched.flatMap((k) => [...(servicesByKey.get(k) ?? [])]));
    // A service's security findings change only when an edit touches it or what its paths consulted:
    // compare those services (and every shared entity) before and after, not the whole topology.
    for (const k of touched) if (k.startsWith('service:')) affectedNames.add(k.slice('service:'.length));
    // Edits keep the order of services, so positions found once on the original stay valid.
    const positions = [...affectedNames].flatMap((name) => positionOf.get(name) ?? []);
    const secureBefore = new Set(securityFindings(topology, positions));
    const newHoles = securityFindings(edited, positions, editedServices).filter((f) => !secureBefore.has(f));
    if (newHoles.length > 0) {
      rejected.push({ edits, title, reason: `opens a security hole: ${newHoles.join('; ')} (run lifeline explain on the rule for why)` });
      continue;
    }
    // Edits keep the order of services, so positions found once on the original stay valid.
    const affected = [...affectedNames].flatMap((name) => {
      const at = positionOf.get(name);
      const service = editedServices.get(name) ?? (at === undefined ? undefined : topology.services[at]);
      return service ? [service] : [];
    });
    const after = analyzeReachability(indexTopology(edited), affected);
    const before = new Map(affected.flatMap((s) => byService.get(s.name) ?? []).map((p) => [pathKey(p), p]));
    const resolves: { service: string; dependency: string }[] = [];
    const breaks: string[] = [];
    for (const p of after) {
      const old = before.get(pathKey(p));
      if (!old) continue;
      if (old.verdict !== 'REACHABLE' && p.verdict === 'REACHABLE') resolves.push({ service: p.service, dependency: p.dependency });
      if (old.verdict === 'REACHABLE' && p.verdict !== 'REACHABLE') breaks.push(`${p.service} → ${p.dependency} becomes ${p.verdict} (${p.cause ?? ''})`);
    }
    if (breaks.length > 0) rejected.push({ edits, title, reason: `breaks ${breaks.join('; ')}` });
    else if (resolves.length === 0) rejected.push({ edits, title, reason: 'repairs no failed path' });
    else fixes.push({ edits, title, resolves });
  }
  fixes.sort((a, b) => b.resolves.length - a.resolves.length || a.edits.length - b.edits.length);
  return { fixes: fixes.map((f, i) => ({ ...f, recommended: i === 0 })), rejected };
}

/**
 * Critical security findings: a fix may never add one (an authorized network of 0.0.0.0/0, say).
 * Of the services, only those at `positions` are checked; every other entity is.
 */
function securityFindings(topology: Topology, positions: readonly number[], edited: ReadonlyMap<string, Service> = new Map()): string[] {
  const scoped: Topology = {
    ...topology,
    services: positions.flatMap((i) => {
      const service = topology.services[i];
      return service === undefined ? [] : [edited.get(service.name) ?? service];
    }),
  };
  return SECURITY_RULES.flatMap((r) => r.check({ topology: scoped, paths: [], implicitPaths: [], unresolved: [], secretValues: new Map() }, defaultOptions(r)))
    .filter((f) => f.severity === 'critical')
    .map((f) => `${f.ruleId}:${f.key}`);
}
