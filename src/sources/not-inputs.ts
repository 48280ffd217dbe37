import { basename } from 'node:path';

/**
 * Files other tools own, recognised by name before they are read: found in a directory, each is
 * ignored with this reason (many are not even strict JSON: tsconfig.json allows comments).
 */
const BY_NAME: readonly (readonly [RegExp, string])[] = [
  [/^(package|package-lock|npm-shrinkwrap|composer|bower)\.json$/, 'a package manifest'],
  [/^(pnpm-lock|\.yarnrc)\.ya?ml$/, 'a package manager file'],
  [/^[tj]sconfig(\..+)?\.json$/, 'a TypeScript/JavaScript compiler configuration'],
  [/^\.eslintrc(\..+)?$/, 'an ESLint configuration'],
  [/^\.prettierrc(\..+)?$/, 'a Prettier configuration'],
  [/^(renovate|\.renovaterc)(\.json5?)?$/, 'a Renovate configuration'],
  [/^(docker-)?compose([.-].+)?\.ya?ml$/, 'a Docker Compose file'],
  [/^skaffold([.-].+)?\.ya?ml$/, 'a Skaffold configuration'],
  [/^Chart\.ya?ml$|^values([.-].+)?\.ya?ml$/, 'a Helm chart file'],
  [/^(\.pre-commit-config|\.pre-commit-hooks|mkdocs|\.golangci|codecov|\.codecov|dependabot|\.yamllint|\.markdownlint|\.readthedocs|\.goreleaser)\.(ya?ml|json)$/, 'a development tool\'s configuration'],
];

/**
 * Why a file is not an input, judged by its name alone; undefined when the name says nothing.
 *
 * @example
 * nonInputByName('web/package.json'); // 'a package manifest'
 * nonInputByName('service.yaml'); // undefined
 */
export function nonInputByName(file: string): string | undefined {
  const name = basename(file);
  return BY_NAME.find(([pattern]) => pattern.test(name))?.[1];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a parsed YAML/JSON document that is not a Lifeline input is, for the reason it is ignored:
 * Kubernetes-style manifests by `apiVersion` and `kind` (Cloud Deploy, blueprint metadata,
 * Skaffold, Knative other than Service, Kubernetes), OpenAPI specifications, App Engine `app.yaml`.
 * Undefined when the document has none of these shapes.
 *
 * @example
 * describeNonInput('clouddeploy.yaml', { apiVersion: 'deploy.cloud.google.com/v1', kind: 'Target' });
 * // 'a Cloud Deploy Target, not a Cloud Run service'
 */
export function describeNonInput(file: string, value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof apiVersion === 'string' && typeof kind === 'string') return `${manifestKind(apiVersion, kind)}, not a Cloud Run service`;
  if ('openapi' in value || 'swagger' in value) return 'an OpenAPI specification';
  if (basename(file) === 'app.yaml' && 'runtime' in value) return 'an App Engine app.yaml';
  return undefined;
}

function manifestKind(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === 'deploy.cloud.google.com') return `a Cloud Deploy ${kind}`;
  if (group === 'blueprints.cloud.google.com') return `Google blueprint metadata (${kind})`;
  if (group === 'skaffold') return `a Skaffold configuration (${kind})`;
  if (group === 'serving.knative.dev') return `a Knative ${kind} (only a Service is read)`;
  if (group === 'run.googleapis.com' && kind === 'Job') return 'a Cloud Run job (jobs are not read)';
  if (group === 'kustomize.config.k8s.io') return `a Kustomize ${kind}`;
  return `a Kubernetes ${kind} (apiVersion ${apiVersion})`;
}
