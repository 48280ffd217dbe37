import type { Cause, Verdict } from '../analysis/reachability/path.js';
import type { ProbeOutcome } from './outcome.js';

/**
 * Outcomes that prove a network path exists: something at the far end answered, even if only with
 * a refusal or a reset (Google Cloud firewalls drop silently; they do not refuse).
 */
const PATH_EXISTS: ReadonlySet<ProbeOutcome> = new Set(['OK', 'AUTH_FAILED', 'TLS_FAILED', 'PROTOCOL_ERROR', 'TIMEOUT', 'REFUSED', 'RESET']);

export interface Agreement {
  /** null when the configuration makes no prediction (UNDETERMINED, AMBIGUOUS). */
  readonly agrees: boolean | null;
  readonly suggestion: string;
}

/** Sets a live outcome beside the static verdict and says what a disagreement suggests. */
export function compareWithStatic(outcome: ProbeOutcome, verdict: Verdict | undefined, cause: Cause | undefined): Agreement {
  if (verdict === undefined) return { agrees: null, suggestion: 'no static verdict for this dependency' };
  // A failed lookup says nothing about the egress path: the name did not resolve from *here*
  // (the incident's misread "getaddrinfo failed" on a laptop is exactly this).
  if (outcome === 'DNS_FAILED') {
    return { agrees: null, suggestion: 'the name does not resolve from here, which says nothing about the egress path: check DNS (a private zone, a DNS policy) where the probe runs' };
  }
  if (verdict === 'UNDETERMINED' || verdict === 'AMBIGUOUS') {
    return { agrees: null, suggestion: `the configuration could not decide (${verdict}); this probe is the evidence: ${PATH_EXISTS.has(outcome) ? 'a path exists' : 'no working path'}` };
  }
  const pathExists = PATH_EXISTS.has(outcome);
  if (verdict === 'REACHABLE') {
    if (outcome === 'OK') return { agrees: true, suggestion: 'as predicted' };
    if (pathExists) return { agrees: true, suggestion: hintForReachableButFailing(outcome) };
    // Only TIMEOUT_CONNECT is left here: no answer at all to the connection attempt.
    return { agrees: false, suggestion: 'the configuration predicts a path, but connections get no answer: a firewall rule or route that the configuration does not show, or a deployed revision that differs from the configuration (e.g. its egress setting)' };
  }
  // UNREACHABLE
  if (!pathExists) return { agrees: true, suggestion: `as predicted${cause ? ` (${cause})` : ''}` };
  return { agrees: false, suggestion: 'the configuration predicts no path, yet something answered: the configuration is not what is deployed (egress setting, NAT or firewall differ), or the probe ran from somewhere else' };
}

function hintForReachableButFailing(outcome: ProbeOutcome): string {
  switch (outcome) {
    case 'AUTH_FAILED':
      return 'reachable as predicted; the credentials (or database name) were refused';
    case 'TLS_FAILED':
      return 'reachable as predicted; the TLS certificate or handshake failed';
    case 'PROTOCOL_ERROR':
      return 'reachable as predicted; but it did not answer as the expected protocol';
    case 'TIMEOUT':
      return 'reachable as predicted (connected); then it stayed silent: overloaded, or the wrong service on that port';
    case 'REFUSED':
      return 'the path works as predicted (a refusal came back), but nothing accepts connections: wrong port, the dependency is down, or (for /cloudsql) the instance is not mounted on this revision';
    case 'RESET':
      return 'the path works as predicted, but the peer or something between resets the connection: an overloaded or restarting server, a proxy, or a connection limit';
    default:
      return 'reachable as predicted';
  }
}
