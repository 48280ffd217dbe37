import type { Origin, Service, StartupProbe } from '../../model/topology.js';
import type { Finding, Rule } from './rule.js';

const ID = 'startup-probe-window';

// A startup probe's initialDelaySeconds and periodSeconds are at most 240 s, and its window,
// failureThreshold × periodSeconds, is capped at 240 s (fact startup-probe-window).
const STARTUP_CAP_SECONDS = 240;

function finding(service: Service, problem: string, field: keyof StartupProbe, severity: Finding['severity'], message: string): Finding {
  const origin: Origin = { ...service.origin, path: [...service.origin.path, 'startupProbe', field] };
  return { ruleId: ID, key: `service:${service.name}:startupProbe.${problem}`, severity, message, origin, service: service.name };
}

export const startupProbeWindow: Rule = {
  id: ID,
  title: "A startup probe's timings are outside what Cloud Run allows",
  category: 'configuration',
  severity: 'critical',
  rationale:
    "Cloud Run caps a startup probe's failureThreshold × periodSeconds at 240 s and its initialDelaySeconds at 240 s (so a service gets at most about 480 s to start), and each attempt's timeoutSeconds may not exceed periodSeconds (Cloud Run's own default probe has both at 240 s). A probe configured beyond that does not give the time it appears to give, or is not accepted.",
  sources: [
    'https://cloud.google.com/run/docs/reference/rest/v2/Containers#Probe',
    'https://cloud.google.com/run/docs/configuring/workerpools/healthchecks',
    'https://cloud.google.com/run/docs/configuring/jobs/healthchecks',
    'https://github.com/PolicyEngine/policyengine-api/issues/3764',
  ],
  facts: ['startup-probe-window'],
  check({ topology }) {
    return topology.services.flatMap((service) => {
      const probe = service.startupProbe;
      if (!probe) return [];
      const findings: Finding[] = [];
      const window = probe.failureThreshold * probe.periodSeconds;
      if (window > STARTUP_CAP_SECONDS) {
        const period = Math.min(probe.periodSeconds, STARTUP_CAP_SECONDS);
        const threshold = Math.max(1, Math.floor(STARTUP_CAP_SECONDS / period));
        const periodNote = probe.periodSeconds > STARTUP_CAP_SECONDS ? ` (periodSeconds itself is at most ${STARTUP_CAP_SECONDS})` : '';
        findings.push(
          finding(
            service,
            'window',
            'failureThreshold',
            'critical',
            `service ${service.name}'s startup probe allows failureThreshold ${probe.failureThreshold} × periodSeconds ${probe.periodSeconds} = ${window} s, but Cloud Run caps that window at ${STARTUP_CAP_SECONDS} s${periodNote}: instances are failed sooner than the configuration says. Keep failureThreshold × periodSeconds at ${STARTUP_CAP_SECONDS} s or less (e.g. failureThreshold ${threshold} × periodSeconds ${period}), and make startup itself faster if it needs more.`,
          ),
        );
      }
      if (probe.initialDelaySeconds > STARTUP_CAP_SECONDS) {
        findings.push(
          finding(
            service,
            'initialDelaySeconds',
            'initialDelaySeconds',
            'critical',
            `service ${service.name}'s startup probe has initialDelaySeconds ${probe.initialDelaySeconds}, above the ${STARTUP_CAP_SECONDS} s Cloud Run allows for startup probes: set it to ${STARTUP_CAP_SECONDS} or less.`,
          ),
        );
      }
      // The reference says "smaller than periodSeconds", yet Cloud Run gives every service a default
      // probe of timeoutSeconds 240 and periodSeconds 240 (cloud.google.com/run/docs/configuring/healthchecks): equal is accepted.
      if (probe.timeoutSeconds > probe.periodSeconds) {
        findings.push(
          finding(
            service,
            'timeoutSeconds',
            'timeoutSeconds',
            'warning',
            `service ${service.name}'s startup probe has timeoutSeconds ${probe.timeoutSeconds}, above periodSeconds ${probe.periodSeconds}: a probe that outlasts its period is refused. Lower timeoutSeconds to ${probe.periodSeconds} or less, or raise periodSeconds to ${probe.timeoutSeconds}.`,
          ),
        );
      }
      return findings;
    });
  },
};
