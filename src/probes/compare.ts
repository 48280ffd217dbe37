import type { Cause, Verdict } from '../analysis/reachability/path.js';
import type { ProbeOutcome } from './outcome.js';

/** Outcomes that prove a network path exists (something answered from the far end). */
const PATH_EXISTS: ReadonlySet<ProbeOutcome> = new Set(['OK', 'AUTH_FAILED', 'TLS_FAILED', 'PROTOCOL_ERROR', 'TIMEOUT']);

export interface Agreement {
  /** null when the configuration makes no prediction (UNDETERMINED, AMBIGUOUS). */
  readonly agrees: boolean | null;
  readonly suggestion: string;
}

/** Sets a live outcome beside the static verdict and says what a disagreement suggests. */
export function compareWithStatic(outcome: ProbeOutcome, verdict: Verdict | undefined, cause: Cause | undefined): Agreement {
  if (verdict === undefined) return { agrees: null, suggestion: 'no static verdict for this dependency' };
  if (verdict === 'UNDETERMINED' || verdict === 'AMBIGUOUS') {
    return { agrees: null, suggestion: `the configuration could not decide (${verdict}); this probe is the evidence: ${PATH_EXISTS.has(outcome) ? 'a path exists' : 'no working path'}` };
  }
  const pathExists = PATH_EXISTS.has(outcome);
  if (verdict === 'REACHABLE') {
    if (outcome === 'OK') return { agrees: true, suggestion: 'as predicted' };
    if (pathExists) return { agrees: true, suggestion: hintForReachableButFailing(outcome) };
    switch (outcome) {
      case 'TIMEOUT_CONNECT':
        return { agrees: false, suggestion: 'the configuration predicts a path, but connections get no answer: a firewall rule or route that the configuration does not show, or a deployed revision that differs from the configuration (e.g. its egress setting)' };
      case 'DNS_FAILED':
        return { agrees: false, suggestion: 'the name does not resolve from here: DNS (a private zone, a DNS policy) is not part of the configuration' };
      case 'REFUSED':
        return { agrees: false, suggestion: 'the path works (a refusal came back) but nothing accepts connections: wrong port, the dependency is down, or (for /cloudsql) the instance is not mounted on this revision' };
      case 'RESET':
        return { agrees: false, suggestion: 'the peer or something between resets the connection: an overloaded or restarting server, a proxy, or a connection limit' };
      default:
        return { agrees: false, suggestion: 'unexpected outcome' };
    }
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
    default:
      return 'reachable as predicted';
  }
}
