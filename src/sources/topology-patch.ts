import { structuredPatch } from 'diff';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { Edit } from '../analysis/fixes/edit.js';
import type { Origin, Topology } from '../model/topology.js';
import { serviceNamed } from '../model/lookup.js';
import type { KeyPath, SourceDocument } from './document.js';
import { formatKeyPath } from './errors.js';
import { redactSourceLine } from '../model/redact.js';

/** A change to one file: where, and the lines to add or change. */
export interface SourceChange {
  readonly file: string;
  readonly line: number | undefined;
  readonly patch: string;
}

export type YamlEdit = { readonly op: 'set' | 'append'; readonly path: KeyPath; readonly value: unknown };

/**
 * Renders model edits as the smallest change to the topology files they came from: a unified
 * diff for YAML (comments and layout kept), a key-path instruction for JSON.
 */
export function renderTopologyChanges(
  edits: readonly Edit[],
  topology: Topology,
  documents: ReadonlyMap<string, SourceDocument>,
  /** `wholeFile`: always diff the whole document edited (what the local rendering must equal). */
  options: { readonly wholeFile?: boolean } = {},
): SourceChange[] {
  const perFile = editsByFile(edits, topology);
  const changes: SourceChange[] = [];
  for (const [file, fileEdits] of perFile) {
    const doc = documents.get(file);
    if (!doc) continue;
    if (doc.format === 'yaml') {
      const change = options.wholeFile ? (doc.yaml ? wholeYamlChange(doc, doc.yaml, fileEdits) : undefined) : yamlChange(doc, fileEdits);
      if (change) changes.push(change);
    }
    else {
      for (const e of fileEdits) {
        changes.push({
          file,
          line: doc.locate(e.path)?.line,
          patch: redactSourceLine(`${e.op === 'set' ? 'set' : 'append to'} ${formatKeyPath(e.path)}: ${JSON.stringify(e.value)}`),
        });
      }
    }
  }
  return changes;
}

function toSourceEdit(edit: Edit, topology: Topology): { origin: Origin; edit: YamlEdit } | undefined {
  const service = (name: string) => serviceNamed(topology, name)?.origin;
  const at = (origin: Origin | undefined, op: YamlEdit['op'], rel: KeyPath, value: unknown) =>
    origin ? { origin, edit: { op, path: [...origin.path, ...rel], value } } : undefined;
  switch (edit.kind) {
    case 'set-egress': {
      // The fix goes where egress is written (a deploy script's flag is another renderer's job).
      const written = serviceNamed(topology, edit.service)?.egressOrigin;
      const owner = written?.path[written.path.length - 1] === 'egress' ? { file: written.file, path: written.path.slice(0, -1) } : service(edit.service);
      return at(owner, 'set', ['egress'], edit.egress);
    }
    case 'add-cloudsql-mount':
      return at(service(edit.service), 'append', ['cloudSqlInstances'], edit.connectionName);
    case 'set-connector':
      return at(service(edit.service), 'set', ['connector'], edit.connector);
    case 'add-nat': {
      const network = topology.networks.get(edit.network);
      const nat = { name: edit.name, subnets: edit.subnets === 'all' ? 'all' : [...edit.subnets], natIps: edit.addresses.length > 0 ? [...edit.addresses] : 'auto' };
      if (edit.createRouter) return at(network?.origin, 'append', ['routers'], { name: edit.router, region: edit.region, nats: [nat] });
      return at(network?.routers.find((r) => r.name === edit.router)?.origin, 'append', ['nats'], nat);
    }
    case 'set-nat-subnets': {
      const nat = topology.networks.get(edit.network)?.routers.find((r) => r.name === edit.router)?.nats.find((n) => n.name === edit.nat);
      return at(nat?.origin, 'set', ['subnets'], edit.subnets === 'all' ? 'all' : [...edit.subnets]);
    }
    case 'enable-private-google-access': {
      const subnet = topology.networks.get(edit.network)?.subnets.find((s) => s.name === edit.subnet);
      return at(subnet?.origin, 'set', ['privateGoogleAccess'], true);
    }
    case 'add-private-services-access':
      return at(topology.networks.get(edit.network)?.origin, 'set', ['privateServicesAccess'], { ranges: [edit.cidr] });
    case 'add-authorized-network':
      return at(topology.databases.get(edit.database)?.origin, 'append', ['authorizedNetworks'], { cidr: edit.cidr });
    case 'add-allowed-source':
      return at(topology.externals.get(edit.external)?.origin, 'append', ['allowedSourceRanges'], edit.cidr);
  }
}

/**
 * The same edits as whole-file texts of the YAML topology files they change (before and after),
 * for patches `git apply` accepts. JSON topology files are left to the report's instructions.
 */
export function topologyTextEdits(edits: readonly Edit[], topology: Topology, documents: ReadonlyMap<string, SourceDocument>): { file: string; before: string; after: string }[] {
  return [...editsByFile(edits, topology)].flatMap(([file, fileEdits]) => {
    const doc = documents.get(file);
    return doc?.yaml ? [{ file, before: doc.text, after: yamlAfter(doc.yaml, fileEdits) }] : [];
  });
}

/** The edits located in the topology files they change, by file, in order. */
function editsByFile(edits: readonly Edit[], topology: Topology): Map<string, YamlEdit[]> {
  const perFile = new Map<string, YamlEdit[]>();
  for (const edit of edits) {
    const located = toSourceEdit(edit, topology);
    if (located) perFile.set(located.origin.file, [...(perFile.get(located.origin.file) ?? []), located.edit]);
  }
  return perFile;
}

function yamlAfter(original: Document, edits: readonly YamlEdit[]): string {
  const doc = original.clone();
  for (const edit of edits) applyEdit(doc, edit);
  return doc.toString(STRINGIFY);
}

function applyEdit(doc: Document, edit: YamlEdit): void {
  if (edit.op === 'set') {
    doc.setIn(edit.path, edit.value);
    return;
  }
  const existing: unknown = doc.getIn(edit.path, true);
  // An empty flow list (`nats: []`) becomes a block list, as a person would write it.
  if (isSeq(existing) && !(existing.flow && existing.items.length === 0)) doc.addIn(edit.path, doc.createNode(edit.value));
  else doc.setIn(edit.path, doc.createNode([edit.value]));
}

const STRINGIFY = { lineWidth: 0, flowCollectionPadding: false } as const;

function yamlChange(source: SourceDocument, edits: readonly YamlEdit[]): SourceChange | undefined {
  const local = localYamlChange(source, edits);
  if (local) return local;
  // The document model only where the mapping cannot stand alone (composed on demand for a large file).
  const original = source.yaml;
  return original ? wholeYamlChange(source, original, edits) : undefined;
}

/** The change as a diff of the whole file against the whole document edited and written again. */
export function wholeYamlChange(source: SourceDocument, original: Document, edits: readonly YamlEdit[]): SourceChange {
  const after = yamlAfter(original, edits);
  return hunksOf(source.file, structuredPatch(source.file, source.file, source.text, after, '', '', { context: 1 }).hunks, 0);
}

function hunksOf(file: string, hunks: readonly { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }[], lineOffset: number): SourceChange {
  // Context lines are the user's own text: an env literal next to the changed line must not leak.
  const text = hunks.map((h) => [`@@ -${h.oldStart + lineOffset},${h.oldLines} +${h.newStart + lineOffset},${h.newLines} @@`, ...h.lines.map(redactSourceLine)].join('\n'));
  const first = hunks[0];
  return { file, line: first === undefined ? undefined : first.oldStart + lineOffset, patch: text.join('\n') };
}

/**
 * The same change, written from the block mapping the edit lands in alone: that mapping's lines
 * are read as a document of their own, edited, written again and put back at their indentation,
 * and only they are compared. Editing and writing the whole document for every fix made a check
 * of a large YAML topology quadratic (55 fixes on a 0.8 MB file: 19 s). Undefined where the
 * mapping cannot stand alone (the document's top level, a flow mapping, a fix with several edits,
 * anchors, tags or directives, lines indented less than the mapping): then the whole file is used.
 */
export function localYamlChange(source: SourceDocument, edits: readonly YamlEdit[]): SourceChange | undefined {
  const [edit, more] = edits;
  if (edit === undefined || more !== undefined || edit.path.length < 2) return undefined;
  const anchor = source.span?.(edit.path.slice(0, -1));
  if (anchor === undefined || anchor.kind !== 'map' || anchor.flow || anchor.root) return undefined;
  const text = source.text;
  if (text.startsWith('%')) return undefined;
  const { start, end } = anchor;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const column = start - lineStart;
  const regionEnd = text.indexOf('\n', Math.max(start, end - 1));
  // A region at the end of a file without a final newline: the whole-file diff says so.
  if (regionEnd < 0) return undefined;
  const region = text.slice(start, regionEnd);
  const [firstLine = '', ...rest] = region.split('\n');
  const indent = ' '.repeat(column);
  if (rest.some((l) => l.trim() !== '' && !l.startsWith(indent))) return undefined;
  const snippet = [firstLine, ...rest.map((l) => l.slice(column))].join('\n');
  if (/(^|[\s[{,])[&*!]/.test(snippet)) return undefined;
  const doc = parseDocument(snippet, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0 || !isMap(doc.contents)) return undefined;
  const key = edit.path[edit.path.length - 1];
  if (key === undefined) return undefined;
  applyEdit(doc, { ...edit, path: [key] });
  const written = doc.toString(STRINGIFY).replace(/\n$/, '').split('\n');
  const prefix = text.slice(lineStart, start);
  const after = [prefix + (written[0] ?? ''), ...written.slice(1).map((l) => (l === '' ? l : indent + l))];
  const before = [prefix + firstLine, ...rest];
  // One line of context on each side, as the whole-file diff has.
  const above = lineStart > 0 ? [text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1)] : [];
  const nextEnd = text.indexOf('\n', regionEnd + 1);
  const below = regionEnd + 1 < text.length ? [text.slice(regionEnd + 1, nextEnd < 0 ? text.length : nextEnd)] : [];
  const lines = (body: readonly string[]): string => `${[...above, ...body, ...below].join('\n')}\n`;
  const patch = structuredPatch(source.file, source.file, lines(before), lines(after), '', '', { context: 1 });
  return hunksOf(source.file, patch.hunks, anchor.line - 1 - above.length);
}
