import { formatIpv4, parseCidr } from '../../model/ip.js';
import { runSecrets } from '../../model/secret-registry.js';
import {
  EvaluationError,
  firstUnknown,
  formatNumber,
  isRecord,
  isUnknown,
  stringsIn,
  sortedKeys,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  UnknownValue,
  valuesEqual,
} from './hcl-values.js';

/**
 * Terraform's built-in functions that Cloud Run configurations use, with Terraform's semantics
 * (developer.hashicorp.com/terraform/language/functions). `deep` functions need every value inside
 * their arguments known (they read all of it, like `jsonencode`); the others need only the
 * arguments themselves known (`length([a, <unknown>])` is 2). `try` and `can` are evaluated
 * lazily by the evaluator. A function not listed makes its result unknown, naming it.
 */
interface TerraformFunction {
  readonly deep: boolean;
  readonly call: (args: readonly unknown[], what: string) => unknown;
}

const fn = (deep: boolean, call: TerraformFunction['call']): TerraformFunction => ({ deep, call });

const str = (args: readonly unknown[], i: number, what: string): string => toStringValue(args[i], `${what} argument ${i + 1}`);
const num = (args: readonly unknown[], i: number, what: string): number => toNumberValue(args[i], `${what} argument ${i + 1}`);

function list(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw new EvaluationError(`${what}: a ${typeName(value)} is not a list`);
}

function record(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (isRecord(value)) return value;
  throw new EvaluationError(`${what}: a ${typeName(value)} is not a map or object`);
}

/** Elements that must be known to be compared or converted: the first unknown one is the result. */
function knownElements(items: readonly unknown[]): UnknownValue | undefined {
  return items.map(firstUnknown).find((u) => u !== undefined);
}

function distinct(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((seen) => valuesEqual(seen, item))) out.push(item);
  return out;
}

/** `format`'s verbs (developer.hashicorp.com/terraform/language/functions/format): `%s %d %v %t %f %q %%`, width and precision. */
function format(spec: string, args: readonly unknown[], what: string): string {
  let next = 0;
  return spec.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_match, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new EvaluationError(`${what}: not enough arguments for "${spec}"`);
    const arg = args[next++];
    let text: string;
    switch (verb) {
      case 's':
        text = toStringValue(arg, what);
        break;
      case 'd':
        text = formatNumber(Math.trunc(toNumberValue(arg, what)));
        break;
      case 'f':
        text = toNumberValue(arg, what).toFixed(precision === undefined ? 6 : Number(precision));
        break;
      case 't':
        text = String(toBoolValue(arg, what));
        break;
      case 'q':
        text = JSON.stringify(toStringValue(arg, what));
        break;
      case 'v':
        text = typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean' ? toStringValue(arg, what) : JSON.stringify(arg);
        break;
      default:
        throw new EvaluationError(`${what}: format verb %${verb} is not supported`);
    }
    const size = width === undefined ? 0 : Number(width);
    if (text.length >= size) return text;
    if (flags.includes('-')) return text.padEnd(size);
    return flags.includes('0') && verb !== 's' ? text.padStart(size, '0') : text.padStart(size);
  });
}

/** RE2 names groups `(?P<name>…)`; JavaScript writes `(?<name>…)`. */
function regexOf(pattern: string, what: string): RegExp {
  try {
    return new RegExp(pattern.replaceAll('(?P<', '(?<'), 'u');
  } catch {
    throw new EvaluationError(`${what}: the pattern is not a regular expression JavaScript reads`);
  }
}

/** setproduct() builds every combination; past this many, the result is not built. */
const MAX_PRODUCT = 10_000;

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Terraform counts and slices strings by grapheme cluster (a flag emoji is one character). */
function characters(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

function regexResult(match: RegExpExecArray): unknown {
  // An optional group that did not take part is "", as in Go's regexp.
  if (match.groups) return Object.fromEntries(Object.entries(match.groups as Record<string, string | undefined>).map(([k, g]) => [k, g ?? '']));
  return match.length > 1 ? (match.slice(1) as (string | undefined)[]).map((g) => g ?? '') : match[0];
}

function cidrOf(text: string, what: string): { base: number; prefix: number } {
  const cidr = parseCidr(text);
  if (!cidr || !text.includes('/')) throw new EvaluationError(`${what}: the prefix is not an IPv4 CIDR range`);
  return cidr;
}

const FUNCTIONS: Readonly<Record<string, TerraformFunction>> = {
  format: fn(true, (args, what) => format(str(args, 0, what), args.slice(1), what)),
  formatlist: fn(true, (args, what) => {
    const spec = str(args, 0, what);
    const lists = args.slice(1).filter(Array.isArray);
    const length = lists[0]?.length ?? 1;
    return Array.from({ length }, (_, i) => format(spec, args.slice(1).map((a) => (Array.isArray(a) ? (a[i] as unknown) : a)), what));
  }),
  join: fn(true, (args, what) => list(args[1], what).map((item) => toStringValue(item, what)).join(str(args, 0, what))),
  split: fn(true, (args, what) => str(args, 1, what).split(str(args, 0, what))),
  replace: fn(true, (args, what) => {
    const [subject, search, replacement] = [str(args, 0, what), str(args, 1, what), str(args, 2, what)];
    const pattern = /^\/(.*)\/$/s.exec(search);
    return pattern ? subject.replace(new RegExp(regexOf(pattern[1] ?? '', what).source, 'gu'), replacement.replace(/\$\{?(\w+)\}?/g, '$$<$1>').replace(/\$<(\d+)>/g, '$$$1')) : subject.replaceAll(search, replacement);
  }),
  lower: fn(true, (args, what) => str(args, 0, what).toLowerCase()),
  upper: fn(true, (args, what) => str(args, 0, what).toUpperCase()),
  title: fn(true, (args, what) => str(args, 0, what).replace(/\b\w/g, (c) => c.toUpperCase())),
  trimprefix: fn(true, (args, what) => {
    const [s, prefix] = [str(args, 0, what), str(args, 1, what)];
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }),
  trimsuffix: fn(true, (args, what) => {
    const [s, suffix] = [str(args, 0, what), str(args, 1, what)];
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  }),
  trimspace: fn(true, (args, what) => str(args, 0, what).trim()),
  chomp: fn(true, (args, what) => str(args, 0, what).replace(/(?:\r?\n)+$/, '')),
  substr: fn(true, (args, what) => {
    const chars = characters(str(args, 0, what));
    const offset = num(args, 1, what);
    const length = num(args, 2, what);
    const start = offset < 0 ? chars.length + offset : offset;
    return chars.slice(start, length < 0 ? undefined : start + length).join('');
  }),
  startswith: fn(true, (args, what) => str(args, 0, what).startsWith(str(args, 1, what))),
  endswith: fn(true, (args, what) => str(args, 0, what).endsWith(str(args, 1, what))),
  strcontains: fn(true, (args, what) => str(args, 0, what).includes(str(args, 1, what))),
  regex: fn(true, (args, what) => {
    const match = regexOf(str(args, 0, what), what).exec(str(args, 1, what));
    if (!match) throw new EvaluationError(`${what}: pattern did not match`);
    return regexResult(match);
  }),
  regexall: fn(true, (args, what) => [...str(args, 1, what).matchAll(new RegExp(regexOf(str(args, 0, what), what).source, 'gu'))].map(regexResult)),
  concat: fn(false, (args, what) => args.flatMap((a) => list(a, what))),
  merge: fn(false, (args, what) => Object.assign({}, ...args.filter((a) => a !== null).map((a) => record(a, what))) as Record<string, unknown>),
  lookup: fn(false, (args, what) => {
    const map = record(args[0], what);
    const key = str(args, 1, what);
    if (Object.hasOwn(map, key)) return map[key];
    if (args.length > 2) return args[2];
    throw new EvaluationError(`${what}: the map has no such key and no default is given`);
  }),
  element: fn(false, (args, what) => {
    const items = list(args[0], what);
    if (items.length === 0) throw new EvaluationError(`${what}: the list is empty`);
    const index = num(args, 1, what);
    return items[((index % items.length) + items.length) % items.length];
  }),
  index: fn(true, (args, what) => {
    const found = list(args[0], what).findIndex((item) => valuesEqual(item, args[1]));
    if (found < 0) throw new EvaluationError(`${what}: the value is not in the list`);
    return found;
  }),
  coalesce: fn(false, (args, what) => {
    for (const arg of args) {
      if (isUnknown(arg)) return arg;
      if (arg !== null && arg !== '') return arg;
    }
    throw new EvaluationError(`${what}: no non-null, non-empty argument`);
  }),
  coalescelist: fn(false, (args, what) => {
    const found = args.find((a) => list(a, what).length > 0);
    if (found === undefined) throw new EvaluationError(`${what}: every list is empty`);
    return found;
  }),
  compact: fn(true, (args, what) => list(args[0], what).filter((item) => item !== null && item !== '')),
  flatten: fn(false, (args, what) => {
    const flat = (items: readonly unknown[]): unknown[] => items.flatMap((item) => (Array.isArray(item) ? flat(item) : [item]));
    return flat(list(args[0], what));
  }),
  distinct: fn(true, (args, what) => distinct(list(args[0], what))),
  contains: fn(true, (args, what) => list(args[0], what).some((item) => valuesEqual(item, args[1]))),
  length: fn(false, (args, what) => {
    const [value] = args;
    if (typeof value === 'string') return characters(value).length;
    if (Array.isArray(value)) return value.length;
    return Object.keys(record(value, what)).length;
  }),
  keys: fn(false, (args, what) => sortedKeys(record(args[0], what))),
  values: fn(false, (args, what) => {
    const map = record(args[0], what);
    return sortedKeys(map).map((k) => map[k]);
  }),
  zipmap: fn(false, (args, what) => {
    const keys = list(args[0], what);
    const values = list(args[1], what);
    if (keys.length !== values.length) throw new EvaluationError(`${what}: ${keys.length} keys for ${values.length} values`);
    return Object.fromEntries(keys.map((k, i) => [toStringValue(k, what), values[i]]));
  }),
  slice: fn(false, (args, what) => list(args[0], what).slice(num(args, 1, what), num(args, 2, what))),
  reverse: fn(false, (args, what) => [...list(args[0], what)].reverse()),
  sort: fn(true, (args, what) => list(args[0], what).map((item) => toStringValue(item, what)).sort()),
  range: fn(true, (args, what) => {
    const [start, limit, step] = args.length === 1 ? [0, num(args, 0, what), 1] : [num(args, 0, what), num(args, 1, what), args.length > 2 ? num(args, 2, what) : 1];
    if (step === 0) throw new EvaluationError(`${what}: step must not be 0`);
    const count = Math.max(0, Math.ceil((limit - start) / step));
    if (count > 1024) throw new EvaluationError(`${what}: more than 1024 elements`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  }),
  one: fn(false, (args, what) => {
    const items = list(args[0], what);
    if (items.length > 1) throw new EvaluationError(`${what}: ${items.length} elements, at most 1 allowed`);
    return items[0] ?? null;
  }),
  alltrue: fn(true, (args, what) => list(args[0], what).every((item) => toBoolValue(item, what))),
  anytrue: fn(true, (args, what) => list(args[0], what).some((item) => toBoolValue(item, what))),
  min: fn(true, (args, what) => Math.min(...args.map((_, i) => num(args, i, what)))),
  max: fn(true, (args, what) => Math.max(...args.map((_, i) => num(args, i, what)))),
  abs: fn(true, (args, what) => Math.abs(num(args, 0, what))),
  ceil: fn(true, (args, what) => Math.ceil(num(args, 0, what))),
  floor: fn(true, (args, what) => Math.floor(num(args, 0, what))),
  sum: fn(true, (args, what) => list(args[0], what).reduce((total: number, item) => total + toNumberValue(item, what), 0)),
  tostring: fn(true, (args, what) => (args[0] === null ? null : toStringValue(args[0], what))),
  tonumber: fn(true, (args, what) => (args[0] === null ? null : toNumberValue(args[0], what))),
  tobool: fn(true, (args, what) => (args[0] === null ? null : toBoolValue(args[0], what))),
  tolist: fn(false, (args, what) => (isRecord(args[0]) ? Object.values(args[0]) : list(args[0], what))),
  toset: fn(true, (args, what) => distinct(list(args[0], what)).sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))),
  tomap: fn(false, (args, what) => record(args[0], what)),
  setunion: fn(true, (args, what) => distinct(args.flatMap((a) => list(a, what)))),
  setintersection: fn(true, (args, what) => {
    const [first = [], ...rest] = args.map((a) => list(a, what));
    return distinct(first).filter((item) => rest.every((other) => other.some((o) => valuesEqual(o, item))));
  }),
  setsubtract: fn(true, (args, what) => {
    const remove = list(args[1], what);
    return distinct(list(args[0], what)).filter((item) => !remove.some((r) => valuesEqual(r, item)));
  }),
  setproduct: fn(true, (args, what) => {
    const sets = args.map((a) => (isRecord(a) ? Object.values(a) : list(a, what)));
    if (sets.reduce((n, set) => n * set.length, 1) > MAX_PRODUCT) throw new EvaluationError(`${what}: more than ${MAX_PRODUCT} combinations`);
    return sets.reduce<unknown[][]>((combos, set) => combos.flatMap((combo) => set.map((item) => [...combo, item])), [[]]);
  }),
  jsonencode: fn(true, (args) => JSON.stringify(args[0] ?? null)),
  jsondecode: fn(true, (args, what) => {
    try {
      return JSON.parse(str(args, 0, what)) as unknown;
    } catch {
      throw new EvaluationError(`${what}: the string is not JSON`);
    }
  }),
  base64encode: fn(true, (args, what) => Buffer.from(str(args, 0, what), 'utf8').toString('base64')),
  base64decode: fn(true, (args, what) => Buffer.from(str(args, 0, what), 'base64').toString('utf8')),
  cidrsubnet: fn(true, (args, what) => {
    const { base, prefix } = cidrOf(str(args, 0, what), what);
    const newbits = num(args, 1, what);
    const netnum = num(args, 2, what);
    const size = prefix + newbits;
    if (size > 32 || netnum < 0 || netnum >= 2 ** newbits) throw new EvaluationError(`${what}: network number ${netnum} does not fit in ${newbits} bits`);
    return `${formatIpv4(base + netnum * 2 ** (32 - size))}/${size}`;
  }),
  cidrhost: fn(true, (args, what) => {
    const { base, prefix } = cidrOf(str(args, 0, what), what);
    const hosts = 2 ** (32 - prefix);
    const host = num(args, 1, what);
    const offset = host < 0 ? hosts + host : host;
    if (offset < 0 || offset >= hosts) throw new EvaluationError(`${what}: host number ${host} is outside the range`);
    return formatIpv4(base + offset);
  }),
  cidrnetmask: fn(true, (args, what) => formatIpv4(2 ** 32 - 2 ** (32 - cidrOf(str(args, 0, what), what).prefix))),
  // Marks only: Lifeline registers and redacts secrets wherever they are printed.
  // What is marked sensitive is never printed: its strings are registered as secrets.
  sensitive: fn(false, (args) => {
    for (const text of stringsIn(args[0])) runSecrets.add(text);
    return args[0];
  }),
  nonsensitive: fn(false, (args) => args[0]),
};

/** Functions whose result depends on something outside the configuration, so it is never known. */
const NOT_KNOWN_BEFORE_APPLY: Readonly<Record<string, string>> = {
  timestamp: 'the time of apply',
  uuid: 'a random value chosen at apply',
  bcrypt: 'a random salt',
  file: 'a file read at plan time, not read by Lifeline',
  templatefile: 'a file read at plan time, not read by Lifeline',
  fileexists: 'a file read at plan time, not read by Lifeline',
  filebase64: 'a file read at plan time, not read by Lifeline',
};

/**
 * Calls a function with evaluated arguments. Unknown arguments make the result unknown (for
 * `deep` functions, an unknown anywhere inside them); a Terraform error throws {@link EvaluationError}.
 */
export function callFunction(name: string, args: readonly unknown[], what: string): unknown {
  const outside = NOT_KNOWN_BEFORE_APPLY[name];
  if (outside !== undefined) return new UnknownValue(`${what}: ${name}() depends on ${outside}`);
  const found = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!found) return new UnknownValue(`${what}: function ${name}() is not evaluated by Lifeline`);
  const blocking = found.deep ? knownElements(args) : args.find(isUnknown);
  if (blocking) return blocking;
  return found.call(args, what);
}

/** Whether Lifeline evaluates the function (for coverage and tests). */
export function isSupportedFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}
