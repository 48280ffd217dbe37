import { isScalar, type Scalar } from 'yaml';
import type { OuterExpansion } from './shell-lexer.js';
import { MappedTextBuilder, normalizePieces, text, type MappedText, type Piece } from './words.js';

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ', e: '\x1b', a: '\x07', b: '\b' };

/**
 * A YAML string scalar's value with the file position of every character, so a command written
 * in a `run: |` block or a Cloud Build `args` item points at its own line and column. Block
 * scalars are read from the source lines (literal keeps line breaks, folded joins lines with a
 * space); flow scalars are decoded (quotes, escapes, line folding).
 */
export function scalarText(node: unknown, file: MappedText): MappedText | undefined {
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  if (typeof node.value !== 'string' && typeof node.value !== 'number') return undefined;
  const [start, end] = node.range;
  const raw = file.text.slice(start, end);
  const builder = new MappedTextBuilder();
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') blockScalar(raw, start, node.type === 'BLOCK_FOLDED', file, builder);
  else flowScalar(raw, start, node.type, file, builder);
  if (builder.length === 0) return { text: '', positionAt: () => file.positionAt(start) };
  return builder.build();
}

function blockScalar(raw: string, start: number, folded: boolean, file: MappedText, out: MappedTextBuilder): void {
  const headerEnd = raw.indexOf('\n');
  if (headerEnd === -1) return;
  const lines: { offset: number; text: string }[] = [];
  for (let offset = headerEnd + 1; offset < raw.length; ) {
    const next = raw.indexOf('\n', offset);
    const lineEnd = next === -1 ? raw.length : next;
    lines.push({ offset, text: raw.slice(offset, lineEnd).replace(/\r$/, '') });
    offset = lineEnd + 1;
  }
  const indent = /^ */.exec(lines.find((l) => l.text.trim() !== '')?.text ?? '')?.[0].length ?? 0;
  let previous: 'none' | 'normal' | 'other' = 'none';
  for (const line of lines) {
    const content = line.text.length > indent ? line.text.slice(indent) : '';
    const kind = content === '' || /^\s/.test(content) ? 'other' : 'normal';
    if (previous !== 'none') out.appendAt(folded && previous === 'normal' && kind === 'normal' ? ' ' : '\n', file.positionAt(start + line.offset - 1));
    out.append(content, file.positionAt(start + line.offset + indent));
    previous = kind;
  }
}

function flowScalar(raw: string, start: number, type: Scalar['type'], file: MappedText, out: MappedTextBuilder): void {
  const quote = type === 'QUOTE_DOUBLE' ? '"' : type === 'QUOTE_SINGLE' ? "'" : '';
  const from = quote === '' ? 0 : 1;
  const to = quote === '' ? raw.length : raw.length - 1;
  for (let i = from; i < to; i++) {
    const c = raw.charAt(i);
    const at = file.positionAt(start + i);
    if (c === '\n' || c === '\r') {
      // Line folding: a break between two lines is a space; an empty line is a line break.
      let j = i + 1;
      let breaks = 0;
      while (j < to && /[\s]/.test(raw.charAt(j))) {
        if (raw.charAt(j) === '\n') breaks++;
        j++;
      }
      out.appendAt(breaks > 0 ? '\n'.repeat(breaks) : ' ', at);
      i = j - 1;
    } else if (quote === "'" && c === "'" && raw.charAt(i + 1) === "'") {
      out.appendAt("'", at);
      i++;
    } else if (quote === '"' && c === '\\') {
      const next = raw.charAt(i + 1);
      if (next === '\n') {
        i++;
        while (i + 1 < to && /[ \t]/.test(raw.charAt(i + 1))) i++;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        out.appendAt(String.fromCodePoint(parseInt(raw.slice(i + 2, i + 2 + width), 16)), at);
        i += 1 + width;
      } else {
        out.appendAt(DOUBLE_ESCAPES[next] ?? next, at);
        i++;
      }
    } else out.appendAt(c, at);
  }
}

/** A scalar's text as pieces, with the runner's own substitutions (`$_REGION`, `${{ env.X }}`) applied. */
export function substitutedPieces(value: MappedText, outer: OuterExpansion | undefined): Piece[] {
  const pieces: Piece[] = [];
  const s = value.text;
  for (let i = 0; i < s.length; ) {
    const result = s.charAt(i) === '$' ? outer?.(s, i) : undefined;
    if (result === undefined) {
      pieces.push(text(s.charAt(i)));
      i++;
    } else {
      pieces.push(...('pieces' in result ? result.pieces : [text('$')]));
      i = Math.max(result.end, i + 1);
    }
  }
  return normalizePieces(pieces);
}
