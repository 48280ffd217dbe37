import type { Edit } from '../analysis/fixes/edit.js';
import { redactSourceLine } from '../model/redact.js';
import type { Origin, Topology } from '../model/topology.js';
import { serviceNamed } from '../model/lookup.js';
import type { InputFormat, Located } from './fragment.js';
import type { SourceChange } from './topology-patch.js';

/** What the renderer needs to know about inputs that are not topology files. */
export interface ImportedSources {
  formatOf(file: string): InputFormat | undefined;
  locate(origin: Origin): Located | undefined;
  lineText(origin: Origin, located: Located): string | undefined;
}

/**
 * Renders fix edits whose configuration lives in an imported input (a deploy script, Terraform,
 * a Cloud Run export) in that input's own terms: the changed line as a diff when one value on one
 * line changes (a gcloud flag, a Terraform attribute, an annotation), else the gcloud command or
 * Terraform resource to add.
 */
export function renderImportedChanges(edits: readonly Edit[], topology: Topology, sources: ImportedSources): SourceChange[] {
  return edits.flatMap((edit) => {
    const change = renderEdit(edit, topology, sources);
    return change ? [change] : [];
  });
}

const imported = (sources: ImportedSources, origin: Origin | undefined): origin is Origin => origin !== undefined && sources.formatOf(origin.file) !== undefined && sources.formatOf(origin.file) !== 'topology';

function renderEdit(edit: Edit, topology: Topology, sources: ImportedSources): SourceChange | undefined {
  switch (edit.kind) {
    case 'set-egress': {
      const service = serviceNamed(topology, edit.service);
      if (!service || !imported(sources, service.egressOrigin)) return undefined;
      const at = sources.locate(service.egressOrigin);
      const line = egressLine(edit, topology, sources);
      if (line !== undefined) return lineChange(line.at, line.before, line.after);
      const format = sources.formatOf(service.egressOrigin.file);
      const how = format === 'gcloud' ? `add --vpc-egress=${edit.egress} to the deploy command` : format === 'cloud-run' ? `set the annotation run.googleapis.com/vpc-access-egress: ${edit.egress}` : `set egress = "${edit.egress === 'all-traffic' ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY'}" in template.vpc_access`;
      return instruction(at ?? unlocated(service.egressOrigin), `${how} of service ${service.name}`);
    }
    case 'add-nat': {
      const network = topology.networks.get(edit.network);
      if (!imported(sources, network?.origin)) return undefined;
      const at = sources.locate(network.origin);
      const format = sources.formatOf(network.origin.file);
      const ips = edit.addresses.length > 0 ? edit.addresses : undefined;
      const all = edit.subnets === 'all';
      const subnets = all ? [] : [...edit.subnets];
      if (format === 'gcloud') {
        const router = edit.createRouter ? `gcloud compute routers create ${edit.router} --network=${edit.network} --region=${edit.region}\n` : '';
        const nat = `gcloud compute routers nats create ${edit.name} --router=${edit.router} --region=${edit.region} ${all ? '--nat-all-subnet-ip-ranges' : `--nat-custom-subnet-ip-ranges=${subnets.join(',')}`} ${ips ? `--nat-external-ip-pool=${ips.join(',')}` : '--auto-allocate-nat-external-ips'}`;
        return instruction(at ?? unlocated(network.origin), `add:\n${router}${nat}`);
      }
      return instruction(at ?? unlocated(network.origin), `add to the Terraform configuration:\n${terraformNat(edit)}`);
    }
    case 'add-cloudsql-mount': {
      const service = serviceNamed(topology, edit.service);
      if (!service || !imported(sources, service.origin)) return undefined;
      const at = sources.locate(service.origin);
      const format = sources.formatOf(service.origin.file);
      const how = format === 'gcloud' ? `add --add-cloudsql-instances=${edit.connectionName} to the deploy command` : `add ${edit.connectionName} to the Cloud SQL instances`;
      return instruction(at ?? unlocated(service.origin), `${how} of service ${service.name}`);
    }
    default:
      return undefined;
  }
}

/**
 * A fix edit as a change to the text of the file it belongs in: one line replaced, or text
 * appended (a Terraform resource the configuration lacks). For patches `git apply` accepts.
 */
export type TextEdit =
  | { readonly kind: 'replace-line'; readonly file: string; readonly line: number; readonly before: string; readonly after: string }
  | { readonly kind: 'append'; readonly file: string; readonly text: string }
  | { readonly kind: 'whole'; readonly file: string; readonly before: string; readonly after: string };

/**
 * The fix edits whose configuration lives in an imported input, as text edits of that input: the
 * egress value rewritten on the line that sets it (a gcloud flag, a Python dict entry, a
 * JavaScript property, an action's `flags`, a Terraform attribute, an annotation), and a Cloud NAT
 * resource appended to the Terraform file that declares the network. Edits with no text form
 * here (a gcloud command to add) are left to the report's instructions.
 */
export function importedTextEdits(edits: readonly Edit[], topology: Topology, sources: ImportedSources): TextEdit[] {
  const out: TextEdit[] = [];
  for (const edit of edits) {
    if (edit.kind === 'set-egress') {
      const change = egressLine(edit, topology, sources);
      if (change !== undefined) out.push({ kind: 'replace-line', file: change.at.file, line: change.at.line, before: change.before, after: change.after });
    }
    if (edit.kind === 'add-nat') {
      const network = topology.networks.get(edit.network);
      if (!imported(sources, network?.origin) || !TERRAFORM.has(sources.formatOf(network.origin.file) ?? 'topology')) continue;
      const at = sources.locate(network.origin);
      // An HCL directory's origin names the .tf file the network is declared in.
      if (at === undefined || !at.file.endsWith('.tf')) continue;
      out.push({ kind: 'append', file: at.file, text: terraformNat(edit) });
    }
  }
  return out;
}

const TERRAFORM = new Set(['terraform-hcl']);

function egressLine(edit: Extract<Edit, { kind: 'set-egress' }>, topology: Topology, sources: ImportedSources): { at: Located; before: string; after: string } | undefined {
  const service = serviceNamed(topology, edit.service);
  if (!service || !imported(sources, service.egressOrigin)) return undefined;
  const at = sources.locate(service.egressOrigin);
  const line = at ? sources.lineText(service.egressOrigin, at) : undefined;
  const written = service.egressOrigin.path[service.egressOrigin.path.length - 1] === 'egress';
  if (!at || line === undefined || !written) return undefined;
  const replaced = replaceEgress(line, edit.egress);
  return replaced === undefined ? undefined : { at, before: line, after: replaced };
}

/** The egress value on a line, rewritten in the same spelling (gcloud/annotation kebab-case, API upper case). */
function replaceEgress(line: string, egress: 'all-traffic' | 'private-ranges-only'): string | undefined {
  const patterns: readonly [RegExp, string][] = [
    [/ALL_TRAFFIC|PRIVATE_RANGES_ONLY/, egress === 'all-traffic' ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY'],
    [/all-traffic|private-ranges-only/, egress],
    [/(--vpc-egress[= ]["']?)all\b/, `$1${egress}`],
  ];
  for (const [pattern, value] of patterns) if (pattern.test(line)) return line.replace(pattern, value);
  return undefined;
}

function lineChange(at: Located, before: string, after: string): SourceChange {
  return { file: at.file, line: at.line, patch: [`@@ -${at.line},1 +${at.line},1 @@`, `-${redactSourceLine(before)}`, `+${redactSourceLine(after)}`].join('\n') };
}

function instruction(at: Located, text: string): SourceChange {
  return { file: at.file, line: at.line > 0 ? at.line : undefined, patch: redactSourceLine(text) };
}

/** An origin with no position: its file, line 0 (rendered without a line). */
const unlocated = (origin: Origin): Located => ({ file: origin.file, line: 0, column: 0 });

const tfName = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** The Cloud NAT (and router, when the fix creates one) an add-nat edit asks for, as Terraform resources. */
function terraformNat(edit: Extract<Edit, { kind: 'add-nat' }>): string {
  const ips = edit.addresses.length > 0 ? edit.addresses : undefined;
  const all = edit.subnets === 'all';
  const subnets = all ? [] : [...edit.subnets];
  const router = edit.createRouter ? `resource "google_compute_router" "${tfName(edit.router)}" {\n  name    = "${edit.router}"\n  network = "${edit.network}"\n  region  = "${edit.region}"\n}\n` : '';
  const nat = [
    `resource "google_compute_router_nat" "${tfName(edit.name)}" {`,
    `  name                               = "${edit.name}"`,
    `  router                             = "${edit.router}"`,
    `  region                             = "${edit.region}"`,
    `  nat_ip_allocate_option             = "${ips ? 'MANUAL_ONLY' : 'AUTO_ONLY'}"`,
    ...(ips ? [`  nat_ips                            = [${ips.map((a) => `google_compute_address.${tfName(a)}.self_link`).join(', ')}]`] : []),
    `  source_subnetwork_ip_ranges_to_nat = "${all ? 'ALL_SUBNETWORKS_ALL_IP_RANGES' : 'LIST_OF_SUBNETWORKS'}"`,
    ...subnets.map((s) => `  subnetwork {\n    name                    = "${s}"\n    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]\n  }`),
    '}',
  ].join('\n');
  return `${router}${nat}`;
}

