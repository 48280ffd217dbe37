import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { describeValue, isRecord, resourceName, type ServiceInput } from './cloud-run-reader.js';

export type DirectVpcInput = NonNullable<ServiceInput['directVpc']>;

/** What the `run.googleapis.com/network-interfaces` annotation says, or why it cannot be read. */
export type NetworkInterfacesResult =
  | { readonly kind: 'interface'; readonly directVpc: DirectVpcInput }
  | { readonly kind: 'invalid'; readonly message: string; /** Offset in the annotation's text, for JSON syntax errors. */ readonly offset: number | undefined };

const EXAMPLE = '[{"network":"vpc","subnetwork":"subnet","tags":["web"]}]';

/**
 * Parses the Direct VPC annotation of a v1 revision: a JSON string holding a list with one
 * interface `{network, subnetwork, tags}` (docs: cloud.google.com/run/docs/configuring/vpc-direct-vpc,
 * YAML tab; "Currently only single network interface is supported"). Network and subnetwork may be
 * names or resource paths; both become names.
 */
export function parseNetworkInterfaces(text: string): NetworkInterfacesResult {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const [error] = errors;
  if (error !== undefined) {
    return invalid(`is not valid JSON (${printParseErrorCode(error.error)} at character ${error.offset + 1}); expected a JSON list such as ${EXAMPLE}`, error.offset);
  }
  if (!Array.isArray(value)) return invalid(`expected a JSON list such as ${EXAMPLE}, got ${describeValue(value)}`);
  if (value.length !== 1) return invalid(`expected exactly one network interface (Cloud Run supports one), got ${value.length}`);
  const [entry] = value as unknown[];
  if (!isRecord(entry)) return invalid(`expected the interface to be a JSON object such as ${EXAMPLE.slice(1, -1)}, got ${describeValue(entry)}`);
  const directVpc: DirectVpcInput = {};
  for (const [key, field] of [['network', 'network'], ['subnetwork', 'subnet']] as const) {
    const given = entry[key];
    if (given === undefined) continue;
    if (typeof given !== 'string' || given.trim() === '') return invalid(`expected "${key}" to be a name such as "vpc", got ${describeValue(given)}`);
    directVpc[field] = resourceName(given);
  }
  if (directVpc.network === undefined && directVpc.subnet === undefined) {
    return invalid(`expected "network" or "subnetwork" in the interface, such as ${EXAMPLE.slice(1, -1)}`);
  }
  const tags = entry.tags;
  if (tags !== undefined) {
    if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
      return invalid(`expected "tags" to be a list of strings such as ["web"], got ${describeValue(tags)}`);
    }
    directVpc.tags = tags;
  }
  return { kind: 'interface', directVpc };
}

function invalid(message: string, offset?: number): NetworkInterfacesResult {
  return { kind: 'invalid', message, offset };
}
