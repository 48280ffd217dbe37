import type { Edit } from '../analysis/fixes/edit.js';
import { redactSourceLine } from '../model/redact.js';
import type { Origin, Topology } from '../model/topology.js';
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
      const service = topology.services.find((s) => s.name === edit.service);
      if (!service || !imported(sources, service.egressOrigin)) return undefined;
      const at = sources.locate(service.egressOrigin);
      const line = at ? sources.lineText(service.egressOrigin, at) : undefined;
      const written = service.egressOrigin.path[service.egressOrigin.path.length - 1] === 'egress';
      if (at && line !== undefined && written) {
        const replaced = replaceEgress(line, edit.egress);
        if (replaced !== undefined) return lineChange(at, line, replaced);
      }
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
      return instruction(at ?? unlocated(network.origin), `add to the Terraform configuration:\n${router}${nat}`);
    }
    case 'add-cloudsql-mount': {
      const service = topology.services.find((s) => s.name === edit.service);
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
