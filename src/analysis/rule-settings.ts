import { closest, distance } from 'fastest-levenshtein';
import { RULES } from './rules/index.js';
import type { Rule, RuleOptionValue, Severity } from './rules/rule.js';

/** How one rule runs: on or off, the severity of its findings (its own when unset), its options. */
export interface RuleSetting {
  readonly enabled: boolean;
  /** Overrides every finding's severity; the rule's own per-finding severity when unset. */
  readonly severity?: Severity;
  readonly options: Readonly<Record<string, RuleOptionValue>>;
  /** Why the rule is off (`--skip-rule`, `--rule`, `lifeline.yaml`), for the report. */
  readonly offBy?: string;
}

/** A `rules:` entry of a lifeline.yaml: `off`, a severity, or a severity and options. */
export type ConfigRuleEntry = 'off' | Severity | { readonly severity?: Severity | 'off'; readonly options?: Readonly<Record<string, RuleOptionValue>> };

/** What the user asked of the rules: flags and the lifeline.yaml's `rules:` map. */
export interface RuleSelection {
  /** `--rule`: only these rules run (coverage rules always do). */
  readonly only?: readonly string[];
  /** `--skip-rule`: these rules do not run. */
  readonly skip?: readonly string[];
  /** The lifeline.yaml's `rules:` map, already validated (see ruleEntryProblems). */
  readonly config?: Readonly<Record<string, ConfigRuleEntry>>;
}

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id, if there is one. */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** `unknown rule "x"; did you mean "y"?`, or the list to choose from when nothing is close. */
export function unknownRule(id: string): string {
  const ids = [...BY_ID.keys()];
  const near = closest(id, ids);
  const hint = distance(id, near) <= Math.max(2, Math.floor(id.length / 3)) ? `did you mean "${near}"?` : 'run `lifeline explain` for the list';
  return `unknown rule "${id}"; ${hint}`;
}

/**
 * Why a rule cannot be turned off: a coverage rule is what makes a run that judged nothing
 * INCOMPLETE instead of HEALTHY, so it always runs (accept its unknowns in a baseline instead).
 */
export function cannotTurnOff(rule: Rule): string | undefined {
  return rule.category === 'coverage' ? `${rule.id} is a coverage rule and always runs: it is what keeps a run that could not judge something from passing as HEALTHY; accept its unknowns with a baseline or an inline suppression instead` : undefined;
}

/**
 * What is wrong with one `rules:` entry, each problem with the key path it is about (relative to
 * the entry): an option the rule does not have (with a did-you-mean), a value of the wrong type,
 * turning a coverage rule off.
 */
export function ruleEntryProblems(id: string, entry: ConfigRuleEntry): { readonly path: readonly string[]; readonly message: string; readonly key?: true }[] {
  const rule = ruleById(id);
  if (rule === undefined) return [{ path: [], message: unknownRule(id), key: true }];
  const problems: { path: readonly string[]; message: string; key?: true }[] = [];
  const severity = typeof entry === 'string' ? entry : entry.severity;
  const refused = severity === 'off' ? cannotTurnOff(rule) : undefined;
  if (refused !== undefined) problems.push({ path: typeof entry === 'string' ? [] : ['severity'], message: refused });
  if (typeof entry === 'object') {
    const specs = rule.options ?? {};
    const names = Object.keys(specs);
    for (const [name, value] of Object.entries(entry.options ?? {})) {
      const spec = specs[name];
      if (spec === undefined) {
        const near = names.length > 0 ? closest(name, names) : undefined;
        const hint = near !== undefined && distance(name, near) <= Math.max(2, Math.floor(name.length / 3)) ? `did you mean "${near}"?` : names.length > 0 ? `its options are ${names.join(', ')}` : 'it has no options';
        problems.push({ path: ['options', name], message: `${id} has no option "${name}"; ${hint}`, key: true });
      } else if (typeof value !== typeof spec.default) {
        problems.push({ path: ['options', name], message: `expected a ${typeof spec.default} (default ${JSON.stringify(spec.default)}), got ${JSON.stringify(value)}` });
      } else if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
        problems.push({ path: ['options', name], message: `expected a number of at least 0, got ${value}` });
      }
    }
  }
  return problems;
}

/**
 * Every rule's setting for one run: the lifeline.yaml's map first, then `--rule` (only these) and
 * `--skip-rule`. Ids are expected valid (flags are checked by the CLI, the map by its reader);
 * coverage rules stay on whatever is asked.
 */
export function ruleSettings(selection: RuleSelection = {}): Map<string, RuleSetting> {
  const only = selection.only !== undefined && selection.only.length > 0 ? new Set(selection.only) : undefined;
  const skip = new Set(selection.skip ?? []);
  const settings = new Map<string, RuleSetting>();
  for (const rule of RULES) {
    const defaults = Object.fromEntries(Object.entries(rule.options ?? {}).map(([name, option]) => [name, option.default]));
    const entry = selection.config?.[rule.id];
    const asked = typeof entry === 'string' ? entry : entry?.severity;
    const options = typeof entry === 'object' ? { ...defaults, ...entry.options } : defaults;
    const alwaysOn = cannotTurnOff(rule) !== undefined;
    const offBy = alwaysOn ? undefined : skip.has(rule.id) ? '--skip-rule' : only !== undefined && !only.has(rule.id) ? '--rule' : asked === 'off' ? 'lifeline.yaml' : undefined;
    settings.set(rule.id, { enabled: offBy === undefined, ...(asked !== undefined && asked !== 'off' ? { severity: asked } : {}), options, ...(offBy !== undefined ? { offBy } : {}) });
  }
  return settings;
}
