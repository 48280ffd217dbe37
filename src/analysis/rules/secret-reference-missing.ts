import type { SecretRef, Service } from '../../model/topology.js';
import type { Rule } from './rule.js';

const SECRETS_DOC = 'https://cloud.google.com/run/docs/configuring/services/secrets';

/**
 * The declared name a reference points at. Cloud Run writes a secret of another project as
 * `projects/PROJECT_NUMBER/secrets/NAME` (fact secret-resource-name); the topology declares it by NAME.
 */
export function referencedSecretName(ref: SecretRef): string {
  return /^projects\/[^/]+\/secrets\/([^/]+)$/.exec(ref.secret)?.[1] ?? ref.secret;
}

/** What a reference exposes, for keys (`env:DATABASE_URL`, `mount:/secrets/key`) and messages. */
export function secretRefTarget(ref: SecretRef): { readonly key: string; readonly text: string } {
  return ref.env !== undefined ? { key: `env:${ref.env}`, text: `env ${ref.env}` } : { key: `mount:${ref.mountPath ?? ''}`, text: `file ${ref.mountPath ?? ''}` };
}

/** The stable key of a finding about one secret reference of one service. */
export function secretRefKey(service: Service, ref: SecretRef): string {
  return `${service.name}:${secretRefTarget(ref).key}`;
}

export const secretReferenceMissing: Rule = {
  id: 'secret-reference-missing',
  title: 'A service references a secret the topology does not declare',
  category: 'secrets',
  severity: 'critical',
  rationale:
    'Cloud Run fetches an environment-variable secret when an instance starts: if it cannot be fetched, the instance does not start. A mounted secret is not checked at startup, and reading its file fails instead. A secret missing from the topology is either a typo in the reference or a secret nobody has created. When no input describes any Secret Manager secret (they are created by hand, or in another repository), a reference cannot be judged: it is a warning that leaves the run INCOMPLETE until the file that creates the secrets is given or the reference is accepted.',
  sources: [SECRETS_DOC],
  facts: ['secret-resource-name'],
  check({ topology }) {
    // No input describes Secret Manager at all (secrets created by hand, or in another repository):
    // whether a referenced secret exists is not known, so it is not judged rather than missing.
    const described = topology.secrets.size > 0;
    return topology.services.flatMap((service) =>
      service.secretRefs
        .filter((ref) => !topology.secrets.has(referencedSecretName(ref)))
        .map((ref) => {
          const name = referencedSecretName(ref);
          // §10.3: an env secret that cannot be fetched stops the instance; a mounted one fails on read.
          const effect = ref.env !== undefined ? 'instances will not start' : 'reading the file will fail';
          if (!described) {
            return {
              ruleId: 'secret-reference-missing',
              key: secretRefKey(service, ref),
              severity: 'warning' as const,
              message: `${service.name} reads secret "${name}" as ${secretRefTarget(ref).text}, and no input describes Secret Manager secrets: whether "${name}" exists is not judged (if it does not, ${effect}). Add the file that creates it, or declare it under \`secrets\`.`,
              origin: ref.origin,
              service: service.name,
              unjudged: true,
            };
          }
          return {
            ruleId: 'secret-reference-missing',
            key: secretRefKey(service, ref),
            severity: 'critical' as const,
            message: `${service.name} reads secret "${name}" as ${secretRefTarget(ref).text}, but no secret "${name}" is declared: ${effect}. Declare it under \`secrets\` or fix the reference.`,
            origin: ref.origin,
            service: service.name,
          };
        }),
    );
  },
};
