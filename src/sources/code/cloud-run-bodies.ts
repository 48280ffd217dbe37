import { redactUrlPasswords } from '../../model/redact.js';
import { CloudRunReader, formatSourcePath, type ServiceInput, type ServiceRead } from '../cloud-run-reader.js';
import { readKnativeService } from '../cloud-run-v1.js';
import { readV2Service } from '../cloud-run-v2.js';
import type { KeyPath, Position, SourceDocument } from '../document.js';
import { InputError } from '../errors.js';
import { lineOf, type Fragment, type Located, type TopologyInput } from '../fragment.js';
import { describeUnknown, literalText, splitPieces, type Piece } from '../gcloud/words.js';
import type { CodeCall, CodeProgram } from './bindings.js';
import { entryOf, literalOf, locateIn, plainOf, PlainValueTooLarge, type CodeObject, type CodeValue } from './values.js';

/** Revision template fields a v2 service body sets (docs: cloud.google.com/run/docs/reference/rest/v2/projects.locations.services#RevisionTemplate). */
const TEMPLATE_FIELDS = new Set(['containers', 'vpcAccess', 'vpc_access', 'scaling', 'volumes', 'serviceAccount', 'service_account', 'maxInstanceRequestConcurrency', 'max_instance_request_concurrency', 'timeout', 'executionEnvironment', 'execution_environment']);

interface Body {
  readonly object: CodeObject;
  readonly version: 'v1' | 'v2';
  /** Where the service's name, region and project come from when the body has no full `name`. */
  readonly identity: Identity;
  /** Top-level fields a PATCH's update mask limits it to (`template.vpc_access` → `template`), when it has one. */
  readonly mask: readonly string[] | undefined;
  readonly call: CodeCall | undefined;
}

interface Identity {
  readonly project: readonly Piece[] | undefined;
  readonly region: readonly Piece[] | undefined;
  readonly service: readonly Piece[] | undefined;
  readonly at: Position;
}

/**
 * Cloud Run services a deploy script sends to the Admin API: a v2 service body (a dict or object
 * literal with a revision `template`, or the client library's `run_v2.Service(...)`) or a v1
 * Knative body, found wherever the script writes it and paired with the call that sends it (the
 * URL or `parent`/`service_id` that names the service, an `updateMask` that limits a PATCH).
 * Each body is read by the same readers as a service YAML file, so a value means the same
 * whichever way it is written. Undefined when the script writes no such body.
 */
export function cloudRunBodies(program: CodeProgram, source: string): Fragment | undefined {
  const bodies = findBodies(program);
  if (bodies.length === 0) return undefined;
  const notes: string[] = [];
  const services: ServiceInput[] = [];
  const readers: { reader: CloudRunReader; index: number; overrides: Map<string, Located> }[] = [];
  let project: { id: string; at: Located } | undefined;
  /** Bodies with no name that no call sends: parts of another body (`{...base, name}`) unless nothing else is read. */
  const unsent: string[] = [];
  for (const body of bodies) {
    const nameless = body.version === 'v2' && body.call === undefined && body.identity.service === undefined;
    const read = readBody(program.file, source, body, nameless ? unsent : notes);
    if (read === undefined) continue;
    const { reader, service, projectId, overrides } = read;
    readers.push({ reader, index: services.length, overrides });
    services.push(service);
    if (projectId !== undefined && project === undefined) project = projectId;
  }
  if (services.length === 0) notes.push(...unsent);
  if (services.length === 0) {
    return { file: program.file, format: 'deploy-code', data: {}, locate: () => undefined, unknownReason: () => undefined, notes, lineText: (name, line) => (name === program.file ? lineOf(source, line) : undefined) };
  }
  const partOf = (path: KeyPath): { reader: CloudRunReader; local: KeyPath; overrides: Map<string, Located> } | undefined => {
    const [head, index, ...rest] = path;
    if (head !== 'services' || typeof index !== 'number') return undefined;
    const part = readers.find((r) => r.index === index);
    return part === undefined ? undefined : { reader: part.reader, local: ['services', 0, ...rest], overrides: part.overrides };
  };
  const data: TopologyInput = { ...(project !== undefined ? { project: project.id } : {}), services };
  return {
    file: program.file,
    format: 'deploy-code',
    data,
    locate: (path, options) => {
      if (path[0] === 'project' && project !== undefined) return project.at;
      const part = partOf(path);
      if (part === undefined) return readers[0]?.reader.locate([], options);
      const override = part.overrides.get(part.local.slice(2).join('.'));
      return override ?? part.reader.locate(part.local, options);
    },
    unknownReason: (path) => {
      const part = partOf(path);
      return part === undefined ? undefined : part.reader.unknownReason(part.local);
    },
    notes: [...new Set(notes)],
    lineText: (name, line) => (name === program.file ? lineOf(source, line) : undefined),
  };
}

function findBodies(program: CodeProgram): Body[] {
  const taken = new Set<number>();
  const bodies: Body[] = [];
  // Literals, and what calls send: a service read at run time and changed is only in a call.
  const sent = program.calls.flatMap((c) => [...c.args, ...c.keywords.values()].flatMap((v) => objectsIn(v, 2)));
  for (const object of [...program.objects, ...sent]) {
    if (taken.has(object.node)) continue;
    const version = bodyVersion(object);
    if (version === undefined) continue;
    markNested(object, taken);
    const call = program.calls.find((c) => sends(c, object));
    bodies.push({ object, version, identity: identityOf(object, call, version), mask: maskOf(object, call), call });
  }
  return bodies;
}

/** Objects in a value, at most `depth` entries down (`{service: svc}`, `request={"service": svc}`). */
function objectsIn(value: CodeValue, depth: number): CodeObject[] {
  if (value.kind !== 'object') return [];
  return [value, ...(depth > 0 ? value.entries.flatMap((e) => objectsIn(e.value, depth - 1)) : [])];
}

function bodyVersion(object: CodeObject): 'v1' | 'v2' | undefined {
  if (literalOf(entryOf(object, 'apiVersion')?.value) === 'serving.knative.dev/v1' && literalOf(entryOf(object, 'kind')?.value) === 'Service') return 'v1';
  const template = entryOf(object, 'template')?.value;
  if (template?.kind !== 'object' || entryOf(object, 'apiVersion') !== undefined) return undefined;
  // A job's template holds a task `template`; a service's holds containers and the VPC settings.
  if (entryOf(template, 'template') !== undefined) return undefined;
  return template.entries.some((e) => TEMPLATE_FIELDS.has(e.key)) ? 'v2' : undefined;
}

function markNested(value: CodeValue, taken: Set<number>, seen = new Set<CodeValue>()): void {
  // Values are shared (a list a name refers to twice): each is walked once.
  if (seen.has(value)) return;
  seen.add(value);
  if (value.kind === 'object') {
    taken.add(value.node);
    for (const entry of value.entries) markNested(entry.value, taken, seen);
  }
  if (value.kind === 'list') for (const item of value.items) markNested(item, taken, seen);
}

/** Whether the call sends `object`: as an argument, or inside one (`{service: body}`, `body: JSON.stringify(body)`). */
function sends(call: CodeCall, object: CodeObject): boolean {
  const contains = (value: CodeValue, depth: number): boolean => {
    if (value.kind === 'object') return value.node === object.node || (depth < 3 && value.entries.some((e) => contains(e.value, depth + 1)));
    return false;
  };
  return [...call.args, ...call.keywords.values()].some((v) => contains(v, 0));
}

/** Every string a call is given, its arguments and their entries (a URL, a `parent`, a `name`). */
function stringsOf(call: CodeCall | undefined, object: CodeObject): { key: string | undefined; pieces: readonly Piece[]; at: Position }[] {
  if (call === undefined) return [];
  const out: { key: string | undefined; pieces: readonly Piece[]; at: Position }[] = [];
  const walk = (value: CodeValue, key: string | undefined, depth: number): void => {
    if (value.kind === 'string') out.push({ key, pieces: value.pieces, at: value.at });
    if (value.kind === 'object' && value.node !== object.node && depth < 2) for (const entry of value.entries) walk(entry.value, entry.key, depth + 1);
  };
  for (const arg of call.args) walk(arg, undefined, 0);
  for (const [key, value] of call.keywords) walk(value, key, 0);
  return out;
}

/** The service's project, region and name: the body's `name`, else the URL or `parent` and `service_id` of the call. */
function identityOf(object: CodeObject, call: CodeCall | undefined, version: 'v1' | 'v2'): Identity {
  // A service read at run time and changed: the call that read it names it (`get_service(name=…)`).
  const read = object.partialOf?.call;
  const strings = [...stringsOf(call, object), ...(read === undefined ? [] : stringsOf({ ...read, at: object.at }, object))];
  if (version === 'v1') {
    // The v1 API is regional: https://REGION-run.googleapis.com/apis/serving.knative.dev/v1/namespaces/PROJECT/services/NAME.
    for (const candidate of strings) {
      const host = /^https:\/\/([a-z0-9-]+)-run\.googleapis\.com\//.exec(literalText(candidate.pieces.slice(0, 1)) ?? '')?.[1];
      if (host !== undefined) return { project: undefined, region: [{ kind: 'text', text: host }], service: undefined, at: candidate.at };
    }
    return { project: undefined, region: undefined, service: undefined, at: object.at };
  }
  const name = entryOf(object, 'name')?.value;
  const candidates = [...(name?.kind === 'string' ? [{ key: 'name', pieces: name.pieces, at: name.at }] : []), ...strings];
  for (const candidate of candidates) {
    const parts = matchPath(candidate.pieces, ['projects', 'locations', 'services']);
    if (parts !== undefined && parts[2] !== undefined) return { project: parts[0], region: parts[1], service: parts[2], at: candidate.at };
  }
  // A create: `parent` (projects/P/locations/R) with `service_id`, or `…/services?serviceId=S`.
  const parent = candidates.map((c) => ({ c, parts: matchPath(c.pieces, ['projects', 'locations']) })).find((p) => p.parts !== undefined);
  const serviceId = strings.find((s) => s.key === 'service_id' || s.key === 'serviceId');
  const query = candidates.map((c) => /[?&]serviceId=([^&]+)/.exec(literalText(c.pieces) ?? '')?.[1]).find((s) => s !== undefined);
  const service = serviceId?.pieces ?? (query === undefined ? undefined : [{ kind: 'text' as const, text: query }]) ?? (name?.kind === 'string' ? name.pieces : undefined);
  return { project: parent?.parts?.[0], region: parent?.parts?.[1], service, at: serviceId?.at ?? parent?.c.at ?? object.at };
}

/**
 * The segments after each of `keys` in a resource path held by `pieces`
 * (`projects/{P}/locations/europe-west1/services/api` → [P, europe-west1, api]), wherever it
 * stands in the string (a URL's path); unknown segments stay unknown.
 */
function matchPath(pieces: readonly Piece[], keys: readonly string[]): (readonly Piece[] | undefined)[] | undefined {
  const segments = splitPieces(pieces.map((p) => (p.kind === 'text' ? { kind: 'text' as const, text: p.text.split(/[?#]/)[0] ?? '' } : p)), '/');
  const literal = segments.map((s) => literalText(s));
  const first = literal.indexOf(keys[0]);
  if (first === -1) return undefined;
  const out: (readonly Piece[] | undefined)[] = [];
  for (const [i, key] of keys.entries()) {
    if (literal[first + 2 * i] !== key) return i === 0 ? undefined : i < keys.length - 1 ? undefined : [...out, undefined];
    const value = segments[first + 2 * i + 1];
    out.push(value === undefined || (value.length === 1 && literalText(value) === '') ? undefined : value);
  }
  return out;
}

/** The fields an `updateMask` names, as top-level keys of the body (`template.vpc_access.egress` → `template`). */
function maskOf(object: CodeObject, call: CodeCall | undefined): readonly string[] | undefined {
  const texts: string[] = [];
  for (const s of stringsOf(call, object)) {
    const literal = literalText(s.pieces);
    if (literal === undefined) continue;
    if (s.key === 'updateMask' || s.key === 'update_mask') texts.push(literal);
    const query = /[?&]update_?[Mm]ask=([^&#]+)/.exec(literal)?.[1];
    if (query !== undefined) texts.push(decodeURIComponent(query));
  }
  if (call !== undefined) {
    for (const value of [...call.args, ...call.keywords.values()]) {
      const mask = value.kind === 'object' ? (entryOf(value, 'updateMask') ?? entryOf(value, 'update_mask'))?.value : undefined;
      const paths = mask?.kind === 'object' ? entryOf(mask, 'paths')?.value : undefined;
      if (paths?.kind === 'list') for (const item of paths.items) if (item.kind === 'string') texts.push(literalText(item.pieces) ?? '');
    }
  }
  if (texts.length === 0) return undefined;
  const fields = texts.flatMap((t) => t.split(',')).map((f) => f.trim().split('.')[0] ?? '').filter((f) => f !== '');
  return [...new Set(fields.map((f) => f.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())))];
}

function readBody(file: string, source: string, body: Body, notes: string[]): { reader: CloudRunReader; service: ServiceInput; projectId: { id: string; at: Located } | undefined; overrides: Map<string, Located> } | undefined {
  const line = body.object.at.line;
  const where = `${file}:${line}`;
  let plain: Record<string, unknown>;
  try {
    plain = plainOf(body.object) as Record<string, unknown>;
  } catch (error: unknown) {
    // Where the body starts, not the leaf where the count ran out.
    throw error instanceof PlainValueTooLarge ? new PlainValueTooLarge(body.object.at) : error;
  }
  const overrides = new Map<string, Located>();
  const located = (at: Position): Located => ({ file, ...at });
  let region: { pieces: readonly Piece[]; at: Position } | undefined;
  let projectId: { id: string; at: Located } | undefined;
  if (body.version === 'v2') {
    const { service, region: regionPieces, project } = body.identity;
    const name = service === undefined ? undefined : literalText(service);
    if (name === undefined) {
      const why = service === undefined ? 'the body has no `name` and the call names no service' : `the service name is given by ${describeUnknownPieces(service)}`;
      notes.push(`${where}: a Cloud Run service body: ${why}; the body is left out`);
      return undefined;
    }
    plain.name = name.slice(name.lastIndexOf('/') + 1);
    overrides.set('name', located(body.identity.at));
    if (regionPieces !== undefined) region = { pieces: regionPieces, at: body.identity.at };
    const projectText = project === undefined ? undefined : literalText(project);
    if (projectText !== undefined && !/^\d+$/.test(projectText)) projectId = { id: projectText, at: located(body.identity.at) };
  }
  if (body.object.partialOf !== undefined) {
    notes.push(`${where}: the body is the service as ${describeUnknown(body.object.partialOf.piece)}, with the fields the script sets on it: only those are in this file`);
  }
  if (body.mask !== undefined) {
    const mask = body.mask;
    plain = Object.fromEntries(Object.entries(plain).filter(([key]) => ['name', 'apiVersion', 'kind', 'metadata'].includes(key) || mask.includes(key)));
    notes.push(`${where}: the PATCH's update mask (${body.mask.join(', ')}) changes only those fields: the service's other settings stay as deployed and are not in this file`);
  }
  const document: SourceDocument = {
    file,
    format: 'code',
    text: source,
    value: plain,
    yaml: undefined,
    lineText: (n) => lineOf(source, n),
    locate: (path, options) => locateIn(body.object, path, options),
  };
  const reader = new CloudRunReader(document);
  const read: ServiceRead | undefined = body.version === 'v1' ? readKnativeService(reader) : readV2Service(reader);
  if (read === undefined || reader.diagnostics.length > 0) throw new InputError(reader.diagnostics);
  const service = read.service;
  const label = `services[${service.name}]`;
  // A v1 body's own region label wins over the endpoint it is sent to.
  if (body.version === 'v1' && service.region === undefined && body.identity.region !== undefined) region = { pieces: body.identity.region, at: body.identity.at };
  if (region !== undefined) {
    const known = literalText(region.pieces);
    service.region = known ?? 'unknown';
    if (known === undefined) reader.unknown(['services', 0, 'region'], [], `the region is given by ${describeUnknownPieces(region.pieces)}`);
    overrides.set('region', located(region.at));
    // readV2Service noted the region as missing from a short `name`; the call gives it.
    const missing = `${label}.region: not in the input`;
    for (let i = reader.notes.length - 1; i >= 0; i--) if (reader.notes[i]?.startsWith(missing) === true) reader.notes.splice(i, 1);
  }
  for (const { path, value } of reader.unknownsLeftOut()) {
    notes.push(`${label}: ${formatSourcePath(path)} at ${file}:${value.at.line} is given by ${value.reason}; what it sets is left out`);
  }
  notes.push(...reader.notes.map(redactUrlPasswords));
  if (read.project !== undefined) projectId ??= { id: read.project.id, at: located(document.locate(read.project.path) ?? body.object.at) };
  return { reader, service, projectId, overrides };
}

function describeUnknownPieces(pieces: readonly Piece[]): string {
  const unknown = pieces.find((p) => p.kind === 'unknown');
  return unknown?.kind === 'unknown' ? describeUnknown(unknown) : 'a value not known until the script runs';
}
