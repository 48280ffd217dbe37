import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { importCloudRunService, NOT_A_CLOUD_RUN_SERVICE } from './cloud-run.js';
import { formatDiagnostic, InputError } from './errors.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/import/cloud-run/${name}`, import.meta.url), 'utf8');

/** Imports `text` and returns the error's diagnostics as `line:column keyPath: message`. */
function problems(file: string, text: string): string[] {
  try {
    importCloudRunService(file, text);
  } catch (error: unknown) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error.diagnostics.map((d) => {
      assert.equal(d.file, file);
      return `${d.line ?? '?'}:${d.column ?? '?'} ${d.keyPath ?? ''}: ${d.message}`;
    });
  }
  assert.fail('expected an InputError');
}

const problemsIn = (name: string): string[] => problems(name, fixture(name));

const V1_HEAD = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: backend
spec:
  template:
`;

describe('importCloudRunService: input that is not a Cloud Run service', () => {
  it('a Kubernetes Deployment and a Cloud Run job are refused at their kind', () => {
    assert.deepEqual(problemsIn('not-a-service-deployment.yaml'), [`3:7 kind: ${NOT_A_CLOUD_RUN_SERVICE}`]);
    assert.deepEqual(problemsIn('not-a-service-job.yaml'), [`3:7 kind: ${NOT_A_CLOUD_RUN_SERVICE}`]);
  });

  it('a topology file and a top-level list are refused at the start of the document', () => {
    assert.deepEqual(problems('topology.yaml', 'project: p\nservices:\n  - name: api\n'), [`1:1 : ${NOT_A_CLOUD_RUN_SERVICE}`]);
    assert.deepEqual(problems('list.json', '[\n  {"name": "api", "template": {}}\n]\n'), [`1:1 : ${NOT_A_CLOUD_RUN_SERVICE}`]);
  });

  it('YAML syntax errors are located by the parser', () => {
    const [problem] = problems('broken.yaml', 'apiVersion: serving.knative.dev/v1\nkind: [Service\n');
    assert.match(problem ?? '', /^2:\d+ : YAML syntax: /);
  });
});

describe('importCloudRunService: malformed Cloud Run services', () => {
  it('missing metadata.name and spec.template are each reported at the parent key', () => {
    assert.deepEqual(problemsIn('missing-name-and-template.yaml'), [
      '4:3 metadata: missing `name`: the name of the service',
      '7:3 spec: missing `template`: the revision template, with its containers and annotations',
    ]);
  });

  it('a document with only apiVersion and kind misses both, reported at its start', () => {
    assert.deepEqual(problems('bare.yaml', 'apiVersion: serving.knative.dev/v1\nkind: Service\n'), [
      '1:1 : missing `metadata.name`: the name of the service',
      '1:1 : missing `spec.template`: the revision template, with its containers and annotations',
    ]);
    assert.deepEqual(problems('string.yaml', 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: backend\nspec: {template: {}}\n'), [
      '3:11 metadata: expected a mapping, got "backend"',
    ]);
  });

  it('a scale that is not a number and a timeout in words name the path and the expected type', () => {
    assert.deepEqual(problemsIn('max-scale-not-a-number.yaml'), [
      '9:43 spec.template.metadata.annotations["autoscaling.knative.dev/maxScale"]: expected a whole number of at least 1 such as "10", got "lots"',
      '11:23 spec.template.spec.timeoutSeconds: expected a whole number of at least 1 such as 300, got "five minutes"',
    ]);
  });

  it('malformed network-interfaces JSON points at the bad character inside the annotation', () => {
    assert.deepEqual(problemsIn('network-interfaces-bad-json.yaml'), [
      '9:88 spec.template.metadata.annotations["run.googleapis.com/network-interfaces"]: run.googleapis.com/network-interfaces is not valid JSON (InvalidSymbol at character 40); expected a JSON list such as [{"network":"vpc","subnetwork":"subnet","tags":["web"]}]',
    ]);
  });

  it('well-formed JSON that is not one interface is reported at the annotation', () => {
    const text = `${V1_HEAD}    metadata:
      annotations:
        run.googleapis.com/network-interfaces: '[{"network":"a"},{"network":"b"}]'
`;
    assert.deepEqual(problems('two.yaml', text), [
      '9:48 spec.template.metadata.annotations["run.googleapis.com/network-interfaces"]: run.googleapis.com/network-interfaces expected exactly one network interface (Cloud Run supports one), got 2',
    ]);
  });

  it('an unknown egress, a malformed secret alias and a probe with two checks are all reported in one run', () => {
    const text = `${V1_HEAD}    metadata:
      annotations:
        run.googleapis.com/vpc-access-egress: all_traffic
        run.googleapis.com/secrets: 'key:projects/p/topics/t'
    spec:
      containers:
        - image: backend:1
          startupProbe:
            tcpSocket: {port: 8080}
            httpGet: {path: /}
`;
    assert.deepEqual(problems('several.yaml', text), [
      '9:47 spec.template.metadata.annotations["run.googleapis.com/vpc-access-egress"]: expected one of "all-traffic", "private-ranges-only", "all", got "all_traffic"',
      '10:37 spec.template.metadata.annotations["run.googleapis.com/secrets"]: expected ALIAS:projects/PROJECT/secrets/SECRET entries separated by commas, got "key:projects/p/topics/t"',
      '15:13 spec.template.spec.containers[0].startupProbe: expected one of `tcpSocket`, `httpGet` or `grpc`, got `tcpSocket` and `httpGet`',
    ]);
  });

  it('env from a ConfigMap, a mount of a missing volume and an env var without a name are refused', () => {
    const text = `${V1_HEAD}    spec:
      containers:
        - image: backend:1
          env:
            - name: MODE
              valueFrom:
                configMapKeyRef: {name: settings, key: mode}
            - value: "1"
          volumeMounts:
            - name: certs
              mountPath: /certs
`;
    assert.deepEqual(problems('env.yaml', text), [
      '13:17 spec.template.spec.containers[0].env[0].valueFrom: expected `secretKeyRef` here: Cloud Run env vars come from a value or a Secret Manager secret',
      '14:15 spec.template.spec.containers[0].env[1]: missing `name`: the name of the env var',
      '16:21 spec.template.spec.containers[0].volumeMounts[0].name: no volume named "certs" in `volumes`',
    ]);
  });

  it('v2: an egress of the wrong enum and a timeout that is not a duration', () => {
    assert.deepEqual(problemsIn('v2-bad-egress-and-timeout.json'), [
      '6:17 template.vpcAccess.egress: expected one of "ALL_TRAFFIC", "PRIVATE_RANGES_ONLY", "VPC_EGRESS_UNSPECIFIED", got "ALL"',
      '8:16 template.timeout: expected a duration in seconds such as "300s", got the number 900',
    ]);
  });

  it('v2: a name that is a path but not a service path', () => {
    assert.deepEqual(problems('svc.json', '{\n  "name": "projects/p/services/api",\n  "template": {}\n}\n'), [
      '2:11 name: expected projects/PROJECT/locations/REGION/services/NAME, got "projects/p/services/api"',
    ]);
  });
});

describe('importCloudRunService: passwords never reach a message', () => {
  const PASSWORD = 'Tr0ub4dor-staging';

  it('an error on the line holding a database URL shows the line redacted', () => {
    // The export with its DATABASE_URL entry's `name` lost: the error's code frame is that line.
    const text = fixture('v1-backend-all-traffic.yaml').replace('        - name: DATABASE_URL\n          value:', '        - value:');
    assert.ok(text.includes(PASSWORD));
    let caught: unknown;
    try {
      importCloudRunService('backend.yaml', text);
    } catch (error: unknown) {
      caught = error;
    }
    assert.ok(caught instanceof InputError);
    const [diagnostic] = caught.diagnostics;
    assert.ok(diagnostic);
    assert.deepEqual([diagnostic.line, diagnostic.column, diagnostic.message], [31, 11, 'missing `name`: the name of the env var']);
    const shown = [caught.message, ...caught.diagnostics.map(formatDiagnostic)].join('\n');
    assert.ok(!shown.includes(PASSWORD), shown);
    assert.match(shown, /postgresql:\/\/backend:\*\*\*@/);
  });

  it('a URL with a password where a setting belongs is quoted redacted', () => {
    const text = `${V1_HEAD}    metadata:
      annotations:
        run.googleapis.com/vpc-access-egress: "postgresql://app:${PASSWORD}@10.0.0.3/app"
`;
    const shown = problems('egress.yaml', text).join('\n');
    assert.ok(!shown.includes(PASSWORD), shown);
    assert.match(shown, /got "postgresql:\/\/app:\*\*\*@10\.0\.0\.3\/app"$/);
  });
});
