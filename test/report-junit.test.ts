import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { renderJunit } from '../src/report/junit.js';
import type { Report, ReportPath } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

function reportOf(name: string): Report {
  const run = spawnSync(process.execPath, [cli, 'check', `examples/incident/${name}.yaml`, '--format', 'json'], { encoding: 'utf8', cwd: root });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

interface Outcome {
  message: string;
  type: string;
  '#text'?: string;
}
interface TestCase {
  classname: string;
  name: string;
  file?: string;
  line?: string;
  failure?: Outcome;
  error?: Outcome;
  skipped?: Outcome;
  'system-out'?: string;
}
interface Counted {
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
}
interface Suite extends Counted {
  name: string;
  testcase: TestCase[];
}
interface Junit {
  testsuites: Counted & { testsuite: Suite[] };
}

/**
 * Parses with a real XML parser that throws on every error or warning (so on any text that is not
 * well-formed), then reads the JUnit structure back: attribute values and texts as XML defines them,
 * character references decoded and attribute whitespace normalized.
 */
function parseJunit(xml: string): Junit {
  // xmldom lets two faults through: characters XML 1.0 forbids, and a bare '&'. Check them here.
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/, 'no character XML 1.0 forbids');
  assert.doesNotMatch(xml, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'no bare &');
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  });
  const doc = parser.parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  assert.equal(root?.tagName, 'testsuites');
  const children = (el: Element, tag: string): Element[] => [...el.childNodes].filter((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).tagName === tag);
  const attr = (el: Element, name: string): string => el.getAttribute(name) ?? '';
  const counted = (el: Element): Counted => ({ tests: attr(el, 'tests'), failures: attr(el, 'failures'), errors: attr(el, 'errors'), skipped: attr(el, 'skipped') });
  const outcome = (el: Element, tag: string): Outcome | undefined => {
    const [o] = children(el, tag);
    return o ? { message: attr(o, 'message'), type: attr(o, 'type'), '#text': o.textContent ?? '' } : undefined;
  };
  const testcase = (el: Element): TestCase => {
    const [out] = children(el, 'system-out');
    const [failure, error, skipped] = [outcome(el, 'failure'), outcome(el, 'error'), outcome(el, 'skipped')];
    return {
      classname: attr(el, 'classname'),
      name: attr(el, 'name'),
      ...(el.hasAttribute('file') ? { file: attr(el, 'file') } : {}),
      ...(el.hasAttribute('line') ? { line: attr(el, 'line') } : {}),
      ...(failure ? { failure } : {}),
      ...(error ? { error } : {}),
      ...(skipped ? { skipped } : {}),
      ...(out ? { 'system-out': out.textContent ?? '' } : {}),
    };
  };
  return {
    testsuites: {
      ...counted(root),
      testsuite: children(root, 'testsuite').map((suite) => ({ name: attr(suite, 'name'), ...counted(suite), testcase: children(suite, 'testcase').map(testcase) })),
    },
  };
}

const outcomeOf = (c: TestCase): string => (c.failure ? 'failure' : c.error ? 'error' : c.skipped ? 'skipped' : 'pass');

/** Every count attribute agrees with the test cases under it. */
function assertCountsConsistent(junit: Junit): void {
  const all = junit.testsuites.testsuite.flatMap((s) => s.testcase);
  const counts = (cases: TestCase[]) => ({
    tests: String(cases.length),
    failures: String(cases.filter((c) => c.failure).length),
    errors: String(cases.filter((c) => c.error).length),
    skipped: String(cases.filter((c) => c.skipped).length),
  });
  for (const suite of junit.testsuites.testsuite) {
    assert.deepEqual({ tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped }, counts(suite.testcase), suite.name);
  }
  const t = junit.testsuites;
  assert.deepEqual({ tests: t.tests, failures: t.failures, errors: t.errors, skipped: t.skipped }, counts(all));
}

describe('renderJunit', () => {
  let afterReport: Report;
  before(() => {
    afterReport = reportOf('after');
  });

  it('has a suite per service with a case per dependency, failing where UNREACHABLE', () => {
    const junit = parseJunit(renderJunit(afterReport));
    assertCountsConsistent(junit);
    const suites = junit.testsuites.testsuite;
    assert.deepEqual(
      suites.map((s) => s.name),
      ['backend', 'auth', 'rules'],
    );
    const cases = suites.slice(0, 2).flatMap((s) => s.testcase.map((c) => `${c.name} ${outcomeOf(c)}`));
    assert.deepEqual(cases, [
      'backend → postgres failure',
      'backend → clickhouse failure',
      'backend → staging-redis pass',
      'backend → openai failure',
      'backend → anthropic failure',
      'backend → internet failure',
      'backend → google-apis skipped',
      'backend → private:staging-vpc:10.10.0.0/24 pass',
      'backend → private:staging-vpc:10.20.0.0/16 pass',
      'auth → postgres failure',
      'auth → redis pass',
      'auth → internet failure',
      'auth → google-apis skipped',
      'auth → private:staging-vpc:10.10.0.0/24 pass',
      'auth → private:staging-vpc:10.20.0.0/16 pass',
    ]);
    const postgres = suites[0]?.testcase[0];
    assert.ok(postgres?.failure);
    assert.equal(postgres.failure.type, 'NO_EXTERNAL_ADDRESS');
    assert.match(postgres.failure.message, /is UNREACHABLE: NO_EXTERNAL_ADDRESS at NAT: staging-db public IP \(198\.51\.100\.20:3307\)/);
    assert.match(postgres.failure['#text'] ?? '', /^failing hop: NAT \(drop NO_EXTERNAL_ADDRESS, assumed\)$/m);
    assert.match(postgres.failure['#text'] ?? '', /fix-1 \(recommended\): add Cloud NAT/);
    assert.equal(postgres.classname, 'lifeline.services.backend');
    assert.equal(postgres.file, afterReport.paths[0]?.location.file);
    assert.equal(postgres.line, String(afterReport.paths[0]?.location.line));
  });

  it('has a rules suite: a failing case listing the findings of each rule that has some, a passing one otherwise', () => {
    const rules = parseJunit(renderJunit(afterReport)).testsuites.testsuite.find((s) => s.name === 'rules');
    assert.ok(rules);
    assert.equal(rules.testcase.length, afterReport.rules.length);
    for (const [i, rule] of afterReport.rules.entries()) {
      const c: TestCase | undefined = rules.testcase[i];
      assert.ok(c);
      assert.equal(c.name, `${rule.id}: ${rule.title}`);
      const findings = afterReport.findings.filter((f) => f.ruleId === rule.id);
      assert.equal(outcomeOf(c), findings.length > 0 ? 'failure' : 'pass', rule.id);
      for (const f of findings) assert.ok(c.failure?.['#text']?.includes(f.message), `${rule.id} lists: ${f.message}`);
    }
    const unreachable = rules.testcase.find((c) => c.name.startsWith('unreachable-dependency:'));
    assert.equal(unreachable?.failure?.message, '5 findings (4 critical, 1 warning)');
    assert.equal(unreachable.failure.type, 'critical');
  });

  it('a healthy report has no failures', () => {
    const junit = parseJunit(renderJunit(reportOf('fixed')));
    assertCountsConsistent(junit);
    assert.equal(junit.testsuites.failures, '0');
    // Seven dependencies and eight implicit destinations, then one case per rule.
    assert.equal(junit.testsuites.tests, String(15 + (junit.testsuites.testsuite.at(-1)?.testcase.length ?? 0)));
  });

  it('reports UNDETERMINED as skipped and AMBIGUOUS as an error', () => {
    const paths: ReportPath[] = afterReport.paths.map((p, i) =>
      i === 0 ? { ...p, verdict: 'UNDETERMINED', cause: 'UNKNOWN_CONFIGURATION' } : i === 1 ? { ...p, verdict: 'AMBIGUOUS', cause: 'SOURCE_IP_NOT_ALLOWLISTED' } : p,
    );
    const junit = parseJunit(renderJunit({ ...afterReport, paths }));
    assertCountsConsistent(junit);
    const suite = junit.testsuites.testsuite.at(0);
    assert.ok(suite);
    const [undetermined, ambiguous] = [suite.testcase.at(0), suite.testcase.at(1)];
    assert.ok(undetermined && ambiguous);
    assert.equal(outcomeOf(undetermined), 'skipped');
    assert.equal(undetermined.skipped?.type, 'UNKNOWN_CONFIGURATION');
    assert.match(undetermined.skipped.message, /is UNDETERMINED: UNKNOWN_CONFIGURATION/);
    assert.equal(outcomeOf(ambiguous), 'error');
    assert.equal(ambiguous.error?.type, 'SOURCE_IP_NOT_ALLOWLISTED');
    // Plus both services' Google API paths, undetermined through the connector's hidden subnet.
    assert.equal(junit.testsuites.skipped, '3');
    assert.equal(junit.testsuites.errors, '1');
  });

  it('escapes markup, quotes and control characters, and round-trips the messages', () => {
    const nasty = `<b>"quoted" & 'single'</b> ]]> tab\there\r\nline2 \u0007bell \u001b[31mred\u001b[0m é 😀 \uD800lone`;
    const expected = `<b>"quoted" & 'single'</b> ]]> tab\there\r\nline2 \\u0007bell \\u001b[31mred\\u001b[0m é 😀 \\ud800lone`;
    const [finding] = afterReport.findings;
    const [path] = afterReport.paths;
    assert.ok(finding && path);
    const report: Report = {
      ...afterReport,
      paths: [{ ...path, service: `svc ${nasty}`, target: nasty }],
      findings: [{ ...finding, message: nasty }],
    };
    const xml = renderJunit(report);
    const junit = parseJunit(xml);
    assertCountsConsistent(junit);
    const [service, rules] = junit.testsuites.testsuite;
    assert.equal(service?.name, `svc ${expected}`, 'attribute round-trips');
    const failure = service.testcase[0]?.failure;
    assert.ok(failure?.message.includes(`(${expected}) is UNREACHABLE`), failure?.message);
    const listed = rules?.testcase.find((c) => c.failure)?.failure?.['#text'];
    assert.equal(listed, `[${finding.severity}] ${finding.location.file}:${finding.location.line}:${finding.location.column}: ${expected}`, 'element text round-trips');
  });

  it('the checks above reject XML that is not well-formed', () => {
    const good = '<testsuites tests="0" failures="0" errors="0" skipped="0"></testsuites>';
    assert.doesNotThrow(() => parseJunit(good));
    for (const bad of [
      '<testsuites name="a<b"></testsuites>',
      '<testsuites name="a & b"></testsuites>',
      '<testsuites>a & b</testsuites>',
      '<testsuites>bell \u0007</testsuites>',
      '<testsuites><testsuite></testsuites>',
      '<testsuites name="a" name="b"></testsuites>',
    ]) {
      assert.throws(() => parseJunit(bad), Error, bad);
    }
  });

  it('redacts URL passwords', () => {
    const [finding] = afterReport.findings;
    assert.ok(finding);
    const xml = renderJunit({ ...afterReport, findings: [{ ...finding, message: 'via redis://:Sup3rS3cret@10.0.0.4:6379' }] });
    assert.ok(!xml.includes('Sup3rS3cret'));
    assert.ok(xml.includes('redis://:***@10.0.0.4:6379'));
  });
});
