import type { Service, Topology } from './topology.js';

const byName = new WeakMap<readonly Service[], ReadonlyMap<string, Service>>();

/**
 * The service of a model with this name, from an index built once per list of services: renderers
 * look up the service of every fix, and a scan per fix was quadratic on large estates.
 */
export function serviceNamed(topology: Pick<Topology, 'services'>, name: string): Service | undefined {
  let index = byName.get(topology.services);
  if (!index) {
    const map = new Map<string, Service>();
    // The first of equal names, as Array.find gives.
    for (const s of topology.services) if (!map.has(s.name)) map.set(s.name, s);
    byName.set(topology.services, (index = map));
  }
  return index.get(name);
}

const byConnector = new WeakMap<readonly Service[], ReadonlyMap<string, readonly Service[]>>();

/** The services that send VPC traffic through a connector, from an index built once per list of services. */
export function servicesUsingConnector(topology: Pick<Topology, 'services'>, connector: string): readonly Service[] {
  let index = byConnector.get(topology.services);
  if (!index) {
    const map = new Map<string, Service[]>();
    for (const s of topology.services) {
      if (s.vpcAccess.kind !== 'connector') continue;
      const list = map.get(s.vpcAccess.connector);
      if (list) list.push(s);
      else map.set(s.vpcAccess.connector, [s]);
    }
    byConnector.set(topology.services, (index = map));
  }
  return index.get(connector) ?? [];
}

/** Names for a message: all of up to `max`, else the first `max` and how many more. */
export function someNames(names: readonly string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${(names.length - max).toLocaleString('en-US')} more`;
}
