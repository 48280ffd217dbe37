import { Draft } from './draft.js';
import type { DatabaseInput } from './model.js';
import type { CommandReader } from './reader.js';
import { asCidr, dictItem, listItems, resourceName, splitList } from './values.js';
import { describeUnknown, firstUnknown, literalText } from './words.js';

const ENGINES: readonly (readonly [prefix: string, engine: NonNullable<DatabaseInput['engine']>])[] = [
  ['POSTGRES_', 'postgres'],
  ['MYSQL_', 'mysql'],
  ['SQLSERVER_', 'sqlserver'],
];

/** `--ssl-mode` values (cloud.google.com/sql/docs/postgres/configure-ssl-instance): all but the first refuse unencrypted connections. */
const SSL_MODES: Readonly<Record<string, boolean>> = {
  ALLOW_UNENCRYPTED_AND_ENCRYPTED: false,
  ENCRYPTED_ONLY: true,
  TRUSTED_CLIENT_CERTIFICATE_REQUIRED: true,
};

/**
 * `gcloud sql instances create|patch INSTANCE` (cloud.google.com/sdk/gcloud/reference/sql/instances/create).
 * `patch` changes only what it names; `create` also says what gcloud does by default where the
 * model's default would differ: a public IP unless `--no-assign-ip`, and MySQL 8.0 without
 * `--database-version`.
 */
export function applySqlInstance(r: CommandReader): void {
  const resource = r.resource('instance');
  if (resource === undefined) return;
  const label = `databases[${resource.name}]`;
  const create = r.command.path.at(-1) === 'create';
  const db = r.model.databases.get(resource.name) ?? new Draft<DatabaseInput>(resource.name, r.located(r.command.at), r.model);
  r.model.databases.set(resource.name, db);
  const text = (name: string, field: string): { value: string; at: ReturnType<CommandReader['located']> } | undefined => {
    const flag = r.last(name);
    const value = flag === undefined ? undefined : r.value(flag, `${label}.${field}`);
    return flag === undefined || value === undefined ? undefined : { value, at: r.located(flag.at) };
  };

  const version = text('database-version', 'engine');
  const engine = version === undefined ? undefined : ENGINES.find(([prefix]) => version.value.startsWith(prefix))?.[1];
  if (version !== undefined && engine === undefined) r.fail(version.at, `--database-version: expected a version such as POSTGRES_16, MYSQL_8_0 or SQLSERVER_2022_STANDARD, got "${version.value}"`);
  if (version !== undefined && engine !== undefined) db.set('engine', engine, version.at);
  if (create && r.last('database-version') === undefined) {
    // Documented default: --database-version=DATABASE_VERSION; default="MYSQL_8_0".
    db.set('engine', 'mysql', r.located(r.command.at));
    r.note(`${label}.engine: no --database-version; gcloud creates MYSQL_8_0`);
  }
  const tier = text('tier', 'tier');
  if (tier !== undefined) db.set('tier', tier.value, tier.at);
  const region = r.region(undefined, `${label}.region`);
  if (region !== undefined) db.set('region', region.value, region.at);

  const network = text('network', 'privateNetwork');
  if (network !== undefined) {
    db.set('privateNetwork', resourceName(network.value), network.at);
    db.setUnknown('privateIp', `allocated by Google when \`${r.title}\` gives the instance a private IP on ${resourceName(network.value)}`, network.at);
  }
  const assign = r.command.flags.filter((f) => f.name === 'assign-ip' || f.name === 'no-assign-ip').pop();
  if (assign?.name === 'no-assign-ip') {
    db.set('ipv4Enabled', false, r.located(assign.at));
    db.set('publicIp', null, r.located(assign.at));
  } else if (assign !== undefined || create) {
    // A new instance gets a public IP unless --no-assign-ip (fact cloudsql-public-ip-default): it
    // has one, whose address Google assigns.
    const why = assign === undefined ? `\`${r.title}\` assigns a public IP unless --no-assign-ip` : '--assign-ip gives the instance a public IP';
    db.set('ipv4Enabled', true, r.located(assign?.at ?? r.command.at));
    db.setUnknown('publicIp', `${why}; its address is allocated by Google`, r.located(assign?.at ?? r.command.at));
  }

  const ssl = r.command.flags.filter((f) => f.name === 'require-ssl' || f.name === 'no-require-ssl').pop();
  if (ssl !== undefined) db.set('requireSsl', ssl.name === 'require-ssl', r.located(ssl.at));
  const mode = text('ssl-mode', 'requireSsl');
  const required = mode === undefined ? undefined : SSL_MODES[mode.value];
  if (mode !== undefined && required === undefined) r.fail(mode.at, `--ssl-mode: expected ${Object.keys(SSL_MODES).join(', ')}, got "${mode.value}"`);
  if (mode !== undefined && required !== undefined) db.set('requireSsl', required, mode.at);

  const clearNetworks = r.last('clear-authorized-networks');
  if (clearNetworks !== undefined) db.setList('authorizedNetworks', [], r.located(clearNetworks.at));
  const networks = text('authorized-networks', 'authorizedNetworks');
  if (networks !== undefined) db.setList('authorizedNetworks', splitList(networks.value).map((cidr) => ({ value: { cidr: asCidr(cidr) }, at: networks.at })), networks.at);

  applyDatabaseFlags(r, db, label);
}

/** `--database-flags=max_connections=200,…` replaces the instance's flags; `--clear-database-flags` removes them. */
function applyDatabaseFlags(r: CommandReader, db: Draft<DatabaseInput>, label: string): void {
  const clear = r.last('clear-database-flags');
  if (clear !== undefined) db.clearEntries('flags', r.located(clear.at));
  const flag = r.last('database-flags');
  if (flag === undefined) return;
  if (flag.value === undefined) {
    r.fail(flag.at, '--database-flags: expected FLAG=VALUE pairs after the flag');
    return;
  }
  db.clearEntries('flags', r.located(flag.at));
  for (const [index, item] of listItems(flag.value.pieces).entries()) {
    const parsed = dictItem(item);
    if (parsed === undefined) {
      const unknown = firstUnknown(item);
      if (unknown !== undefined) r.note(`${label}.flags: part of --database-flags is given by ${describeUnknown(unknown)}; not imported`);
      else r.fail(flag.value.at, `--database-flags: expected FLAG=VALUE pairs separated by "," (item ${index + 1} has no "=")`);
      continue;
    }
    const value = literalText(parsed.value);
    if (value !== undefined) db.setEntry('flags', parsed.key, value, r.located(flag.at));
    else r.note(`${label}.flags.${parsed.key}: its value is given by ${describeUnknown(firstUnknown(parsed.value) ?? r.unknownOf(flag))}; not imported`);
  }
}
