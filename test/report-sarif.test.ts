import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Report } from '../src/report/report.js';
import { SARIF_FINGERPRINT_KEY, renderSarif } from '../src/report/sarif.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
// Relative to the repository root, as CI passes inputs.
const example = (name: string): string => `examples/incident/${name}.yaml`;
// Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool) ships the SARIF 2.1.0 schema beside
// its Linux binary: the schema for ajv, the binary for `validate`, both installed by `npm ci`.
const require = createRequire(import.meta.url);
const multitool = require('@microsoft/sarif-multitool-linux') as string;
const schemaFile = path.join(path.dirname(multitool), 'sarif-2.1.0.json');

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
  name?: string;
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

  /** Every part of the SARIF Lifeline writes: findings with fixes, suppressions, absolute paths, a healthy run. */
  const documents = (): Record<string, Report> => {
    const absolute = { ...afterReport, findings: afterReport.findings.map((f) => ({ ...f, location: { ...f.location, file: '/srv/topology dir/after.yaml' } })) };
    return { after: afterReport, fixed: reportOf(example('fixed')), suppressed: withSuppressions(afterReport), absolute };
  };

  test('validates against the SARIF 2.1.0 schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as object);
    for (const [name, report] of Object.entries(documents())) {
      const valid = validate(JSON.parse(renderSarif(report)));
      assert.ok(valid, `${name}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
    }
    // The schema is strict where it matters: a level SARIF does not define is refused.
    const wrong = JSON.parse(renderSarif(afterReport)) as { runs: { results: { level: string }[] }[] };
    const first = wrong.runs[0]?.results[0];
    assert.ok(first);
    first.level = 'critical';
    assert.equal(validate(wrong), false);
    assert.match(ajv.errorsText(validate.errors), /results\/0\/level must be equal to one of the allowed values/);
  });

  test("passes the SARIF Multitool's validate rules", () => {
    const files = Object.entries(documents()).map(([name, report]) => {
      const file = path.join(dir, `${name}.sarif`);
      fs.writeFileSync(file, renderSarif(report));
      return file;
    });
    // A log with no driver: proof that validate judges what it is given.
    const broken = path.join(dir, 'broken.sarif');
    fs.writeFileSync(broken, '{"version":"2.1.0","runs":[{"tool":{}}]}\n');
    const output = path.join(dir, 'validation.sarif');
    const run = spawnSync(multitool, ['validate', ...files, broken, '--output', output], { encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const log = JSON.parse(fs.readFileSync(output, 'utf8').replace(/^\uFEFF/, '')) as {
      runs: { results?: { ruleId: string; message: { text?: string; arguments?: string[] }; locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const results = log.runs[0]?.results ?? [];
    const where = (r: (typeof results)[number]): string => path.basename(r.locations?.[0]?.physicalLocation.artifactLocation.uri ?? '');
    assert.ok(results.some((r) => where(r) === 'broken.sarif' && r.ruleId === 'JSON1002'), JSON.stringify(results));
    // SARIF2005 asks for the tool's home page (informationUri); Lifeline gives each rule's own page instead.
    const ours = results.filter((r) => where(r) !== 'broken.sarif' && r.ruleId !== 'SARIF2005');
    assert.deepEqual(ours.map((r) => `${where(r)} ${r.ruleId}: ${r.message.text ?? (r.message.arguments ?? []).join(' | ')}`), []);
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
      // A one-word id has no name: SARIF wants a name only where it says more than the id.
      if (rule.id.includes('-')) assert.match(d.name ?? '', /^[A-Z][A-Za-z0-9]*$/);
      else assert.equal(d.name, undefined);
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
      [[{ kind: 'inSource', status: 'accepted', justification: 'postgres moves to private IP next sprint', properties: { expires: '2099-01-01' } }], [{ kind: 'external', status: 'accepted', justification: 'accepted in the Q3 review' }]],
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
