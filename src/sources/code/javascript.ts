import { parse, type ParserPlugin } from '@babel/parser';
import type { CallExpression, MemberExpression, Node, ObjectExpression, OptionalMemberExpression } from '@babel/types';
import { extname } from 'node:path';
import type { Position } from '../document.js';
import { mapFile, text, type Piece } from '../gcloud/words.js';
import { Bindings, type CodeCall, type CodeProgram, type Scope } from './bindings.js';
import { codeString, codeUnknown, joinStrings, literalOf, piecesOf, type CodeEntry, type CodeObject, type CodeValue } from './values.js';

const RUNTIME = 'which is known only when the script runs';

/** Keys of a Babel node that hold positions and comments, not child nodes. */
const NOT_CHILDREN = new Set(['loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'range']);

/** TypeScript wrappers that do not change a value: `x as const`, `x satisfies T`, `x!`, `<T>x`. */
const TRANSPARENT = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'ParenthesizedExpression', 'TypeCastExpression', 'AwaitExpression']);

interface SyntaxErrorWithLocation extends SyntaxError {
  readonly loc?: { readonly line: number; readonly column: number };
}

/**
 * Reads a JavaScript or TypeScript script with Babel's parser (one grammar for both, with its
 * TypeScript plugin) and evaluates, without running anything, the values it writes: every object
 * literal, and every call's arguments. `const`/`let` constants, template literals and `+`
 * resolve; `process.env`, `process.argv` and results of calls are unknown with their cause. A
 * syntax error is a located failure.
 *
 * @example
 * const program = readJavaScript('deploy.mjs', "const body = { template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } };\n", fail);
 * program.objects[0]?.entries[0]?.key; // 'template'
 */
export function readJavaScript(file: string, source: string, fail: (at: Position, message: string) => never): CodeProgram {
  const ext = extname(file).toLowerCase();
  const typescript = ['.ts', '.mts', '.cts', '.tsx'].includes(ext);
  const plugins: ParserPlugin[] = typescript ? ['typescript', ...(ext === '.tsx' ? (['jsx'] as const) : [])] : ['jsx'];
  let ast: Node;
  try {
    ast = parse(source, { sourceType: 'unambiguous', plugins, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, errorRecovery: false });
  } catch (error: unknown) {
    const syntax = error as SyntaxErrorWithLocation;
    const at = syntax.loc === undefined ? { line: 1, column: 1 } : { line: syntax.loc.line, column: syntax.loc.column + 1 };
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\(\d+:\d+\)$/, '');
    return fail(at, `${typescript ? 'TypeScript' : 'JavaScript'} syntax: ${message}`);
  }
  const mapped = mapFile(source);
  const at = (offset: number): Position => mapped.positionAt(offset);
  const start = (node: Node): number => node.start ?? 0;
  const names = new Bindings(file);
  const module: Scope = { from: 0, to: source.length, label: undefined };
  const written = (node: Node): string => source.slice(start(node), node.end ?? start(node)).replace(/\s+/g, '');
  const shown = (node: Node): string => {
    const raw = source.slice(start(node), node.end ?? start(node)).replace(/\s+/g, ' ');
    return raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
  };
  const environment = (variable: string | undefined, node: Node): CodeValue =>
    codeUnknown(variable === undefined ? shown(node) : `$${variable}`, 'which the script reads from its environment when it runs', at(start(node)));

  // Each expression evaluates to the same value wherever it is reached from: once.
  const evaluated = new Map<Node, CodeValue>();
  const evaluate = (node: Node): CodeValue => {
    const cached = evaluated.get(node);
    if (cached !== undefined) return cached;
    const value = evaluateOnce(node);
    evaluated.set(node, value);
    return value;
  };
  const evaluateOnce = (node: Node): CodeValue => {
    const where = at(start(node));
    switch (node.type) {
      case 'StringLiteral':
        return codeString(node.value, where);
      case 'NumericLiteral':
        return { kind: 'number', value: node.value, at: where };
      case 'BooleanLiteral':
        return { kind: 'boolean', value: node.value, at: where };
      case 'NullLiteral':
        return { kind: 'null', at: where };
      case 'TemplateLiteral': {
        const parts: Piece[][] = [];
        node.quasis.forEach((quasi, i) => {
          parts.push([text(quasi.value.cooked ?? quasi.value.raw)]);
          const expression = node.expressions[i];
          if (expression !== undefined) parts.push(piecesOf(evaluate(expression), `\${${shown(expression)}}`));
        });
        return joinStrings(parts, where);
      }
      case 'Identifier':
        return node.name === 'undefined' ? { kind: 'null', at: where } : names.resolve(node.name, start(node), where);
      case 'ObjectExpression':
        return object(node, where);
      case 'ArrayExpression': {
        const items: CodeValue[] = [];
        for (const element of node.elements) {
          if (element === null) continue;
          if (element.type !== 'SpreadElement') items.push(evaluate(element));
          else {
            const spread = evaluate(element.argument);
            if (spread.kind === 'list') items.push(...spread.items);
          }
        }
        return { kind: 'list', items, at: where };
      }
      case 'BinaryExpression': {
        if (node.operator !== '+' || node.left.type === 'PrivateName') return codeUnknown(shown(node), 'which is computed when the script runs', where);
        const a = evaluate(node.left);
        const b = evaluate(node.right);
        if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value + b.value, at: where };
        return joinStrings([piecesOf(a, shown(node.left)), piecesOf(b, shown(node.right))], where);
      }
      case 'LogicalExpression':
        return codeUnknown(shown(node), `which is chosen with ${node.operator} when the script runs`, where);
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        return member(node, where);
      case 'CallExpression':
        return call(node, where).value;
      case 'ConditionalExpression':
        return codeUnknown(shown(node), 'which depends on a condition tested when the script runs', where);
      default:
        if (TRANSPARENT.has(node.type) && 'expression' in node) return evaluate(node.expression as Node);
        if (node.type === 'AwaitExpression') return evaluate(node.argument);
        return codeUnknown(shown(node), 'which the reader does not evaluate', where);
    }
  };

  const object = (node: ObjectExpression, where: Position): CodeObject => {
    const entries: CodeEntry[] = [];
    for (const property of node.properties) {
      if (property.type === 'SpreadElement') {
        const spread = evaluate(property.argument);
        if (spread.kind === 'object') entries.push(...spread.entries);
        continue;
      }
      if (property.type !== 'ObjectProperty') continue;
      const keyNode = property.key;
      const key = property.computed
        ? literalOf(evaluate(keyNode))
        : keyNode.type === 'Identifier'
          ? keyNode.name
          : keyNode.type === 'StringLiteral' || keyNode.type === 'NumericLiteral'
            ? String(keyNode.value)
            : undefined;
      if (key === undefined) continue;
      entries.push({ key, keyAt: at(start(keyNode)), value: evaluate(property.value) });
    }
    return { kind: 'object', entries, at: where, node: start(node) };
  };

  const member = (node: MemberExpression | OptionalMemberExpression, where: Position): CodeValue => {
    const base = written(node.object);
    const property = node.property;
    const key: CodeValue | undefined = node.computed ? evaluate(property) : property.type === 'Identifier' ? codeString(property.name, where) : undefined;
    if (base === 'process.env') return environment(literalOf(key), node);
    if (base === 'process.argv') return codeUnknown(shown(node), 'which is a command-line argument of the script', where);
    const container = evaluate(node.object);
    const name = literalOf(key);
    if (container.kind === 'object' && name !== undefined) {
      const entry = [...container.entries].reverse().find((e) => e.key === name);
      if (entry !== undefined) return entry.value;
    }
    if (container.kind === 'list' && key?.kind === 'number') {
      const item = container.items[key.value];
      if (item !== undefined) return item;
    }
    if (container.kind === 'unknown') return codeUnknown(shown(node), container.piece.why, where);
    return codeUnknown(shown(node), RUNTIME, where);
  };

  const call = (node: CallExpression, where: Position): { value: CodeValue; call: CodeCall } => {
    const callee = written(node.callee);
    const args = node.arguments.filter((a) => a.type !== 'SpreadElement' && a.type !== 'ArgumentPlaceholder').map((a) => evaluate(a));
    const described: CodeCall = { callee, args, keywords: new Map(), at: where };
    if (callee === 'JSON.stringify' && args[0] !== undefined) return { value: args[0], call: described };
    return { value: { ...codeUnknown(shown(node), 'which is the result of a call made when the script runs', where), call: described }, call: described };
  };

  /** `a.b['c'].d` as its root name and literal keys; undefined when a key is computed. */
  const memberPath = (node: Node): { root: string; path: { key: string; at: Position }[] } | undefined => {
    const path: { key: string; at: Position }[] = [];
    let current: Node = node;
    while (current.type === 'MemberExpression' || current.type === 'OptionalMemberExpression') {
      const property = current.property;
      const key = current.computed ? literalOf(evaluate(property)) : property.type === 'Identifier' ? property.name : undefined;
      if (key === undefined) return undefined;
      path.unshift({ key, at: at(start(property)) });
      current = current.object;
    }
    return current.type === 'Identifier' ? { root: current.name, path } : undefined;
  };
  const scopes: Scope[] = [module];
  const objects: CodeObject[] = [];
  const calls: CodeCall[] = [];
  const bindParameters = (params: readonly Node[], scope: Scope, label: string): void => {
    for (const param of params) {
      const id = param.type === 'AssignmentPattern' ? param.left : param;
      if (id.type !== 'Identifier') continue;
      const name = id.name;
      const initializer = param.type === 'AssignmentPattern' ? param.right : undefined;
      names.bind(name, scope.from, scope, () => (initializer === undefined ? codeUnknown(name, `which is a parameter of ${label}, given by its caller`, at(start(param))) : evaluate(initializer)));
    }
  };
  const visit = (node: Node): void => {
    const scope = scopes[scopes.length - 1] ?? module;
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'ObjectMethod' || node.type === 'ClassMethod') {
      const id = 'id' in node && node.id?.type === 'Identifier' ? node.id : 'key' in node && node.key.type === 'Identifier' ? node.key : undefined;
      const label = id === undefined ? 'a function' : `${id.name}()`;
      const inner: Scope = { from: start(node), to: node.end ?? start(node), label };
      bindParameters(node.params, inner, label);
      scopes.push(inner);
      visitChildren(node);
      scopes.pop();
      return;
    }
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init !== null && node.init !== undefined) {
      const init = node.init;
      names.bind(node.id.name, node.end ?? start(node), scope, () => evaluate(init));
    }
    if (node.type === 'AssignmentExpression' && node.operator === '=' && (node.left.type === 'MemberExpression' || node.left.type === 'OptionalMemberExpression')) {
      // `service.template.vpcAccess = …`, `body['template'].vpcAccess.egress = …`
      const chain = memberPath(node.left);
      const value = node.right;
      if (chain !== undefined) names.mutate(chain.root, node.end ?? start(node), scope, chain.path, () => evaluate(value));
    }
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
      const target = node.left.name;
      const value = node.right;
      if (node.operator === '=') names.bind(target, node.end ?? start(node), scope, () => evaluate(value));
      if (node.operator === '+=') {
        const offset = start(node);
        names.bind(target, node.end ?? offset, scope, () => {
          const before = names.resolve(target, offset, at(offset));
          return joinStrings([piecesOf(before, target), piecesOf(evaluate(value), shown(value))], before.at);
        });
      }
    }
    if (node.type === 'ObjectExpression') {
      const value = evaluate(node);
      if (value.kind === 'object') objects.push(value);
    }
    if (node.type === 'CallExpression') calls.push(call(node, at(start(node))).call);
    visitChildren(node);
  };
  const visitChildren = (node: Node): void => {
    for (const [key, value] of Object.entries(node)) {
      if (NOT_CHILDREN.has(key) || value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) if (isNode(item)) visit(item);
      } else if (isNode(value)) visit(value);
    }
  };
  visit(ast);
  return { file, objects, calls };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
