import { InvalidArgumentError } from 'commander';

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A command-line duration with its unit: `500ms`, `2s`, `1.5s`, `1m`, `1h`, in milliseconds.
 * A bare number is refused: `2000` could mean milliseconds or seconds, and guessing wrong is a
 * thousandfold error.
 *
 * @example
 * durationArgument('800ms'); // 800
 * durationArgument('2000'); // throws: "2000" has no unit: write 2000ms or 2000s
 */
export function durationArgument(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) throw new InvalidArgumentError(`"${trimmed}" has no unit: write ${trimmed}ms or ${trimmed}s (units: ms, s, m, h)`);
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(trimmed);
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]) : NaN;
  if (!(ms > 0)) throw new InvalidArgumentError(`expected a duration above zero with its unit, such as 500ms, 2s or 1m (units: ms, s, m, h)`);
  return ms;
}

/** Milliseconds in the largest unit that writes them whole: 5000 → `5s`, 90000 → `90s`, 120000 → `2m`, 750 → `750ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) if (ms >= UNITS[unit] && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${ms}ms`;
}
