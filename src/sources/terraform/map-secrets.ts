import type { MappingContext } from './map-context.js';
import { isBoolean, isString, lastSegment, read, type Read, type ResourcesOfType } from './map-read.js';
import type { TerraformResource } from './resource.js';

/**
 * Secret Manager secrets and their versions (google_secret_manager_secret,
 * google_secret_manager_secret_version: registry.terraform.io/providers/hashicorp/google/latest/docs/resources/secret_manager_secret_version).
 * A version's number is Google's to assign, so a version the plan creates makes the secret's list
 * of versions unknown; a secret with no version resource at all may still have versions added
 * outside Terraform, so its list is unknown too.
 */

interface SecretPlace {
  readonly index: number;
  readonly versions: string[];
  unknown: string | undefined;
}

export function mapSecrets(ctx: MappingContext, ofType: ResourcesOfType): void {
  const secrets = new Map<string, SecretPlace>();
  const place = (name: string, r: TerraformResource, attribute: readonly (string | number)[]): SecretPlace => {
    let found = secrets.get(name);
    if (found === undefined) {
      found = { index: ctx.lists.secrets.push({ name }) - 1, versions: [], unknown: undefined };
      secrets.set(name, found);
      ctx.record(['secrets', found.index], r, attribute);
    }
    return found;
  };
  for (const r of ofType('google_secret_manager_secret')) {
    const name = ctx.ownName(r);
    if (name === undefined) continue;
    const found = place(name, r, []);
    ctx.record(['secrets', found.index], r);
    ctx.record(['secrets', found.index, 'name'], r, ['secret_id']);
  }
  for (const r of ofType('google_secret_manager_secret_version')) {
    const secret = ctx.required(r, r.address, ['secret'], ctx.nameAt(r, ['secret'], ['google_secret_manager_secret']));
    if (secret === undefined) continue;
    const found = place(secret, r, ['secret']);
    const enabled = read(r, ['enabled'], isBoolean);
    if (enabled.kind === 'known' && !enabled.value) continue;
    const version = versionId(r);
    if (version.kind === 'known') {
      found.versions.push(version.value);
      ctx.record(['secrets', found.index, 'versions', found.versions.length - 1], r, [read(r, ['version'], isString).kind === 'known' ? 'version' : 'name']);
    } else {
      found.unknown ??= version.kind === 'unknown' ? version.reason : `${r.address} has no version number`;
      ctx.record(['secrets', found.index, 'versions'], r);
    }
  }
  for (const found of secrets.values()) {
    const entry = ctx.lists.secrets[found.index];
    if (entry === undefined) continue;
    const reason =
      found.unknown ?? (found.versions.length === 0 ? 'no google_secret_manager_secret_version for it in the input; versions added outside Terraform are not visible' : undefined);
    if (reason === undefined) {
      entry.versions = found.versions;
      continue;
    }
    entry.versions = 'unknown';
    ctx.unknown(['secrets', found.index, 'versions'], reason);
  }
}

/** The version number: the `version` attribute, or the last segment of `name` (…/versions/N). */
function versionId(r: TerraformResource): Read<string> {
  const version = read(r, ['version'], isString);
  if (version.kind === 'known') return version;
  const name = read(r, ['name'], isString);
  return name.kind === 'known' ? { kind: 'known', value: lastSegment(name.value) } : name;
}
