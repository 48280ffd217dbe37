/**
 * Deploy scripts of a given length for the import benchmark: Python or TypeScript that PATCHes
 * one Cloud Run service body per function through the Admin API, with module constants,
 * f-strings or template literals, env values from the environment, and helper code between
 * them, as hand-written deploy scripts have.
 */

/** One service's deploy function, about 30 lines. */
function pythonService(i: number): string {
  return `
def deploy_service_${i}(image_tag):
    """Redeploys service ${i} with its connector and env."""
    body = {
        "template": {
            "vpcAccess": {
                "connector": f"projects/{PROJECT}/locations/{REGION}/connectors/{CONNECTOR}",
                "egress": "PRIVATE_RANGES_ONLY",
            },
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": ${(i % 20) + 2}},
            "maxInstanceRequestConcurrency": 40,
            "timeout": "120s",
            "containers": [
                {
                    "image": f"{REGISTRY}/svc-${i}:{image_tag}",
                    "env": [
                        {"name": "DATABASE_HOST", "value": "10.20.${i % 250}.5"},
                        {"name": "REDIS_URL", "value": "redis://10.30.0.${(i % 250) + 1}:6379"},
                        {"name": "LOG_LEVEL", "value": os.environ.get("LOG_LEVEL", "info")},
                    ],
                }
            ],
        }
    }
    url = f"{BASE}/svc-${i}"
    log(f"deploying svc-${i} from {url}")
    response = session.patch(url, json=body)
    if response.status_code >= 400:
        raise RuntimeError(f"svc-${i}: {response.text}")
    return response.json()
`;
}

function typescriptService(i: number): string {
  return `
export async function deployService${i}(imageTag: string): Promise<unknown> {
  // Redeploys service ${i} with its connector and env.
  const body = {
    template: {
      vpcAccess: {
        connector: \`projects/\${PROJECT}/locations/\${REGION}/connectors/\${CONNECTOR}\`,
        egress: 'PRIVATE_RANGES_ONLY',
      },
      scaling: { minInstanceCount: 1, maxInstanceCount: ${(i % 20) + 2} },
      maxInstanceRequestConcurrency: 40,
      timeout: '120s',
      containers: [
        {
          image: \`\${REGISTRY}/svc-${i}:\${imageTag}\`,
          env: [
            { name: 'DATABASE_HOST', value: '10.20.${i % 250}.5' },
            { name: 'REDIS_URL', value: 'redis://10.30.0.${(i % 250) + 1}:6379' },
            { name: 'LOG_LEVEL', value: process.env.LOG_LEVEL ?? 'info' },
          ],
        },
      ],
    },
  };
  const url = \`\${BASE}/svc-${i}\`;
  log(\`deploying svc-${i} from \${url}\`);
  const response = await fetch(url, { method: 'PATCH', headers: await headers(), body: JSON.stringify(body) });
  if (!response.ok) throw new Error(\`svc-${i}: \${await response.text()}\`);
  return response.json();
}
`;
}

const PYTHON_HEADER = `"""Redeploys every service of the environment through the Cloud Run Admin API."""
import os
import sys

from google.auth import default
from google.auth.transport.requests import AuthorizedSession

PROJECT = "acme-staging"
REGION = "europe-west1"
CONNECTOR = "staging-connector"
REGISTRY = f"{REGION}-docker.pkg.dev/{PROJECT}/apps"
BASE = f"https://run.googleapis.com/v2/projects/{PROJECT}/locations/{REGION}/services"

credentials, _ = default()
session = AuthorizedSession(credentials)


def log(message):
    print(message, file=sys.stderr)
`;

const TYPESCRIPT_HEADER = `// Redeploys every service of the environment through the Cloud Run Admin API.
import { GoogleAuth } from 'google-auth-library';

const PROJECT = 'acme-staging';
const REGION = 'europe-west1';
const CONNECTOR = 'staging-connector';
const REGISTRY = \`\${REGION}-docker.pkg.dev/\${PROJECT}/apps\`;
const BASE = \`https://run.googleapis.com/v2/projects/\${PROJECT}/locations/\${REGION}/services\`;

const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });

async function headers(): Promise<Record<string, string>> {
  const token = await auth.getAccessToken();
  return { authorization: \`Bearer \${token ?? ''}\`, 'content-type': 'application/json' };
}

function log(message: string): void {
  process.stderr.write(\`\${message}\\n\`);
}
`;

/**
 * A deploy script of at least `lines` lines and the number of services it deploys.
 *
 * @example
 * const { text, services } = generateDeployScript('python', 2_000);
 */
export function generateDeployScript(language: 'python' | 'typescript', lines: number): { readonly text: string; readonly services: number } {
  let text = language === 'python' ? PYTHON_HEADER : TYPESCRIPT_HEADER;
  let services = 0;
  while (text.split('\n').length < lines) {
    text += language === 'python' ? pythonService(services) : typescriptService(services);
    services++;
  }
  return { text, services };
}
