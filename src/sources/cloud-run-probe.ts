import type { KeyPath } from './document.js';
import type { CloudRunReader, ServiceInput } from './cloud-run-reader.js';

export type ProbeInput = NonNullable<ServiceInput['startupProbe']>;

// The probe's check, by the key that holds it. v1 (Knative Container) and v2 (Container) use the
// same names: cloud.google.com/run/docs/reference/rest/v1/Container#Probe and
// cloud.google.com/run/docs/reference/rest/v2/Container#Probe.
const HANDLERS = [
  ['tcpSocket', 'tcp'],
  ['httpGet', 'http'],
  ['grpc', 'grpc'],
] as const;

const TIMINGS = [
  ['initialDelaySeconds', 0, '10'],
  ['timeoutSeconds', 1, '3'],
  ['periodSeconds', 1, '10'],
  ['failureThreshold', 1, '3'],
] as const;

/**
 * Reads a container's `startupProbe` (same shape in v1 and v2) into the topology's probe, with
 * only the fields the input gives: a probe with no handler is left without `type`, and the
 * schema's defaults apply after merging.
 */
export function readStartupProbe(reader: CloudRunReader, probePath: KeyPath, dataPath: KeyPath): ProbeInput | undefined {
  const source = reader.mapping(probePath);
  if (source === undefined) return undefined;
  const probe: ProbeInput = {};
  reader.from(dataPath, probePath);
  const handlers = HANDLERS.filter(([key]) => source[key] !== undefined && source[key] !== null);
  if (handlers.length > 1) {
    reader.fail(probePath, `expected one of \`tcpSocket\`, \`httpGet\` or \`grpc\`, got ${handlers.map(([key]) => `\`${key}\``).join(' and ')}`);
  }
  const [handler] = handlers;
  if (handler !== undefined) {
    const [key, type] = handler;
    probe.type = type;
    reader.from([...dataPath, 'type'], [...probePath, key]);
    if (type === 'http' && reader.mapping([...probePath, key]) !== undefined) {
      const path = reader.string([...probePath, key, 'path']);
      if (path !== undefined) {
        probe.path = path;
        reader.from([...dataPath, 'path'], [...probePath, key, 'path']);
      }
    }
  }
  for (const [key, min, example] of TIMINGS) {
    const value = reader.integer([...probePath, key], { min, example });
    if (value === undefined) continue;
    probe[key] = value;
    reader.from([...dataPath, key], [...probePath, key]);
  }
  return probe;
}
