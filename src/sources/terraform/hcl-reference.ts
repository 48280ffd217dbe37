import type { ResourceDeclaration } from './hcl-config.js';
import { combine, followSteps, known, unknown, withRefs, type Evaluated } from './hcl-evaluated.js';
import type { ModuleScope } from './hcl-scope.js';
import type { TraversalStep } from './hcl-template.js';

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
 * A reference to a resource of the same module (`google_compute_network.vpc.id`,
 * `google_sql_database_instance.main[0].private_ip_address`): its configured value when the
 * configuration says it, otherwise unknown (known only after apply). Always refers to the resource.
 */
export function referenceResource(scope: ModuleScope, type: string, steps: readonly TraversalStep[]): Evaluated {
  const [first, ...after] = steps;
  if (first?.kind !== 'attribute') return unknown(`${type} is not a reference Lifeline can evaluate`);
  const key = `${type}.${first.name}`;
  const address = scope.prefix + key;
  const declared = scope.config.resources.get(key);
  if (!declared) return unknown(`${address} is not declared in ${scope.config.dir}`);
  const instances = scope.instances(declared.body);
  if (instances.kind === 'none') return unknown(`${address} is not created (${instances.reason})`, [address]);
  // count/for_each instances are read as one: `[0]` / `["key"]` selects it.
  const rest = after[0]?.kind === 'index' ? after.slice(1) : after;
  const [attribute, ...deeper] = rest;
  if (attribute?.kind !== 'attribute') return unknown(`known only after apply (${address})`, [address]);
  const value = attributeValue(scope, declared, address, attribute.name);
  return withRefs(followSteps(value, `${address}.${attribute.name}`, deeper, (path) => `known only after apply (${path})`), [address]);
}

function attributeValue(scope: ModuleScope, declared: ResourceDeclaration, address: string, attribute: string): Evaluated {
  const afterApply = unknown(`known only after apply (${address}.${attribute})`);
  if (NAME_LIKE.has(attribute)) return configured(scope, declared, IDENTITY_ATTRIBUTE[declared.type] ?? 'name') ?? afterApply;
  if (declared.type === 'google_sql_database_instance' && attribute === 'connection_name') {
    return connectionName(scope, declared) ?? afterApply;
  }
  return configured(scope, declared, attribute) ?? afterApply;
}

/** A resource argument as configured (Terraform's value for it when it is not computed). */
function configured(scope: ModuleScope, declared: ResourceDeclaration, attribute: string): Evaluated | undefined {
  if (!Object.hasOwn(declared.body, attribute)) return undefined;
  return scope.guard(`${declared.type}.${declared.name}.${attribute}`, () => scope.evaluate(declared.body[attribute]));
}

/**
 * Cloud SQL's connection name is `PROJECT:REGION:INSTANCE` (cloud.google.com/sql/docs/postgres/connect-run):
 * known before apply when the instance's name, region and project (its own or the provider's) are.
 */
function connectionName(scope: ModuleScope, declared: ResourceDeclaration): Evaluated | undefined {
  const project = configured(scope, declared, 'project') ?? googleProviderSetting(scope.root, 'project');
  const region = configured(scope, declared, 'region') ?? googleProviderSetting(scope.root, 'region');
  const name = configured(scope, declared, 'name');
  if (!project || !region || !name) return undefined;
  const joined = combine([project, region, name], (values) => values);
  if (joined.kind === 'unknown' || !Array.isArray(joined.value) || !joined.value.every((v) => typeof v === 'string')) return undefined;
  return known(joined.value.join(':'), joined.refs);
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
