import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type * as TS from 'typescript';
import type { Position } from '../document.js';
import { mapFile, text, type Piece } from '../gcloud/words.js';
import { Bindings, type CodeCall, type CodeProgram, type Scope } from './bindings.js';
import { codeString, codeUnknown, joinStrings, literalOf, piecesOf, type CodeEntry, type CodeObject, type CodeValue } from './values.js';

const require = createRequire(import.meta.url);
let loaded: typeof TS | undefined;

/** The TypeScript compiler, loaded the first time a JavaScript or TypeScript script is read (it takes a tenth of a second). */
function typescript(): typeof TS {
  loaded ??= require('typescript') as typeof TS;
  return loaded;
}

const RUNTIME = 'which is known only when the script runs';

/**
 * Reads a JavaScript or TypeScript script with the TypeScript compiler's parser and evaluates,
 * without running anything, the values it writes: every object literal, and every call's
 * arguments. `const`/`let` constants, template literals and `+` resolve; `process.env`,
 * `process.argv` and results of calls are unknown with their cause. A syntax error is a located
 * failure.
 *
 * @example
 * const program = readJavaScript('deploy.mjs', "const body = { template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } };\n", fail);
 * program.objects[0]?.entries[0]?.key; // 'template'
 */
export function readJavaScript(file: string, source: string, fail: (at: Position, message: string) => never): CodeProgram {
  const ts = typescript();
  const ext = extname(file).toLowerCase();
  const kind = ['.ts', '.mts', '.cts'].includes(ext) ? ts.ScriptKind.TS : ext === '.tsx' ? ts.ScriptKind.TSX : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const mapped = mapFile(source);
  const at = (offset: number): Position => mapped.positionAt(offset);
  const [diagnostic] = syntaxDiagnostics(ts, sourceFile);
  if (diagnostic !== undefined) {
    fail(at(diagnostic.start), `${kind === ts.ScriptKind.JS ? 'JavaScript' : 'TypeScript'} syntax: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
  }
  const names = new Bindings(file);
  const module: Scope = { from: 0, to: source.length, label: undefined };
  const start = (node: TS.Node): number => node.getStart(sourceFile);
  const shown = (node: TS.Node): string => {
    const written = node.getText(sourceFile).replace(/\s+/g, ' ');
    return written.length > 60 ? `${written.slice(0, 57)}...` : written;
  };
  const environment = (variable: string | undefined, node: TS.Node): CodeValue =>
    codeUnknown(variable === undefined ? shown(node) : `$${variable}`, 'which the script reads from its environment when it runs', at(start(node)));

  const evaluate = (node: TS.Node): CodeValue => {
    const where = at(start(node));
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return codeString(node.text, where);
    if (ts.isNumericLiteral(node)) return { kind: 'number', value: Number(node.text), at: where };
    if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean', value: node.kind === ts.SyntaxKind.TrueKeyword, at: where };
    if (node.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null', at: where };
    if (ts.isTemplateExpression(node)) {
      const parts: Piece[][] = [[text(node.head.text)]];
      for (const span of node.templateSpans) {
        parts.push(piecesOf(evaluate(span.expression), `\${${shown(span.expression)}}`), [text(span.literal.text)]);
      }
      return joinStrings(parts, where);
    }
    if (ts.isIdentifier(node)) return node.text === 'undefined' ? { kind: 'null', at: where } : names.resolve(node.text, start(node), where);
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) {
      return evaluate(node.expression);
    }
    if (ts.isObjectLiteralExpression(node)) return object(node, where);
    if (ts.isArrayLiteralExpression(node)) {
      const items: CodeValue[] = [];
      for (const element of node.elements) {
        if (!ts.isSpreadElement(element)) items.push(evaluate(element));
        else {
          const spread = evaluate(element.expression);
          if (spread.kind === 'list') items.push(...spread.items);
        }
      }
      return { kind: 'list', items, at: where };
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op !== ts.SyntaxKind.PlusToken) {
        const chosen = op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken;
        return codeUnknown(shown(node), chosen ? 'which is chosen with ?? or || when the script runs' : 'which is computed when the script runs', where);
      }
      const a = evaluate(node.left);
      const b = evaluate(node.right);
      if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value + b.value, at: where };
      return joinStrings([piecesOf(a, shown(node.left)), piecesOf(b, shown(node.right))], where);
    }
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return member(node, where);
    if (ts.isCallExpression(node)) return call(node, where).value;
    if (ts.isConditionalExpression(node)) return codeUnknown(shown(node), 'which depends on a condition tested when the script runs', where);
    return codeUnknown(shown(node), 'which the reader does not evaluate', where);
  };

  const object = (node: TS.ObjectLiteralExpression, where: Position): CodeObject => {
    const entries: CodeEntry[] = [];
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = evaluate(property.expression);
        if (spread.kind === 'object') entries.push(...spread.entries);
        continue;
      }
      if (ts.isShorthandPropertyAssignment(property)) {
        entries.push({ key: property.name.text, keyAt: at(start(property)), value: names.resolve(property.name.text, start(property), at(start(property))) });
        continue;
      }
      if (!ts.isPropertyAssignment(property)) continue;
      const name = property.name;
      const key = ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) ? name.text : ts.isComputedPropertyName(name) ? literalOf(evaluate(name.expression)) : undefined;
      if (key !== undefined) entries.push({ key, keyAt: at(start(name)), value: evaluate(property.initializer) });
    }
    return { kind: 'object', entries, at: where, node: start(node) };
  };

  const member = (node: TS.PropertyAccessExpression | TS.ElementAccessExpression, where: Position): CodeValue => {
    const base = node.expression.getText(sourceFile).replace(/\s+/g, '');
    const key = ts.isPropertyAccessExpression(node) ? codeString(node.name.text, where) : evaluate(node.argumentExpression);
    if (base === 'process.env') return environment(literalOf(key), node);
    if (base === 'process.argv') return codeUnknown(shown(node), 'which is a command-line argument of the script', where);
    const container = evaluate(node.expression);
    const name = literalOf(key);
    if (container.kind === 'object' && name !== undefined) {
      const entry = [...container.entries].reverse().find((e) => e.key === name);
      if (entry !== undefined) return entry.value;
    }
    if (container.kind === 'list' && key.kind === 'number') {
      const item = container.items[key.value];
      if (item !== undefined) return item;
    }
    if (container.kind === 'unknown') return codeUnknown(shown(node), container.piece.why, where);
    return codeUnknown(shown(node), RUNTIME, where);
  };

  const call = (node: TS.CallExpression, where: Position): { value: CodeValue; call: CodeCall } => {
    const callee = node.expression.getText(sourceFile).replace(/\s+/g, '');
    const args = node.arguments.filter((a) => !ts.isSpreadElement(a)).map(evaluate);
    const described: CodeCall = { callee, args, keywords: new Map(), at: where };
    if (callee === 'JSON.stringify' && args[0] !== undefined) return { value: args[0], call: described };
    return { value: codeUnknown(shown(node), 'which is the result of a call made when the script runs', where), call: described };
  };

  const scopes: Scope[] = [module];
  const objects: CodeObject[] = [];
  const calls: CodeCall[] = [];
  const visit = (node: TS.Node): void => {
    const scope = scopes[scopes.length - 1] ?? module;
    if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      const label = node.name !== undefined && ts.isIdentifier(node.name) ? `${node.name.text}()` : 'a function';
      const inner: Scope = { from: start(node), to: node.end, label };
      for (const param of node.parameters) {
        if (!ts.isIdentifier(param.name)) continue;
        const name = param.name.text;
        const initializer = param.initializer;
        names.bind(name, inner.from, inner, () =>
          initializer === undefined ? codeUnknown(name, `which is a parameter of ${label}, given by its caller`, at(start(param))) : evaluate(initializer),
        );
      }
      scopes.push(inner);
      ts.forEachChild(node, visit);
      scopes.pop();
      return;
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const initializer = node.initializer;
      names.bind(node.name.text, node.end, scope, () => evaluate(initializer));
    }
    if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left)) {
      const target = node.left;
      const value = node.right;
      if (node.operatorToken.kind === ts.SyntaxKind.EqualsToken) names.bind(target.text, node.end, scope, () => evaluate(value));
      if (node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) {
        const offset = start(node);
        names.bind(target.text, node.end, scope, () => {
          const before = names.resolve(target.text, offset, at(offset));
          return joinStrings([piecesOf(before, target.text), piecesOf(evaluate(value), shown(value))], before.at);
        });
      }
    }
    if (ts.isObjectLiteralExpression(node)) objects.push(object(node, at(start(node))));
    if (ts.isCallExpression(node)) calls.push(call(node, at(start(node))).call);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { file, objects, calls };
}

/** The parser's syntax errors, through a program over this one file (no lib, no resolution, no type check). */
function syntaxDiagnostics(ts: typeof TS, sourceFile: TS.SourceFile): readonly TS.DiagnosticWithLocation[] {
  const options: TS.CompilerOptions = { noLib: true, noResolve: true, allowJs: true, types: [] };
  const host: TS.CompilerHost = {
    getSourceFile: (name) => (name === sourceFile.fileName ? sourceFile : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === sourceFile.fileName,
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [sourceFile.fileName], options, host }).getSyntacticDiagnostics(sourceFile);
}
