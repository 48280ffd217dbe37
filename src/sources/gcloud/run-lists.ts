import type { Draft, Slot } from './draft.js';
import type { FlagUse } from './flags.js';
import type { ServiceInput } from './model.js';
import type { CommandReader } from './reader.js';
import { dictItem, listItems, resourceName, splitList, type DictItem } from './values.js';
import { describeUnknown, firstUnknown, literalText } from './words.js';

type SecretRef = NonNullable<ServiceInput['secrets']>[number];

/**
 * `--set-/--add-/--remove-/--clear-cloudsql-instances`. A `gcloud run deploy` may update a
 * service that already exists, so `--add` and `--remove` change a list the script does not show:
 * what can be known is kept, and a note says the rest is not.
 */
export function applyCloudSqlInstances(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const where = `${label}.cloudSqlInstances`;
  const connectionName = (instance: string): string => {
    if (instance.includes(':')) return instance;
    // An instance name alone is one in the service's own project and region (gcloud run deploy reference).
    const project = r.project()?.value;
    const region = service.get('region');
    return project !== undefined && region !== undefined ? `${project}:${region}:${instance}` : instance;
  };
  const names = (flag: FlagUse): Slot[] | undefined => {
    const value = r.value(flag, where);
    return value === undefined ? undefined : splitList(value).map((n) => ({ value: connectionName(n), at: r.located(flag.at) }));
  };
  const clear = r.last('clear-cloudsql-instances');
  if (clear !== undefined) service.setList('cloudSqlInstances', [], r.located(clear.at));
  const set = r.last('set-cloudsql-instances');
  const setItems = set === undefined ? undefined : names(set);
  if (set !== undefined && setItems !== undefined) service.setList('cloudSqlInstances', setItems, r.located(set.at));
  for (const flag of r.all('remove-cloudsql-instances')) {
    const removed = new Set(names(flag)?.map((s) => s.value));
    const existing = service.list('cloudSqlInstances');
    if (existing === undefined) r.note(`${where}: --remove-cloudsql-instances removes instances from a list ${r.file} does not show`);
    else service.setList('cloudSqlInstances', existing.filter((s) => !removed.has(s.value)), r.located(flag.at));
  }
  for (const flag of r.all('add-cloudsql-instances')) {
    const added = names(flag);
    if (added === undefined) continue;
    const existing = service.list('cloudSqlInstances');
    if (existing === undefined) r.note(`${where}: --add-cloudsql-instances adds to the instances the service may already have, which ${r.file} does not show; only the added ones are listed`);
    const known = new Set(existing?.map((s) => s.value));
    service.setList('cloudSqlInstances', [...(existing ?? []), ...added.filter((s) => !known.has(s.value))], r.located(flag.at));
  }
}

/** `--set-env-vars` (replaces), `--update-env-vars` (merges), `--remove-env-vars`, `--clear-env-vars`, `--env-vars-file`. */
export function applyEnv(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const clear = r.last('clear-env-vars') ?? r.all('set-env-vars')[0];
  if (clear !== undefined) service.clearEntries('env', r.located(clear.at));
  for (const flag of r.all('remove-env-vars')) {
    const value = r.value(flag, `${label}.env`);
    for (const key of value === undefined ? [] : splitList(value)) service.deleteEntry('env', key, r.located(flag.at));
  }
  let hidden: FlagUse | undefined;
  for (const flag of [...r.all('set-env-vars'), ...r.all('update-env-vars')]) {
    if (flag.name === 'update-env-vars' && service.entries('env') === undefined) {
      r.note(`${label}.env: --update-env-vars keeps the variables the service may already have, which ${r.file} does not show`);
    }
    const read = items(r, flag, `${label}.env`, 'KEY=VALUE');
    if (read.hidden) hidden = flag;
    for (const item of read.items) {
      const value = literalText(item.value);
      if (value !== undefined) {
        service.setEntry('env', item.key, value, r.located(flag.at));
        continue;
      }
      // Unknown, not absent: a DATABASE_URL from a secret is still a connection. Only the unknown
      // part is named: the rest of the value may be a password.
      service.setEntryUnknown('env', item.key, `its value is given by ${describeUnknown(firstUnknown(item.value) ?? r.unknownOf(flag))}`, r.located(flag.at));
    }
  }
  // An empty env would say the service has none; with variables the script does not show, it is left out.
  if (hidden !== undefined && service.entries('env')?.size === 0 && r.last('clear-env-vars') === undefined) service.deleteEntries('env', r.located(hidden.at));
  const file = r.last('env-vars-file');
  if (file !== undefined) {
    service.deleteEntries('env', r.located(file.at));
    r.note(`${label}.env: --env-vars-file is not read; the variables it sets are not imported`);
  }
}

/**
 * `--set-secrets` / `--update-secrets` (`ENV=SECRET:VERSION`, `/mount/path=SECRET:VERSION`;
 * SECRET may be `projects/P/secrets/NAME`), `--remove-secrets`, `--clear-secrets`.
 */
export function applySecrets(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const where = `${label}.secrets`;
  const clear = r.last('clear-secrets') ?? r.all('set-secrets')[0];
  if (clear !== undefined) service.setList('secrets', [], r.located(clear.at));
  const keyOf = (ref: unknown): string | undefined => (ref as SecretRef).env ?? (ref as SecretRef).mount;
  const without = (keys: ReadonlySet<string>): Slot[] => (service.list('secrets') ?? []).filter((s) => !keys.has(keyOf(s.value) ?? ''));
  for (const flag of r.all('remove-secrets')) {
    const value = r.value(flag, where);
    if (value !== undefined) service.setList('secrets', without(new Set(splitList(value))), r.located(flag.at));
  }
  let hidden: FlagUse | undefined;
  for (const flag of [...r.all('set-secrets'), ...r.all('update-secrets')]) {
    if (flag.name === 'update-secrets' && service.list('secrets') === undefined) {
      r.note(`${where}: --update-secrets keeps the secrets the service may already have, which ${r.file} does not show`);
    }
    const read = items(r, flag, where, 'ENV=SECRET:VERSION or /path=SECRET:VERSION');
    if (read.hidden) hidden = flag;
    for (const item of read.items) {
      const value = literalText(item.value);
      if (value === undefined) {
        hidden = flag;
        r.note(`${where}: ${item.key} is given by ${describeUnknown(firstUnknown(item.value) ?? r.unknownOf(flag))}; not imported`);
        continue;
      }
      const colon = value.lastIndexOf(':');
      const secret = resourceName(colon === -1 ? value : value.slice(0, colon));
      const ref: SecretRef = item.key.startsWith('/') ? { mount: item.key, secret } : { env: item.key, secret };
      if (colon !== -1) ref.version = value.slice(colon + 1);
      service.setList('secrets', [...without(new Set([item.key])), { value: ref, at: r.located(flag.at) }], r.located(flag.at));
    }
  }
  if (hidden !== undefined && service.list('secrets')?.length === 0 && r.last('clear-secrets') === undefined) service.deleteList('secrets', r.located(hidden.at));
}

/**
 * The `KEY=VALUE` items of a dictionary flag; a malformed item is a located problem, an item the
 * script leaves to run time a note (`hidden` says there was one).
 */
function items(r: CommandReader, flag: FlagUse, where: string, shape: string): { items: DictItem[]; hidden: boolean } {
  if (flag.value === undefined) {
    r.fail(flag.at, `--${flag.name}: expected ${shape} pairs after the flag`);
    return { items: [], hidden: false };
  }
  const out: DictItem[] = [];
  let hidden = false;
  for (const [index, item] of listItems(flag.value.pieces).entries()) {
    if (item[0]?.kind === 'unknown') {
      hidden = true;
      r.note(`${where}: part of --${flag.name} is given by ${describeUnknown(item[0])}; what it sets is not imported`);
      continue;
    }
    const parsed = dictItem(item);
    if (parsed !== undefined) {
      out.push(parsed);
      continue;
    }
    // The item is named by number, never quoted: it may hold a password.
    r.fail(flag.value.at, `--${flag.name}: expected ${shape} pairs separated by "," (item ${index + 1} has no "="); to put a "," inside a value, start the list with ^DELIM^ (see \`gcloud topic escaping\`)`);
    return { items: [], hidden };
  }
  return { items: out, hidden };
}
