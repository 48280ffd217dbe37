import type { Position } from '../document.js';
import type { Diagnostic } from '../errors.js';
import type { Located, Provenance, TopologyInput } from '../fragment.js';
import type { Branch } from './branches.js';
import { Choices, describeConflict, Draft, type DraftContext } from './draft.js';

export type ServiceInput = NonNullable<TopologyInput['services']>[number];
export type NetworkInput = NonNullable<TopologyInput['networks']>[number];
export type SubnetInput = NonNullable<NetworkInput['subnets']>[number];
export type RouterInput = NonNullable<NetworkInput['routers']>[number];
export type NatInput = NonNullable<RouterInput['nats']>[number];
export type ConnectorInput = NonNullable<TopologyInput['connectors']>[number];
export type DatabaseInput = NonNullable<TopologyInput['databases']>[number];
export type AddressInput = NonNullable<TopologyInput['addresses']>[number];

/** A value from `gcloud config set`, a CLOUDSDK_* variable or a flag, with where it was set. */
export interface Setting {
  readonly value: string;
  readonly at: Located;
}

export interface NetworkDrafts {
  readonly draft: Draft<NetworkInput>;
  readonly subnets: Map<string, Draft<SubnetInput>>;
  readonly routers: Map<string, Draft<RouterInput>>;
}

/** A Cloud NAT gateway; it joins its router (and so a network) when the topology is written. */
export interface NatDraft {
  readonly router: string;
  readonly draft: Draft<NatInput>;
}

/** A gcloud property the script sets: its value, or why it is not known. */
export type ConfigValue = { readonly kind: 'value'; readonly setting: Setting } | { readonly kind: 'unsettled'; readonly reason: string };

/**
 * Everything the commands of one script say, entity by entity in the order the script first
 * names them. Commands are applied in script order: a later flag overrides an earlier one when
 * its command surely runs after the other; set in different branches, the value is not known.
 */
export class ScriptModel implements DraftContext {
  readonly file: string;
  readonly notes: string[] = [];
  readonly problems: Diagnostic[] = [];
  project: Setting | undefined;
  /** The blocks around the command being applied. */
  branch: Branch = [];
  /** What the script writes at a position (`--vpc-egress`, `gcloud run deploy`), by `line:column`. */
  readonly #sources = new Map<string, string>();
  /** `gcloud config set …` defaults for the commands after it. */
  readonly #config = new Map<string, Choices<string>>();
  readonly services = new Map<string, Draft<ServiceInput>>();
  readonly networks = new Map<string, NetworkDrafts>();
  readonly addresses = new Map<string, Draft<AddressInput>>();
  readonly connectors = new Map<string, Draft<ConnectorInput>>();
  readonly databases = new Map<string, Draft<DatabaseInput>>();
  readonly nats = new Map<string, NatDraft>();

  constructor(file: string) {
    this.file = file;
  }

  /** Names what the script writes at `at`, for reasons: a flag, a command. */
  describe(at: Position, source: string): void {
    this.#sources.set(`${at.line}:${at.column}`, source);
  }

  sourceAt(at: Located): string | undefined {
    return at.file === this.file ? this.#sources.get(`${at.line}:${at.column}`) : undefined;
  }

  /** `gcloud config set PROPERTY VALUE`; `undefined` when the script leaves the value to run time. */
  setConfig(property: string, setting: Setting | undefined, at: Located): void {
    const choices = this.#config.get(property) ?? new Choices<string>();
    this.#config.set(property, choices);
    choices.add(setting === undefined ? undefined : { value: setting.value, at: setting.at }, at, this.branch, `gcloud config set ${property}`);
  }

  /** The property's value for the command being applied; undefined when the script does not set it (or leaves it to run time). */
  config(property: string): ConfigValue | undefined {
    const outcome = this.#config.get(property)?.outcome();
    if (outcome?.kind === 'value') return { kind: 'value', setting: { value: outcome.slot.value, at: outcome.slot.at } };
    if (outcome?.kind === 'conflict') return { kind: 'unsettled', reason: describeConflict(property, outcome.choices, (slot) => slot.value) };
    return undefined;
  }

  network(name: string, at: Located): NetworkDrafts {
    const existing = this.networks.get(name);
    if (existing !== undefined) return existing;
    const created = { draft: new Draft<NetworkInput>(name, at, this), subnets: new Map(), routers: new Map() };
    this.networks.set(name, created);
    return created;
  }

  /** The network whose routers include `router`, when a `routers create` in the script says so. */
  networkOfRouter(router: string): NetworkDrafts | undefined {
    return [...this.networks.values()].find((n) => n.routers.has(router));
  }

  toData(provenance: Provenance): TopologyInput {
    const data: TopologyInput = {};
    if (this.project !== undefined) {
      data.project = this.project.value;
      provenance.record(['project'], this.project.at);
    }
    const natsByRouter = this.#placeNats();
    const networks = [...this.networks.values()].map((n, i): NetworkInput => {
      const path = ['networks', i];
      const label = `networks[${n.draft.name}]`;
      const network = n.draft.emit(path, provenance, label, this.notes);
      const subnets = [...n.subnets.values()].map((s, j) => s.emit([...path, 'subnets', j], provenance, `${label}.subnets[${s.name}]`, this.notes));
      const routers = [...n.routers.values()].map((r, j) => {
        const router = r.emit([...path, 'routers', j], provenance, `${label}.routers[${r.name}]`, this.notes);
        const nats = (natsByRouter.get(r.name) ?? []).map((nat, k) => nat.emit([...path, 'routers', j, 'nats', k], provenance, `${label}.routers[${r.name}].nats[${nat.name}]`, this.notes));
        return nats.length > 0 ? { ...router, nats } : router;
      });
      return { ...network, ...(subnets.length > 0 ? { subnets } : {}), ...(routers.length > 0 ? { routers } : {}) };
    });
    if (networks.length > 0) data.networks = networks;
    if (this.addresses.size > 0) data.addresses = [...this.addresses.values()].map((a, i) => a.emit(['addresses', i], provenance, `addresses[${a.name}]`, this.notes));
    const connectors = [...this.connectors.values()].filter((c) => {
      if (c.get('network') !== undefined) return true;
      const unsettled = c.conflict('network');
      this.notes.push(`connectors[${c.name}]: not imported: its network is not known${unsettled === undefined ? ` (no --network, and no subnet created in ${this.file} says which)` : `: ${unsettled}`}`);
      return false;
    });
    if (connectors.length > 0) data.connectors = connectors.map((c, i) => c.emit(['connectors', i], provenance, `connectors[${c.name}]`, this.notes));
    if (this.databases.size > 0) data.databases = [...this.databases.values()].map((d, i) => d.emit(['databases', i], provenance, `databases[${d.name}]`, this.notes));
    if (this.services.size > 0) data.services = [...this.services.values()].map((s, i) => s.emit(['services', i], provenance, `services[${s.name}]`, this.notes));
    return data;
  }

  /** NATs by router name; a NAT whose router is not created in this script cannot be placed in a network. */
  #placeNats(): Map<string, Draft<NatInput>[]> {
    const byRouter = new Map<string, Draft<NatInput>[]>();
    for (const nat of this.nats.values()) {
      if (this.networkOfRouter(nat.router) === undefined) {
        this.notes.push(`Cloud NAT ${nat.draft.name} on router ${nat.router}: not imported: the router's network is not known (no \`gcloud compute routers create ${nat.router} --network …\` in ${this.file})`);
        continue;
      }
      if (nat.draft.get('subnets') === undefined) {
        const unsettled = nat.draft.conflict('subnets');
        this.notes.push(`Cloud NAT ${nat.draft.name} on router ${nat.router}: not imported: ${unsettled === undefined ? `${this.file} does not say which subnets it covers` : `which subnets it covers is not known: ${unsettled}`}`);
        continue;
      }
      byRouter.set(nat.router, [...(byRouter.get(nat.router) ?? []), nat.draft]);
    }
    return byRouter;
  }
}
