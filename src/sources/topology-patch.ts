import { structuredPatch } from 'diff';
import { isSeq, type Document } from 'yaml';
import type { Edit } from '../analysis/fixes/edit.js';
import type { Origin, Topology } from '../model/topology.js';
import type { KeyPath, SourceDocument } from './document.js';
import { formatKeyPath } from './errors.js';
import { redactSourceLine } from '../model/redact.js';

/** A change to one file: where, and the lines to add or change. */
export interface SourceChange {
  readonly file: string;
  readonly line: number | undefined;
  readonly patch: string;
}

type YamlEdit = { readonly op: 'set' | 'append'; readonly path: KeyPath; readonly value: unknown };

/**
 * Renders model edits as the smallest change to the topology files they came from: a unified
 * diff for YAML (comments and layout kept), a key-path instruction for JSON.
 */
export function renderTopologyChanges(edits: readonly Edit[], topology: Topology, documents: ReadonlyMap<string, SourceDocument>): SourceChange[] {
  const perFile = editsByFile(edits, topology);
  const changes: SourceChange[] = [];
  for (const [file, fileEdits] of perFile) {
    const doc = documents.get(file);
    if (!doc) continue;
    if (doc.yaml) changes.push(yamlChange(doc, doc.yaml, fileEdits));
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
  const service = (name: string) => topology.services.find((s) => s.name === name)?.origin;
  const at = (origin: Origin | undefined, op: YamlEdit['op'], rel: KeyPath, value: unknown) =>
    origin ? { origin, edit: { op, path: [...origin.path, ...rel], value } } : undefined;
  switch (edit.kind) {
    case 'set-egress': {
      // The fix goes where egress is written (a deploy script's flag is another renderer's job).
      const written = topology.services.find((s) => s.name === edit.service)?.egressOrigin;
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
  for (const edit of edits) {
    if (edit.op === 'set') {
      doc.setIn(edit.path, edit.value);
      continue;
    }
    const existing: unknown = doc.getIn(edit.path, true);
    // An empty flow list (`nats: []`) becomes a block list, as a person would write it.
    if (isSeq(existing) && !(existing.flow && existing.items.length === 0)) doc.addIn(edit.path, doc.createNode(edit.value));
    else doc.setIn(edit.path, doc.createNode([edit.value]));
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function yamlChange(source: SourceDocument, original: Document, edits: readonly YamlEdit[]): SourceChange {
  const after = yamlAfter(original, edits);
  const patch = structuredPatch(source.file, source.file, source.text, after, '', '', { context: 1 });
  // Context lines are the user's own text: an env literal next to the changed line must not leak.
  const hunks = patch.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.map(redactSourceLine)].join('\n'));
  return { file: source.file, line: patch.hunks[0]?.oldStart, patch: hunks.join('\n') };
}
