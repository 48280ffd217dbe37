import { dropPrefix, literalText, splitPieces, type Piece } from './words.js';

/** One `KEY=VALUE` item of a dictionary flag; the value may hold unknown pieces. */
export interface DictItem {
  readonly key: string;
  readonly value: readonly Piece[];
}

/**
 * The items of a list flag. gcloud splits at `,` unless the value starts with `^DELIM^`, which
 * makes DELIM the separator (`gcloud topic escaping`), e.g. `^:^A=1,2:B=3`.
 */
export function listItems(pieces: readonly Piece[]): Piece[][] {
  const head = pieces[0];
  const alternate = head?.kind === 'text' ? /^\^([^^]+)\^/.exec(head.text) : null;
  const delimiter = alternate?.[1] ?? ',';
  const rest = alternate === null ? pieces : dropPrefix(pieces, alternate[0].length);
  return splitPieces(rest, delimiter).filter((item) => item.length > 0);
}

/** Literal items of a list flag (callers check the value is literal first). */
export function splitList(value: string): string[] {
  return listItems([{ kind: 'text', text: value }]).map((item) => literalText(item) ?? '');
}

/** One `KEY=VALUE` item: the key must be literal; the value may be partly unknown. Undefined without a `=`. */
export function dictItem(item: readonly Piece[]): DictItem | undefined {
  const head = item[0];
  const eq = head?.kind === 'text' ? head.text.indexOf('=') : -1;
  if (head?.kind !== 'text' || eq <= 0) return undefined;
  return { key: head.text.slice(0, eq), value: dropPrefix(item, eq + 1) };
}

/**
 * A duration in seconds: a bare number of seconds or units such as `5m`, `1h30m`, `300s`
 * (cloud.google.com/run/docs/configuring/request-timeout: "an integer or a duration value, e.g.
 * 1m20s"; integers are seconds).
 */
export function parseDuration(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (match === null || value === '') return undefined;
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** A whole number of at least zero. */
export function parseCount(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * The resource's name: the last segment of a path or self link
 * (`projects/p/locations/r/connectors/c` → `c`), so inputs merge by name.
 */
export function resourceName(value: string): string {
  const segments = value.split('/').filter((s) => s !== '');
  return segments[segments.length - 1] ?? value;
}

/** A single IPv4 address in an authorized-networks list means that one address: `/32`. */
export function asCidr(value: string): string {
  return /^\d+\.\d+\.\d+\.\d+$/.test(value) ? `${value}/32` : value;
}
