import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { INFERENCE_RULES } from '../src/model/infer.js';
import type { Report } from '../src/report/report.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

describe('inference rules, end to end', () => {
  it('docs/inference.md lists exactly INFERENCE_RULES, in order, with their descriptions', () => {
    const doc = readFileSync(root('docs/inference.md'), 'utf8');
    const table = /<!-- rules:[^>]*-->\n\| Rule \| Matches → gives \|\n\|---\|---\|\n([\s\S]*?)<!-- \/rules -->/.exec(doc)?.[1];
    assert.ok(table !== undefined, 'the rules table is between its markers');
    const expected = Object.entries(INFERENCE_RULES).map(([id, description]) => `| \`${id}\` | ${description} |\n`).join('');
    assert.equal(table, expected);
  });

  it('a service that declares nothing: each dependency from its rule, listen settings and secrets left out', () => {
    const run = spawnSync(process.execPath, [cli, 'check', root('test/fixtures/inference/conventional-env-names.yaml'), '--format', 'json'], { encoding: 'utf8' });
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as Report;
    const rows = report.paths
      .filter((p) => p.destination === 'dependency')
      .map((p) => [p.dependency, p.target, p.source.kind === 'inferred' ? (p.source as { rule?: string }).rule : p.source.kind, p.verdict]);
    assert.deepEqual(rows, [
      ['redis', '10.8.0.40:6379', 'host-port-pair', 'REACHABLE'],
      ['sqladmin', 'sqladmin.googleapis.com:443', 'cloudsql-connector', 'UNDETERMINED'],
      ['orders', 'orders public IP 198.51.100.20:3307 (Cloud SQL connector)', 'cloudsql-connector', 'UNREACHABLE'],
      ['mongodb', 'mongodb+srv://app:***@cluster0.abc.mongodb.net/shop', 'mongodb-srv', 'UNREACHABLE'],
      ['storage', 'storage.googleapis.com:443', 'bucket-variable', 'UNDETERMINED'],
      ['openai', 'https://api.openai.com', 'saas-api-key', 'UNREACHABLE'],
    ]);
    assert.equal(run.stdout.includes('not-a-password'), false, 'the MongoDB password is never printed');
  });
});
