import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Report } from '../src/report/report.js';
import { SARIF_FINGERPRINT_KEY, renderSarif } from '../src/report/sarif.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
// Relative to the repository root, as CI passes inputs.
const example = (name: string): string => `examples/incident/${name}.yaml`;
// The official schema lives beside the repository, in the shared reference folder; never copied in.
// The OASIS schema itself (docs.oasis-open.org/sarif/sarif/v2.1.0), kept with the fixtures so that a clone validates on its own.
const schemaFile = fileURLToPath(new URL('../../test/fixtures/sarif-schema-2.1.0.json', import.meta.url));

function reportOf(file: string): Report {
  const run = spawnSync(process.execPath, [cli, 'check', file, '--format', 'json'], { encoding: 'utf8', cwd: root });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

// The parts of SARIF these tests read.
interface Sarif {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: SarifResult[];
  }[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: string };
  properties: { category: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}

const parse = (report: Report): Sarif => JSON.parse(renderSarif(report)) as Sarif;
const runOf = (sarif: Sarif) => {
  const run = sarif.runs[0];
  assert.ok(run);
  return run;
};

/** `after` with its first finding suppressed inline and its second by a baseline. */
function withSuppressions(report: Report): Report {
  const [inline, baseline, ...rest] = report.findings;
  assert.ok(inline && baseline);
  return {
    ...report,
    findings: rest,
    suppressed: [
      { ...inline, by: 'inline', reason: 'postgres moves to private IP next sprint', expires: '2099-01-01' },
      { ...baseline, by: 'baseline', reason: 'accepted in the Q3 review' },
    ],
  };
}

describe('renderSarif', () => {
  let afterReport: Report;
  let dir: string;
  before(() => {
    afterReport = reportOf(example('after'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-sarif-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('validates against the official SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object);
    const absolute = { ...afterReport, findings: afterReport.findings.map((f) => ({ ...f, location: { file: '/srv/topology dir/after.yaml' } })) };
    const documents = { after: afterReport, fixed: reportOf(example('fixed')), suppressed: withSuppressions(afterReport), absolute };
    for (const [name, report] of Object.entries(documents)) {
      const valid = validate(JSON.parse(renderSarif(report)));
      assert.ok(valid, `${name}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
    }
  });

  it('describes the tool and every rule that ran, with levels mapped from severity', () => {
    const sarif = parse(afterReport);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    const { driver } = runOf(sarif).tool;
    assert.equal(driver.name, 'lifeline');
    assert.equal(driver.version, afterReport.tool.version);
    assert.deepEqual(
      driver.rules.map((r) => r.id),
      afterReport.rules.map((r) => r.id),
    );
    const level = { critical: 'error', warning: 'warning', info: 'note' } as const;
    for (const [i, rule] of afterReport.rules.entries()) {
      const d = driver.rules[i];
      assert.ok(d);
      assert.equal(d.shortDescription.text, rule.title);
      assert.ok(d.fullDescription.text.startsWith(rule.rationale));
      for (const source of rule.sources) assert.ok(d.help.text.includes(source), `${rule.id} help cites ${source}`);
      assert.equal(d.defaultConfiguration.level, level[rule.severity]);
      assert.equal(d.properties.category, rule.category);
      assert.match(d.name, /^[A-Z][A-Za-z0-9]*$/);
    }
  });

  it('gives one result per finding, pointing at its rule and its line', () => {
    const run = runOf(parse(afterReport));
    assert.equal(run.results.length, afterReport.findings.length);
    for (const [i, finding] of afterReport.findings.entries()) {
      const result = run.results[i];
      assert.ok(result);
      assert.equal(result.ruleId, finding.ruleId);
      assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, finding.ruleId);
      assert.equal(result.level, finding.severity === 'critical' ? 'error' : finding.severity === 'warning' ? 'warning' : 'note');
      assert.equal(result.message.text, finding.message);
      assert.equal(result.suppressions, undefined);
      assert.deepEqual(result.locations[0]?.physicalLocation, {
        artifactLocation: { uri: 'examples/incident/after.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: finding.location.line, startColumn: finding.location.column },
      });
    }
    const postgres = run.results.find((r) => r.message.text.startsWith('backend cannot reach postgres'));
    assert.equal(postgres?.locations[0]?.physicalLocation.region?.startLine, 72, "backend's egress line");
    assert.equal(postgres.level, 'error');
  });

  it('keeps partial fingerprints stable across runs, even when lines move', () => {
    const fingerprints = (report: Report): string[] => runOf(parse(report)).results.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY] ?? '');
    const first = fingerprints(afterReport);
    assert.deepEqual(first, afterReport.findings.map((f) => f.fingerprint));
    assert.ok(first.every((f) => /^[0-9a-f]{64}$/.test(f)));
    assert.equal(new Set(first).size, first.length, 'one fingerprint per finding');
    assert.deepEqual(fingerprints(reportOf(example('after'))), first, 'a second run gives the same fingerprints');

    // Three comment lines at the top of the same file move every finding down three lines, but
    // not its fingerprint.
    const moved = path.join(dir, 'after.yaml');
    const original = fs.readFileSync(path.join(root, example('after')), 'utf8');
    fs.writeFileSync(moved, original);
    const before = reportOf(moved);
    fs.writeFileSync(moved, `# one\n# two\n# three\n${original}`);
    const shifted = reportOf(moved);
    assert.deepEqual(fingerprints(shifted), fingerprints(before));
    const line = (report: Report): number | undefined => runOf(parse(report)).results[0]?.locations[0]?.physicalLocation.region?.startLine;
    assert.equal(line(shifted), (line(before) ?? 0) + 3);
  });

  it('reports suppressed findings as results carrying their suppression', () => {
    const report = withSuppressions(afterReport);
    const results = runOf(parse(report)).results;
    assert.equal(results.length, afterReport.findings.length);
    const suppressed = results.filter((r) => r.suppressions !== undefined);
    assert.deepEqual(
      suppressed.map((r) => r.suppressions),
      [[{ kind: 'inSource', state: 'accepted', justification: 'postgres moves to private IP next sprint', properties: { expires: '2099-01-01' } }], [{ kind: 'external', state: 'accepted', justification: 'accepted in the Q3 review' }]],
    );
    assert.deepEqual(
      suppressed.map((r) => r.partialFingerprints[SARIF_FINGERPRINT_KEY]),
      report.suppressed.map((s) => s.fingerprint),
    );
  });

  it('locates absolute inputs by file URI and relative ones against %SRCROOT%', () => {
    const located = (file: string) => {
      const report = { ...afterReport, findings: afterReport.findings.slice(0, 1).map((f) => ({ ...f, location: { file } })) };
      return runOf(parse(report)).results[0]?.locations[0]?.physicalLocation;
    };
    assert.deepEqual(located('/srv/topology dir/after.yaml'), { artifactLocation: { uri: 'file:///srv/topology%20dir/after.yaml' } });
    assert.deepEqual(located('./infra/a#b.yaml'), { artifactLocation: { uri: 'infra/a%23b.yaml', uriBaseId: '%SRCROOT%' } });
  });

  it('redacts URL passwords in messages', () => {
    const [first] = afterReport.findings;
    assert.ok(first);
    const report = { ...afterReport, findings: [{ ...first, message: 'cannot reach postgresql://app:Hunter2Secret@db.example.com:5432/app' }] };
    const out = renderSarif(report);
    assert.ok(!out.includes('Hunter2Secret'));
    assert.ok(out.includes('postgresql://app:***@db.example.com:5432/app'));
  });
});
