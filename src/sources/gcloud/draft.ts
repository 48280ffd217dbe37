import { redactUrlPasswords } from '../../model/redact.js';
import type { KeyPath } from '../document.js';
import type { Located, Provenance } from '../fragment.js';
import { runsAfter, type Branch } from './branches.js';
import { acceptsUnknown } from './unknownable.js';

/** A value with the position of the flag that set it, and why it is unknown when it is. */
export interface Slot<V = unknown> {
  readonly value: V;
  readonly at: Located;
  readonly reason?: string | undefined;
}

/** What a draft needs from the script: where the command being applied stands, and what wrote a value. */
export interface DraftContext {
  /** The blocks around the command being applied. */
  readonly branch: Branch;
  /** What set a value at a position, as the script writes it: `--vpc-egress`, `gcloud config set run/region`. */
  sourceAt(at: Located): string | undefined;
}

/** One value an attribute may end up with, from one command. */
export interface Choice<V = unknown> {
  /** Undefined when the command removes the value (`--clear-vpc-connector`, `--remove-env-vars`). */
  readonly slot: Slot<V> | undefined;
  readonly at: Located;
  readonly branch: Branch;
  /** `--vpc-egress`: what set it, for reasons. */
  readonly source: string | undefined;
}

/** What the commands leave an attribute with: nothing, one value, or values that differ by branch. */
export type Outcome<V> = { readonly kind: 'none' } | { readonly kind: 'value'; readonly slot: Slot<V> } | { readonly kind: 'conflict'; readonly choices: readonly Choice<V>[] };

/**
 * The values one attribute may have after the commands so far. A command replaces what the
 * commands it surely runs after set (gcloud's documented "the later command wins" for a service
 * updated twice); a value set in another branch (the other arm of an `if`) stays beside it, and
 * two that differ leave the attribute unknown: which command runs is not known from the script.
 */
export class Choices<V = unknown> {
  readonly #choices: Choice<V>[] = [];
  readonly #key: (value: V) => string;

  /** `key` tells values apart (by their JSON unless given). */
  constructor(key: (value: V) => string = (value) => JSON.stringify(value)) {
    this.#key = key;
  }

  add(slot: Slot<V> | undefined, at: Located, branch: Branch, source: string | undefined): void {
    const kept = this.#choices.filter((c) => !runsAfter(branch, c.branch));
    this.#choices.splice(0, this.#choices.length, ...kept, { slot, at, branch, source });
  }

  outcome(): Outcome<V> {
    const last = this.#choices[this.#choices.length - 1];
    if (last === undefined) return { kind: 'none' };
    const key = (c: Choice<V>): string | undefined => (c.slot === undefined ? undefined : this.#key(c.slot.value));
    if (this.#choices.some((c) => key(c) !== key(last))) return { kind: 'conflict', choices: [...this.#choices] };
    return last.slot === undefined ? { kind: 'none' } : { kind: 'value', slot: last.slot };
  }
}

const UNSETTLED = ' (which command runs is not known from the script)';

/**
 * Why an attribute is left unknown: what each command sets it to, and where.
 * `show` writes a value; without it values are not quoted (env values may be passwords).
 *
 * @example
 * // --vpc-egress is all-traffic at deploy.sh:3 and private-ranges-only at deploy.sh:5 (which command runs is not known from the script)
 */
export function describeConflict<V>(name: string, choices: readonly Choice<V>[], show: ((slot: Slot<V>) => string) | undefined): string {
  const where = (c: Choice<V>): string => `${c.at.file}:${c.at.line}`;
  const source = (c: Choice<V>): string => c.source ?? name;
  const sources = new Set(choices.map(source));
  const [only] = sources.size === 1 ? sources : [];
  if (show === undefined && choices.every((c) => c.slot !== undefined)) {
    const text = only !== undefined ? `${only} sets it to different values at ${joined(choices.map(where))}` : `it is set to different values by ${joined(choices.map((c) => `${source(c)} at ${where(c)}`))}`;
    return redactUrlPasswords(text + UNSETTLED);
  }
  const value = (c: Choice<V>): string => (c.slot === undefined ? 'not set' : show === undefined ? 'set' : show(c.slot));
  const text =
    only !== undefined
      ? `${only} is ${joined(choices.map((c) => `${value(c)} at ${where(c)}`))}`
      : joined(choices.map((c) => `${source(c)} at ${where(c)} ${c.slot === undefined ? 'removes it' : show === undefined ? 'sets it' : `sets it to ${show(c.slot)}`}`));
  return redactUrlPasswords(text + UNSETTLED);
}

function joined(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** A value as a reason shows it: `all-traffic`, `none` for null or an empty list, a list's items by commas. */
export function valueText(slot: Slot): string {
  if (slot.value === 'unknown' && slot.reason !== undefined) return `unknown (${slot.reason})`;
  return plain(slot.value);
}

function plain(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(plain).join(',');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.cidr === 'string') return o.cidr;
    if (typeof o.secret === 'string') return `${plain(o.env ?? o.mount)}=${o.secret}${o.version === undefined ? '' : `:${plain(o.version)}`}`;
    return JSON.stringify(value);
  }
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

type Field<T> = Exclude<keyof T & string, 'name'>;
/** The fields of T that accept the string `unknown`. */
export type UnknownableField<T> = { [K in Field<T>]-?: 'unknown' extends T[K] ? K : never }[Field<T>];

/** A change to a mapping (`env`, `flags`, `directVpc`): one entry set or removed, all cleared, or the whole mapping dropped. */
type MapChange = { readonly kind: 'set'; readonly entry: string; readonly slot: Slot } | { readonly kind: 'remove'; readonly entry: string } | { readonly kind: 'clear' } | { readonly kind: 'drop' };

interface Logged {
  readonly change: MapChange;
  readonly at: Located;
  readonly branch: Branch;
  readonly source: string | undefined;
}

interface ResolvedMap {
  /** Whether the mapping is written at all. */
  readonly present: Outcome<true>;
  readonly entries: ReadonlyMap<string, Outcome<unknown>>;
  /** Where the mapping was last set or cleared. */
  readonly at: Located | undefined;
}

type ListItems = readonly Slot[];

/** Mappings whose values are never quoted in reasons or notes: they may hold passwords. */
const HIDDEN_VALUES = new Set(['env']);

/**
 * An entity assembled from the commands that name it (a `gcloud run deploy` then a
 * `gcloud run services update`), each attribute with the position of the flag that set it.
 * Scalars are fields; `env`-like mappings are entries; lists keep a position per item. Every
 * attribute keeps the values the commands may leave it with (see `Choices`): `emit` writes the
 * topology-file shape, records every position in the fragment's provenance, and writes an
 * attribute the branches of the script disagree on as `unknown` where the schema allows it, or
 * leaves it out with a note.
 */
export class Draft<T extends { name: string }> {
  readonly name: string;
  readonly at: Located;
  readonly #context: DraftContext;
  readonly #fields = new Map<string, Choices>();
  readonly #maps = new Map<string, Logged[]>();
  readonly #lists = new Map<string, Choices<ListItems>>();

  constructor(name: string, at: Located, context: DraftContext) {
    this.name = name;
    this.at = at;
    this.#context = context;
  }

  set<K extends Field<T>>(key: K, value: T[K], at: Located): void {
    this.#field(key).add({ value, at }, at, this.#context.branch, this.#context.sourceAt(at));
  }

  /** Sets a field to `unknown`, saying why (e.g. "--vpc-egress is given by $EGRESS, …"). */
  setUnknown(key: UnknownableField<T>, reason: string, at: Located): void {
    // Reasons quote script text, which may hold a URL with a password.
    this.#field(key).add({ value: 'unknown', at, reason: redactUrlPasswords(reason) }, at, this.#context.branch, this.#context.sourceAt(at));
  }

  /** The field's value, when the commands so far settle it. */
  get<K extends Field<T>>(key: K): T[K] | undefined {
    const outcome = this.#fields.get(key)?.outcome();
    return outcome?.kind === 'value' ? (outcome.slot.value as T[K]) : undefined;
  }

  /** Removes a field (`--clear-vpc-connector`, `--max-instances default`): the command at `at` leaves it unset. */
  delete(key: Field<T>, at: Located): void {
    this.#field(key).add(undefined, at, this.#context.branch, this.#context.sourceAt(at));
  }

  /** One key of a mapping field (`env.DATABASE_URL`, `directVpc.network`, `flags.max_connections`). */
  setEntry(key: Field<T>, entry: string, value: unknown, at: Located): void {
    this.#log(key, { kind: 'set', entry, slot: { value, at } }, at);
  }

  /** One key of a mapping field whose value the script leaves to run time: written `unknown`, with why. */
  setEntryUnknown(key: Field<T>, entry: string, reason: string, at: Located): void {
    this.#log(key, { kind: 'set', entry, slot: { value: 'unknown', at, reason: redactUrlPasswords(reason) } }, at);
  }

  deleteEntry(key: Field<T>, entry: string, at: Located): void {
    this.#log(key, { kind: 'remove', entry }, at);
  }

  /** Empties a mapping field (it is then written as `{}`: the command says there is nothing). */
  clearEntries(key: Field<T>, at: Located): void {
    this.#log(key, { kind: 'clear' }, at);
  }

  /** Drops a mapping field: after the command at `at` it is not known, or not there (`--clear-network`). */
  deleteEntries(key: Field<T>, at: Located): void {
    this.#log(key, { kind: 'drop' }, at);
  }

  /** The entries the commands so far settle; undefined when the mapping is not there or not settled. */
  entries(key: Field<T>): ReadonlyMap<string, Slot> | undefined {
    const map = this.#resolveMap(key);
    if (map?.present.kind !== 'value') return undefined;
    return new Map([...map.entries].flatMap(([entry, outcome]) => (outcome.kind === 'value' ? [[entry, outcome.slot] as const] : [])));
  }

  setList(key: Field<T>, items: readonly Slot[], at: Located): void {
    this.#list(key).add({ value: [...items], at }, at, this.#context.branch, this.#context.sourceAt(at));
  }

  /** Drops a list field: after the command at `at` it is not known. */
  deleteList(key: Field<T>, at: Located): void {
    this.#list(key).add(undefined, at, this.#context.branch, this.#context.sourceAt(at));
  }

  /** The list, when the commands so far settle it. */
  list(key: Field<T>): readonly Slot[] | undefined {
    const outcome = this.#lists.get(key)?.outcome();
    return outcome?.kind === 'value' ? outcome.slot.value : undefined;
  }

  /** Why the commands leave a field unsettled, when they do (values are not quoted: it says which flags disagree). */
  conflict(key: Field<T>): string | undefined {
    const outcome = this.#fields.get(key)?.outcome();
    return outcome?.kind === 'conflict' ? describeConflict(key, outcome.choices, valueText) : undefined;
  }

  /** The topology-file shape at `path`; `label` (`services[api]`) starts the notes about what is left out. */
  emit(path: KeyPath, provenance: Provenance, label: string, notes: string[]): T {
    const out: Record<string, unknown> = { name: this.name };
    provenance.record(path, this.at);
    const unsettled = <V>(key: string, choices: readonly Choice<V>[], show: (slot: Slot<V>) => string): void => {
      const reason = describeConflict(key, choices, show);
      const at = choices[choices.length - 1]?.at;
      if (acceptsUnknown([...path, key])) {
        out[key] = 'unknown';
        provenance.record([...path, key], at);
        provenance.unknown([...path, key], reason);
      } else notes.push(`${label}.${key}: ${reason}; not imported`);
    };
    for (const [key, choices] of this.#fields) {
      const outcome = choices.outcome();
      if (outcome.kind === 'conflict') unsettled(key, outcome.choices, valueText);
      if (outcome.kind !== 'value') continue;
      out[key] = outcome.slot.value;
      provenance.record([...path, key], outcome.slot.at);
      if (outcome.slot.reason !== undefined) provenance.unknown([...path, key], outcome.slot.reason);
    }
    for (const key of this.#maps.keys()) {
      const map = this.#resolveMap(key);
      if (map === undefined) continue;
      if (map.present.kind === 'conflict') {
        const lines = joined(map.present.choices.map((c) => `${c.at.file}:${c.at.line}`));
        notes.push(`${label}.${key}: the commands at ${lines} leave it different${UNSETTLED}; not imported`);
      }
      if (map.present.kind !== 'value') continue;
      const show = HIDDEN_VALUES.has(key) ? undefined : valueText;
      const values: Record<string, unknown> = {};
      let unsettledEntries = false;
      for (const [entry, outcome] of map.entries) {
        if (outcome.kind === 'conflict') {
          unsettledEntries = true;
          notes.push(`${label}.${key}.${entry}: ${describeConflict(entry, outcome.choices, show)}; not imported`);
        }
        if (outcome.kind !== 'value') continue;
        values[entry] = outcome.slot.value;
        provenance.record([...path, key, entry], outcome.slot.at);
        if (outcome.slot.reason !== undefined) provenance.unknown([...path, key, entry], outcome.slot.reason);
      }
      // An empty mapping would say there is nothing in it.
      if (unsettledEntries && Object.keys(values).length === 0) continue;
      out[key] = values;
      provenance.record([...path, key], map.at);
    }
    for (const [key, choices] of this.#lists) {
      const outcome = choices.outcome();
      if (outcome.kind === 'conflict') unsettled(key, outcome.choices, (slot) => plain(slot.value.map((item) => item.value)));
      if (outcome.kind !== 'value') continue;
      out[key] = outcome.slot.value.map((slot) => slot.value);
      provenance.record([...path, key], outcome.slot.at);
      outcome.slot.value.forEach((slot, i) => {
        provenance.record([...path, key, i], slot.at);
      });
    }
    return out as T;
  }

  #field(key: string): Choices {
    const existing = this.#fields.get(key);
    if (existing !== undefined) return existing;
    const created = new Choices();
    this.#fields.set(key, created);
    return created;
  }

  #list(key: string): Choices<ListItems> {
    const existing = this.#lists.get(key);
    if (existing !== undefined) return existing;
    const created = new Choices<ListItems>((items) => JSON.stringify(items.map((item) => item.value)));
    this.#lists.set(key, created);
    return created;
  }

  #log(key: string, change: MapChange, at: Located): void {
    const log = this.#maps.get(key) ?? [];
    this.#maps.set(key, log);
    log.push({ change, at, branch: this.#context.branch, source: this.#context.sourceAt(at) });
  }

  /**
   * Replays a mapping's changes: whether it is there at all, and each entry. Clearing or dropping
   * the mapping removes every entry, including ones set only later in another branch.
   */
  #resolveMap(key: string): ResolvedMap | undefined {
    const log = this.#maps.get(key);
    if (log === undefined) return undefined;
    const present = new Choices<true>();
    let at: Located | undefined;
    const entries = new Map<string, Choices>();
    for (const { change } of log) if (change.kind === 'set' && !entries.has(change.entry)) entries.set(change.entry, new Choices());
    for (const { change, at: where, branch, source } of log) {
      if (change.kind === 'set' || change.kind === 'clear') {
        present.add({ value: true, at: where }, where, branch, source);
        at = where;
      } else if (change.kind === 'drop') present.add(undefined, where, branch, source);
      for (const [entry, choices] of entries) {
        if (change.kind === 'set' && change.entry === entry) choices.add(change.slot, where, branch, source);
        else if (change.kind === 'clear' || change.kind === 'drop' || (change.kind === 'remove' && change.entry === entry)) choices.add(undefined, where, branch, source);
      }
    }
    return { present: present.outcome(), entries: new Map([...entries].map(([entry, choices]) => [entry, choices.outcome()])), at };
  }
}
