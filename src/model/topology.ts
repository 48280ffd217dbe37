import type { Cidr } from './ip.js';

/**
 * The normalized, validated model every analysis reads. Built from one or more sources; every
 * entity keeps the origin of the text it came from, so findings can point at a line.
 */

/** Where a fact came from: a file and the key path inside it (line and column are resolved lazily). */
export interface Origin {
  readonly file: string;
  readonly path: readonly (string | number)[];
}

/** A value the configuration does not give (e.g. Terraform "known after apply"). Never guessed. */
export interface Unknown {
  readonly unknown: true;
  readonly reason: string;
}

export type Maybe<T> = T | Unknown;

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && (value as { unknown?: unknown }).unknown === true;
}

/**
 * An address that exists but whose value the configuration does not give (e.g. the public IP
 * Google assigns a Cloud SQL instance with `ipv4_enabled`, "known after apply"). It is still an
 * `Unknown`: a reader that only asks whether the value is known stays as cautious as before; a
 * reader that only needs to know that the address exists (which path the Cloud SQL proxy takes)
 * can decide without it.
 */
export interface UnknownAddress extends Unknown {
  readonly enabled: true;
}

export function isUnknownAddress(value: unknown): value is UnknownAddress {
  return isUnknown(value) && (value as { enabled?: unknown }).enabled === true;
}

export type EgressMode = 'private-ranges-only' | 'all-traffic';

export interface Subnet {
  readonly name: string;
  readonly network: string;
  readonly region: Maybe<string>;
  readonly cidr: Cidr;
  readonly privateGoogleAccess: boolean;
  readonly origin: Origin;
}

export type NatCoverage = { readonly kind: 'all' } | { readonly kind: 'list'; readonly subnets: readonly string[] };
export type NatIps = { readonly kind: 'auto' } | { readonly kind: 'manual'; readonly ips: readonly string[] } | Unknown;

export interface Nat {
  readonly name: string;
  readonly coverage: NatCoverage;
  readonly natIps: NatIps;
  readonly origin: Origin;
}

export interface Router {
  readonly name: string;
  readonly network: string;
  readonly region: Maybe<string>;
  readonly nats: readonly Nat[];
  readonly origin: Origin;
}

export interface FirewallRule {
  readonly name: string;
  readonly direction: 'egress' | 'ingress';
  readonly action: 'allow' | 'deny';
  readonly priority: number;
  readonly destinationRanges: readonly Cidr[];
  /** Inclusive TCP port ranges; undefined means every port. */
  readonly ports: readonly (readonly [number, number])[] | undefined;
  readonly targetTags: readonly string[];
  readonly origin: Origin;
}

export interface Network {
  readonly name: string;
  readonly subnets: readonly Subnet[];
  readonly routers: readonly Router[];
  /** Allocated ranges of private services access; undefined when there is none. */
  readonly privateServicesAccess: Maybe<readonly Cidr[]> | undefined;
  readonly peerings: readonly { readonly name: string; readonly peerNetwork: string; readonly origin: Origin }[];
  readonly firewall: readonly FirewallRule[];
  /**
   * Where `*.googleapis.com` resolves from this network: its public addresses (`default`), or the
   * private.googleapis.com / restricted.googleapis.com VIPs a private DNS zone points it at.
   */
  readonly googleApisDns: Maybe<GoogleApisDns>;
  readonly origin: Origin;
}

export type GoogleApisDns = 'default' | 'private' | 'restricted';

export interface Address {
  readonly name: string;
  readonly address: Maybe<string>;
  readonly region: string | undefined;
  readonly origin: Origin;
}

export type ConnectorState = 'READY' | 'CREATING' | 'UPDATING' | 'DELETING' | 'ERROR';

export interface Connector {
  readonly name: string;
  readonly region: Maybe<string>;
  readonly network: string;
  /** A custom range makes a hidden subnet; a named subnet can be covered by NAT by name. */
  readonly range: { readonly kind: 'custom'; readonly cidr: Cidr } | { readonly kind: 'subnet'; readonly subnet: string };
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly machineType: string;
  readonly state: Maybe<ConnectorState>;
  readonly expectedPeakMbps: number | undefined;
  readonly origin: Origin;
}

export interface Database {
  readonly name: string;
  readonly connectionName: string;
  readonly region: Maybe<string>;
  readonly engine: string;
  /** The address; null for none; an `UnknownAddress` when it has one whose value is not given. */
  readonly publicIp: Maybe<string | null> | UnknownAddress;
  readonly privateIp: Maybe<string | null>;
  readonly privateNetwork: string | undefined;
  readonly requireSsl: boolean;
  readonly authorizedNetworks: readonly { readonly name: string | undefined; readonly cidr: Cidr; readonly origin: Origin }[];
  readonly tier: string | undefined;
  readonly flags: Readonly<Record<string, string | number | boolean>>;
  readonly state: Maybe<string>;
  readonly origin: Origin;
}

export interface Cache {
  readonly name: string;
  readonly host: Maybe<string>;
  /** The range the instance's address is taken from, when given (`reservedIpRange`). */
  readonly reservedIpRange: Cidr | undefined;
  readonly port: number;
  readonly region: Maybe<string>;
  readonly authorizedNetwork: string;
  readonly connectMode: 'DIRECT_PEERING' | 'PRIVATE_SERVICE_ACCESS';
  readonly authEnabled: boolean;
  readonly transitEncryption: 'DISABLED' | 'SERVER_AUTHENTICATION';
  readonly state: Maybe<string>;
  readonly origin: Origin;
}

export interface External {
  readonly name: string;
  readonly scheme: string | undefined;
  readonly host: string;
  readonly port: number | undefined;
  /** Source ranges the endpoint allow-lists; undefined when it accepts any source. */
  readonly allowedSourceRanges: readonly Cidr[] | undefined;
  readonly origin: Origin;
}

export interface Secret {
  readonly name: string;
  readonly versions: Maybe<readonly string[]>;
  readonly format: string | undefined;
  readonly minLength: number | undefined;
  /** A local file holding the value (read by the caller, never by analysis). */
  readonly file: string | undefined;
  readonly origin: Origin;
}

export interface LoadBalancer {
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly backends: readonly { readonly service: string; readonly serverlessNeg: boolean }[];
  readonly healthCheck: string | undefined;
  readonly origin: Origin;
}

export interface EnvVar {
  readonly name: string;
  /** The literal value. Never rendered: output uses `display`. */
  readonly value: string;
  /** The value with URL passwords and secret-looking values redacted. */
  readonly display: string;
  readonly origin: Origin;
}

export interface SecretRef {
  readonly env: string | undefined;
  readonly mountPath: string | undefined;
  readonly secret: string;
  readonly version: string;
  readonly origin: Origin;
}

export type VpcAccess =
  | { readonly kind: 'none' }
  | { readonly kind: 'connector'; readonly connector: string; readonly origin: Origin }
  | {
      readonly kind: 'direct';
      readonly network: string | undefined;
      readonly subnet: string | undefined;
      readonly tags: readonly string[];
      readonly origin: Origin;
    };

export type DependencyKind = 'postgres' | 'redis' | 'http' | 'https' | 'clickhouse' | 'websocket' | 'tcp' | 'google-api';

/** Where a dependency's connection goes, resolved against the model's entities where possible. */
export type Target =
  | { readonly kind: 'cloudsql-socket'; readonly connectionName: string }
  | { readonly kind: 'database'; readonly database: string; readonly address: 'private-ip' | 'public-ip'; readonly port: number }
  | { readonly kind: 'cache'; readonly cache: string; readonly port: number }
  | { readonly kind: 'external'; readonly external: string }
  | { readonly kind: 'google-api'; readonly host: string }
  | { readonly kind: 'address'; readonly host: string; readonly port: number | undefined }
  | { readonly kind: 'unresolved'; readonly reason: string };

export type Provenance =
  | { readonly kind: 'declared' }
  | {
      readonly kind: 'inferred';
      readonly from: 'env' | 'secret' | 'cloudsql-mount';
      readonly detail: string;
      /** The inference rule that found it: a key of `INFERENCE_RULES` (`url-variable`, `jdbc-url`…). */
      readonly rule: string;
    };

export interface Dependency {
  readonly name: string;
  readonly kind: DependencyKind | undefined;
  readonly target: Target;
  /** A redacted, human-readable description of the target. */
  readonly display: string;
  /** Undefined for inferred dependencies: nobody said, and analysis treats it as critical. */
  readonly critical: boolean | undefined;
  readonly poolSize: number | undefined;
  readonly maxOverflow: number | undefined;
  readonly connectTimeoutSeconds: number | undefined;
  readonly retries: number | undefined;
  readonly provenance: Provenance;
  readonly origin: Origin;
}

export interface StartupProbe {
  readonly type: 'tcp' | 'http' | 'grpc';
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
}

export interface Service {
  readonly name: string;
  /** A job's tasks serve no requests and have no startup probe: the rules about those skip it. */
  readonly workload: 'service' | 'job' | 'function';
  readonly region: Maybe<string>;
  /** Unset egress means the documented default, private-ranges-only. */
  readonly egress: Maybe<EgressMode>;
  readonly egressOrigin: Origin;
  readonly vpcAccess: VpcAccess;
  readonly cloudSqlInstances: readonly string[];
  readonly env: readonly EnvVar[];
  readonly secretRefs: readonly SecretRef[];
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly startupProbe: StartupProbe | undefined;
  readonly dependencies: readonly Dependency[];
  readonly origin: Origin;
}

/**
 * One service that several inputs describe differently: each description is analysed on its own,
 * and where their verdicts differ the path is AMBIGUOUS.
 */
export interface ServiceDrift {
  readonly service: string;
  /** Each input's description; the first is the one in `Topology.services`. */
  readonly descriptions: readonly {
    readonly file: string;
    readonly service: Service;
    /** The attributes it gives differently (`egress`, `env.DATABASE_URL`), values redacted. */
    readonly differences: readonly { readonly attribute: string; readonly display: string; readonly origin: Origin }[];
  }[];
}

export interface Topology {
  readonly project: string | undefined;
  readonly networks: ReadonlyMap<string, Network>;
  readonly addresses: ReadonlyMap<string, Address>;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly databases: ReadonlyMap<string, Database>;
  readonly caches: ReadonlyMap<string, Cache>;
  readonly externals: ReadonlyMap<string, External>;
  readonly secrets: ReadonlyMap<string, Secret>;
  readonly services: readonly Service[];
  readonly loadBalancers: readonly LoadBalancer[];
  /** Services that inputs describe differently (none when every input agrees). */
  readonly drift?: readonly ServiceDrift[];
}
