import type { DependencyKind, Origin, Provenance } from '../../model/topology.js';
import type { FactId } from './facts.js';

/** Connectivity Tests' overall results. */
export type Verdict = 'REACHABLE' | 'UNREACHABLE' | 'AMBIGUOUS' | 'UNDETERMINED';

/**
 * Why a path stops. Google's Connectivity Tests drop causes where one fits; Lifeline's own
 * (documented in docs/causes.md) where none does.
 */
export type Cause =
  | 'VPC_CONNECTOR_NOT_SET'
  | 'VPC_CONNECTOR_NOT_RUNNING'
  | 'NO_EXTERNAL_ADDRESS'
  | 'CLOUD_NAT_NO_ADDRESSES'
  | 'PRIVATE_GOOGLE_ACCESS_DISALLOWED'
  | 'NO_ROUTE'
  | 'FIREWALL_RULE'
  | 'UNKNOWN_INTERNAL_ADDRESS'
  | 'GOOGLE_MANAGED_SERVICE_NO_PEERING'
  | 'CLOUD_SQL_INSTANCE_NOT_RUNNING'
  | 'CLOUD_SQL_INSTANCE_UNAUTHORIZED_ACCESS'
  | 'CLOUD_SQL_INSTANCE_NO_IP_ADDRESS'
  | 'REDIS_INSTANCE_NOT_RUNNING'
  | 'REDIS_INSTANCE_UNSUPPORTED_PORT'
  | 'REDIS_INSTANCE_NO_ROUTE_TO_DESTINATION_NETWORK'
  // Lifeline's own:
  | 'VPC_CONNECTOR_REGION_MISMATCH'
  | 'VPC_CONNECTOR_INVALID_RANGE'
  | 'DIRECT_VPC_SUBNET_REGION_MISMATCH'
  | 'CLOUD_SQL_SOCKET_NOT_MOUNTED'
  | 'SOURCE_IP_NOT_ALLOWLISTED'
  | 'UNKNOWN_CONFIGURATION'
  | 'UNRESOLVED_TARGET';

/** Connectivity Tests' step states, plus DELIVER/DROP as final steps. */
export type Step =
  | 'START_FROM_CLOUD_RUN_REVISION'
  | 'SELECT_EGRESS'
  | 'ARRIVE_AT_VPC_CONNECTOR'
  | 'ARRIVE_AT_DIRECT_VPC_EGRESS'
  | 'APPLY_EGRESS_FIREWALL_RULE'
  | 'APPLY_ROUTE'
  | 'PRIVATE_GOOGLE_ACCESS'
  | 'NAT'
  | 'INTERNET'
  | 'PROXY_CONNECTION'
  | 'ARRIVE_AT_DESTINATION'
  | 'DELIVER';

export type HopOutcome = 'forward' | 'deliver' | 'drop' | 'undetermined' | 'ambiguous';

export type Confidence = 'documented' | 'assumed';

export interface Hop {
  readonly step: Step;
  readonly detail: string;
  readonly outcome: HopOutcome;
  readonly cause?: Cause;
  readonly confidence: Confidence;
  readonly fact?: FactId;
  /** The configuration that decided this hop, when one line did. */
  readonly origin?: Origin;
  /** On an undetermined hop: the value the configuration does not give, which decided it. */
  readonly unknown?: UnknownValue;
}

/**
 * A value the configuration does not give, as the engine met it: what it is (`connector c1`,
 * `service api: egress`), why it is unknown, and where it would be set. `key` is stable across
 * runs (`connector:c1`, `service:api.egress`) so that an accepted unknown stays accepted.
 */
export interface UnknownValue {
  readonly key: string;
  readonly subject: string;
  readonly reason: string;
  readonly origin?: Origin;
}

/** What a path is for: a declared or inferred dependency, or one of a service's implicit destinations. */
export type Destination = 'dependency' | 'implicit';

export interface PathResult {
  readonly service: string;
  readonly dependency: string;
  readonly kind: DependencyKind | undefined;
  readonly target: string;
  /** Undefined when the dependency's criticality was not declared (inferred dependencies). */
  readonly critical: boolean | undefined;
  readonly verdict: Verdict;
  readonly cause: Cause | undefined;
  readonly confidence: Confidence;
  readonly hops: readonly Hop[];
  /** Facts the verdict rests on that the configuration does not state. */
  readonly assumptions: readonly string[];
  readonly destination: Destination;
  /** Declared, or inferred from which variable, secret or mount (implicit destinations: `implicit`). */
  readonly provenance: Provenance | { readonly kind: 'implicit' };
  /** The implicit destinations this path's connections go to (`internet`, `google-apis`, `private:…`). */
  readonly reliesOn: readonly string[];
  /** Where the dependency was declared or inferred from. */
  readonly origin: Origin;
  /** The configuration line most responsible for a failed verdict (else the dependency's origin). */
  readonly blame: Origin;
  /** Where inputs describe the service differently and their verdicts differ: each description's trace. */
  readonly descriptions?: readonly { readonly file: string; readonly verdict: Verdict; readonly cause: Cause | undefined; readonly hops: readonly Hop[] }[];
  /**
   * Model entities this path consulted besides its service, as `kind:name` keys (used to re-check
   * only what an edit touches). Paths that share a trace share this set.
   */
  readonly consulted: ReadonlySet<string>;
}

/** The stable key of a path, used by diff, baselines and fixes. */
export function pathKey(path: Pick<PathResult, 'service' | 'dependency'>): string {
  return `${path.service}→${path.dependency}`;
}
