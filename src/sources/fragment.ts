import type { z } from 'zod';
import type { EntityLink } from '../model/build.js';
import type { topologyFileSchema } from '../model/schema.js';
import type { KeyPath, Position, SourceDocument } from './document.js';

/**
 * What one input contributes to the model. Every importer (topology file, Terraform plan or HCL,
 * Cloud Run service definition, gcloud deploy script) turns its file into a fragment in the shape
 * of the topology file, remembering where each value came from. Fragments are then merged by
 * resource identity (`sources/merge.ts`), validated, and built into one `Topology`.
 */
export type TopologyInput = z.input<typeof topologyFileSchema>;

export type InputFormat = 'topology' | 'terraform-plan' | 'terraform-hcl' | 'cloud-run' | 'gcloud' | 'deploy-code';

export interface Fragment {
  /** The file (or, for HCL, the directory) as the user named it. */
  readonly file: string;
  readonly format: InputFormat;
  /** Topology-file-shaped data; values the input does not know are the string `unknown`. */
  readonly data: TopologyInput;
  /**
   * Where the value at a path of `data` was read: the nearest recorded ancestor's position (with
   * `key`, the position of its key where the format has one).
   */
  locate(path: KeyPath, options?: { key?: boolean }): Located | undefined;
  /** Why the value at a path of `data` is `unknown` (e.g. "known after apply"), when the importer knows. */
  unknownReason(path: KeyPath): string | undefined;
  /** The entity an `unknown` value at a path of `data` is the address of, when the importer knows (Terraform references). */
  linkedEntity?(path: KeyPath): EntityLink | undefined;
  /** What the importer skipped or assumed, for the report (e.g. registry modules not fetched). */
  readonly notes: readonly string[];
  /** For topology files: the parsed document, so fixes become YAML diffs and inline suppressions apply. */
  readonly document?: SourceDocument;
  /** The source text's line, for code frames (1-based). */
  lineText(file: string, line: number): string | undefined;
}

/** A position in a file; importers reading several files (HCL directories) name which. */
export interface Located extends Position {
  readonly file: string;
}

const keyOf = (path: KeyPath): string => path.join('\u0000');

/**
 * Records, while an importer builds `data`, where each value came from and why unknown ones are
 * unknown. Lookups walk up to the nearest recorded ancestor, so recording an entity's position
 * covers every value under it that has no position of its own.
 *
 * @example
 * const at = new Provenance();
 * at.record(['services', 0], { file: 'deploy.sh', line: 4, column: 1 });
 * at.record(['services', 0, 'egress'], { file: 'deploy.sh', line: 7, column: 3 });
 * at.unknown(['databases', 0, 'privateIp'], 'known after apply (google_sql_database_instance.main)');
 */
export class Provenance {
  readonly #positions = new Map<string, Located>();
  readonly #reasons = new Map<string, string>();

  record(path: KeyPath, at: Located | undefined): void {
    if (at !== undefined) this.#positions.set(keyOf(path), at);
  }

  unknown(path: KeyPath, reason: string): void {
    this.#reasons.set(keyOf(path), reason);
  }

  locate(path: KeyPath): Located | undefined {
    for (let n = path.length; n >= 0; n--) {
      const found = this.#positions.get(keyOf(path.slice(0, n)));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  unknownReason(path: KeyPath): string | undefined {
    return this.#reasons.get(keyOf(path));
  }
}

/** The text of line `line` of `text` (1-based), for code frames; importers that hold several files keep one per file. */
export function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? undefined : end).replace(/\r$/, '');
}

/**
 * The lookups of a fragment made of parts (the documents of one file, the readers of one
 * script): each path of the whole is answered by the part `partOf` names, at its path there.
 */
export function delegatedLookups(partOf: (path: KeyPath) => readonly [Fragment, KeyPath]): Pick<Fragment, 'locate' | 'unknownReason' | 'linkedEntity'> {
  return {
    locate: (path, options) => {
      const [part, local] = partOf(path);
      return part.locate(local, options);
    },
    unknownReason: (path) => {
      const [part, local] = partOf(path);
      return part.unknownReason(local);
    },
    linkedEntity: (path) => {
      const [part, local] = partOf(path);
      return part.linkedEntity?.(local);
    },
  };
}

