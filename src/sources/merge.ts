import type { BuildSource } from '../model/build.js';
import { redactData, redactUrlPasswords } from '../model/redact.js';
import type { Origin } from '../model/topology.js';
import type { KeyPath } from './document.js';
import { InputError, formatKeyPath, type Diagnostic } from './errors.js';
import type { Fragment, Located, TopologyInput } from './fragment.js';

/**
 * Merges fragments by resource identity: entities with the same name (a network, a service, a
 * subnet of a network, a dependency of a service…) become one, attribute by attribute. Two inputs
 * giving different values for the same attribute is an error naming both places: nothing is
 * silently overwritten. A value one input gives as `unknown` is refined by another that knows it.
 */
export interface MergedInput {
  readonly data: TopologyInput;
  readonly fragments: readonly Fragment[];
  /** Maps each path of `data` to the file, and the path in that file's fragment, that gave it. */
  readonly source: BuildSource;
  /** The position of an origin (a fragment file and a path in its fragment). */
  locate(origin: Origin, options?: { key?: boolean }): Located | undefined;
  /**
   * Services that two inputs describe differently (a Terraform file says private-ranges-only, a
   * redeploy script all-traffic): `data` holds the first description; each entry says what the
   * others change. This is drift to analyse, not an error.
   */
  readonly drift: readonly ServiceDrift[];
}

/** One service described differently by several inputs. */
export interface ServiceDrift {
  readonly service: string;
  /** The service's index in `data.services`. */
  readonly index: number;
  /** Each description: its file, and the value it gives at each differing path of `data`. */
  readonly descriptions: readonly { readonly file: string; readonly values: readonly { readonly path: KeyPath; readonly value: unknown; readonly origin: Origin }[] }[];
}

interface Contribution {
  readonly value: unknown;
  readonly fragment: Fragment;
  readonly path: KeyPath;
}

/** A value two inputs give differently, at `path` of the merged data. */
interface Conflict {
  readonly path: KeyPath;
  readonly base: Contribution;
  readonly other: Contribution;
  readonly diagnostic: Diagnostic;
}

/** Lists whose items are entities, with how each item is identified. Other lists are single values. */
const IDENTITY: Readonly<Record<string, (item: Record<string, unknown>) => unknown>> = {
  networks: (i) => i.name,
  subnets: (i) => i.name,
  routers: (i) => i.name,
  nats: (i) => i.name,
  peerings: (i) => i.name,
  firewall: (i) => i.name,
  addresses: (i) => i.name,
  connectors: (i) => i.name,
  databases: (i) => i.name,
  caches: (i) => i.name,
  externals: (i) => i.name,
  secrets: (i) => (typeof i.secret === 'string' ? `ref:${typeof i.env === 'string' ? i.env : typeof i.mount === 'string' ? i.mount : ''}` : i.name),
  services: (i) => i.name,
  dependencies: (i) => i.name,
  loadBalancers: (i) => i.name,
  backends: (i) => i.service,
};

/** Lists (by path from the root, `*` for each item) whose entities fall back to the top-level region. */
const REGIONAL = [['addresses'], ['connectors'], ['databases'], ['caches'], ['services'], ['networks', '*', 'subnets'], ['networks', '*', 'routers']] as const;

/** The data with its top-level region set on every regional entity that names none, and removed from the top. */
function withOwnRegions(data: TopologyInput): TopologyInput {
  const region = (data as Record<string, unknown>).region;
  if (typeof region !== 'string') return data;
  const copy = structuredClone(data) as Record<string, unknown>;
  delete copy.region;
  const visit = (node: unknown, path: readonly string[]): void => {
    const [head, ...rest] = path;
    if (head === undefined) {
      if (Array.isArray(node)) for (const item of node) if (isRecord(item) && item.region === undefined) item.region = region;
      return;
    }
    if (head === '*') {
      if (Array.isArray(node)) for (const item of node) visit(item, rest);
    } else if (isRecord(node)) visit(node[head], rest);
  };
  for (const path of REGIONAL) visit(copy, path);
  return copy;
}

/** A service's region when its input gives it (not `unknown`). */
const regionOf = (item: unknown): string | undefined => {
  const region = isRecord(item) ? item.region : undefined;
  return typeof region === 'string' && region !== 'unknown' ? region : undefined;
};
const keyOf = (path: KeyPath): string => path.join('\u0000');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeFragments(fragments: readonly Fragment[]): MergedInput {
  const sources = new Map<string, Contribution>();
  const conflicts: Conflict[] = [];
  const drift: ServiceDrift[] = [];
  const byFile = new Map(fragments.map((f) => [f.file, f]));

  const where = (c: Contribution): Located | undefined => c.fragment.locate(c.path);
  const describe = (c: Contribution): string => {
    const at = where(c);
    return at ? `${at.file}:${at.line}:${at.column}` : c.fragment.file;
  };
  // Environment values and secrets may be credentials: say only that they differ.
  const sensitive = (path: KeyPath): boolean => path.includes('env') || path.includes('secrets');
  const show = (value: unknown, path: KeyPath): string => {
    if (sensitive(path)) return 'a value';
    const text = redactUrlPasswords(JSON.stringify(redactData(value, String(path[path.length - 1] ?? ''))));
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  };

  function merge(contributions: readonly Contribution[], path: KeyPath): unknown {
    const first = contributions[0];
    if (first === undefined) return undefined;
    sources.set(keyOf(path), first);
    if (contributions.length === 1) return first.value;
    const known = contributions.filter((c) => c.value !== 'unknown');
    if (known.length === 0) return 'unknown';
    if (known.length < contributions.length && known[0]) sources.set(keyOf(path), known[0]);
    const last = path[path.length - 1];
    const identity = typeof last === 'string' ? IDENTITY[last] : undefined;
    if (known.every((c) => Array.isArray(c.value)) && identity) return mergeEntities(known, path, identity);
    if (known.every((c) => isRecord(c.value))) return mergeRecords(known, path);
    // Cloud SQL mounts add up: `--add-cloudsql-instances` lists only what a deploy adds.
    if (last === 'cloudSqlInstances' && known.every((c) => Array.isArray(c.value))) return [...new Set(known.flatMap((c) => c.value as unknown[]))];
    const base = known[0];
    if (base === undefined) return undefined;
    for (const other of known.slice(1)) {
      if (JSON.stringify(other.value) === JSON.stringify(base.value)) continue;
      const at = where(other);
      conflicts.push({
        path,
        base,
        other,
        diagnostic: {
          file: at?.file ?? other.fragment.file,
          line: at?.line,
          column: at?.column,
          // The key path as it is in this file, so a person can find it there.
          keyPath: formatKeyPath(other.path),
          message: `${show(other.value, path)} here conflicts with ${show(base.value, path)} at ${describe(base)}; make the inputs agree, or remove the value from one of them`,
          sourceLine: at && !sensitive(path) ? other.fragment.lineText(at.file, at.line) : undefined,
        },
      });
    }
    return base.value;
  }

  function mergeRecords(contributions: readonly Contribution[], path: KeyPath): Record<string, unknown> {
    const keys = new Map<string, Contribution[]>();
    for (const c of contributions) {
      for (const [key, value] of Object.entries(c.value as Record<string, unknown>)) {
        if (value === undefined) continue;
        const list = keys.get(key) ?? [];
        list.push({ value, fragment: c.fragment, path: [...c.path, key] });
        keys.set(key, list);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, list] of keys) out[key] = merge(list, [...path, key]);
    return out;
  }

  function mergeEntities(contributions: readonly Contribution[], path: KeyPath, identity: (item: Record<string, unknown>) => unknown): unknown[] {
    const groups = new Map<string, Contribution[]>();
    const loose: Contribution[] = [];
    const services = path.length === 1 && path[0] === 'services';
    for (const c of contributions) {
      const seen = new Map<string, Contribution>();
      (c.value as unknown[]).forEach((item, index) => {
        const entry = { value: item, fragment: c.fragment, path: [...c.path, index] };
        const id = isRecord(item) ? identity(item) : undefined;
        // Items without an identity are kept as they are; validation will report them.
        if (typeof id !== 'string') {
          loose.push(entry);
          return;
        }
        // The same name twice in one input is that input's mistake, not two views of one entity
        // (a service of one name in two regions is two services).
        const own = services ? `${id}\u0000${regionOf(item) ?? ''}` : id;
        const twin = seen.get(own);
        if (twin) {
          const at = where(entry);
          conflicts.push({
            path: entry.path,
            base: twin,
            other: entry,
            diagnostic: { file: at?.file ?? entry.fragment.file, line: at?.line, column: at?.column, keyPath: formatKeyPath(entry.path), message: `duplicate name "${id}" (also at ${describe(twin)}); each entry needs its own name`, sourceLine: at ? entry.fragment.lineText(at.file, at.line) : undefined },
          });
          return;
        }
        seen.set(own, entry);
        groups.set(id, [...(groups.get(id) ?? []), entry]);
      });
    }
    const out: unknown[] = [];
    const add = (id: string, list: readonly Contribution[], name?: string): void => {
      const before = conflicts.length;
      const at = [...path, out.length];
      const merged = merge(list, at);
      if (services) envNameDrift(list, at);
      out.push(name !== undefined && isRecord(merged) ? { ...merged, name } : merged);
      // Two descriptions of one service that differ are drift: keep the first, record the rest.
      if (services && list.length > 1 && conflicts.length > before) {
        const found = conflicts.splice(before);
        // The same name twice in one input stays that input's error.
        conflicts.push(...found.filter((c) => c.base.fragment === c.other.fragment));
        const differing = found.filter((c) => c.base.fragment !== c.other.fragment);
        if (differing.length > 0) drift.push(serviceDrift(name ?? id, out.length - 1, list, differing));
      }
    };
    for (const [id, list] of groups) {
      // Services are identified by region and name: one name in several known regions is several
      // services, named REGION:NAME; a description whose region is unknown may be any of them.
      const regions = services ? [...new Set(list.map((c) => regionOf(c.value)).filter((r): r is string => r !== undefined))] : [];
      if (regions.length <= 1) add(id, list);
      else for (const region of regions) add(id, list.filter((c) => { const r = regionOf(c.value); return r === undefined || r === region; }), `${region}:${id}`);
    }
    for (const entry of loose) out.push(merge([entry], [...path, out.length]));
    return out;
  }

  /**
   * Two inputs that both list a service's env vars (or its secret references), with different
   * names (a redeploy script adds ANALYTICS_DB_HOST): the lists merge, but each description keeps
   * its own, so the drift says which names each input has (never a value) and each is analysed as
   * that input has it.
   */
  function envNameDrift(list: readonly Contribution[], at: KeyPath): void {
    for (const key of ['env', 'secrets'] as const) {
      const namesOf = (c: Contribution): string[] | undefined => {
        const value = isRecord(c.value) ? c.value[key] : undefined;
        if (key === 'env') return isRecord(value) ? Object.keys(value) : undefined;
        const named = (ref: unknown): string => (isRecord(ref) && typeof ref.env === 'string' ? ref.env : isRecord(ref) && typeof ref.mount === 'string' ? ref.mount : '');
        return Array.isArray(value) ? value.map(named) : undefined;
      };
      const withNames = list.filter((c) => namesOf(c) !== undefined);
      const [base] = withNames;
      if (base === undefined) continue;
      const names = (c: Contribution): string => [...(namesOf(c) ?? [])].sort().join('\u0000');
      for (const other of withNames.slice(1)) {
        if (other.fragment === base.fragment || names(other) === names(base)) continue;
        const part = (c: Contribution): Contribution => ({ fragment: c.fragment, path: [...c.path, key], value: (c.value as Record<string, unknown>)[key] });
        const located = where(part(other));
        conflicts.push({
          path: [...at, key],
          base: part(base),
          other: part(other),
          diagnostic: { file: located?.file ?? other.fragment.file, line: located?.line, column: located?.column, keyPath: formatKeyPath([...other.path, key]), message: `the ${key === 'env' ? 'env var' : 'secret'} names differ between inputs`, sourceLine: undefined },
        });
      }
    }
  }

  function serviceDrift(service: string, index: number, list: readonly Contribution[], found: readonly Conflict[]): ServiceDrift {
    const files = [...new Set(list.map((c) => c.fragment.file))];
    const origin = (c: Contribution): Origin => ({ file: c.fragment.file, path: c.path });
    // Per differing path: the first value, and the others (three inputs give two conflicts at one path).
    const byPath = new Map<string, { path: KeyPath; base: Contribution; others: Contribution[] }>();
    for (const c of found) {
      const entry = byPath.get(keyOf(c.path)) ?? { path: c.path, base: c.base, others: [] };
      entry.others.push(c.other);
      byPath.set(keyOf(c.path), entry);
    }
    return {
      service,
      index,
      descriptions: files.map((file) => ({
        file,
        values: [...byPath.values()].map(({ path, base, others }) => {
          const own = others.find((o) => o.fragment.file === file) ?? base;
          return { path, value: own.value, origin: origin(own) };
        }),
      })),
    };
  }

  // Inputs with different default regions (a file per region): each input's default goes onto
  // its own entities, so none is taken for another input's region.
  const regions = new Set(fragments.map((f) => f.data.region).filter((r) => typeof r === 'string'));
  const data = merge(
    fragments.map((fragment) => ({ value: regions.size > 1 ? withOwnRegions(fragment.data) : fragment.data, fragment, path: [] })),
    [],
  ) as TopologyInput;
  if (conflicts.length > 0) throw new InputError(conflicts.slice(0, 50).map((c) => c.diagnostic));

  const originOf = (path: KeyPath): Origin => {
    for (let n = path.length; n >= 0; n--) {
      const found = sources.get(keyOf(path.slice(0, n)));
      if (found) return { file: found.fragment.file, path: [...found.path, ...path.slice(n)] };
    }
    return { file: fragments[0]?.file ?? '', path };
  };
  return {
    data,
    fragments,
    source: {
      origin: originOf,
      unknownReason: (path) => {
        const origin = originOf(path);
        return byFile.get(origin.file)?.unknownReason(origin.path);
      },
      linkedEntity: (path) => {
        const origin = originOf(path);
        return byFile.get(origin.file)?.linkedEntity?.(origin.path);
      },
    },
    locate: (origin, options) => byFile.get(origin.file)?.locate(origin.path, options),
    drift,
  };
}
