import type { Dependency, Origin, Service, Topology } from '../../model/topology.js';
import { numberOption, type Finding, type Rule, type RuleOption, type RuleOptionValue } from './rule.js';

const ID = 'startup-timeout-budget';

const OPTIONS = {
  backoffSeconds: {
    default: 1,
    description: 'Seconds a client waits between two connection attempts (added once per retry).',
  },
} as const satisfies Readonly<Record<string, RuleOption>>;

// A startup probe's initialDelaySeconds is at most 240 s, and failureThreshold × periodSeconds
// is capped at 240 s (fact startup-probe-window).
const STARTUP_CAP_SECONDS = 240;
// The default TCP startup probe: timeoutSeconds 240, periodSeconds 240, failureThreshold 1 (§8.8).
const DEFAULT_PROBE_SECONDS = 240;

const option = (options: Readonly<Record<string, RuleOptionValue>>, name: keyof typeof OPTIONS): number => numberOption(ID, OPTIONS, options, name);

interface StartupBudget {
  readonly seconds: number;
  readonly explanation: string;
}

/** How long Cloud Run lets an instance start before its startup probe fails it. */
function startupBudget(service: Service): StartupBudget {
  const probe = service.startupProbe;
  if (!probe) return { seconds: DEFAULT_PROBE_SECONDS, explanation: `Cloud Run's default TCP startup probe, ${DEFAULT_PROBE_SECONDS} s` };
  const delay = Math.min(probe.initialDelaySeconds, STARTUP_CAP_SECONDS);
  const asked = probe.failureThreshold * probe.periodSeconds;
  const window = Math.min(asked, STARTUP_CAP_SECONDS);
  const capped = delay < probe.initialDelaySeconds || window < asked ? `, capped at ${STARTUP_CAP_SECONDS} s each` : '';
  return {
    seconds: delay + window,
    explanation: `initialDelaySeconds ${probe.initialDelaySeconds} + failureThreshold ${probe.failureThreshold} × periodSeconds ${probe.periodSeconds}${capped}`,
  };
}

interface WorstCase {
  readonly seconds: number;
  readonly attempts: number;
  readonly explanation: string;
}

/** How long a client takes to give up on a dependency that never answers. */
function worstCase(connectTimeout: number, retries: number | undefined, backoff: number): WorstCase {
  const attempts = (retries ?? 0) + 1;
  const waits = attempts - 1;
  const seconds = connectTimeout * attempts + backoff * waits;
  const retried = retries === undefined ? 'no retries declared' : `retries ${retries}`;
  return {
    seconds,
    attempts,
    explanation: `connect timeout ${connectTimeout} s × ${attempts} attempt${attempts === 1 ? '' : 's'} (${retried})${waits > 0 ? ` + ${waits} × ${backoff} s backoff` : ''} = ${seconds} s`,
  };
}

function isDatabase(dependency: Dependency): boolean {
  return dependency.target.kind === 'cloudsql-socket' || dependency.target.kind === 'database' || dependency.kind === 'postgres';
}

/** Worst-case connect time against the startup budget and the request timeout, per dependency with a declared connect timeout (for `diff`'s margins). */
export function timeoutMargins(topology: Topology): { readonly service: string; readonly dependency: string; readonly worstSeconds: number; readonly startupSeconds: number; readonly requestSeconds: number; readonly origin: Origin }[] {
  return topology.services.flatMap((service) => {
    const budget = startupBudget(service);
    return service.dependencies.flatMap((dependency) => {
      if (dependency.connectTimeoutSeconds === undefined) return [];
      const worst = worstCase(dependency.connectTimeoutSeconds, dependency.retries, OPTIONS.backoffSeconds.default);
      return [{ service: service.name, dependency: dependency.name, worstSeconds: worst.seconds, startupSeconds: budget.seconds, requestSeconds: service.timeoutSeconds, origin: at(dependency.origin, 'connectTimeoutSeconds') }];
    });
  });
}

const at = (origin: Origin, ...keys: (string | number)[]): Origin => ({ ...origin, path: [...origin.path, ...keys] });

export const startupTimeoutBudget: Rule = {
  id: ID,
  title: 'Connection timeouts and retries do not fit the startup probe or the request timeout',
  category: 'timeouts',
  severity: 'critical',
  rationale:
    "An instance that waits for a critical dependency while starting must give up on it (connect timeout × attempts + backoff) before the startup probe gives up on the instance; otherwise a slow or unreachable database makes every new instance fail its probe and the revision never becomes ready (the incident: 25 s, then 75 s connect timeouts). The same wait inside a request outlives the request timeout, and a load balancer's shorter timeout cuts requests that Cloud Run still serves.",
  sources: [
    'https://cloud.google.com/run/docs/configuring/healthchecks',
    'https://cloud.google.com/run/docs/reference/rest/v2/Containers#Probe',
    'https://cloud.google.com/run/docs/configuring/workerpools/healthchecks',
    'https://cloud.google.com/run/docs/configuring/request-timeout',
    'https://github.com/terraform-google-modules/terraform-google-lb-http/pull/358',
  ],
  facts: ['startup-probe-window'],
  options: OPTIONS,
  check({ topology }, options) {
    const backoff = option(options, 'backoffSeconds');
    const findings: Finding[] = [];

    for (const service of topology.services) {
      // A job's tasks have no startup probe and serve no requests: neither budget applies.
      if (service.workload === 'job') continue;
      const budget = startupBudget(service);
      for (const dependency of service.dependencies) {
        if (dependency.connectTimeoutSeconds === undefined) continue;
        const worst = worstCase(dependency.connectTimeoutSeconds, dependency.retries, backoff);
        const pair = `${service.name} → ${dependency.name}`;
        const origin = at(dependency.origin, 'connectTimeoutSeconds');

        if (dependency.critical !== false && worst.seconds > budget.seconds) {
          const undeclared = dependency.critical === undefined ? ' [criticality not declared: treated as critical]' : '';
          // The longest connect timeout that still fits, keeping the declared retries.
          const fits = Math.floor((budget.seconds - backoff * (worst.attempts - 1)) / worst.attempts);
          const suggestion = fits >= 1 ? `connectTimeoutSeconds ≤ ${fits} with ${worst.attempts} attempts` : 'fewer retries and a shorter connectTimeoutSeconds';
          findings.push({
            ruleId: ID,
            key: `${service.name}→${dependency.name}`,
            severity: isDatabase(dependency) ? 'critical' : 'warning',
            message: `${pair}${undeclared}: ${worst.explanation} before giving up, but the startup probe fails the instance after ${budget.seconds} s (${budget.explanation}). While ${dependency.display} is slow or unreachable, every new instance is killed before its last attempt ends and the revision never becomes ready. Use ${suggestion}, or lengthen the startup probe (failureThreshold × periodSeconds up to ${STARTUP_CAP_SECONDS} s, plus initialDelaySeconds up to ${STARTUP_CAP_SECONDS} s).`,
            origin,
            service: service.name,
            dependency: dependency.name,
          });
        }

        if (worst.seconds > service.timeoutSeconds) {
          findings.push({
            ruleId: ID,
            key: `${service.name}→${dependency.name}:request-timeout`,
            severity: 'warning',
            message: `${pair}: ${worst.explanation} before giving up, longer than the service's request timeout of ${service.timeoutSeconds} s: a request that has to connect gets a 504 before the client reports the real error. Keep connect timeout × attempts below ${service.timeoutSeconds} s, or raise the request timeout (up to 3600 s).`,
            origin,
            service: service.name,
            dependency: dependency.name,
          });
        }
      }
    }

    const services = new Map(topology.services.map((s) => [s.name, s]));
    for (const lb of topology.loadBalancers) {
      for (const backend of lb.backends) {
        // A backend service with serverless NEG backends takes no timeout: the API rejects
        // `timeoutSec` there, and Cloud Run's request timeout is the one that applies.
        if (backend.serverlessNeg) continue;
        const service = services.get(backend.service);
        if (!service || lb.timeoutSeconds >= service.timeoutSeconds) continue;
        findings.push({
          ruleId: ID,
          key: `loadBalancer:${lb.name}→${service.name}`,
          severity: 'warning',
          message: `load balancer ${lb.name} times out requests to ${service.name} after ${lb.timeoutSeconds} s, but the service allows ${service.timeoutSeconds} s: requests between the two get an error from the load balancer while ${service.name} keeps working on them. Raise the backend service timeout to ${service.timeoutSeconds} s, or lower the service's request timeout to ${lb.timeoutSeconds} s.`,
          origin: at(lb.origin, 'timeoutSeconds'),
          service: service.name,
        });
      }
    }
    return findings;
  },
};
