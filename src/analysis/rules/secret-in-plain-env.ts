import { isCredentialKey, redactUrlPasswords } from '../../model/redact.js';
import type { EnvVar } from '../../model/topology.js';
import type { Rule } from './rule.js';

/** Why a literal env var holds a secret, or undefined. Never looks further than it must. */
function secretReason(variable: EnvVar): string | undefined {
  const value = variable.value.trim();
  // $(VAR) and ${VAR} are placeholders filled elsewhere, not the secret itself.
  if (/\$[({]/.test(value)) return undefined;
  if (redactUrlPasswords(value) !== value) return 'a URL with its password';
  if (!isCredentialKey(variable.name)) return undefined;
  // Not secrets, though their names say PASSWORD or TOKEN: empty values, numbers and booleans
  // (TOKEN_TTL=3600), paths (a mounted secret's file), and names or paths of secrets.
  if (value === '' || /^(\d+|true|false)$/i.test(value) || value.startsWith('/')) return undefined;
  if (/_(FILE|PATH|DIR|NAME|ID)$/i.test(variable.name)) return undefined;
  return 'a secret (by its name)';
}

export const secretInPlainEnv: Rule = {
  id: 'secret-in-plain-env',
  title: 'A secret is written as a literal environment variable',
  category: 'security',
  severity: 'warning',
  rationale:
    'A literal environment variable is part of the service configuration: whoever can view the service or its revisions reads it, and it is copied into every new revision and every exported configuration or infrastructure file. A Secret Manager secret keeps the value out of the configuration, is granted per secret to the runtime service account, and has versions to rotate; Cloud Run exposes it as an environment variable or a mounted file.',
  sources: ['https://cloud.google.com/run/docs/configuring/services/secrets'],
  check({ topology }) {
    return topology.services.flatMap((service) =>
      service.env.flatMap((variable) => {
        const reason = secretReason(variable);
        if (reason === undefined) return [];
        return [
          {
            ruleId: 'secret-in-plain-env',
            key: `${service.name}:env:${variable.name}`,
            severity: 'warning' as const,
            message: `${service.name} env ${variable.name} is ${reason} written as a literal: store it in Secret Manager and reference it instead (secrets: [{env: ${variable.name}, secret: NAME, version: N}]).`,
            origin: variable.origin,
            service: service.name,
          },
        ];
      }),
    );
  },
};
