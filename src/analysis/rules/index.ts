import { cloudsqlAdminApiQuota } from './cloudsql-admin-api-quota.js';
import { cloudsqlConnectionCap } from './cloudsql-connection-cap.js';
import { connectionCapacity } from './connection-capacity.js';
import { configDrift } from './config-drift.js';
import { connectorInstanceBounds } from './connector-instance-bounds.js';
import { connectorRange } from './connector-range.js';
import { connectorState } from './connector-state.js';
import { connectorThroughput } from './connector-throughput.js';
import { directVpcSubnetSize } from './direct-vpc-subnet-size.js';
import { incomplete } from './incomplete.js';
import { openAuthorizedNetwork } from './open-authorized-network.js';
import { redisAuthTls } from './redis-auth-tls.js';
import type { Rule } from './rule.js';
import { secretFormat } from './secret-format.js';
import { secretInPlainEnv } from './secret-in-plain-env.js';
import { secretReferenceMissing } from './secret-reference-missing.js';
import { secretVersion } from './secret-version.js';
import { serverlessNegHealthCheck } from './serverless-neg-health-check.js';
import { sslNotRequired } from './ssl-not-required.js';
import { startupProbeWindow } from './startup-probe-window.js';
import { startupTimeoutBudget } from './startup-timeout-budget.js';
import { unconfirmedPath } from './unconfirmed-path.js';
import { unreachableDependency } from './unreachable-dependency.js';
import { unreachableDestination } from './unreachable-destination.js';

/**
 * Every rule, in report order: coverage, reachability, capacity, timeouts, secrets, security, configuration.
 * Adding a rule means adding it here: there is no discovery magic (a meta-test checks that every
 * rule file is registered and documented).
 */
export const RULES = [
  incomplete,
  unreachableDependency,
  unreachableDestination,
  unconfirmedPath,
  connectionCapacity,
  cloudsqlConnectionCap,
  cloudsqlAdminApiQuota,
  connectorThroughput,
  startupTimeoutBudget,
  secretReferenceMissing,
  secretVersion,
  secretFormat,
  openAuthorizedNetwork,
  sslNotRequired,
  redisAuthTls,
  secretInPlainEnv,
  configDrift,
  connectorState,
  connectorInstanceBounds,
  connectorRange,
  directVpcSubnetSize,
  serverlessNegHealthCheck,
  startupProbeWindow,
] as const satisfies readonly Rule[];

export type { Finding, Rule, RuleContext, RuleOption, RuleOptionValue, Severity } from './rule.js';
