import { openAuthorizedNetwork } from './open-authorized-network.js';
import type { Rule } from './rule.js';
import { unconfirmedPath } from './unconfirmed-path.js';
import { unreachableDependency } from './unreachable-dependency.js';

/** Every rule, in report order. Adding a rule means adding it here: there is no discovery magic. */
export const RULES = [unreachableDependency, unconfirmedPath, openAuthorizedNetwork] as const satisfies readonly Rule[];

export type { Finding, Rule, RuleContext, RuleOption, RuleOptionValue, Severity } from './rule.js';
