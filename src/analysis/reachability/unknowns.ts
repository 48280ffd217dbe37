import { FACTS } from './facts.js';
import type { Cause, Hop, PathResult, UnknownValue } from './path.js';

/** Causes that mean "the configuration does not say", as opposed to undocumented platform behaviour. */
const CONFIGURATION_CAUSES: ReadonlySet<Cause> = new Set<Cause>(['UNKNOWN_CONFIGURATION', 'UNRESOLVED_TARGET', 'UNKNOWN_INTERNAL_ADDRESS']);

/** The hop that decided a path that is not REACHABLE. */
export function decisiveHop(path: PathResult): Hop | undefined {
  return path.hops.find((h) => h.outcome === 'drop') ?? path.hops.find((h) => h.outcome === 'undetermined') ?? path.hops.find((h) => h.outcome === 'ambiguous');
}

/**
 * The value the configuration does not give that left an UNDETERMINED path unjudged, or undefined
 * when the path was judged (or is undetermined only because the platform's behaviour is not
 * documented). A hop that names no unknown value still counts, keyed by its path.
 */
export function unjudgedBy(path: PathResult): UnknownValue | undefined {
  if (path.verdict !== 'UNDETERMINED') return undefined;
  const hop = path.hops.find((h) => h.outcome === 'undetermined');
  if (!hop) return undefined;
  if (hop.unknown) return hop.unknown;
  // Undetermined by an unconfirmed platform fact (RFC 6598 under private-ranges-only, say): judged as far as the facts go.
  if (hop.fact !== undefined && FACTS[hop.fact].confidence === 'assumed') return undefined;
  if (hop.cause === undefined || !CONFIGURATION_CAUSES.has(hop.cause)) return undefined;
  return { key: `path:${path.service}→${path.dependency}`, subject: `${path.service} → ${path.dependency}`, reason: hop.detail, ...(hop.origin ? { origin: hop.origin } : {}) };
}
