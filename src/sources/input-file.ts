import { basename, extname } from 'node:path';
import { registerTokens } from '../model/secret-registry.js';
import { checkInputSize, diagnosticAt, parseSourceDocuments, type SourceDocument } from './document.js';
import { InputError, type Diagnostic } from './errors.js';
import type { Fragment } from './fragment.js';
import { cloudRunKind, importCloudRunDocument } from './cloud-run.js';
import { combineCloudRunDocuments } from './cloud-run-documents.js';
import { importDeployCode, mayDeployFromCode } from './code/deploy-code.js';
import { containsGcloudCommand, importGcloudScript, scriptKind } from './gcloud/script.js';
import { describeNonInput, nonInputByName } from './not-inputs.js';
import { importTerraformPlan, isTerraformPlan } from './terraform/plan.js';
import { topologyFragment } from './topology-file.js';
import { STDIN, type FileView } from './file-view.js';

const SCRIPT_EXTENSIONS = new Set(['.sh', '.bash', '.py', '.js', '.mjs', '.cjs', '.ts']);

/** A file that is not an input: why (one reason per document of a multi-document YAML file), for `ignored`. */
export interface NotAnInput {
  readonly ignored: readonly string[];
}

/** What one file gave: a fragment, and the documents of it that were not inputs (multi-document YAML). */
export interface FileRead {
  readonly fragment: Fragment;
  readonly ignoredDocuments: readonly string[];
}

const where = (d: Diagnostic): string => (d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`);

/** A located reason for a file that cannot be parsed: `file:line:col: message`. */
export function syntaxReason(error: InputError): string {
  const first = error.diagnostics[0];
  const more = error.diagnostics.length > 1 ? ` (and ${error.diagnostics.length - 1} more)` : '';
  return first === undefined ? 'cannot be parsed' : `cannot be parsed: ${where(first)}: ${first.message}${more}`;
}

/**
 * Reads one file as whatever input it is. For a file inside a directory, one that is not an input
 * (by name, extension or content) or cannot be parsed is ignored, with the reason; a file named
 * explicitly must be an input. A recognised input with a wrong value is an error either way.
 */
export async function readInputFile(view: FileView, file: string, explicit: boolean): Promise<FileRead | NotAnInput> {
  const ignore = (reason: string): NotAnInput => ({ ignored: [reason] });
  const ext = extname(file).toLowerCase();
  const name = basename(file);
  if (ext === '.tfvars') return explicit ? fail(file, 'is a Terraform variables file: name its directory, or a .tf file of it, to read the module') : ignore('part of a Terraform module');
  const byName = nonInputByName(file);
  if (byName !== undefined && !explicit) return ignore(byName);
  const scriptLike = SCRIPT_EXTENSIONS.has(ext) || /^(GNUmakefile|[Mm]akefile|Dockerfile(\..+)?)$/.test(name) || ext === '.mk';
  const ciYaml = name === '.gitlab-ci.yml' || /^cloudbuild\.ya?ml$/.test(name) || /(^|\/)\.github\/workflows\//.test(file);
  // Standard input (`check -`) is YAML or JSON: a topology, a Cloud Run service, a plan.
  const dataLike = ext === '.json' || ext === '.yaml' || ext === '.yml' || file === STDIN;
  if (!scriptLike && !dataLike && ext !== '') return explicit ? fail(file, 'not a recognised input (by its extension)') : ignore('not a recognised input (by its extension)');
  let text: string;
  try {
    text = await view.readText(file);
  } catch (error: unknown) {
    // An unreadable file in a directory (binary, too large) is skipped; a broken input is not.
    if (explicit || !(error instanceof InputError)) throw error;
    return ignore(error.diagnostics[0]?.message ?? 'cannot be read');
  }
  // Tokens in known formats are secret wherever they stand: registered before anything is written.
  await registerTokens(file, text);
  try {
    if (scriptLike || ciYaml || (ext === '' && text.startsWith('#!'))) return readScript(file, text, explicit);
    if (!dataLike) return explicit ? fail(file, 'not a recognised input (no extension and no #! line)') : ignore('not a recognised input (no extension and no #! line)');
    return readDocuments(parseSourceDocuments(file, text), text, explicit);
  } catch (error: unknown) {
    if (!explicit && error instanceof InputError && error.syntax) {
      // Helm and other templates are YAML only once rendered.
      return ignore(text.includes('{{') ? `a template (it contains {{ }}), not YAML until rendered: ${syntaxReason(error)}` : syntaxReason(error));
    }
    throw error;
  }
}

function fail(file: string, message: string): never {
  throw new InputError([{ file, line: undefined, column: undefined, keyPath: undefined, message, sourceLine: undefined }]);
}

function readScript(file: string, text: string, explicit: boolean): FileRead | NotAnInput {
  try {
    checkInputSize(file, text, 'script');
  } catch (error: unknown) {
    // Too large to read safely: fatal when named, skipped with the reason in a directory.
    if (explicit || !(error instanceof InputError)) throw error;
    return { ignored: [error.diagnostics[0]?.message ?? 'too large'] };
  }
  const kind = scriptKind(file, text);
  const code = kind === 'python' || kind === 'javascript' ? kind : undefined;
  const none = code === undefined ? 'a script with no gcloud command' : 'a script with no gcloud command and no Cloud Run API call';
  if (!explicit && !(code === undefined ? containsGcloudCommand(text) : mayDeployFromCode(text))) return { ignored: [none] };
  try {
    return { fragment: code === undefined ? importGcloudScript(file, text) : importDeployCode(file, text, code), ignoredDocuments: [] };
  } catch (error: unknown) {
    // Mentioning gcloud (a comment, an echo) is not calling it: in a directory, that is not an input.
    const found = (d: Diagnostic): boolean => d.message.startsWith('no gcloud command found') || d.message.startsWith('no Cloud Run deployment found');
    if (!explicit && error instanceof InputError && error.diagnostics.every(found)) return { ignored: [none] };
    throw error;
  }
}

/**
 * The documents of one YAML/JSON file. One document is whatever input it is. In a stream of
 * several, each Cloud Run service is read and every other document is ignored with its reason.
 */
function readDocuments(documents: readonly SourceDocument[], text: string, explicit: boolean): FileRead | NotAnInput {
  const [only] = documents;
  if (only !== undefined && documents.length === 1) {
    const read = readDocument(only, text, explicit);
    return typeof read === 'string' ? { ignored: [read] } : { fragment: read, ignoredDocuments: [] };
  }
  const services: [SourceDocument, Fragment][] = [];
  const ignoredDocuments: string[] = [];
  for (const [i, document] of documents.entries()) {
    const line = document.locate([])?.line;
    const label = `document ${i + 1} of ${documents.length}${line === undefined ? '' : ` (line ${line})`}`;
    if (cloudRunKind(document.value) !== undefined) services.push([document, importCloudRunDocument(document)]);
    else ignoredDocuments.push(`${label}: ${multiDocumentReason(document, text)}`);
  }
  const first = documents[0];
  if (first === undefined) throw new Error('a YAML stream with no document');
  if (services.length === 0) {
    if (explicit) {
      const reason = `none of its ${documents.length} YAML documents is an input: ${ignoredDocuments.join('; ')}`;
      throw new InputError([diagnosticAt(first, [], `${reason}; expected Cloud Run services (apiVersion serving.knative.dev/v1, kind Service)`)]);
    }
    return { ignored: ignoredDocuments };
  }
  return { fragment: combineCloudRunDocuments(first.file, services), ignoredDocuments };
}

function multiDocumentReason(document: SourceDocument, text: string): string {
  const read = readDocument(document, text, false);
  if (typeof read === 'string') return read;
  // A topology file or a plan is one document: its fixes are written back into the whole file.
  return `a ${read.format} document in a multi-document YAML file (only Cloud Run services are read from one; give it its own file)`;
}

function readDocument(document: SourceDocument, text: string, explicit: boolean): Fragment | string {
  const value = document.value;
  const file = document.file;
  if (isTerraformPlan(value)) return importTerraformPlan(file, text, document);
  if (cloudRunKind(value) !== undefined) return importCloudRunDocument(document);
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  // Kubernetes-shaped documents: named explicitly, the Cloud Run importer says what a Cloud Run service needs.
  if (record && 'apiVersion' in record && 'kind' in record && explicit) return importCloudRunDocument(document);
  const other = describeNonInput(file, value);
  if (other !== undefined) return other;
  // A composite action (action.yml) runs its `runs.steps` like a workflow job.
  const composite = record !== undefined && typeof record.runs === 'object' && record.runs !== null && 'steps' in record.runs;
  if (record && ('jobs' in record || 'steps' in record || 'stages' in record || composite)) {
    if (containsGcloudCommand(text)) return importGcloudScript(file, text);
    return explicit ? importGcloudScript(file, text) : 'a CI workflow with no gcloud command';
  }
  if (record && ('format_version' in record || 'terraform_version' in record)) return importTerraformPlan(file, text, document);
  if (!explicit && !looksLikeTopology(record)) return 'not a recognised input (not a topology, Terraform plan or Cloud Run service)';
  return topologyFragment(document);
}

const TOPOLOGY_KEYS = new Set(['version', 'project', 'region', 'networks', 'addresses', 'connectors', 'databases', 'caches', 'externals', 'secrets', 'services', 'loadBalancers']);

function looksLikeTopology(record: Record<string, unknown> | undefined): boolean {
  if (!record) return false;
  const keys = Object.keys(record);
  // Every topology list is a list: a docker-compose file's `services` mapping is not one.
  const listsAreLists = keys.every((k) => ['version', 'project', 'region'].includes(k) || Array.isArray(record[k]));
  return keys.length > 0 && keys.every((k) => TOPOLOGY_KEYS.has(k)) && listsAreLists;
}
