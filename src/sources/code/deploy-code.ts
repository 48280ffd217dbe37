import type { Position } from '../document.js';
import { InputError } from '../errors.js';
import { delegatedLookups, lineOf, type Fragment } from '../fragment.js';
import { containsGcloudCommand, importGcloudScript } from '../gcloud/script.js';
import type { CodeProgram } from './bindings.js';
import { cloudRunBodies } from './cloud-run-bodies.js';
import { readJavaScript } from './javascript.js';
import { readPython } from './python.js';
import { PlainValueTooLarge } from './values.js';

/**
 * Text that may send a Cloud Run service to the Admin API: its host, a client library, a Knative
 * body, or a revision template's VPC settings. A cheap test, so that not every Python or
 * JavaScript file of a repository is parsed.
 */
const API_HINT = /run\.googleapis\.com|\brun_v2\b|@google-cloud\/run|serving\.knative\.dev|\bvpc_?[Aa]ccess\b|ServicesClient/;

/** Whether a Python or JavaScript file may deploy Cloud Run: it calls gcloud or may call the Admin API. */
export function mayDeployFromCode(text: string): boolean {
  return containsGcloudCommand(text) || API_HINT.test(text);
}

/**
 * Imports a Python or JavaScript/TypeScript deploy script: the Cloud Run service bodies it sends
 * to the Admin API (REST or client library) and the gcloud commands it runs, as one fragment.
 * Throws InputError, located, for a syntax error, and when the script does neither.
 *
 * @example
 * const fragment = importDeployCode('deploy.py', 'requests.patch(URL, json={"template": {"vpcAccess": {"egress": "ALL_TRAFFIC"}}})\n', 'python');
 * fragment.data.services?.[0]?.egress; // 'all-traffic'
 */
export function importDeployCode(file: string, text: string, language: 'python' | 'javascript'): Fragment {
  const fail = (at: Position, message: string): never => {
    throw new InputError([{ file, line: at.line, column: at.column, keyPath: undefined, message, sourceLine: lineOf(text, at.line) }], { syntax: true });
  };
  const parse = (): CodeProgram => {
    checkNesting(text, fail);
    return language === 'python' ? readPython(file, text, fail) : readJavaScript(file, text, fail);
  };
  let program: CodeProgram | undefined;
  let unread: string | undefined;
  try {
    program = API_HINT.test(text) ? parse() : undefined;
  } catch (error: unknown) {
    // The grammar refuses what the gcloud reader can still read: keep the commands, say what is missing.
    if (!(error instanceof InputError) || !error.syntax || !containsGcloudCommand(text)) throw error;
    const first = error.diagnostics[0];
    unread = `${file}: Cloud Run bodies it may send to the Admin API are left out (${first?.line === undefined ? '' : `line ${first.line}: `}${first?.message ?? 'a syntax error'}); its gcloud commands are read`;
  }
  let bodies: Fragment | undefined;
  try {
    bodies = program === undefined ? undefined : cloudRunBodies(program, text);
  } catch (error: unknown) {
    if (error instanceof PlainValueTooLarge) fail(error.at, error.message);
    throw error;
  }
  let commands: Fragment | undefined;
  try {
    commands = containsGcloudCommand(text) || bodies === undefined ? importGcloudScript(file, text) : undefined;
  } catch (error: unknown) {
    const none = error instanceof InputError && error.diagnostics.every((d) => d.message.startsWith('no gcloud command found'));
    if (!none || bodies === undefined) {
      if (none && program !== undefined) throw new InputError(error.diagnostics.map((d) => ({ ...d, message: NO_DEPLOY })));
      throw error;
    }
  }
  if (bodies === undefined) return unread === undefined || commands === undefined ? (commands as Fragment) : { ...commands, notes: [...commands.notes, unread] };
  return commands === undefined ? bodies : combineFragments(file, [bodies, commands]);
}

/** Deeper than this, brackets are no deploy script: the parsers' and the evaluator's stacks are bounded by it. */
const MAX_NESTING = 500;

/**
 * Refuses text nested deeper than {@link MAX_NESTING} brackets before a parser recurses into it,
 * with the position of the first bracket past the limit. A guard on work, not a reading of the
 * language: brackets inside strings count too, and no real script comes near the limit.
 */
function checkNesting(text: string, fail: (at: Position, message: string) => never): void {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > MAX_NESTING) fail({ line, column: i - lineStart + 1 }, `nested more than ${MAX_NESTING} levels deep (brackets); a deploy script is not read that deep`);
    } else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
}

const NO_DEPLOY =
  'no Cloud Run deployment found; expected a gcloud command (`gcloud run deploy`, `gcloud sql instances create`, …) or a Cloud Run service body sent to the Admin API (a v2 `template`, a Knative `serving.knative.dev/v1` Service, or `run_v2.Service(...)`)';

/**
 * One fragment for the parts of one file read in several ways (the service bodies and the gcloud
 * commands of one script): services and everything else concatenated, each path located in the
 * part it came from. The first part that names a project gives it.
 */
export function combineFragments(file: string, parts: readonly Fragment[]): Fragment {
  const [first] = parts;
  if (first === undefined) throw new Error('combineFragments needs at least one fragment');
  const lists = ['networks', 'addresses', 'connectors', 'databases', 'caches', 'externals', 'secrets', 'services', 'loadBalancers'] as const;
  const data: Record<string, unknown> = {};
  const offsets = new Map<Fragment, Map<string, number>>();
  for (const part of parts) {
    const own = new Map<string, number>();
    for (const list of lists) {
      const items = part.data[list] as unknown[] | undefined;
      if (items === undefined) continue;
      const into = (data[list] ??= []) as unknown[];
      own.set(list, into.length);
      into.push(...items);
    }
    offsets.set(part, own);
  }
  const withProject = parts.find((p) => p.data.project !== undefined);
  if (withProject !== undefined) data.project = withProject.data.project;
  const withRegion = parts.find((p) => p.data.region !== undefined);
  if (withRegion !== undefined) data.region = withRegion.data.region;
  const partOf = (path: readonly (string | number)[]): readonly [Fragment, readonly (string | number)[]] => {
    const [head, index, ...rest] = path;
    if (typeof head === 'string' && typeof index === 'number') {
      for (const part of parts) {
        const offset = offsets.get(part)?.get(head);
        const count = (part.data[head as (typeof lists)[number]] as unknown[] | undefined)?.length ?? 0;
        if (offset !== undefined && index >= offset && index < offset + count) return [part, [head, index - offset, ...rest]];
      }
    }
    if (head === 'project' && withProject !== undefined) return [withProject, path];
    return [first, path];
  };
  return {
    file,
    format: first.format,
    data,
    ...delegatedLookups(partOf),
    notes: [...new Set(parts.flatMap((p) => p.notes))],
    lineText: (name, line) => first.lineText(name, line),
  };
}
