import type { ResourceDeclaration } from './hcl-config.js';
import { known, valueOf, type Evaluated } from './hcl-evaluated.js';
import type { Bindings } from './hcl-evaluate.js';
import { instanceSuffix, type ModuleScope } from './hcl-scope.js';
import { ObjectReference } from './hcl-values.js';

/** Resource types whose resource name is not in `name` (the default). */
const IDENTITY_ATTRIBUTE: Readonly<Record<string, string>> = {
  // registry.terraform.io/providers/hashicorp/google/latest/docs/resources/secret_manager_secret: id is projects/{{project}}/secrets/{{secret_id}}
  google_secret_manager_secret: 'secret_id',
};

/**
 * `id`, `self_link` and `name` all end in the resource's name (`projects/p/global/networks/vpc`),
 * and the mapping keeps only last path segments, so the configured name stands for all three.
 */
const NAME_LIKE = new Set(['id', 'self_link', 'name']);

/**
 * A resource of the same module as a value (`google_compute_network.vpc`): its attributes are its
 * configured values where the configuration says them, otherwise unknown (known only after
 * apply). Reading any attribute refers to the resource.
 */
export function resourceValue(scope: ModuleScope, declared: ResourceDeclaration): unknown {
  const address = scope.prefix + `${declared.type}.${declared.name}`;
  const instances = scope.instances(declared.body);
  const instance = (suffix: string, bindings: Bindings, standsForInstances = false): ObjectReference =>
    new ObjectReference(
      address + suffix,
      (attribute) => {
        const result = attributeValue(scope, declared, { address: address + suffix, bindings }, attribute);
        // As Terraform lists references: the attribute read, and the instance it belongs to.
        return { value: valueOf(result), refs: [...result.refs, `${address}${suffix}.${attribute}`, address + suffix] };
      },
      standsForInstances,
    );
  switch (instances.kind) {
    case 'none':
      // No instance: as in Terraform, an empty tuple (count) or an empty object (for_each).
      return 'count' in declared.body ? [] : {};
    case 'single':
      return instance('', new Map());
    case 'unknown':
      return instance('', instances.bindings, true);
    case 'expanded': {
      const all = instances.instances.map((i) => ({ key: i.key, value: instance(instanceSuffix(i.key), i.bindings) }));
      return 'count' in declared.body ? all.map((i) => i.value) : Object.fromEntries(all.map((i) => [String(i.key), i.value]));
    }
    default:
      return instances satisfies never;
  }
}

/** One instance of a declared resource: its address and what `count`/`each` stand for in it. */
export interface ResourceInstance {
  readonly address: string;
  readonly bindings: Bindings;
}

function attributeValue(scope: ModuleScope, declared: ResourceDeclaration, instance: ResourceInstance, attribute: string): Evaluated {
  const afterApply: Evaluated = { kind: 'unknown', reason: `known only after apply (${instance.address}.${attribute})`, refs: [] };
  if (NAME_LIKE.has(attribute)) return configured(scope, declared, instance, IDENTITY_ATTRIBUTE[declared.type] ?? 'name') ?? afterApply;
  if (declared.type === 'google_sql_database_instance' && attribute === 'connection_name') {
    return connectionName(scope, declared, instance) ?? afterApply;
  }
  return configured(scope, declared, instance, attribute) ?? afterApply;
}

/** A resource argument as configured (Terraform's value for it when it is not computed). */
function configured(scope: ModuleScope, declared: ResourceDeclaration, instance: ResourceInstance, attribute: string): Evaluated | undefined {
  if (!Object.hasOwn(declared.body, attribute)) return undefined;
  return scope.guard(`${instance.address.slice(scope.prefix.length)}.${attribute}`, () => scope.evaluate(declared.body[attribute], instance.bindings));
}

/**
 * Cloud SQL's connection name is `PROJECT:REGION:INSTANCE` (cloud.google.com/sql/docs/postgres/connect-run):
 * known before apply when the instance's name, region and project (its own or the provider's) are.
 */
function connectionName(scope: ModuleScope, declared: ResourceDeclaration, instance: ResourceInstance): Evaluated | undefined {
  const parts = [
    configured(scope, declared, instance, 'project') ?? googleProviderSetting(scope.root, 'project'),
    configured(scope, declared, instance, 'region') ?? googleProviderSetting(scope.root, 'region'),
    configured(scope, declared, instance, 'name'),
  ];
  const values = parts.map((p) => (p?.kind === 'known' && typeof p.value === 'string' ? p.value : undefined));
  if (!values.every((v) => v !== undefined)) return undefined;
  return known(values.join(':'), [...new Set(parts.flatMap((p) => p?.refs ?? []))]);
}

/**
 * A setting of the root module's default `google` provider (or `google-beta` when there is no
 * `google`): child modules inherit it.
 */
export function googleProviderSetting(root: ModuleScope, setting: 'project' | 'region'): Evaluated | undefined {
  const body = root.config.providers.get('google') ?? root.config.providers.get('google-beta');
  if (!body || !Object.hasOwn(body, setting)) return undefined;
  return root.guard(`provider.google.${setting}`, () => root.evaluate(body[setting]));
}
