import type { Diagnostic } from '../errors.js';
import type { Located, Provenance, TopologyInput } from '../fragment.js';
import { Draft } from './draft.js';

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

/**
 * Everything the commands of one script say, entity by entity in the order the script first
 * names them. Commands are applied in script order, so a later flag overrides an earlier one.
 */
export class ScriptModel {
  readonly file: string;
  readonly notes: string[] = [];
  readonly problems: Diagnostic[] = [];
  project: Setting | undefined;
  /** `gcloud config set …` defaults for the commands after it. */
  readonly config = new Map<string, Setting>();
  readonly services = new Map<string, Draft<ServiceInput>>();
  readonly networks = new Map<string, NetworkDrafts>();
  readonly addresses = new Map<string, Draft<AddressInput>>();
  readonly connectors = new Map<string, Draft<ConnectorInput>>();
  readonly databases = new Map<string, Draft<DatabaseInput>>();
  readonly nats = new Map<string, NatDraft>();

  constructor(file: string) {
    this.file = file;
  }

  network(name: string, at: Located): NetworkDrafts {
    const existing = this.networks.get(name);
    if (existing !== undefined) return existing;
    const created = { draft: new Draft<NetworkInput>(name, at), subnets: new Map(), routers: new Map() };
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
      const network = n.draft.emit(path, provenance);
      const subnets = [...n.subnets.values()].map((s, j) => s.emit([...path, 'subnets', j], provenance));
      const routers = [...n.routers.values()].map((r, j) => {
        const router = r.emit([...path, 'routers', j], provenance);
        const nats = (natsByRouter.get(r.name) ?? []).map((nat, k) => nat.emit([...path, 'routers', j, 'nats', k], provenance));
        return nats.length > 0 ? { ...router, nats } : router;
      });
      return { ...network, ...(subnets.length > 0 ? { subnets } : {}), ...(routers.length > 0 ? { routers } : {}) };
    });
    if (networks.length > 0) data.networks = networks;
    if (this.addresses.size > 0) data.addresses = [...this.addresses.values()].map((a, i) => a.emit(['addresses', i], provenance));
    const connectors = [...this.connectors.values()].filter((c) => {
      if (c.get('network') !== undefined) return true;
      this.notes.push(`connectors[${c.name}]: not imported: its network is not known (no --network, and no subnet created in ${this.file} says which)`);
      return false;
    });
    if (connectors.length > 0) data.connectors = connectors.map((c, i) => c.emit(['connectors', i], provenance));
    if (this.databases.size > 0) data.databases = [...this.databases.values()].map((d, i) => d.emit(['databases', i], provenance));
    if (this.services.size > 0) data.services = [...this.services.values()].map((s, i) => s.emit(['services', i], provenance));
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
        this.notes.push(`Cloud NAT ${nat.draft.name} on router ${nat.router}: not imported: ${this.file} does not say which subnets it covers`);
        continue;
      }
      byRouter.set(nat.router, [...(byRouter.get(nat.router) ?? []), nat.draft]);
    }
    return byRouter;
  }
}
