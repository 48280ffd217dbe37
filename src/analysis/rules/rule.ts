import type { Origin, Topology } from '../../model/topology.js';
import type { FactId } from '../reachability/facts.js';
import type { PathResult } from '../reachability/path.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  readonly ruleId: string;
  /**
   * What the finding is about, stable across runs and message wording (e.g. `backend→postgres`,
   * `database:staging-db`): with the rule id it identifies the finding in baselines and SARIF.
   */
  readonly key: string;
  readonly severity: Severity;
  readonly message: string;
  readonly origin: Origin;
  readonly service?: string;
  readonly dependency?: string;
  /**
   * Set when the finding says that something could not be judged (a value the configuration does
   * not give): the run is INCOMPLETE, whatever the severity, until it is given or accepted.
   */
  readonly unjudged?: true;
}

/**
 * Something an input left out of the model as a whole (a module that was not resolved, a file
 * recognised but not understood), as the importers reported it.
 */
export interface Unresolved {
  readonly key: string;
  readonly subject: string;
  readonly reason: string;
  readonly origin: Origin;
}

/** What every rule sees: the model and the reachability results. Rules neither read files nor print. */
export interface RuleContext {
  readonly topology: Topology;
  /** The paths of declared and inferred dependencies. */
  readonly paths: readonly PathResult[];
  /** The paths to every service's implicit destinations (internet, Google APIs, private ranges). */
  readonly implicitPaths: readonly PathResult[];
  /** What the inputs left out of the model as a whole. */
  readonly unresolved: readonly Unresolved[];
  /**
   * Secret values the caller could read (a secret's local `file`, later the live API), by secret
   * name. Rules may parse them; nothing may ever print them.
   */
  readonly secretValues: ReadonlyMap<string, string>;
}

export type RuleOptionValue = number | string | boolean;

/** One option of a rule: its default and what it means (docs are generated from this). */
export interface RuleOption {
  readonly default: RuleOptionValue;
  readonly description: string;
}

export interface Rule {
  /** Stable id, equal to the rule's file name. */
  readonly id: string;
  readonly title: string;
  readonly category: 'coverage' | 'reachability' | 'capacity' | 'timeouts' | 'secrets' | 'security' | 'configuration';
  /** The severity of a typical finding; a rule may lower it (e.g. for a non-critical dependency). */
  readonly severity: Severity;
  readonly rationale: string;
  readonly sources: readonly string[];
  /** The platform facts (docs/facts.md) its judgement rests on. */
  readonly facts?: readonly FactId[];
  /** Tunable thresholds, with defaults. */
  readonly options?: Readonly<Record<string, RuleOption>>;
  check(context: RuleContext, options: Readonly<Record<string, RuleOptionValue>>): Finding[];
}

/** The defaults of a rule's options, as `check` receives them when nothing overrides them. */
export function defaultOptions(rule: Rule): Record<string, RuleOptionValue> {
  return Object.fromEntries(Object.entries(rule.options ?? {}).map(([name, option]) => [name, option.default]));
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Reads a numeric option, falling back to its default; a bad value is a TypeError naming the rule
 * and the option.
 */
export function numberOption(ruleId: string, specs: Readonly<Record<string, RuleOption>>, options: Readonly<Record<string, RuleOptionValue>>, name: string): number {
  const value = options[name] ?? specs[name]?.default;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${ruleId}: option \`${name}\` must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}
