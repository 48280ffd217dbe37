import { redactUrlPasswords } from '../../model/redact.js';
import type { EntityLink } from '../../model/build.js';
import type { KeyPath } from '../document.js';
import type { Located, TopologyInput } from '../fragment.js';
import { describeAttribute, isString, lastSegment, nameAttribute, read, resourceName, valueAt, type Read } from './map-read.js';
import type { TerraformInput, TerraformResource } from './resource.js';

/**
 * What the mappers share: name resolution through references, the topology-shaped data being
 * built, notes, and where each value of that data was read. Positions are resolved only when
 * asked for: a plan of thousands of resources records tens of thousands of paths, and most are
 * never shown.
 */

type ListKey = 'networks' | 'addresses' | 'connectors' | 'databases' | 'caches' | 'secrets' | 'services' | 'loadBalancers';
type Entry<K extends ListKey> = NonNullable<TopologyInput[K]>[number];
export type NetworkEntry = Entry<'networks'>;
export type ServiceEntryInput = Entry<'services'>;

/** Collections the mappers append to; empty ones are left out of the fragment. */
export interface TopologyLists {
  networks: NetworkEntry[];
  addresses: Entry<'addresses'>[];
  connectors: Entry<'connectors'>[];
  databases: Entry<'databases'>[];
  caches: Entry<'caches'>[];
  secrets: Entry<'secrets'>[];
  services: ServiceEntryInput[];
  loadBalancers: Entry<'loadBalancers'>[];
}

/** One entity being emitted: its resource, its path in `data`, and its label for notes. */
export interface Emit {
  readonly resource: TerraformResource;
  readonly path: KeyPath;
  /** e.g. `services[api]`. */
  readonly label: string;
}

interface Source {
  readonly resource: TerraformResource;
  readonly attribute: KeyPath;
}

const keyOf = (path: KeyPath): string => path.join('\u0000');

export class MappingContext {
  readonly lists: TopologyLists = { networks: [], addresses: [], connectors: [], databases: [], caches: [], secrets: [], services: [], loadBalancers: [] };
  readonly notes: string[] = [];
  readonly input: TerraformInput;
  readonly #sources = new Map<string, Source>();
  readonly #reasons = new Map<string, string>();
  readonly #links = new Map<string, EntityLink>();
  readonly #byAddress = new Map<string, TerraformResource>();
  // `google_x.y` → its instances `google_x.y[0]`…, for references written without an index.
  readonly #byBareAddress = new Map<string, TerraformResource[]>();
  readonly #networks = new Map<string, number>();

  constructor(input: TerraformInput) {
    this.input = input;
    for (const resource of input.resources) {
      this.#byAddress.set(resource.address, resource);
      const bare = resource.address.replace(/\[[^\]]*\]$/, '');
      if (bare !== resource.address) this.#byBareAddress.set(bare, [...(this.#byBareAddress.get(bare) ?? []), resource]);
    }
  }

  /** Remembers that the value at `path` of `data` was read from `attribute` of `resource`. */
  record(path: KeyPath, resource: TerraformResource, attribute: KeyPath = []): void {
    this.#sources.set(keyOf(path), { resource, attribute });
  }

  unknown(path: KeyPath, reason: string): void {
    this.#reasons.set(keyOf(path), redactUrlPasswords(reason));
  }

  locate(path: KeyPath): Located | undefined {
    for (let n = path.length; n >= 0; n--) {
      const source = this.#sources.get(keyOf(path.slice(0, n)));
      if (source !== undefined) return source.resource.locate(source.attribute);
    }
    return undefined;
  }

  unknownReason(path: KeyPath): string | undefined {
    return this.#reasons.get(keyOf(path));
  }

  /** Records that the unknown value at `path` is the address of `entity`. */
  link(path: KeyPath, entity: EntityLink): void {
    this.#links.set(keyOf(path), entity);
  }

  linkedEntity(path: KeyPath): EntityLink | undefined {
    return this.#links.get(keyOf(path));
  }

  /** Notes name attributes, never values; the redaction guards reasons a reader wrote from expression text. */
  note(message: string): void {
    this.notes.push(redactUrlPasswords(message));
  }

  /**
   * A known value, recorded at `[...e.path, field]`. An unknown one is left out with a note: the
   * field does not accept `unknown`, so the schema's default (or another input) decides.
   */
  field<T>(e: Emit, field: string, attribute: KeyPath, value: Read<T>, otherwise = 'the schema default applies'): T | undefined {
    if (value.kind === 'unknown') this.note(`${e.label}.${field}: ${value.reason}; ${otherwise}`);
    if (value.kind !== 'known') return undefined;
    this.record([...e.path, field], e.resource, attribute);
    return value.value;
  }

  /** Like `field`, for fields that accept `unknown`: an unknown value is kept as `'unknown'` with its reason. */
  fieldOrUnknown<T>(e: Emit, field: string, attribute: KeyPath, value: Read<T>): T | 'unknown' | undefined {
    if (value.kind === 'absent') return undefined;
    this.record([...e.path, field], e.resource, attribute);
    if (value.kind === 'known') return value.value;
    this.unknown([...e.path, field], value.reason);
    return 'unknown';
  }

  /** A value the entity cannot be written without: when it is not known, the entity is left out with a note. */
  required<T>(resource: TerraformResource, label: string, attribute: KeyPath, value: Read<T>): T | undefined {
    if (value.kind === 'known') return value.value;
    this.note(`${label}: left out: ${value.kind === 'unknown' ? value.reason : `${describeAttribute(resource, attribute)} is not set`}`);
    return undefined;
  }

  /**
   * A region: a known one is recorded; an unknown one is left out silently when the provider has a
   * region, because the google provider uses its own region for resources that set none
   * (registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#region).
   */
  region(e: Emit, attribute: KeyPath): string | undefined {
    const value = read(e.resource, attribute, isString);
    if (value.kind === 'unknown' && this.input.provider.region !== undefined) return undefined;
    return this.field(e, 'region', attribute, value, 'the top-level region applies');
  }

  /**
   * Like `region`, for entities whose region may be `unknown`: with no region of its own and none
   * from the provider (a variable without a value), the region is unknown, with its cause.
   */
  regionOrUnknown(e: Emit, attribute: KeyPath): string | undefined {
    const value = read(e.resource, attribute, isString);
    if (value.kind === 'known' || this.input.provider.region !== undefined) return this.region(e, attribute);
    if (value.kind === 'unknown') return this.fieldOrUnknown(e, 'region', attribute, value);
    // None at all: a top-level region from another input (or --region) still applies; failing
    // that, the model says the region is unknown for this reason rather than "no region".
    const provider = this.input.provider.regionReason;
    this.unknown([...e.path, 'region'], `neither ${describeAttribute(e.resource, attribute)} nor the google provider's region is set${provider === undefined ? '' : ` (${provider})`}`);
    return undefined;
  }

  /** The resource's own name (a secret's `secret_id`), or a note and undefined when it is not known. */
  ownName(r: TerraformResource): string | undefined {
    const attribute = nameAttribute(r);
    const value = read(r, [attribute], isString);
    if (value.kind === 'unknown') {
      // Never dropped for an unknown name: it stands under its address, and references to it agree.
      this.note(`${r.address}: ${attribute} is not known (${value.reason}); named by its Terraform address`);
      return r.address;
    }
    return this.required(r, r.address, [attribute], value);
  }

  resource(address: string): TerraformResource | undefined {
    const exact = this.#byAddress.get(address);
    if (exact !== undefined) return exact;
    const instances = this.#byBareAddress.get(address);
    return instances?.length === 1 ? instances[0] : undefined;
  }

  /**
   * The attributes of resources that the expression at `path` reads (`google_redis_instance.cache.host`
   * → the cache resource and `host`), as Terraform lists references: the attribute after the address.
   */
  referencedAttributes(resource: TerraformResource, path: KeyPath): { readonly target: TerraformResource; readonly attribute: string }[] {
    const found: { target: TerraformResource; attribute: string }[] = [];
    for (const reference of resource.references(path)) {
      // The longest prefix that is a resource's address; what follows is the attribute path.
      for (let dot = reference.lastIndexOf('.'); dot > 0; dot = reference.lastIndexOf('.', dot - 1)) {
        const target = this.resource(reference.slice(0, dot));
        if (target === undefined) continue;
        const attribute = reference.slice(dot + 1).split(/[.[]/)[0] ?? '';
        if (!found.some((f) => f.target === target && f.attribute === attribute)) found.push({ target, attribute });
        break;
      }
    }
    return found;
  }

  /** The resources of one of `types` that the expression at `path` refers to, in order. */
  referenced(resource: TerraformResource, path: KeyPath, types: readonly string[]): TerraformResource[] {
    const found: TerraformResource[] = [];
    for (const address of resource.references(path)) {
      const target = this.resource(address);
      if (target !== undefined && types.includes(target.type) && !found.includes(target)) found.push(target);
    }
    return found;
  }

  /**
   * The name of the resource the attribute at `path` names: the last segment of a known self link
   * or id, or, when the value is known only after apply, the name of the resource of one of
   * `types` that its expression refers to (`network = google_compute_network.vpc.id` → `vpc`).
   */
  nameAt(resource: TerraformResource, path: KeyPath, types: readonly string[]): Read<string> {
    const value = read(resource, path, isString);
    if (value.kind === 'known') return { kind: 'known', value: lastSegment(value.value) };
    const [target] = this.referenced(resource, path, types);
    const name = target === undefined ? undefined : resourceName(target);
    if (name !== undefined) return { kind: 'known', value: name };
    return value;
  }

  /**
   * A list of names at `path` (self links, names or literal IPs, as `fromValue` reads them) whose
   * unknown elements are filled from the resources of `types` the expression refers to.
   */
  namesAt(
    resource: TerraformResource,
    path: KeyPath,
    types: readonly string[],
    fromValue: (value: string) => string = lastSegment,
    fromResource: (target: TerraformResource) => string | undefined = resourceName,
  ): Read<string[]> {
    const value = valueAt(resource.values, path);
    const wholeReason = resource.unknownReason(path);
    if (!Array.isArray(value) && wholeReason === undefined) return { kind: 'absent' };
    const known: string[] = [];
    let unknownReason = Array.isArray(value) ? undefined : wholeReason;
    let missing = Array.isArray(value) ? 0 : Number.POSITIVE_INFINITY;
    (Array.isArray(value) ? value : []).forEach((item, k) => {
      if (isString(item)) known.push(fromValue(item));
      else {
        missing++;
        unknownReason ??= resource.unknownReason([...path, k]) ?? wholeReason;
      }
    });
    if (missing === 0) return { kind: 'known', value: known };
    const referenced = this.referenced(resource, path, types)
      .map(fromResource)
      .filter((name): name is string => name !== undefined && !known.includes(name));
    // Only when every unknown element is accounted for: a partial list would be a guess.
    if (referenced.length > 0 && referenced.length >= missing) return { kind: 'known', value: [...known, ...referenced.slice(0, missing)] };
    if (referenced.length > 0 && missing === Number.POSITIVE_INFINITY) return { kind: 'known', value: referenced };
    return { kind: 'unknown', reason: unknownReason ?? `${describeAttribute(resource, path)} is not known` };
  }

  /** The network entry called `name`, created (at the position of the attribute naming it) when no network resource declared it. */
  network(name: string, resource: TerraformResource, attribute: KeyPath): { entry: NetworkEntry; path: KeyPath } {
    let index = this.#networks.get(name);
    if (index === undefined) {
      index = this.lists.networks.push({ name }) - 1;
      this.#networks.set(name, index);
      this.record(['networks', index], resource, attribute);
    }
    const entry = this.lists.networks[index];
    if (entry === undefined) throw new RangeError(`no network entry ${index}`);
    return { entry, path: ['networks', index] };
  }
}
