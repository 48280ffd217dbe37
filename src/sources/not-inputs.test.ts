import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeNonInput, nonInputByName } from './not-inputs.js';

describe('nonInputByName', () => {
  it('names other tools\' files by their names, and nothing else', () => {
    assert.deepEqual(
      ['web/package.json', 'tsconfig.build.json', '.eslintrc.json', 'renovate.json', 'docker-compose.prod.yml', 'compose.yaml', 'skaffold.yaml', 'service.yaml', 'lifeline.yaml', 'plan.json'].map(nonInputByName),
      ['a package manifest', 'a TypeScript/JavaScript compiler configuration', 'an ESLint configuration', 'a Renovate configuration', 'a Docker Compose file', 'a Docker Compose file', 'a Skaffold configuration', undefined, undefined, undefined],
    );
  });
});

describe('describeNonInput', () => {
  it('says what a manifest is by apiVersion and kind', () => {
    const kinds = [
      ['deploy.cloud.google.com/v1', 'DeliveryPipeline', 'a Cloud Deploy DeliveryPipeline, not a Cloud Run service'],
      ['blueprints.cloud.google.com/v1alpha1', 'BlueprintMetadata', 'Google blueprint metadata (BlueprintMetadata), not a Cloud Run service'],
      ['serving.knative.dev/v1', 'Revision', 'a Knative Revision (only a Service is read), not a Cloud Run service'],
      ['run.googleapis.com/v1', 'Job', 'a Cloud Run job (jobs are not read), not a Cloud Run service'],
      ['apps/v1', 'Deployment', 'a Kubernetes Deployment (apiVersion apps/v1), not a Cloud Run service'],
    ] as const;
    for (const [apiVersion, kind, reason] of kinds) assert.equal(describeNonInput('x.yaml', { apiVersion, kind }), reason);
  });

  it('knows OpenAPI and App Engine, and leaves everything else to the importers', () => {
    assert.equal(describeNonInput('api.yaml', { openapi: '3.0.3', paths: {} }), 'an OpenAPI specification');
    assert.equal(describeNonInput('app.yaml', { runtime: 'nodejs20' }), 'an App Engine app.yaml');
    assert.equal(describeNonInput('other.yaml', { runtime: 'nodejs20' }), undefined);
    assert.equal(describeNonInput('topology.yaml', { services: [] }), undefined);
  });
});
