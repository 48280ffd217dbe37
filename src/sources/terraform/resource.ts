import type { KeyPath } from '../document.js';
import type { Located } from '../fragment.js';

/**
 * One Terraform resource, the same whether it was read from a plan (`terraform show -json`) or
 * from HCL: attribute values with nested blocks as lists of objects (as the plan JSON writes them),
 * plus what is unknown, what refers to what, and where each attribute is written.
 */
export interface TerraformResource {
  /** e.g. `google_compute_network.vpc` or `module.net.google_compute_network.vpc`. */
  readonly address: string;
  /** e.g. `google_compute_network`. */
  readonly type: string;
  /** Attribute values; nested blocks are lists of objects, as in plan JSON. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * Why the value at `path` (relative to `values`) is not known, or undefined when it is known:
   * "known after apply" in a plan, an unresolved variable or expression in HCL.
   */
  unknownReason(path: KeyPath): string | undefined;
  /** The keys of the map at `path` whose values are not known, and so are not in `values` (`environment_variables.REDIS_HOST`). */
  unknownKeys(path: KeyPath): readonly string[];
  /**
   * The resource addresses the expression at `path` refers to (plan `configuration` references,
   * HCL traversals), e.g. `['google_compute_network.vpc']`, so an unknown `network = …id` can still
   * be tied to the network it names.
   */
  references(path: KeyPath): readonly string[];
  /** Where the attribute at `path` is written (or the resource, for a path with no position of its own). */
  locate(path: KeyPath): Located | undefined;
}

/** What a Terraform reader hands to the mapping in `terraform/resources.ts`. */
export interface TerraformInput {
  readonly resources: readonly TerraformResource[];
  /** The google provider's project and region, when they are literal. */
  readonly provider: { readonly project?: string; readonly region?: string; /** Why the region is not known, when it is set but not known. */ readonly regionReason?: string };
  /** What was skipped (e.g. registry modules not fetched), for the report. */
  readonly notes: readonly string[];
}
