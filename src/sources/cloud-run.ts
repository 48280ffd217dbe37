import { diagnosticAt, parseSource, type SourceDocument } from './document.js';
import { InputError } from './errors.js';
import type { Fragment, TopologyInput } from './fragment.js';
import { CloudRunReader, isRecord, type ServiceRead } from './cloud-run-reader.js';
import { readKnativeService } from './cloud-run-v1.js';
import { readV2Service } from './cloud-run-v2.js';

/** The message for input that is YAML or JSON but not a Cloud Run service. */
export const NOT_A_CLOUD_RUN_SERVICE =
  'expected a Cloud Run service: apiVersion serving.knative.dev/v1 with kind Service, or a v2 service with name and template';

/**
 * Which form of Cloud Run service definition a parsed document is: `v1` for the Knative YAML that
 * `gcloud run services describe --format export` prints, `v2` for the Admin API v2 resource
 * (`name` and `template`), undefined for anything else. For input detection.
 *
 * @example
 * cloudRunKind({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' }); // 'v1'
 * cloudRunKind({ name: 'projects/p/locations/r/services/api', template: {} }); // 'v2'
 * cloudRunKind({ services: [] }); // undefined
 */
export function cloudRunKind(value: unknown): 'v1' | 'v2' | undefined {
  if (!isRecord(value)) return undefined;
  if (value.apiVersion === 'serving.knative.dev/v1' && value.kind === 'Service') return 'v1';
  if (value.apiVersion === undefined && value.kind === undefined && typeof value.name === 'string' && isRecord(value.template)) return 'v2';
  return undefined;
}

/**
 * Turns one Cloud Run service definition (v1 Knative YAML/JSON or v2 REST JSON/YAML) into a
 * fragment with one `services` entry, and the top-level `project` when the input names a
 * project ID. Only what the input says is kept; positions are resolved when asked for.
 * Throws InputError, located, for anything that is not a readable Cloud Run service.
 *
 * @example
 * const fragment = importCloudRunService('api.yaml', await readTextFile('api.yaml'));
 * fragment.data.services?.[0]?.egress; // 'all-traffic'
 * fragment.locate(['services', 0, 'egress']); // { file: 'api.yaml', line: 14, column: 44 }
 */
export function importCloudRunService(file: string, text: string): Fragment {
  return importCloudRunDocument(parseSource(file, text));
}

/** As `importCloudRunService`, for a document already parsed (input detection parses it once). */
export function importCloudRunDocument(doc: SourceDocument): Fragment {
  const file = doc.file;
  const kind = cloudRunKind(doc.value);
  if (kind === undefined) {
    const at = isRecord(doc.value) && doc.value.kind !== undefined ? ['kind'] : [];
    throw new InputError([diagnosticAt(doc, at, NOT_A_CLOUD_RUN_SERVICE)]);
  }
  const reader = new CloudRunReader(doc);
  const read = kind === 'v1' ? readKnativeService(reader) : readV2Service(reader);
  if (read === undefined && reader.diagnostics.length === 0) {
    // A template whose service is named only once it is rendered: nothing to read, and a note why.
    return { file, format: 'cloud-run', data: {}, locate: () => undefined, unknownReason: () => undefined, notes: reader.notes, lineText: (name, line) => (name === file ? doc.lineText(line) : undefined) };
  }
  if (read === undefined || reader.diagnostics.length > 0) throw new InputError(reader.diagnostics);
  return {
    file,
    format: 'cloud-run',
    data: fragmentData(reader, read),
    locate: (path, options) => reader.locate(path, options),
    // A service definition states every value it has; nothing in it is "known after apply".
    unknownReason: () => undefined,
    notes: reader.notes,
    lineText: (name, line) => (name === file ? doc.lineText(line) : undefined),
  };
}

function fragmentData(reader: CloudRunReader, read: ServiceRead): TopologyInput {
  if (read.project === undefined) return { services: [read.service] };
  reader.from(['project'], read.project.path);
  return { project: read.project.id, services: [read.service] };
}
