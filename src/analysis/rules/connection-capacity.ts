import type { Database, Dependency, Origin, Service, Topology } from '../../model/topology.js';
import { numberOption, type Finding, type Rule, type RuleOption, type RuleOptionValue } from './rule.js';

const ID = 'connection-capacity';

const OPTIONS = {
  warningPercent: {
    default: 80,
    description: 'Warn when peak demand exceeds this percentage of the usable connections (critical above 100%).',
  },
  cloudSqlAdminConnections: {
    default: 2,
    description:
      "Slots assumed held by Cloud SQL's own `cloudsqladmin` sessions. Unconfirmed: one operator measured 2 on db-f1-micro (fact cloudsql-admin-sessions, docs/facts.md).",
  },
  assumedPoolSize: {
    default: 10,
    description: "Connections per instance assumed for a dependency that declares no `poolSize` (node-postgres' default pool `max`).",
  },
} as const satisfies Readonly<Record<string, RuleOption>>;

// Each Cloud Run instance may hold at most 100 connections to a Cloud SQL instance over the
// built-in connection (fact cloudsql-instance-connection-limit): demand on that path cannot exceed it.
const SOCKET_CAP_PER_INSTANCE = 100;
// PostgreSQL's default superuser_reserved_connections (fact postgres-superuser-reserved).
const DEFAULT_SUPERUSER_RESERVED = 3;

// Default max_connections of Cloud SQL for PostgreSQL by instance memory, largest band first
// (fact cloudsql-max-connections-default). Memory below 3.75 GB is only the shared-core tiers, named below.
const MEMORY_BANDS_GB: readonly (readonly [minimumGb: number, maxConnections: number])[] = [
  [120, 1000],
  [60, 800],
  [30, 600],
  [15, 500],
  [7.5, 400],
  [6, 200],
  [3.75, 100],
];
const SHARED_CORE_TIERS: Readonly<Record<string, number>> = { 'db-f1-micro': 25, 'db-g1-small': 50 };

/** Default `max_connections` of a PostgreSQL tier, or undefined when the table does not cover it. */
function tierMaxConnections(tier: string): number | undefined {
  const shared = SHARED_CORE_TIERS[tier];
  if (shared !== undefined) return shared;
  const custom = /^db-custom-\d+-(\d+)$/.exec(tier);
  if (!custom) return undefined;
  const gb = Number(custom[1]) / 1024;
  return MEMORY_BANDS_GB.find(([minimum]) => gb >= minimum)?.[1];
}

/** A database flag as a non-negative integer; undefined when absent, NaN when not a number. */
function integerFlag(db: Database, flag: string): number | undefined {
  const value = db.flags[flag];
  if (value === undefined) return undefined;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : Number.NaN;
}

type Capacity =
  | { readonly kind: 'known'; readonly maxConnections: number; readonly from: string; readonly origin: Origin }
  | { readonly kind: 'unknown'; readonly reason: string };

function capacityOf(db: Database): Capacity {
  const flag = integerFlag(db, 'max_connections');
  if (flag !== undefined) {
    if (Number.isNaN(flag)) return { kind: 'unknown', reason: `its max_connections flag (${String(db.flags.max_connections)}) is not a whole number` };
    return { kind: 'known', maxConnections: flag, from: 'the max_connections flag', origin: { ...db.origin, path: [...db.origin.path, 'flags', 'max_connections'] } };
  }
  if (db.engine !== 'postgres') return { kind: 'unknown', reason: `Lifeline knows the default max_connections only for PostgreSQL, and it is ${db.engine} with no max_connections flag` };
  if (db.tier === undefined) return { kind: 'unknown', reason: 'it gives neither a tier nor a max_connections flag' };
  const fromTier = tierMaxConnections(db.tier);
  if (fromTier === undefined) return { kind: 'unknown', reason: `tier ${db.tier} is not in Lifeline's table of default max_connections, and no max_connections flag is set` };
  return { kind: 'known', maxConnections: fromTier, from: `the default of tier ${db.tier}`, origin: { ...db.origin, path: [...db.origin.path, 'tier'] } };
}

function demandsByDatabase(topology: Topology, assumedPoolSize: number): Map<string, Demand[]> {
  const demands = new Map<string, Demand[]>();
  for (const service of topology.services) {
    for (const dependency of service.dependencies) {
      const db = databaseOf(topology, dependency);
      if (!db) continue;
      const list = demands.get(db.name) ?? [];
      list.push(demandOf(service, dependency, assumedPoolSize));
      demands.set(db.name, list);
    }
  }
  return demands;
}

function usableConnections(db: Database, maxConnections: number, adminSlots: number): number {
  const superuser = integerFlag(db, 'superuser_reserved_connections');
  const reserved = integerFlag(db, 'reserved_connections');
  return maxConnections - (superuser === undefined || Number.isNaN(superuser) ? DEFAULT_SUPERUSER_RESERVED : superuser) - (reserved === undefined || Number.isNaN(reserved) ? 0 : reserved) - adminSlots;
}

/** Peak demand against usable connections, per database whose capacity is known (for `diff`'s margins). */
export function connectionMargins(topology: Topology): { readonly database: string; readonly demand: number; readonly usable: number; readonly origin: Origin }[] {
  const demands = demandsByDatabase(topology, OPTIONS.assumedPoolSize.default);
  return [...topology.databases.values()].flatMap((db) => {
    const list = demands.get(db.name);
    const capacity = capacityOf(db);
    if (!list || capacity.kind === 'unknown') return [];
    const demand = list.reduce((sum, d) => sum + d.total, 0);
    return [{ database: db.name, demand, usable: usableConnections(db, capacity.maxConnections, OPTIONS.cloudSqlAdminConnections.default), origin: capacity.origin }];
  });
}

/** What one dependency of one service can ask of a database at full scale. */
interface Demand {
  readonly service: Service;
  readonly dependency: Dependency;
  readonly perInstance: number;
  readonly total: number;
  readonly explanation: string;
}

function databaseOf(topology: Topology, dependency: Dependency): Database | undefined {
  const target = dependency.target;
  if (target.kind === 'database') return topology.databases.get(target.database);
  if (target.kind === 'cloudsql-socket') return [...topology.databases.values()].find((db) => db.connectionName === target.connectionName);
  return undefined;
}

function demandOf(service: Service, dependency: Dependency, assumedPoolSize: number): Demand {
  const declared = dependency.poolSize === undefined ? assumedPoolSize : dependency.poolSize + (dependency.maxOverflow ?? 0);
  const socket = dependency.target.kind === 'cloudsql-socket';
  const perInstance = socket ? Math.min(declared, SOCKET_CAP_PER_INSTANCE) : declared;
  const pool =
    dependency.poolSize === undefined
      ? `${assumedPoolSize} (no poolSize declared: assumed)`
      : dependency.maxOverflow === undefined
        ? `${dependency.poolSize}`
        : `(${dependency.poolSize} + ${dependency.maxOverflow})`;
  const cap = perInstance < declared ? ` capped at ${SOCKET_CAP_PER_INSTANCE} per instance by the built-in connection` : '';
  const total = service.maxInstances * perInstance;
  return {
    service,
    dependency,
    perInstance,
    total,
    explanation: `${service.name} → ${dependency.name}: ${service.maxInstances} instances × ${pool}${cap} = ${total}`,
  };
}

const option = (options: Readonly<Record<string, RuleOptionValue>>, name: keyof typeof OPTIONS): number => numberOption(ID, OPTIONS, options, name);

export const connectionCapacity: Rule = {
  id: ID,
  title: 'Services can open more connections than the database accepts',
  category: 'capacity',
  severity: 'critical',
  rationale:
    'Every instance of every service opens its own pool, so at full scale a database is asked for Σ max instances × (pool size + overflow) connections. When that exceeds max_connections minus the reserved slots, new connections are refused exactly when traffic peaks (the incident: 20 backend instances × (25 + 50) against 100).',
  sources: [
    'https://cloud.google.com/sql/docs/postgres/flags',
    'https://cloud.google.com/sql/docs/postgres/faq',
    'https://www.postgresql.org/docs/current/runtime-config-connection.html',
    'https://cloud.google.com/sql/docs/postgres/connect-run',
    'https://dev.to/gleb_otochkin/demystifying-max-connections-limit-in-cloud-sql-for-postgresql-55o6',
  ],
  facts: ['cloudsql-admin-sessions', 'cloudsql-instance-connection-limit', 'postgres-superuser-reserved', 'cloudsql-max-connections-default'],
  options: OPTIONS,
  check({ topology }, options) {
    const warningPercent = option(options, 'warningPercent');
    const adminSlots = option(options, 'cloudSqlAdminConnections');
    const assumedPoolSize = option(options, 'assumedPoolSize');
    const demands = demandsByDatabase(topology, assumedPoolSize);

    const findings: Finding[] = [];
    for (const db of topology.databases.values()) {
      const list = demands.get(db.name);
      if (!list) continue;
      const total = list.reduce((sum, d) => sum + d.total, 0);
      const breakdown = list.map((d) => d.explanation).join('; ');
      const capacity = capacityOf(db);
      if (capacity.kind === 'unknown') {
        findings.push({
          ruleId: ID,
          key: `database:${db.name}`,
          severity: 'info',
          message: `connection capacity of database ${db.name} cannot be checked: ${capacity.reason}. Services can open ${total} connections at full scale (${breakdown}). Set the max_connections flag in the topology so Lifeline can compare.`,
          origin: db.origin,
        });
        continue;
      }
      const superuser = integerFlag(db, 'superuser_reserved_connections');
      const superuserSlots = superuser === undefined || Number.isNaN(superuser) ? DEFAULT_SUPERUSER_RESERVED : superuser;
      const reserved = integerFlag(db, 'reserved_connections');
      const reservedSlots = reserved === undefined || Number.isNaN(reserved) ? 0 : reserved;
      const usable = usableConnections(db, capacity.maxConnections, adminSlots);
      const share = usable > 0 ? Math.round((total / usable) * 100) : Infinity;
      const severity = total > usable ? 'critical' : total > (usable * warningPercent) / 100 ? 'warning' : undefined;
      if (severity === undefined) continue;
      const slots = [
        `max_connections ${capacity.maxConnections} from ${capacity.from}`,
        `− ${superuserSlots} superuser_reserved_connections`,
        ...(reservedSlots > 0 ? [`− ${reservedSlots} reserved_connections`] : []),
        `− ${adminSlots} for cloudsqladmin sessions (assumed, unconfirmed)`,
      ].join(' ');
      const headline =
        severity === 'critical'
          ? `services can open ${total} connections to database ${db.name} at full scale, but it accepts only ${usable} (${slots}): new connections are refused when traffic peaks`
          : `services can open ${total} connections to database ${db.name} at full scale, ${share}% of its ${usable} usable (${slots}), above the ${warningPercent}% warning threshold`;
      findings.push({
        ruleId: ID,
        key: `database:${db.name}`,
        severity,
        message: `${headline}. Demand: ${breakdown}. Lower maxInstances or pool sizes, put a connection pooler in front, or raise max_connections (a flag change restarts the instance) or the tier.`,
        origin: capacity.origin,
      });
    }
    return findings;
  },
};
