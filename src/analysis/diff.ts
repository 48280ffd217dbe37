import type { BuildSource } from '../model/build.js';
import type { Origin, Topology } from '../model/topology.js';
import type { Analysis } from './analyze.js';
import { pathKey, type Hop, type PathResult, type Verdict } from './reachability/path.js';
import { connectionMargins } from './rules/connection-capacity.js';
import { SEVERITY_RANK, type Finding, type Severity } from './rules/rule.js';
import { timeoutMargins } from './rules/startup-timeout-budget.js';

/** One side of a diff: the model, its analysis, and the merged data it was built from. */
export interface DiffSide {
  readonly topology: Topology;
  readonly analysis: Analysis;
  /** The merged, topology-shaped data (before defaults), to find which attribute changed. */
  readonly data: unknown;
  readonly source: BuildSource;
}

/** A configuration value that differs between the two sides. */
export interface ValueChange {
  /** e.g. `services[api].egress`. */
  readonly attribute: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Where the head gives the value (or, for a value the head removed, where the base gave it). */
  readonly origin: Origin;
  readonly side: 'head' | 'base';
}

export interface PathChange {
  readonly key: string;
  readonly service: string;
  readonly dependency: string;
  readonly target: string;
  readonly critical: boolean | undefined;
  readonly before: Verdict | undefined;
  readonly after: Verdict | undefined;
  /** The head's first hop that does not forward (the one that now fails). */
  readonly failingHop: Hop | undefined;
  /** Changed configuration of what the path consults, most likely cause first. */
  readonly causes: readonly ValueChange[];
}

export interface MarginChange {
  readonly key: string;
  readonly what: string;
  readonly unit: 'connections' | 'seconds';
  readonly before: number;
  readonly after: number;
  readonly origin: Origin;
}

export interface DiffResult {
  /** Paths whose verdict got worse, and new paths that are not reachable: the headline. */
  readonly worse: readonly PathChange[];
  readonly improved: readonly PathChange[];
  readonly added: readonly PathChange[];
  readonly removed: readonly PathChange[];
  readonly introduced: readonly Finding[];
  readonly resolved: readonly Finding[];
  /** Capacity and timeout headroom that shrank (limit − use, in the margin's unit). */
  readonly shrunk: readonly MarginChange[];
}

// Worse means further from a proven path: unknowns rank between reachable and unreachable.
const RANK: Readonly<Record<Verdict, number>> = { REACHABLE: 0, AMBIGUOUS: 1, UNDETERMINED: 1, UNREACHABLE: 2 };

/** Lists in the merged data whose items are entities, by the `kind` of the keys paths consult. */
const ENTITY_LISTS: Readonly<Record<string, string>> = {
  service: 'services',
  connector: 'connectors',
  network: 'networks',
  database: 'databases',
  cache: 'caches',
  external: 'externals',
};

/** Compares two analysed configurations by stable keys. Pure. */
export function diffAnalyses(base: DiffSide, head: DiffSide): DiffResult {
  // Implicit destinations too: a change that cuts a service off from the internet is worse even before a dependency needs it.
  const basePaths = new Map([...base.analysis.paths, ...base.analysis.implicit].map((p) => [pathKey(p), p]));
  const headPaths = new Map([...head.analysis.paths, ...head.analysis.implicit].map((p) => [pathKey(p), p]));
  const worse: PathChange[] = [];
  const improved: PathChange[] = [];
  const added: PathChange[] = [];
  const removed: PathChange[] = [];
  // Many changed paths consult the same entity (a network, a connector): compare each entity once.
  const changesOf = new Map<string, ValueChange[]>();
  const entity = (key: string): ValueChange[] => {
    let changes = changesOf.get(key);
    if (!changes) changesOf.set(key, (changes = entityChanges(key, base, head)));
    return changes;
  };
  const pathChange = (key: string, before: PathResult | undefined, after: PathResult | undefined): PathChange => changeOf(key, before, after, entity);
  for (const [key, after] of headPaths) {
    const before = basePaths.get(key);
    if (!before) {
      const change = pathChange(key, undefined, after);
      (after.verdict === 'REACHABLE' ? added : worse).push(change);
    } else if (RANK[after.verdict] > RANK[before.verdict]) worse.push(pathChange(key, before, after));
    else if (RANK[after.verdict] < RANK[before.verdict]) improved.push(pathChange(key, before, after));
  }
  for (const [key, before] of basePaths) if (!headPaths.has(key)) removed.push(pathChange(key, before, undefined));

  const findingKey = (f: Finding): string => `${f.ruleId}\u0000${f.key}`;
  const baseFindings = new Map(base.analysis.findings.map((f) => [findingKey(f), f]));
  const headFindings = new Map(head.analysis.findings.map((f) => [findingKey(f), f]));
  const stronger = (f: Finding, old: Finding | undefined): boolean => old === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[old.severity];
  const introduced = [...headFindings].filter(([k, f]) => stronger(f, baseFindings.get(k))).map(([, f]) => f);
  const resolved = [...baseFindings].filter(([k, f]) => stronger(f, headFindings.get(k))).map(([, f]) => f);
  return { worse, improved, added, removed, introduced, resolved, shrunk: shrunkMargins(base.topology, head.topology) };
}

/** Whether a diff makes anything worse at or above a severity (for the exit code). */
export function diffIsWorse(diff: DiffResult, failOn: Severity): boolean {
  return diff.worse.length > 0 || diff.introduced.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}

function changeOf(key: string, before: PathResult | undefined, after: PathResult | undefined, entityChangesOf: (entity: string) => readonly ValueChange[]): PathChange {
  const path = after ?? before;
  if (!path) throw new TypeError('pathChange needs a path on at least one side');
  // The hop that decides the verdict: a drop on any leg wins over an earlier undetermined one.
  const failingHop = after?.hops.find((h) => h.outcome === 'drop') ?? after?.hops.find((h) => h.outcome !== 'forward' && h.outcome !== 'deliver');
  const consulted = new Set([...(before?.consulted ?? []), ...(after?.consulted ?? []), `service:${path.service}`]);
  const causes = [...consulted].flatMap((entity) => entityChangesOf(entity));
  // Most likely cause first: a change to what routes the packet (egress, connector, NAT, subnet,
  // addresses…) before one that only sizes or times (instances, pools, timeouts); then the failing
  // hop's own entity first.
  const score = (c: ValueChange): number =>
    (SIZING.test(c.attribute) ? 4 : isEnvOrSecretAttribute(c.attribute) ? 3 : 0) + (failingHop?.origin && sameEntity(c.origin, failingHop.origin) ? 0 : c.attribute.startsWith('services[') ? 1 : 2);
  causes.sort((a, b) => score(a) - score(b));
  return { key, service: path.service, dependency: path.dependency, target: path.target, critical: path.critical, before: before?.verdict, after: after?.verdict, failingHop, causes };
}

/** Whether an attribute (`services[api].env.DATABASE_URL`) holds an environment or secret value. */
export function isEnvOrSecretAttribute(attribute: string): boolean {
  return /\.(env|secrets)(\.|\[|$)/.test(attribute);
}

/** Attributes that size or time a path but never decide whether it exists. */
const SIZING = /\.(maxInstances|minInstances|concurrency|timeoutSeconds|startupProbe|poolSize|maxOverflow|connectTimeoutSeconds|retries|critical|tier|flags|machineType|expectedPeakMbps|versions|format|minLength|inferDependencies)(\.|\[|$)/;

function sameEntity(a: Origin, b: Origin): boolean {
  return a.file === b.file && JSON.stringify(a.path.slice(0, 2)) === JSON.stringify(b.path.slice(0, 2));
}

const namedIndexes = new WeakMap<readonly unknown[], ReadonlyMap<unknown, number>>();

/** Position of the first item of each name in a list of the merged data (built once per list). */
function indexByName(items: readonly unknown[]): ReadonlyMap<unknown, number> {
  let index = namedIndexes.get(items);
  if (!index) {
    const map = new Map<unknown, number>();
    items.forEach((item, i) => {
      const name = (item as { name?: unknown } | null)?.name;
      if (!map.has(name)) map.set(name, i);
    });
    namedIndexes.set(items, (index = map));
  }
  return index;
}

/** The attributes of one entity (`service:api`, `network:vpc`…) that differ between the sides. */
function entityChanges(entity: string, base: DiffSide, head: DiffSide): ValueChange[] {
  const colon = entity.indexOf(':');
  const list = ENTITY_LISTS[entity.slice(0, colon)];
  const name = entity.slice(colon + 1);
  if (list === undefined) return [];
  const find = (side: DiffSide): { item: unknown; path: (string | number)[] } | undefined => {
    const items = (side.data as Record<string, unknown> | undefined)?.[list];
    if (!Array.isArray(items)) return undefined;
    const index = indexByName(items).get(name);
    return index === undefined ? undefined : { item: items[index], path: [list, index] };
  };
  const b = find(base);
  const h = find(head);
  const out: ValueChange[] = [];
  const label = `${list}[${name}]`;
  walk(b?.item, h?.item, label, b?.path ?? [], h?.path ?? []);
  return out;

  function walk(before: unknown, after: unknown, attribute: string, basePath: (string | number)[], headPath: (string | number)[]): void {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    // A mapping or list added or removed whole is compared item by item against nothing, so each
    // value is its own change (and an environment value is redacted by its own name).
    const orEmpty = (v: unknown, empty: unknown): unknown => (v === undefined ? empty : v);
    if ((record(before) || record(after)) && record(orEmpty(before, {})) && record(orEmpty(after, {}))) {
      const b = (before ?? {}) as Record<string, unknown>;
      const a = (after ?? {}) as Record<string, unknown>;
      for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) walk(b[key], a[key], `${attribute}.${key}`, [...basePath, key], [...headPath, key]);
      return;
    }
    const named = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && (v as unknown[]).every((i) => record(i) && typeof i.name === 'string');
    if ((Array.isArray(before) || Array.isArray(after)) && named(orEmpty(before, [])) && named(orEmpty(after, []))) {
      before = before ?? [];
      after = after ?? [];
      if (!named(before) || !named(after)) return;
      const byName = (items: unknown[]) => new Map(items.map((i, index) => [(i as { name: string }).name, index]));
      const bn = byName(before);
      const hn = byName(after);
      for (const key of new Set([...bn.keys(), ...hn.keys()])) {
        const bi = bn.get(key);
        const hi = hn.get(key);
        // A router, NAT, subnet… added or removed whole is one change.
        if (bi === undefined || hi === undefined) {
          const at = hi === undefined ? { origin: base.source.origin([...basePath, bi ?? 0]), side: 'base' as const } : { origin: head.source.origin([...headPath, hi]), side: 'head' as const };
          out.push({ attribute: `${attribute}[${key}]`, before: bi === undefined ? undefined : before[bi], after: hi === undefined ? undefined : after[hi], ...at });
          continue;
        }
        walk(before[bi], after[hi], `${attribute}[${key}]`, [...basePath, bi], [...headPath, hi]);
      }
      return;
    }
    const inHead = after !== undefined && h !== undefined;
    out.push({ attribute, before, after, origin: inHead ? head.source.origin(headPath) : base.source.origin(basePath), side: inHead ? 'head' : 'base' });
  }
}

function shrunkMargins(base: Topology, head: Topology): MarginChange[] {
  const out: MarginChange[] = [];
  const before = new Map(connectionMargins(base).map((m) => [m.database, m]));
  for (const m of connectionMargins(head)) {
    const b = before.get(m.database);
    if (b && m.usable - m.demand < b.usable - b.demand) {
      out.push({ key: `database:${m.database}`, what: `connections left on database ${m.database} at full scale (usable ${m.usable} − demand ${m.demand})`, unit: 'connections', before: b.usable - b.demand, after: m.usable - m.demand, origin: m.origin });
    }
  }
  const timeouts = new Map(timeoutMargins(base).map((m) => [`${m.service}→${m.dependency}`, m]));
  for (const m of timeoutMargins(head)) {
    const key = `${m.service}→${m.dependency}`;
    const b = timeouts.get(key);
    if (!b) continue;
    if (m.startupSeconds - m.worstSeconds < b.startupSeconds - b.worstSeconds) {
      out.push({ key: `${key}:startup`, what: `seconds of startup probe left after ${key}'s worst-case connect (${m.worstSeconds} s of ${m.startupSeconds} s)`, unit: 'seconds', before: b.startupSeconds - b.worstSeconds, after: m.startupSeconds - m.worstSeconds, origin: m.origin });
    }
    if (m.requestSeconds - m.worstSeconds < b.requestSeconds - b.worstSeconds) {
      out.push({ key: `${key}:request`, what: `seconds of request timeout left after ${key}'s worst-case connect (${m.worstSeconds} s of ${m.requestSeconds} s)`, unit: 'seconds', before: b.requestSeconds - b.worstSeconds, after: m.requestSeconds - m.worstSeconds, origin: m.origin });
    }
  }
  return out;
}
