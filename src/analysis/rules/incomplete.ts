import type { Origin } from '../../model/topology.js';
import type { PathResult } from '../reachability/path.js';
import { unjudgedBy } from '../reachability/unknowns.js';
import type { Finding, Rule } from './rule.js';

/** Paths listed in a message before "and N more". */
const LISTED = 5;

export const incomplete: Rule = {
  id: 'incomplete',
  title: 'Something in scope could not be judged',
  category: 'coverage',
  severity: 'warning',
  rationale:
    'A value the configuration does not give (a connector that is not described, a region from a CI secret, a Terraform value known only after apply, a module that was not resolved) leaves every path that needs it UNDETERMINED. A check that could not judge something must not pass as healthy: the run is INCOMPLETE until the value is given (a topology fragment, the missing file) or the unknown is accepted, inline or in a baseline, with a reason.',
  sources: ['https://cloud.google.com/network-intelligence-center/docs/connectivity-tests/concepts/overview'],
  check({ paths, implicitPaths, unresolved }) {
    const byKey = new Map<string, { subject: string; reason: string; origin: Origin; paths: PathResult[] }>();
    for (const path of [...paths, ...implicitPaths]) {
      const unknown = unjudgedBy(path);
      if (!unknown) continue;
      let entry = byKey.get(unknown.key);
      if (!entry) byKey.set(unknown.key, (entry = { subject: unknown.subject, reason: unknown.reason, origin: unknown.origin ?? path.blame, paths: [] }));
      entry.paths.push(path);
    }
    const findings: Finding[] = [...byKey].map(([key, u]) => {
      const names = u.paths.slice(0, LISTED).map((p) => `${p.service} → ${p.dependency}`);
      const more = u.paths.length > LISTED ? ` and ${u.paths.length - LISTED} more` : '';
      const services = new Set(u.paths.map((p) => p.service));
      return {
        ruleId: 'incomplete',
        key,
        severity: 'warning',
        message: `${u.subject} is ${u.reason.startsWith('not described') ? u.reason : `unknown (${u.reason})`}: ${u.paths.length} path(s) of ${services.size} service(s) cannot be judged: ${names.join(', ')}${more}. Give the value (a topology fragment or the file that sets it), or accept it with a reason.`,
        origin: u.origin,
        unjudged: true,
      };
    });
    for (const u of unresolved) {
      findings.push({ ruleId: 'incomplete', key: u.key, severity: 'warning', message: `${u.subject}: ${u.reason}. What it would add to the model is not judged.`, origin: u.origin, unjudged: true });
    }
    return findings;
  },
};
