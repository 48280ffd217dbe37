import { isUnknown, type Origin, type Topology } from './topology.js';

/**
 * Why a value is unknown, as a category a person can act on. Importers say why in words (their
 * reasons are written for people); these are the words they use.
 */
export type UnknownCause =
  | 'after-apply'
  | 'ci-secret'
  | 'module-not-resolved'
  | 'variable-without-value'
  | 'expression-not-evaluated'
  | 'run-time'
  | 'conflicting-branches'
  | 'not-described'
  | 'not-given';

/** Each cause: how it reads in a report, and where the value would come from. */
export const UNKNOWN_CAUSES: Readonly<Record<UnknownCause, { readonly title: string; readonly where: string }>> = {
  'after-apply': { title: 'known only after apply', where: 'a plan of the applied state, or the value in a topology fragment' },
  'ci-secret': { title: 'from a CI secret', where: 'the CI secret: give its value (not a credential) in a topology fragment or lifeline.yaml input' },
  'module-not-resolved': { title: 'module not resolved', where: 'run `terraform init` so .terraform/modules holds the module, or describe what it creates' },
  'variable-without-value': { title: 'variable without a value', where: 'a tfvars file, --var-file, or a default' },
  'expression-not-evaluated': { title: 'expression not evaluated', where: 'the value itself in a topology fragment' },
  'run-time': { title: 'read at run time', where: 'the environment of the deploy: give the value in a topology fragment' },
  'conflicting-branches': { title: 'set differently on two branches', where: 'one branch of the script, or a topology fragment' },
  'not-described': { title: 'not described in the inputs', where: 'the file that creates it (Terraform, gcloud) or a topology fragment describing it' },
  'not-given': { title: 'not given', where: 'the configuration that sets it, or a topology fragment' },
};

// Order matters: "known after apply" reasons often name a variable or a module too.
const CAUSE_WORDS: readonly (readonly [UnknownCause, RegExp])[] = [
  ['after-apply', /known after apply|after apply/i],
  ['ci-secret', /\bsecrets?\.|ci secret|from a secret/i],
  ['module-not-resolved', /module\b.*\b(not (resolved|fetched|found|read)|unresolved)/i],
  ['variable-without-value', /(variable|\bvar\.[\w-]+)\b.*\b(no value|without a value|not set|has no default)/i],
  ['expression-not-evaluated', /not evaluated|cannot be evaluated|not evaluate/i],
  ['conflicting-branches', /may not both run|both (branches|set)|two commands/i],
  ['run-time', /run[ -]?time|environment variable|not defined in the script|from the environment|\$\{?[A-Z_]+\}? is not set/i],
  ['not-described', /not described/i],
];

/** The category of an unknown value, from the reason its importer gave. */
export function unknownCause(reason: string): UnknownCause {
  for (const [cause, words] of CAUSE_WORDS) if (words.test(reason)) return cause;
  return 'not-given';
}

/** A value the model holds as unknown, wherever it is. */
export interface UnknownInModel {
  readonly key: string;
  readonly subject: string;
  readonly reason: string;
  readonly origin: Origin;
}

interface Named {
  readonly name: string;
  readonly origin: Origin;
}

/**
 * Every unknown value in the model, keyed like the engine keys the unknowns it meets
 * (`database:orders-db.publicIp`), so a report can say which of them decided no verdict.
 */
export function unknownsInModel(topology: Topology): UnknownInModel[] {
  const found: UnknownInModel[] = [];
  const visit = (kind: string, entity: Named, value: unknown, path: string): void => {
    if (isUnknown(value)) {
      found.push({ key: `${kind}:${entity.name}.${path}`, subject: `${kind} ${entity.name}: ${path}`, reason: value.reason, origin: entity.origin });
      return;
    }
    // Entities nest only shallowly (NATs in routers in networks); origins and lists of values are leaves.
    if (typeof value !== 'object' || value === null || path.endsWith('origin')) return;
    if (Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) if (k !== 'origin') visit(kind, entity, v, path === '' ? k : `${path}.${k}`);
  };
  const each = (kind: string, entities: Iterable<Named>): void => {
    for (const entity of entities) visit(kind, entity, entity, '');
  };
  for (const network of topology.networks.values()) {
    visit('network', network, network.privateServicesAccess, 'privateServicesAccess');
    visit('network', network, network.googleApisDns, 'googleApisDns');
    for (const router of network.routers) for (const nat of router.nats) visit('nat', nat, nat.natIps, 'natIps');
  }
  each('address', topology.addresses.values());
  each('connector', topology.connectors.values());
  each('database', topology.databases.values());
  each('cache', topology.caches.values());
  each('secret', topology.secrets.values());
  for (const service of topology.services) {
    visit('service', service, service.egress, 'egress');
    visit('service', service, service.region, 'region');
  }
  return found;
}
