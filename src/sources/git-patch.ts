import { structuredPatch } from 'diff';
import { isAbsolute, relative, sep } from 'node:path';
import { runSecrets } from '../model/secret-registry.js';
import type { FileView } from './file-view.js';
import type { TextEdit } from './imported-patch.js';

/** What a patch holds, and what it could not hold, with why. */
export interface GitPatch {
  readonly text: string;
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

/**
 * One unified diff, in the form `git apply` (and `patch -p1`) accepts, of text edits to the
 * user's files: each file read as it is now, its edits applied in order (a replaced line must
 * still read as it did when the check read it), and the difference written with `a/` and `b/`
 * paths relative to `cwd`. A file whose changed or context lines hold a known secret is left out
 * and named, never written: a patch is an output too.
 *
 * @example
 * const patch = await gitPatch([{ kind: 'replace-line', file: 'deploy.sh', line: 3, before: '  --vpc-egress all-traffic', after: '  --vpc-egress private-ranges-only' }], workTree, process.cwd());
 * patch.text; // 'diff --git a/deploy.sh b/deploy.sh\n--- a/deploy.sh\n+++ b/deploy.sh\n@@ -1,5 +1,5 @@\n…'
 */
export async function gitPatch(edits: readonly TextEdit[], view: FileView, cwd: string): Promise<GitPatch> {
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  const parts: string[] = [];
  const files: string[] = [];
  const skipped: string[] = [];
  for (const [file, fileEdits] of byFile) {
    const path = isAbsolute(file) ? relative(cwd, file) : file;
    if (path.startsWith('..') || isAbsolute(path)) {
      skipped.push(`${file}: outside the current directory; run from the repository root to patch it`);
      continue;
    }
    const before = await view.readText(file);
    let after: string | undefined = before;
    let applied = 0;
    for (const edit of fileEdits) {
      after = after === undefined ? undefined : applyEdit(after, edit);
      if (after !== undefined) applied++;
    }
    if (after === undefined) {
      // The first edit reads the file as the check did; a later one reads it as an earlier edit left it.
      skipped.push(applied === 0 ? `${file}: changed since it was read; run the check again` : `${file}: two fixes change the same lines; write them one at a time with --fix`);
      continue;
    }
    if (after === before) continue;
    const name = path.split(sep).join('/');
    const diff = structuredPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3 });
    const lines = diff.hunks.flatMap((h) => h.lines);
    if (lines.some((line) => runSecrets.redact(line) !== line)) {
      skipped.push(`${file}: the lines around the change hold a secret; make the change by hand`);
      continue;
    }
    const hunks = diff.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'));
    parts.push([`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`, ...hunks].join('\n'));
    files.push(file);
  }
  return { text: parts.length === 0 ? '' : `${parts.join('\n')}\n`, files, skipped };
}

function applyEdit(text: string, edit: TextEdit): string | undefined {
  switch (edit.kind) {
    case 'whole':
      return text === edit.before ? edit.after : undefined;
    case 'append':
      return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}\n${edit.text}\n`;
    case 'replace-line': {
      const lines = text.split('\n');
      const current = lines[edit.line - 1];
      // Line endings stay as the file has them.
      const cr = current?.endsWith('\r') === true ? '\r' : '';
      if (current === undefined || current.replace(/\r$/, '') !== edit.before) return undefined;
      lines[edit.line - 1] = `${edit.after}${cr}`;
      return lines.join('\n');
    }
    default: {
      const unreachable: never = edit;
      return unreachable;
    }
  }
}
