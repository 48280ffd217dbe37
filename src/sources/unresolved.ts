import type { Unresolved } from '../analysis/rules/rule.js';
import type { Fragment } from './fragment.js';

/**
 * Importer notes that say part of an input did not reach the model (a module not fetched, a file
 * not read, a resource left out): what those parts would add is not judged, so the run cannot be
 * complete. Other notes (a default applied, a setting not modelled) only inform.
 */
const LEFT_OUT = /\bnot fetched\b|\bnot resolved\b|\bis not read\b|\bnot in the model\b|\bleft out\b/;

export function unresolvedOf(fragments: readonly Fragment[]): Unresolved[] {
  const out: Unresolved[] = [];
  for (const fragment of fragments) {
    for (const note of fragment.notes) {
      if (!LEFT_OUT.test(note)) continue;
      // Notes read `SUBJECT: what happened` or `module "x" (source …) not fetched: …`.
      const cut = note.search(/: | \(source /);
      const subject = cut > 0 ? note.slice(0, cut) : note;
      const reason = cut > 0 ? note.slice(cut).replace(/^: /, '').replace(/^ /, '') : 'left out of the model';
      out.push({ key: `input:${fragment.file}:${subject}`, subject: `${subject} (${fragment.file})`, reason, origin: { file: fragment.file, path: [] } });
    }
  }
  return out;
}
