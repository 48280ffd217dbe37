import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { runCheck } from '../src/cli/check.js';
import { InputError, formatDiagnostics } from '../src/sources/errors.js';
import { memoryView } from '../src/sources/terraform/hcl-memory-view.test-helper.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

// One seed of every input format: topology YAML and JSON, Cloud Run YAML, Terraform HCL, a plan, scripts.
const SEEDS = [
  ...files(join(root, 'examples/incident'), /\.yaml$/),
  ...files(join(root, 'test/fixtures/rules'), /\.(yaml|json)$/).slice(0, 6),
  ...['.yaml', '.json', '.tf', '.sh', '.py'].flatMap((ext) => files(join(root, 'test/fixtures/import'), new RegExp(`\\${ext}$`)).slice(0, 3)),
  // Deploy code: a Python REST body, the client library, a TypeScript REST call, a deploy-cloudrun workflow.
  ...['code/incident/quick_redeploy.py', 'same-service/deploy_client.py', 'same-service/deploy-rest.ts', 'code/incident/workflow/.github/workflows/deploy.yml'].map((path) => join(root, 'test/fixtures/import', path)),
].map((path) => ({ name: `in/${basename(path)}`, text: readFileSync(path, 'utf8') }));

/** The mutations an attacker or a careless editor makes. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.string({ unit: 'binary', maxLength: 12 }) }),
  fc.record({ kind: fc.constant('punctuation' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom('}', ']', '{', '[', '"', "'", ':', '- ', '\t', '${', '<<EOT\n', '\\', '#', '---\n', '&a *a ') }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), depth: fc.integer({ min: 100, max: 5000 }), open: fc.constantFrom('[', '{', '(', '{"a":') }),
  fc.record({ kind: fc.constant('long-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 10_000, max: 200_000 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('crlf-bom' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): string {
  const at = 'at' in m ? Math.floor(m.at * text.length) : 0;
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
    case 'punctuation':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'nest':
      return text.slice(0, at) + m.open.repeat(m.depth) + text.slice(at);
    case 'long-line':
      return `${text.slice(0, at)}${'x'.repeat(m.length)}${text.slice(at)}`;
    case 'duplicate-line': {
      const start = text.lastIndexOf('\n', at) + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      return text.slice(0, start) + line + text.slice(start);
    }
    case 'crlf-bom':
      return `\ufeff${text.replace(/\r?\n/g, '\r\n')}`;
  }
}

const RUNS = 400;

/** Seconds any one input may take; a hang or a blow-up fails here, not in CI's overall timeout. */
const MAX_SECONDS = 10;

describe('fuzzed inputs: exit 0, 1 or 2 only, located, bounded', () => {
  it(`${SEEDS.length} seeds × mutations: never an internal error, a located and bounded message on bad input`, async () => {
    assert.ok(SEEDS.length >= 15, `only ${SEEDS.length} seeds`);
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (seed, mutations) => {
        const text = mutations.reduce(mutate, seed.text);
        const view = memoryView({ [seed.name]: text });
        const start = performance.now();
        try {
          // Resolving at all is exit 0 or 1 (the type says so); the report is bounded and whole JSON.
          const { output } = await runCheck([seed.name], { format: 'json', color: false, view });
          assert.ok(output.length < 64 * 1024 * 1024);
          assert.equal(typeof (JSON.parse(output) as { status: unknown }).status, 'string');
        } catch (error: unknown) {
          // Exit 2: bad input, said in the input's own terms. Anything else is a bug.
          if (!(error instanceof InputError)) throw error;
          assert.ok(error.diagnostics.length > 0);
          for (const d of error.diagnostics) assert.ok(d.file !== '' && d.message !== '', JSON.stringify(d).slice(0, 300));
          const shown = formatDiagnostics(error.diagnostics);
          assert.ok(shown.length < 256 * 1024, `${shown.length} bytes of diagnostics`);
          assert.doesNotMatch(shown, /\n\s+at .*\.js:\d+:\d+/);
        }
        const seconds = (performance.now() - start) / 1000;
        worst = Math.max(worst, seconds);
        assert.ok(seconds < MAX_SECONDS, `${seconds.toFixed(1)} s for ${seed.name}`);
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
    console.log(`fuzz: ${RUNS} mutated inputs from ${SEEDS.length} seeds; worst ${worst.toFixed(2)} s`);
  });
});
