import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeTopology } from '../src/analysis/analyze.js';
import type { Origin } from '../src/model/topology.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { buildReport, type Location, type Report } from '../src/report/report.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';
import { runCheck } from '../src/cli/check.js';
import { parseTopology } from '../src/sources/topology-file.js';
import { renderTopologyChanges } from '../src/sources/topology-patch.js';
import { memoryView } from '../src/sources/terraform/hcl-memory-view.test-helper.js';

const RENDERERS = {
  text: (r: Report) => renderText(r),
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  markdown: renderMarkdown,
  html: renderHtml,
} as const satisfies Record<string, (r: Report) => string>;

interface Secrets {
  readonly urlPassword: string;
  readonly apiKey: string;
  readonly token: string;
}

type EnvName = 'DATABASE_URL' | 'ANALYTICS_URL' | 'CACHE_URL' | 'PAYMENTS_API_KEY' | 'AUTH_TOKEN' | 'PAYMENTS_BASE_URL';

/**
 * A service sending all traffic through a connector with no Cloud NAT: the payments API and the
 * analytics URL (inferred from env, password and all) are unreachable, so there are findings and
 * fixes. `egress` sits right after the env block or right before it; with the env entries in a
 * random order, any secret can stand on a line a fix's patch shows as context.
 */
function topologyText(secrets: Secrets, envOrder: readonly EnvName[], egressAfterEnv: boolean): string {
  const values: Record<EnvName, string> = {
    DATABASE_URL: `postgresql://app:${secrets.urlPassword}@10.20.0.3:5432/app`,
    ANALYTICS_URL: `https://reporter:${secrets.urlPassword}@analytics.example.com/v1`,
    CACHE_URL: `redis://:${secrets.urlPassword}@10.20.1.4:6379`,
    PAYMENTS_API_KEY: secrets.apiKey,
    AUTH_TOKEN: secrets.token,
    PAYMENTS_BASE_URL: 'https://api.payments.example.com',
  };
  // JSON strings are valid YAML double-quoted scalars: no value is read as a number or null.
  const env = envOrder.map((name) => `      ${name}: ${JSON.stringify(values[name])}`).join('\n');
  const egress = '    egress: all-traffic';
  return `version: 1
project: acme-secrets
region: europe-west1
networks:
  - name: app-vpc
    subnets:
      - name: app-main
        cidr: 10.10.0.0/24
    routers:
      - name: app-router
        nats: []
    privateServicesAccess:
      ranges: [10.20.0.0/16]
connectors:
  - name: app-connector
    network: app-vpc
    ipCidrRange: 10.8.0.0/28
databases:
  - name: app-db
    privateIp: 10.20.0.3
    privateNetwork: app-vpc
caches:
  - name: app-redis
    host: 10.20.1.4
    port: 6379
    authorizedNetwork: app-vpc
    connectMode: PRIVATE_SERVICE_ACCESS
    authEnabled: true
externals:
  - name: payments
    url: https://api.payments.example.com
services:
  - name: checkout
    connector: app-connector
    maxInstances: 10
${egressAfterEnv ? '' : `${egress}\n`}    env:
${env}
${egressAfterEnv ? `${egress}\n` : ''}    dependencies:
      - name: payments
        external: payments
        critical: true
`;
}

/** The real pipeline, in process, as `lifeline check` runs it on one file. */
function reportFor(text: string): Report {
  const file = 'topology.yaml';
  const { topology, document } = parseTopology(file, text);
  const analysis = analyzeTopology(topology);
  const documents = new Map([[file, document]]);
  const locate = (origin: Origin): Location => {
    const pos = document.locate(origin.path, { key: typeof origin.path[origin.path.length - 1] === 'string' });
    return pos ? { file: origin.file, line: pos.line, column: pos.column } : { file: origin.file };
  };
  return buildReport(analysis, { version: '0.0.0-test', inputs: [file], failOn: 'critical', topology, locate, renderChanges: (edits) => renderTopologyChanges(edits, topology, documents) });
}

const renderAll = (report: Report): [string, string][] => Object.entries(RENDERERS).map(([name, render]) => [name, render(report)]);

const ENV_NAMES: readonly EnvName[] = ['DATABASE_URL', 'ANALYTICS_URL', 'CACHE_URL', 'PAYMENTS_API_KEY', 'AUTH_TOKEN', 'PAYMENTS_BASE_URL'];
// Letters, digits and the characters URLs leave unencoded (RFC 3986 "unreserved").
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split('');

describe('secrets never reach any rendered output (property)', () => {
  // What every output says whatever the secrets are: a secret that happens to be a substring of it
  // (a hostname, a rule id) would be "found" without leaking, so such secrets are not generated.
  const placeholders = { urlPassword: 'PlaceholderUrlPw', apiKey: 'PlaceholderApiKey', token: 'PlaceholderToken' };
  const baseline = [true, false].flatMap((after) => renderAll(reportFor(topologyText(placeholders, ENV_NAMES, after))).map(([, out]) => out)).join('\n');
  const secret = fc.string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 8, maxLength: 40 }).filter((s) => !baseline.includes(s));

  it('with random URL passwords, API keys and tokens in env, across every renderer', () => {
    fc.assert(
      fc.property(
        // Distinct values, so that a counterexample says which kind of secret leaked.
        fc.uniqueArray(secret, { minLength: 3, maxLength: 3 }).map(([urlPassword = '', apiKey = '', token = '']): Secrets => ({ urlPassword, apiKey, token })),
        fc.shuffledSubarray([...ENV_NAMES], { minLength: ENV_NAMES.length }),
        fc.boolean(),
        (secrets, envOrder, egressAfterEnv) => {
          const text = topologyText(secrets, envOrder, egressAfterEnv);
          const kinds = Object.entries<string>({ ...secrets });
          for (const [, value] of kinds) assert.ok(text.includes(value), 'the secret is in the input');
          const report = reportFor(text);
          assert.ok(report.findings.length > 0 && report.fixes.length > 0, 'the report has findings and fixes to render');
          assert.ok(
            report.paths.some((p) => p.dependency.startsWith('analytics') && p.verdict === 'UNREACHABLE'),
            'the URL with the password is a failing dependency',
          );
          for (const [renderer, out] of renderAll(report)) {
            for (const [kind, value] of kinds) {
              assert.ok(!out.includes(value), `${renderer} output shows the ${kind} ${JSON.stringify(value)}:\n${excerpt(out, value)}`);
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

/** The lines of `text` around the first occurrence of `needle`. */
function excerpt(text: string, needle: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(needle));
  return lines.slice(Math.max(0, at - 2), at + 3).join('\n');
}

/** The network of the deploy-code scenario: a connector into a VPC with no Cloud NAT. */
const NETWORK = `project: acme-secrets
region: europe-west1
networks:
  - name: app-vpc
    subnets: [{name: app-main, cidr: 10.10.0.0/24}]
    routers: [{name: app-router, nats: []}]
connectors:
  - {name: app-connector, network: app-vpc, ipCidrRange: 10.8.0.0/28}
`;

type DeployForm = 'python' | 'typescript' | 'workflow';

/**
 * The checkout service deployed all-traffic through the connector, written as a Python REST PATCH,
 * a TypeScript client call or a deploy-cloudrun step: its env holds a URL password, an API key and
 * a token as literals, and the code also sends the token in an Authorization header.
 */
function deployCode(form: DeployForm, secrets: Secrets): { readonly name: string; readonly text: string } {
  const env: [string, string][] = [
    ['ANALYTICS_URL', `https://reporter:${secrets.urlPassword}@analytics.example.com/v1`],
    ['PAYMENTS_API_KEY', secrets.apiKey],
    ['AUTH_TOKEN', secrets.token],
  ];
  if (form === 'python') {
    const entries = env.map(([k, v]) => `                {"name": "${k}", "value": "${v}"},`).join('\n');
    return {
      name: 'deploy.py',
      text: `import requests\nTOKEN = "${secrets.token}"\nURL = "https://run.googleapis.com/v2/projects/acme-secrets/locations/europe-west1/services/checkout"\nbody = {\n    "template": {\n        "vpcAccess": {"connector": "app-connector", "egress": "ALL_TRAFFIC"},\n        "containers": [{\n            "image": "gcr.io/acme/checkout",\n            "env": [\n${entries}\n            ],\n        }],\n    },\n}\nrequests.patch(URL, json=body, headers={"Authorization": f"Bearer {TOKEN}"})\n`,
    };
  }
  if (form === 'typescript') {
    const entries = env.map(([k, v]) => `          { name: '${k}', value: '${v}' },`).join('\n');
    return {
      name: 'deploy.ts',
      text: `import { ServicesClient } from '@google-cloud/run';\nconst token: string = '${secrets.token}';\nconst client = new ServicesClient();\nawait client.updateService({\n  service: {\n    name: 'projects/acme-secrets/locations/europe-west1/services/checkout',\n    template: {\n      vpcAccess: { connector: 'app-connector', egress: 'ALL_TRAFFIC' },\n      containers: [{\n        image: 'gcr.io/acme/checkout',\n        env: [\n${entries}\n        ],\n      }],\n    },\n  },\n}, { otherArgs: { headers: { authorization: \`Bearer \${token}\` } } });\n`,
    };
  }
  const entries = env.map(([k, v]) => `            ${k}=${v}`).join('\n');
  return {
    name: '.github/workflows/deploy.yml',
    text: `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: google-github-actions/deploy-cloudrun@v2\n        with:\n          service: checkout\n          project_id: acme-secrets\n          region: europe-west1\n          env_vars: |\n${entries}\n          flags: --vpc-connector=app-connector --vpc-egress=all-traffic\n`,
  };
}

describe('secrets in deploy-code literals never reach any rendered output (property)', () => {
  const placeholders = { urlPassword: 'PlaceholderUrlPw', apiKey: 'PlaceholderApiKey', token: 'PlaceholderToken' };
  const FORMS: readonly DeployForm[] = ['python', 'typescript', 'workflow'];
  const checkReport = async (form: DeployForm, secrets: Secrets): Promise<Report> => {
    const code = deployCode(form, secrets);
    const view = memoryView({ 'repo/network.yaml': NETWORK, [`repo/${code.name}`]: code.text });
    return (await runCheck(['repo'], { format: 'json', color: false, view })).report;
  };

  it('a Python REST body, a TypeScript client call and a deploy-cloudrun step, across every renderer', async () => {
    const baselines = await Promise.all(FORMS.map(async (form) => renderAll(await checkReport(form, placeholders)).map(([, out]) => out).join('\n')));
    const baseline = baselines.join('\n');
    const secret = fc.string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 8, maxLength: 40 }).filter((s) => !baseline.includes(s));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(secret, { minLength: 3, maxLength: 3 }).map(([urlPassword = '', apiKey = '', token = '']): Secrets => ({ urlPassword, apiKey, token })),
        fc.constantFrom(...FORMS),
        async (secrets, form) => {
          const report = await checkReport(form, secrets);
          assert.ok(report.paths.some((p) => p.dependency.startsWith('analytics') && p.verdict === 'UNREACHABLE'), `${form}: the URL with the password is a failing dependency`);
          assert.ok(report.findings.length > 0, `${form}: there are findings to render`);
          for (const [renderer, out] of renderAll(report)) {
            for (const [kind, value] of Object.entries<string>({ ...secrets })) {
              assert.ok(!out.includes(value), `${form}, ${renderer} output shows the ${kind} ${JSON.stringify(value)}:\n${excerpt(out, value)}`);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

