import { isUnknown } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';
import { referencedSecretName, secretRefKey, secretRefTarget } from './secret-reference-missing.js';

export const secretVersion: Rule = {
  id: 'secret-version',
  title: 'A secret version does not exist, or an environment variable follows `latest`',
  category: 'secrets',
  severity: 'critical',
  rationale:
    'A reference to a version the secret does not have cannot be fetched: an environment-variable secret then stops instances from starting, and a mounted one fails when read. An environment-variable secret is read once, when an instance starts, so `latest` does not follow rotation: instances started before and after a new version run with different values, and a bad version reaches only the instances that start after it. Google recommends pinning a version for environment variables; a mounted secret is read on every file read, so `latest` is fine there. A secret that lists no versions in the topology is not checked for the first problem.',
  sources: ['https://cloud.google.com/run/docs/configuring/services/secrets', 'https://cloud.google.com/run/docs/reference/rest/v2/Containers#SecretKeySelector'],
  options: {
    allowLatestInEnv: {
      default: false,
      description: 'Accept `latest` on environment-variable secrets (when following the newest version at each instance start is deliberate).',
    },
  },
  check({ topology }, options) {
    const allowLatestInEnv = options.allowLatestInEnv === true;
    return topology.services.flatMap((service) =>
      service.secretRefs.flatMap((ref): Finding[] => {
        const name = referencedSecretName(ref);
        const secret = topology.secrets.get(name);
        // Versions Terraform creates are numbered only after apply: unknown versions are not checked.
        const listed = secret === undefined || isUnknown(secret.versions) ? [] : secret.versions;
        const base = { ruleId: 'secret-version', key: secretRefKey(service, ref), origin: ref.origin, service: service.name };
        if (ref.version === 'latest') {
          // §10.1: env secrets are fixed at instance start; a mounted file is re-read, so latest follows rotation.
          if (ref.env === undefined || allowLatestInEnv) return [];
          return [
            {
              ...base,
              severity: 'warning',
              message: `${service.name} reads secret "${name}" version latest as ${secretRefTarget(ref).text}: the value is fixed when an instance starts, so instances disagree after a rotation. Pin a version${listed.length > 0 ? ` (listed: ${listed.join(', ')})` : ''}, or mount the secret as a file.`,
            },
          ];
        }
        // Missing secrets are secret-reference-missing's finding; an empty list means "not described".
        if (!secret || listed.length === 0 || listed.includes(ref.version)) return [];
        return [
          {
            ...base,
            severity: 'critical',
            message: `${service.name} reads secret "${name}" version ${ref.version} as ${secretRefTarget(ref).text}, but that version is not listed (enabled: ${listed.join(', ')}): ${ref.env !== undefined ? 'instances will not start' : 'reading the file will fail'}.`,
          },
        ];
      }),
    );
  },
};
