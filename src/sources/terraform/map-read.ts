import type { KeyPath } from '../document.js';
import { formatKeyPath } from '../errors.js';
import type { TerraformResource } from './resource.js';

/**
 * Typed reads of resource attributes: each is known, unknown (with the reader's reason), or
 * absent, so a mapper never mistakes "known after apply" for "not set".
 */

export type Read<T> =
  | { readonly kind: 'known'; readonly value: T }
  | { readonly kind: 'unknown'; readonly reason: string }
  | { readonly kind: 'absent' };

/** The resources of one type, in input order. */
export type ResourcesOfType = (type: string) => readonly TerraformResource[];

export function valueAt(values: unknown, path: KeyPath): unknown {
  let node = values;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The value at `path` when it has the type `check` accepts; unknown with its reason; else absent. */
export function read<T>(resource: TerraformResource, path: KeyPath, check: (value: unknown) => value is T): Read<T> {
  const value = schemaConverted(valueAt(resource.values, path), check);
  if (check(value)) return { kind: 'known', value };
  const reason = resource.unknownReason(path);
  return reason === undefined ? { kind: 'absent' } : { kind: 'unknown', reason };
}

export const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Terraform converts an argument to the type the provider's schema gives it: `"true"` for a bool
 * argument is true, `"2"` for a number is 2 (modules often pass such strings through).
 */
function schemaConverted(value: unknown, check: (value: unknown) => boolean): unknown {
  if (typeof value !== 'string') return value;
  if (check === isBoolean && (value === 'true' || value === 'false')) return value === 'true';
  if (check === isNumber && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** Nested blocks at `path` (plan JSON writes every block as a list of objects). */
export function blocks(resource: TerraformResource, path: KeyPath): readonly Record<string, unknown>[] {
  const value = valueAt(resource.values, path);
  return Array.isArray(value) ? value.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b)) : [];
}

/** `projects/p/global/networks/vpc` or a self link → `vpc`: identity is by name across inputs. */
export function lastSegment(reference: string): string {
  const trimmed = reference.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The name another input would give this resource (a secret's is its `secret_id`). */
export function resourceName(resource: TerraformResource): string | undefined {
  const attribute = nameAttribute(resource);
  const value = resource.values[attribute];
  if (typeof value === 'string' && value !== '') return value;
  // A name known only after apply (`"svc-${random_id.x.hex}"`) or not evaluated: the resource is
  // still there, identified by its Terraform address.
  return resource.unknownReason([attribute]) === undefined ? undefined : resource.address;
}

/** The attribute that holds a resource's own name. */
export function nameAttribute(resource: TerraformResource): string {
  return resource.type === 'google_secret_manager_secret' ? 'secret_id' : 'name';
}

/** `google_x.y.settings[0].tier`: an attribute, for notes and reasons. */
export function describeAttribute(resource: TerraformResource, path: KeyPath): string {
  return path.length === 0 ? resource.address : `${resource.address}.${formatKeyPath(path)}`;
}
