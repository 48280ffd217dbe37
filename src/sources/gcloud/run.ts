import { Draft } from './draft.js';
import type { FlagUse } from './flags.js';
import type { ServiceInput } from './model.js';
import type { CommandReader } from './reader.js';
import { applyCloudSqlInstances, applyEnv, applySecrets } from './run-lists.js';
import { parseCount, parseDuration, resourceName, splitList } from './values.js';
import { describeUnknown, literalText } from './words.js';

/** Scaling and request settings: flag → field, how the value reads, what it is called in errors. */
const NUMBERS = [
  { flag: 'min-instances', field: 'minInstances', parse: parseCount, expected: 'a whole number of instances' },
  { flag: 'max-instances', field: 'maxInstances', parse: parseCount, expected: 'a whole number of instances' },
  { flag: 'concurrency', field: 'concurrency', parse: parseCount, expected: 'a whole number of requests' },
  { flag: 'timeout', field: 'timeoutSeconds', parse: parseDuration, expected: 'seconds, or a duration such as 300s, 5m or 1h' },
] as const;

/** Flags that size the container; the topology has no place for them. */
const NOT_MODELLED = ['cpu', 'memory'];

/**
 * `gcloud run deploy SERVICE` and `gcloud run services update SERVICE`
 * (cloud.google.com/sdk/gcloud/reference/run/deploy): region, connector or Direct VPC egress,
 * Cloud SQL instances, env vars, secrets, scaling and the request timeout.
 */
export function applyRunService(r: CommandReader): void {
  applyWorkload(r, 'service');
}

/**
 * `gcloud run jobs deploy|create|update JOB` (cloud.google.com/sdk/gcloud/reference/run/jobs/deploy):
 * the same network, env, secret and Cloud SQL flags as a service; tasks run at most
 * `--parallelism` at a time (all `--tasks` when it is not given), one thing per instance, with no
 * request timeout and no startup probe.
 */
export function applyRunJob(r: CommandReader): void {
  applyWorkload(r, 'job');
}

/**
 * `gcloud functions deploy NAME` (cloud.google.com/sdk/gcloud/reference/functions/deploy): a
 * Cloud Run function, 2nd gen (the default; `--no-gen2` deploys a 1st gen function, which is not
 * a Cloud Run service and is left out). `--vpc-connector` and `--egress-settings`
 * (`private-ranges-only` or `all`) set its VPC egress.
 */
export function applyFunction(r: CommandReader): void {
  const noGen2 = r.last('no-gen2');
  if (noGen2 !== undefined) {
    const name = r.command.args[0] === undefined ? undefined : literalText(r.command.args[0].pieces);
    r.note(`${r.file}:${noGen2.at.line}: gcloud functions deploy ${name ?? ''} --no-gen2 deploys a 1st gen function, which is not in the model; it is left out`);
    return;
  }
  applyWorkload(r, 'function');
}

function applyWorkload(r: CommandReader, workload: 'service' | 'job' | 'function'): void {
  const resource = r.resource(workload === 'service' ? 'service' : workload);
  if (resource === undefined) return;
  const label = `services[${resource.name}]`;
  const service = r.model.services.get(resource.name) ?? new Draft<ServiceInput>(resource.name, r.located(r.command.at), r.model);
  r.model.services.set(resource.name, service);
  if (workload !== 'service') service.set('workload', workload, r.located(r.command.at));
  const region = r.region('run/region', `${label}.region`);
  if (region !== undefined) service.set('region', region.value, region.at);
  else {
    // --region given at run time (a CI secret, an unset variable) is unknown: never the region of some other input.
    const flag = r.last('region');
    if (flag?.value !== undefined) service.setUnknown('region', `--region is given by ${describeUnknown(r.unknownOf(flag))}`, r.located(flag.at));
  }
  applyConnector(r, service, label);
  applyEgress(r, service, workload === 'function' ? 'egress-settings' : 'vpc-egress');
  applyDirectVpc(r, service, label);
  applyCloudSqlInstances(r, service, label);
  applyEnv(r, service, label);
  applySecrets(r, service, label);
  if (workload === 'job') {
    applyJobScale(r, service, label);
    return;
  }
  for (const { flag: name, field, parse, expected } of NUMBERS) {
    const flag = r.last(name);
    const value = flag === undefined ? undefined : r.value(flag, `${label}.${field}`, 'not imported, so the schema default applies');
    if (flag === undefined || value === undefined) continue;
    if (value === 'default') {
      r.note(`${label}.${field}: --${name} default resets it; the schema default applies`);
      service.delete(field, r.located(flag.at));
      continue;
    }
    const parsed = parse(value);
    if (parsed === undefined) r.fail(flag.value?.at ?? flag.at, `--${name}: expected ${expected}, got "${value}"`);
    else service.set(field, parsed, r.located(flag.at));
  }
  for (const name of NOT_MODELLED) {
    const flag = r.last(name);
    const value = flag?.value === undefined ? undefined : literalText(flag.value.pieces);
    if (flag !== undefined) r.note(`${label}: --${name}${value === undefined ? '' : ` ${value}`} is not modelled; ignored`);
  }
}

function applyConnector(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const clear = r.last('clear-vpc-connector');
  if (clear !== undefined) {
    service.delete('connector', r.located(clear.at));
    r.note(`${label}.connector: --clear-vpc-connector removes the service's connector`);
  }
  const flag = r.last('vpc-connector');
  const value = flag === undefined ? undefined : r.value(flag, `${label}.connector`);
  // `--vpc-connector` takes a name or projects/P/locations/R/connectors/NAME.
  if (flag !== undefined && value !== undefined) service.set('connector', resourceName(value), r.located(flag.at));
}

/**
 * `--vpc-egress`: `all-traffic` (or its older spelling `all`) sends every destination into the
 * VPC; `private-ranges-only` only RFC 1918 and friends. An egress the script leaves to run time is
 * `unknown`, never a default: it is the setting the incident turned on.
 */
function applyEgress(r: CommandReader, service: Draft<ServiceInput>, name: 'vpc-egress' | 'egress-settings'): void {
  const flag = r.last(name);
  if (flag === undefined) return;
  if (flag.value !== undefined && literalText(flag.value.pieces) === undefined) {
    service.setUnknown('egress', `--${name} is given by ${describeUnknown(r.unknownOf(flag))}`, r.located(flag.at));
    return;
  }
  const value = r.value(flag, 'services.egress');
  if (value === undefined) return;
  const all = name === 'egress-settings' ? ['all'] : ['all', 'all-traffic'];
  const egress = all.includes(value) ? 'all-traffic' : value === 'private-ranges-only' ? value : undefined;
  const expected = name === 'egress-settings' ? 'all or private-ranges-only' : 'all-traffic or private-ranges-only';
  if (egress === undefined) r.fail(flag.value?.at ?? flag.at, `--${name}: expected ${expected}, got "${value}"`);
  else service.set('egress', egress, r.located(flag.at));
}

/** A job's instances: `--parallelism` tasks at once (0, the default, runs them all), else `--tasks`; one task per instance. */
function applyJobScale(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const parallelism = r.last('parallelism');
  const tasks = r.last('tasks');
  const count = (flag: FlagUse | undefined, field: string): number | undefined => {
    const value = flag === undefined ? undefined : r.value(flag, `${label}.${field}`, 'not imported, so the schema default applies');
    if (flag === undefined || value === undefined) return undefined;
    const parsed = parseCount(value);
    if (parsed === undefined) r.fail(flag.value?.at ?? flag.at, `--${flag.name}: expected a whole number of tasks, got "${value}"`);
    return parsed;
  };
  const atOnce = count(parallelism, 'maxInstances');
  const all = count(tasks, 'maxInstances');
  const chosen = atOnce !== undefined && atOnce > 0 ? { n: atOnce, flag: parallelism } : all !== undefined && all > 0 ? { n: all, flag: tasks } : undefined;
  if (chosen?.flag !== undefined) service.set('maxInstances', chosen.n, r.located(chosen.flag.at));
  service.set('concurrency', 1, r.located(r.command.at));
}

/** `--network`, `--subnet`, `--network-tags`: Direct VPC egress (cloud.google.com/run/docs/configuring/vpc-direct-vpc). */
function applyDirectVpc(r: CommandReader, service: Draft<ServiceInput>, label: string): void {
  const clear = r.last('clear-network');
  if (clear !== undefined) service.deleteEntries('directVpc', r.located(clear.at));
  const set = (flag: FlagUse | undefined, key: string, toValue: (text: string) => unknown): void => {
    const value = flag === undefined ? undefined : r.value(flag, `${label}.directVpc.${key}`);
    if (flag !== undefined && value !== undefined) service.setEntry('directVpc', key, toValue(value), r.located(flag.at));
  };
  set(r.last('network'), 'network', resourceName);
  set(r.last('subnet'), 'subnet', resourceName);
  const clearTags = r.last('clear-network-tags');
  if (clearTags !== undefined) service.setEntry('directVpc', 'tags', [], r.located(clearTags.at));
  set(r.last('network-tags'), 'tags', splitList);
}
