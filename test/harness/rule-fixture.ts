import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeImplicitDestinations, analyzeReachability, indexTopology } from '../../src/analysis/reachability/engine.js';
import { defaultOptions, type Finding, type Rule, type RuleOptionValue, type Severity, type Unresolved } from '../../src/analysis/rules/rule.js';
import type { Topology } from '../../src/model/topology.js';
import { parseTopology } from '../../src/sources/topology-file.js';

/** What a rule test may set beyond the topology: option overrides and the secret values the caller read. */
export interface RunRuleOptions {
  /** Merged over the rule's defaults, as a user's configuration would be. */
  readonly overrides?: Readonly<Record<string, RuleOptionValue>>;
  /** Secret values by secret name; none unless given. */
  readonly secretValues?: ReadonlyMap<string, string>;
  /** What the inputs left out of the model as a whole; none unless given. */
  readonly unresolved?: readonly Unresolved[];
}

/**
 * The file `test/fixtures/rules/<ruleId>/<name>` in the repository, resolved from this module's
 * compiled location (dist/test/harness/). A name without an extension gets `.yaml`.
 */
export function ruleFixturePath(ruleId: string, name: string): string {
  const file = path.extname(name) === '' ? `${name}.yaml` : name;
  return fileURLToPath(new URL(`../../../test/fixtures/rules/${ruleId}/${file}`, import.meta.url));
}

/** Reads and parses a rule's fixture (see {@link ruleFixturePath}) into a topology. */
export function loadRuleFixture(ruleId: string, name: string): Topology {
  const file = ruleFixturePath(ruleId, name);
  return parseTopology(file, readFileSync(file, 'utf8')).topology;
}

/**
 * Runs one rule the way the analysis does: paths from the reachability engine (rules that do not
 * read them are unaffected), the rule's default options with `overrides` over them.
 */
export function runRule(rule: Rule, topology: Topology, options: RunRuleOptions = {}): Finding[] {
  const index = indexTopology(topology);
  const context = {
    topology,
    paths: analyzeReachability(index),
    implicitPaths: analyzeImplicitDestinations(index),
    unresolved: options.unresolved ?? [],
    secretValues: options.secretValues ?? new Map<string, string>(),
  };
  return rule.check(context, { ...defaultOptions(rule), ...options.overrides });
}

/** Loads the rule's own fixture `name` and runs the rule on it: {@link loadRuleFixture} then {@link runRule}. */
export function checkRuleFixture(rule: Rule, name: string, overrides: Readonly<Record<string, RuleOptionValue>> = {}): Finding[] {
  return runRule(rule, loadRuleFixture(rule.id, name), { overrides });
}

/** Each finding's severity by its key, e.g. `{ 'backend→postgres': 'warning' }`. */
export function severityByKey(findings: readonly Finding[]): Record<string, Severity> {
  return Object.fromEntries(findings.map((f) => [f.key, f.severity]));
}

/** Each finding as `"<key> <severity>"`, sorted, e.g. `['database:open critical']`. */
export function keySeverityLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.key} ${f.severity}`).sort();
}
