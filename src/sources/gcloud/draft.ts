import { redactUrlPasswords } from '../../model/redact.js';
import type { KeyPath } from '../document.js';
import type { Located, Provenance } from '../fragment.js';

/** A value with the position of the flag that set it, and why it is unknown when it is. */
export interface Slot<V = unknown> {
  readonly value: V;
  readonly at: Located;
  readonly reason?: string | undefined;
}

type Field<T> = Exclude<keyof T & string, 'name'>;
/** The fields of T that accept the string `unknown`. */
export type UnknownableField<T> = { [K in Field<T>]-?: 'unknown' extends T[K] ? K : never }[Field<T>];

/**
 * An entity assembled from the commands that name it (a `gcloud run deploy` then a
 * `gcloud run services update`), each attribute with the position of the flag that last set it.
 * Scalars are fields; `env`-like mappings are entries; lists keep a position per item. `emit`
 * writes the topology-file shape and records every position in the fragment's provenance.
 */
export class Draft<T extends { name: string }> {
  readonly name: string;
  readonly at: Located;
  readonly #fields = new Map<string, Slot>();
  readonly #entries = new Map<string, { at: Located; items: Map<string, Slot> }>();
  readonly #lists = new Map<string, { at: Located; items: Slot[] }>();

  constructor(name: string, at: Located) {
    this.name = name;
    this.at = at;
  }

  set<K extends Field<T>>(key: K, value: T[K], at: Located): void {
    this.#fields.set(key, { value, at });
  }

  /** Sets a field to `unknown`, saying why (e.g. "--vpc-egress is given by $EGRESS, …"). */
  setUnknown(key: UnknownableField<T>, reason: string, at: Located): void {
    // Reasons quote script text, which may hold a URL with a password.
    this.#fields.set(key, { value: 'unknown', at, reason: redactUrlPasswords(reason) });
  }

  get<K extends Field<T>>(key: K): T[K] | undefined {
    return this.#fields.get(key)?.value as T[K] | undefined;
  }

  delete(key: Field<T>): void {
    this.#fields.delete(key);
    this.#entries.delete(key);
    this.#lists.delete(key);
  }

  /** One key of a mapping field (`env.DATABASE_URL`, `directVpc.network`, `flags.max_connections`). */
  setEntry(key: Field<T>, entry: string, value: unknown, at: Located): void {
    const map = this.#entries.get(key) ?? { at, items: new Map<string, Slot>() };
    this.#entries.set(key, { at, items: map.items });
    map.items.set(entry, { value, at });
  }

  deleteEntry(key: Field<T>, entry: string): void {
    this.#entries.get(key)?.items.delete(entry);
  }

  /** Empties a mapping field (it is then written as `{}`: the command says there is nothing). */
  clearEntries(key: Field<T>, at: Located): void {
    this.#entries.set(key, { at, items: new Map() });
  }

  entries(key: Field<T>): ReadonlyMap<string, Slot> | undefined {
    return this.#entries.get(key)?.items;
  }

  setList(key: Field<T>, items: readonly Slot[], at: Located): void {
    this.#lists.set(key, { at, items: [...items] });
  }

  list(key: Field<T>): readonly Slot[] | undefined {
    return this.#lists.get(key)?.items;
  }

  emit(path: KeyPath, provenance: Provenance): T {
    const out: Record<string, unknown> = { name: this.name };
    provenance.record(path, this.at);
    for (const [key, slot] of this.#fields) {
      out[key] = slot.value;
      provenance.record([...path, key], slot.at);
      if (slot.reason !== undefined) provenance.unknown([...path, key], slot.reason);
    }
    for (const [key, { at, items }] of this.#entries) {
      out[key] = Object.fromEntries([...items].map(([entry, slot]) => [entry, slot.value]));
      provenance.record([...path, key], at);
      for (const [entry, slot] of items) provenance.record([...path, key, entry], slot.at);
    }
    for (const [key, { at, items }] of this.#lists) {
      out[key] = items.map((slot) => slot.value);
      provenance.record([...path, key], at);
      items.forEach((slot, i) => {
        provenance.record([...path, key, i], slot.at);
      });
    }
    return out as T;
  }
}
