import type { KeyPath } from '../document.js';
import { formatKeyPath } from '../errors.js';
import type { Fragment } from '../fragment.js';
import type { TerraformInput, TerraformResource } from './resource.js';
import { terraformFragment } from './resources.js';

/**
 * Test support for the mapping: Terraform resources written as plain values, with unknowns and
 * references given by attribute path (`template[0].vpc_access[0].connector`), and a count of
 * position look-ups so tests can check that positions are resolved only when asked for.
 */

export interface FakeResource extends TerraformResource {
  readonly locateCalls: number;
}

export interface FakeOptions {
  /** Attribute path → reason; everything under the path is unknown too. */
  readonly unknown?: Readonly<Record<string, string>>;
  /** Attribute path → referenced resource addresses. */
  readonly refs?: Readonly<Record<string, readonly string[]>>;
  readonly line?: number;
}

export function fakeResource(address: string, values: Record<string, unknown>, options: FakeOptions = {}): FakeResource {
  const type = address.split('.').find((part, i, parts) => parts[i - 1] !== 'module' && part !== 'module') ?? '';
  let calls = 0;
  return {
    address,
    type,
    values,
    get locateCalls() {
      return calls;
    },
    unknownReason(path: KeyPath) {
      for (let n = path.length; n >= 1; n--) {
        const reason = options.unknown?.[formatKeyPath(path.slice(0, n))];
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
    unknownKeys(path: KeyPath) {
      const prefix = `${formatKeyPath(path)}.`;
      return Object.keys(options.unknown ?? {})
        .filter((key) => key.startsWith(prefix) && !/[.[]/.test(key.slice(prefix.length)))
        .map((key) => key.slice(prefix.length));
    },
    // Like plan configuration: a map or list attribute is one expression covering what is under it.
    references(path: KeyPath) {
      for (let n = path.length; n >= 1; n--) {
        const refs = options.refs?.[formatKeyPath(path.slice(0, n))];
        if (refs !== undefined) return refs;
      }
      return [];
    },
    locate(path: KeyPath) {
      calls++;
      return { file: 'main.tf', line: options.line ?? 1, column: path.length + 1 };
    },
  };
}

export function fragmentOf(resources: readonly TerraformResource[], provider: TerraformInput['provider'] = { project: 'acme', region: 'europe-west1' }): Fragment {
  return terraformFragment('infra', 'terraform-hcl', { resources, provider, notes: [] }, () => undefined);
}
