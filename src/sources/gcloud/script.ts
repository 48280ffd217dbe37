import { basename, extname } from 'node:path';
import type { Position } from '../document.js';
import { InputError } from '../errors.js';
import { lineOf, Provenance, type Fragment } from '../fragment.js';
import { codeInvocations } from './arglists.js';
import { ciInvocations } from './ci-yaml.js';
import { applyCommands } from './commands.js';
import { ScriptModel } from './model.js';
import { dockerfileInvocations, makefileInvocations } from './recipes.js';
import { shellInvocations } from './shell.js';
import { mapFile, type Invocation } from './words.js';

export type ScriptKind = 'shell' | 'python' | 'javascript' | 'ci-yaml' | 'makefile' | 'dockerfile';

const GCLOUD_WORD = /(?:^|[^\w.-])gcloud(?:-slim)?(?=["'`\s,\])]|$)|google-github-actions\/deploy-cloudrun/m;

/**
 * Cheap test for input detection: the text names the gcloud executable as a word (a shell
 * command, a `"gcloud"` list element, `entrypoint: gcloud`, the `cloud-builders/gcloud` image).
 * A mention in a comment passes too; the importer then says it found no command.
 *
 * @example
 * containsGcloudCommand('gcloud run deploy api --region europe-west1'); // true
 * containsGcloudCommand('echo "deploying"'); // false
 */
export function containsGcloudCommand(text: string): boolean {
  return GCLOUD_WORD.test(text);
}

/**
 * Imports the gcloud commands of a deploy script: shell (`.sh`, `.bash`, a `#!` script), Python,
 * JavaScript/TypeScript, a Makefile, a Dockerfile, or CI YAML (GitHub Actions, GitLab CI, Cloud
 * Build). Every value keeps the line and column of the flag that set it.
 *
 * @example
 * const fragment = importGcloudScript('deploy.sh', 'gcloud run deploy api --vpc-egress all-traffic\n');
 * fragment.data.services?.[0]?.egress; // 'all-traffic'
 * fragment.locate(['services', 0, 'egress']); // { file: 'deploy.sh', line: 1, column: 23 }
 */
export function importGcloudScript(file: string, text: string): Fragment {
  const fail = (at: Position, message: string): never => {
    // Only the readers of each language fail here: the text cannot be read as that language.
    throw new InputError([{ file, line: at.line, column: at.column, keyPath: undefined, message, sourceLine: lineOf(text, at.line) }], { syntax: true });
  };
  const notes: string[] = [];
  const invocations = findInvocations(scriptKind(file, text), file, text, notes, fail);
  if (invocations.length === 0) {
    throw new InputError([
      {
        file,
        line: undefined,
        column: undefined,
        keyPath: undefined,
        message: 'no gcloud command found; expected a deploy script calling `gcloud run deploy` (or `gcloud sql instances create`, `gcloud compute networks …`) from shell, Python, JavaScript, a Makefile, a Dockerfile or CI YAML',
        sourceLine: undefined,
      },
    ]);
  }
  const model = new ScriptModel(file);
  model.notes.push(...notes);
  applyCommands(model, invocations, text);
  if (model.problems.length > 0) throw new InputError(model.problems);
  const provenance = new Provenance();
  const data = model.toData(provenance);
  if (Object.keys(data).length === 0) {
    model.notes.push(`${file}: none of its ${invocations.length} gcloud command(s) configures Cloud Run, Cloud SQL, Serverless VPC Access or the network`);
  }
  return {
    file,
    format: 'gcloud',
    data,
    locate: (path) => provenance.locate(path),
    unknownReason: (path) => provenance.unknownReason(path),
    // One unknown `--project $PROJECT` on every command is one note.
    notes: [...new Set(model.notes)],
    lineText: (name, line) => (name === file ? lineOf(text, line) : undefined),
  };
}

/** What language a script is in, by its name, then by its `#!` line. */
export function scriptKind(file: string, text: string): ScriptKind {
  const ext = extname(file).toLowerCase();
  const name = basename(file);
  if (ext === '.py') return 'python';
  if (['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(ext)) return 'javascript';
  if (ext === '.yml' || ext === '.yaml') return 'ci-yaml';
  if (/^(GNUmakefile|[Mm]akefile)$/.test(name) || ext === '.mk') return 'makefile';
  if (/^Dockerfile(\..+)?$/.test(name) || ext === '.dockerfile') return 'dockerfile';
  const shebang = /^#!(.*)/.exec(text)?.[1] ?? '';
  if (/python/.test(shebang)) return 'python';
  if (/\b(node|deno|bun|tsx|ts-node)\b/.test(shebang)) return 'javascript';
  return 'shell';
}

function findInvocations(kind: ScriptKind, file: string, text: string, notes: string[], fail: (at: Position, message: string) => never): Invocation[] {
  switch (kind) {
    case 'shell':
      return shellInvocations(mapFile(text), { file, fail });
    case 'python':
    case 'javascript':
      return codeInvocations(mapFile(text), { file, language: kind, notes, fail });
    case 'ci-yaml':
      return ciInvocations(file, text, fail, notes);
    case 'makefile':
      return makefileInvocations(file, text, fail);
    case 'dockerfile':
      return dockerfileInvocations(file, text, fail);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
