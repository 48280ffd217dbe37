import { diagnosticAt, type KeyPath, type SourceDocument } from './document.js';
import { InputError } from './errors.js';
import { delegatedLookups, type Fragment } from './fragment.js';

/**
 * One fragment for the Cloud Run services of one multi-document YAML file (a `service.yaml`
 * holding several Knative Services): each document's service in file order, located in its own
 * document. The services share the file's project; two documents naming different projects is an
 * error at the second one.
 *
 * @example
 * const fragment = combineCloudRunDocuments('service.yaml', [[apiDoc, api], [workerDoc, worker]]);
 * fragment.data.services?.map((s) => s.name); // ['api', 'worker']
 * fragment.locate(['services', 1, 'egress']); // a position in the second document
 */
export function combineCloudRunDocuments(file: string, parts: readonly (readonly [SourceDocument, Fragment])[]): Fragment {
  const [first] = parts;
  if (first === undefined) throw new Error('combineCloudRunDocuments needs at least one document');
  if (parts.length === 1) return first[1];
  const services = parts.flatMap(([, f]) => f.data.services ?? []);
  const withProject = parts.filter(([, f]) => f.data.project !== undefined);
  const project = withProject[0]?.[1].data.project;
  const other = withProject.find(([, f]) => f.data.project !== project);
  if (other !== undefined && withProject[0] !== undefined) {
    const at = withProject[0][1].locate(['project']);
    const where = at ? ` at line ${at.line}` : '';
    throw new InputError([diagnosticAt(other[0], ['metadata', 'namespace'], `project ${JSON.stringify(other[1].data.project)} differs from project ${JSON.stringify(project)} of an earlier document${where}; the services of one file are read into one project: split the file`)]);
  }
  // Each Cloud Run document gives one service, or none (a template named only once rendered).
  const owners = parts.filter(([, f]) => (f.data.services ?? []).length > 0).map(([, f]) => f);
  const partOf = (path: KeyPath): readonly [Fragment, KeyPath] => {
    const [head, index, ...rest] = path;
    if (head === 'services' && typeof index === 'number') {
      const part = owners[index];
      if (part !== undefined) return [part, ['services', 0, ...rest]];
    }
    if (head === 'project' && withProject[0] !== undefined) return [withProject[0][1], path];
    return [first[1], path];
  };
  return {
    file,
    format: 'cloud-run',
    data: { ...(project !== undefined ? { project } : {}), services },
    ...delegatedLookups(partOf),
    notes: parts.flatMap(([, f]) => f.notes),
    lineText: (name, line) => first[1].lineText(name, line),
  };
}
