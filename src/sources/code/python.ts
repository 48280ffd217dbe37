import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import type { Position } from '../document.js';
import { mapFile, text, unknownPiece, type Piece } from '../gcloud/words.js';
import { Bindings, type CodeCall, type CodeProgram, type Scope } from './bindings.js';
import { codeString, codeUnknown, formatTemplate, joinStrings, literalOf, piecesOf, type CodeEntry, type CodeObject, type CodeValue } from './values.js';

/** Node names that are punctuation or keywords between the parts of a construct. */
const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', '*', '**', 'AssignOp', 'Comment']);

/** Capitalised callee with keyword arguments: a message or dataclass constructor (`run_v2.VpcAccess(egress=…)`). */
const CONSTRUCTOR = /^[A-Z][A-Za-z0-9]*$/;

/** An UPPER_CASE attribute of a capitalised type: an enum member (`run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC`). */
const ENUM_MEMBER = /\.[A-Z][A-Za-z0-9]*\.([A-Z][A-Z0-9_]*)$/;

const RUNTIME = 'which is known only when the script runs';

/**
 * Reads a Python script with the Lezer Python grammar and evaluates, without running anything,
 * the values it writes: every dict literal and constructor call, and every call's arguments.
 * Module constants, f-strings and `+` resolve; `os.environ`, `sys.argv` and results of calls are
 * unknown with their cause. A syntax error is a located failure.
 *
 * @example
 * const program = readPython('deploy.py', 'BODY = {"template": {"vpcAccess": {"egress": "ALL_TRAFFIC"}}}\n', fail);
 * program.objects[0]?.entries[0]?.key; // 'template'
 */
export function readPython(file: string, source: string, fail: (at: Position, message: string) => never): CodeProgram {
  const tree = parser.parse(source);
  const mapped = mapFile(source);
  const at = (offset: number): Position => mapped.positionAt(offset);
  const error = firstError(tree.topNode);
  if (error !== undefined) {
    const found = source.slice(error.from, Math.max(error.to, error.from + 1)).split('\n')[0] ?? '';
    fail(at(error.from), found.trim() === '' ? 'Python syntax: unexpected end of line or input' : `Python syntax: unexpected ${JSON.stringify(found.slice(0, 20))}`);
  }
  const names = new Bindings(file);
  const module: Scope = { from: 0, to: source.length, label: undefined };
  const raw = (node: SyntaxNode): string => source.slice(node.from, node.to);
  const shown = (node: SyntaxNode): string => {
    const written = raw(node).replace(/\s+/g, ' ');
    return written.length > 60 ? `${written.slice(0, 57)}...` : written;
  };
  const children = (node: SyntaxNode): SyntaxNode[] => {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child !== null; child = child.nextSibling) out.push(child);
    return out;
  };
  const parts = (node: SyntaxNode): SyntaxNode[] => children(node).filter((c) => !PUNCTUATION.has(c.name));

  // Each expression evaluates to the same value wherever it is reached from (a dict nested in a
  // body, the body passed to a call): once.
  const evaluated = new Map<string, CodeValue>();
  const evaluate = (node: SyntaxNode): CodeValue => {
    const key = `${node.from}:${node.to}:${node.name}`;
    const cached = evaluated.get(key);
    if (cached !== undefined) return cached;
    const value = evaluateOnce(node);
    evaluated.set(key, value);
    return value;
  };
  const evaluateOnce = (node: SyntaxNode): CodeValue => {
    const where = at(node.from);
    switch (node.name) {
      case 'String':
        return decodeString(raw(node), where);
      case 'FormatString':
        return formatString(node, where);
      case 'ContinuedString':
        return joinStrings(parts(node).map((p) => piecesOf(evaluate(p), shown(p))), where);
      case 'Number': {
        const value = Number(raw(node).replace(/_/g, ''));
        return Number.isFinite(value) ? { kind: 'number', value, at: where } : codeUnknown(raw(node), 'which is not a plain number', where);
      }
      case 'Boolean':
        return { kind: 'boolean', value: raw(node) === 'True', at: where };
      case 'None':
        return { kind: 'null', at: where };
      case 'VariableName':
        return names.resolve(raw(node), node.from, where);
      case 'ParenthesizedExpression': {
        const [inner] = parts(node);
        return inner === undefined ? codeUnknown('()', 'which is empty', where) : evaluate(inner);
      }
      case 'DictionaryExpression':
        return dictionary(node, where);
      case 'ArrayExpression':
      case 'TupleExpression':
        return { kind: 'list', items: parts(node).map(evaluate), at: where };
      case 'BinaryExpression':
        return binary(node, where);
      case 'MemberExpression':
        return member(node, where);
      case 'CallExpression':
        return call(node, where).value;
      case 'ConditionalExpression':
        return codeUnknown(shown(node), 'which depends on a condition tested when the script runs', where);
      case 'BooleanExpression':
        return codeUnknown(shown(node), `which is chosen with and/or when the script runs`, where);
      default:
        return codeUnknown(shown(node), 'which the reader does not evaluate', where);
    }
  };

  const formatString = (node: SyntaxNode, where: Position): CodeValue => {
    const written = raw(node);
    const prefix = /^[A-Za-z]*/.exec(written)?.[0] ?? '';
    const quote = written.slice(prefix.length).startsWith('"""') || written.slice(prefix.length).startsWith("'''") ? 3 : 1;
    const rawString = /r/i.test(prefix);
    const out: Piece[][] = [];
    let cursor = node.from + prefix.length + quote;
    const end = node.to - quote;
    for (const replacement of node.getChildren('FormatReplacement')) {
      out.push([text(decodeEscapes(source.slice(cursor, replacement.from), rawString).replace(/\{\{/g, '{').replace(/\}\}/g, '}'))]);
      const inner = parts(replacement).find((c) => c.name !== 'FormatSpec' && c.name !== 'FormatConversion');
      out.push(inner === undefined ? [unknownPiece(shown(replacement), 'which is empty')] : piecesOf(evaluate(inner), `{${shown(inner)}}`));
      cursor = replacement.to;
    }
    out.push([text(decodeEscapes(source.slice(cursor, Math.max(cursor, end)), rawString).replace(/\{\{/g, '{').replace(/\}\}/g, '}'))]);
    return joinStrings(out, where);
  };

  const dictionary = (node: SyntaxNode, where: Position): CodeObject => {
    const entries: CodeEntry[] = [];
    const list = children(node);
    for (let i = 0; i < list.length; i++) {
      const child = list[i];
      if (child === undefined || PUNCTUATION.has(child.name)) {
        // `**base` merges another dict in, in order.
        if (child?.name === '**' && list[i + 1] !== undefined) {
          const spread = evaluate(list[i + 1] as SyntaxNode);
          if (spread.kind === 'object') entries.push(...spread.entries);
          i++;
        }
        continue;
      }
      const colon = list[i + 1];
      const valueNode = list[i + 2];
      if (colon?.name !== ':' || valueNode === undefined) continue;
      const key = literalOf(evaluate(child));
      if (key !== undefined) entries.push({ key, keyAt: at(child.from), value: evaluate(valueNode) });
      i += 2;
    }
    return { kind: 'object', entries, at: where, node: node.from };
  };

  const binary = (node: SyntaxNode, where: Position): CodeValue => {
    const [left, op, right] = children(node);
    if (left !== undefined && right !== undefined && op !== undefined && raw(op) === '%') {
      // `"…/%s/…" % (a, b)`, `"…%(name)s…" % {"name": b}`
      const values = evaluate(right);
      const args = values.kind === 'list' ? values.items : values.kind === 'object' ? [] : [values];
      const keywords = new Map(values.kind === 'object' ? values.entries.map((e) => [e.key, e.value] as const) : []);
      const formatted = formatTemplate(evaluate(left), args, keywords, 'percent', where);
      if (formatted !== undefined) return formatted;
    }
    if (left === undefined || right === undefined || op === undefined || raw(op) !== '+') return codeUnknown(shown(node), 'which is computed when the script runs', where);
    const a = evaluate(left);
    const b = evaluate(right);
    if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value + b.value, at: where };
    if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', items: [...a.items, ...b.items], at: where };
    return joinStrings([piecesOf(a, shown(left)), piecesOf(b, shown(right))], where);
  };

  const member = (node: SyntaxNode, where: Position): CodeValue => {
    const dotted = raw(node).replace(/\s+/g, '');
    const [base, ...rest] = parts(node);
    if (base === undefined) return codeUnknown(shown(node), 'which the reader does not evaluate', where);
    const subscript = children(node).some((c) => c.name === '[');
    if (subscript) {
      const keyNode = rest[rest.length - 1];
      const key = keyNode === undefined ? undefined : evaluate(keyNode);
      const baseText = raw(base).replace(/\s+/g, '');
      if (baseText === 'os.environ') return environment(literalOf(key), shown(node), where);
      if (baseText === 'sys.argv') return codeUnknown(shown(node), 'which is a command-line argument of the script', where);
      const container = evaluate(base);
      if (container.kind === 'object' && key?.kind === 'string') {
        const name = literalOf(key);
        const entry = [...container.entries].reverse().find((e) => e.key === name);
        if (entry !== undefined) return entry.value;
      }
      if (container.kind === 'list' && key?.kind === 'number') {
        const item = container.items[key.value < 0 ? container.items.length + key.value : key.value];
        if (item !== undefined) return item;
      }
      if (container.kind === 'unknown') return codeUnknown(shown(node), container.piece.why, where);
      return codeUnknown(shown(node), 'which the reader does not evaluate', where);
    }
    const enumMember = ENUM_MEMBER.exec(dotted);
    if (enumMember?.[1] !== undefined) return codeString(enumMember[1], where);
    const container = evaluate(base);
    const property = rest[rest.length - 1];
    if (container.kind === 'object' && property !== undefined) {
      const entry = [...container.entries].reverse().find((e) => e.key === raw(property));
      if (entry !== undefined) return entry.value;
    }
    if (container.kind === 'unknown') return codeUnknown(shown(node), container.piece.why, where);
    return codeUnknown(shown(node), RUNTIME, where);
  };

  const environment = (variable: string | undefined, written: string, where: Position): CodeValue =>
    codeUnknown(variable === undefined ? written : `$${variable}`, 'which the script reads from its environment when it runs', where);

  const call = (node: SyntaxNode, where: Position): { value: CodeValue; call: CodeCall } => {
    const [calleeNode, argList] = children(node);
    const callee = calleeNode === undefined ? '' : raw(calleeNode).replace(/\s+/g, '');
    const args: CodeValue[] = [];
    const keywords = new Map<string, CodeValue>();
    const argNodes = argList === undefined ? [] : children(argList);
    for (let i = 0; i < argNodes.length; i++) {
      const arg = argNodes[i];
      if (arg === undefined || PUNCTUATION.has(arg.name)) continue;
      const next = argNodes[i + 1];
      if (arg.name === 'VariableName' && next?.name === 'AssignOp' && argNodes[i + 2] !== undefined) {
        keywords.set(raw(arg), evaluate(argNodes[i + 2] as SyntaxNode));
        i += 2;
        continue;
      }
      // `*args`, `**kw` splat arguments the reader cannot list.
      if (argNodes[i - 1]?.name === '*' || argNodes[i - 1]?.name === '**') continue;
      args.push(evaluate(arg));
    }
    const described: CodeCall = { callee, args, keywords, at: where };
    const last = callee.slice(callee.lastIndexOf('.') + 1);
    if (callee === 'os.environ.get' || callee === 'os.getenv') return { value: environment(literalOf(args[0]), shown(node), where), call: described };
    if (callee === 'json.dumps' && args[0] !== undefined) return { value: args[0], call: described };
    // `"…/{}/…".format(a, b)`: the receiver is the template.
    const receiver = calleeNode?.name === 'MemberExpression' && last === 'format' ? parts(calleeNode)[0] : undefined;
    const formatted = receiver === undefined ? undefined : formatTemplate(evaluate(receiver), args, keywords, 'brace', where);
    if (formatted !== undefined) return { value: formatted, call: described };
    if (callee === 'dict' || (CONSTRUCTOR.test(last) && args.length === 0)) {
      const entries = [...keywords].map(([key, value]): CodeEntry => ({ key, keyAt: value.at, value }));
      return { value: { kind: 'object', entries, at: where, node: node.from }, call: described };
    }
    return { value: { ...codeUnknown(shown(node), 'which is the result of a call made when the script runs', where), call: described }, call: described };
  };

  // Names: every assignment, parameter default and `+=`, in the scope of the function around it.
  const scopes: Scope[] = [module];
  const objects: CodeObject[] = [];
  const calls: CodeCall[] = [];
  const visit = (node: SyntaxNode): void => {
    const scope = scopes[scopes.length - 1] ?? module;
    if (node.name === 'FunctionDefinition') {
      const label = node.getChild('VariableName');
      const inner: Scope = { from: node.from, to: node.to, label: `${label === null ? 'a function' : raw(label)}()` };
      const params = node.getChild('ParamList');
      if (params !== null) bindParameters(params, inner);
      scopes.push(inner);
      for (const child of children(node)) visit(child);
      scopes.pop();
      return;
    }
    if (node.name === 'AssignStatement') {
      const list = children(node);
      const value = list[list.length - 1];
      const [target, op] = list;
      // `body["template"]["vpcAccess"]["egress"] = …`, `svc.template.vpc_access = …`
      if (target?.name === 'MemberExpression' && op?.name === 'AssignOp' && value !== undefined && list.length === 3) {
        const chain = memberPath(target);
        if (chain !== undefined) names.mutate(chain.root, node.to, scope, chain.path, () => evaluate(value));
      }
      const targets = list.filter((c, i) => c.name === 'VariableName' && (list[i + 1]?.name === 'AssignOp' || list[i + 1]?.name === 'TypeDef'));
      if (value !== undefined) for (const target of targets) names.bind(raw(target), node.to, scope, () => evaluate(value));
    }
    if (node.name === 'UpdateStatement') {
      const [target, op, value] = children(node);
      if (target?.name === 'VariableName' && value !== undefined && op !== undefined && raw(op) === '+=') {
        const name = raw(target);
        const offset = node.from;
        names.bind(name, node.to, scope, () => {
          const before = names.resolve(name, offset, at(target.from));
          const added = evaluate(value);
          if (before.kind === 'list' && added.kind === 'list') return { kind: 'list', items: [...before.items, ...added.items], at: before.at };
          return joinStrings([piecesOf(before, name), piecesOf(added, shown(value))], before.at);
        });
      }
    }
    if (node.name === 'DictionaryExpression') {
      const value = evaluate(node);
      if (value.kind === 'object') objects.push(value);
    }
    if (node.name === 'CallExpression') {
      const read = call(node, at(node.from));
      calls.push(read.call);
      if (read.value.kind === 'object') objects.push(read.value);
    }
    for (const child of children(node)) visit(child);
  };
  /** `a.b["c"].d` as its root name and literal keys; undefined when a key is computed. */
  const memberPath = (node: SyntaxNode): { root: string; path: { key: string; at: Position }[] } | undefined => {
    const path: { key: string; at: Position }[] = [];
    let current: SyntaxNode = node;
    while (current.name === 'MemberExpression') {
      const [base, ...rest] = parts(current);
      const last = rest[rest.length - 1];
      if (base === undefined || last === undefined) return undefined;
      const subscript = children(current).some((c) => c.name === '[');
      const key = subscript ? literalOf(evaluate(last)) : raw(last);
      if (key === undefined) return undefined;
      path.unshift({ key, at: at(last.from) });
      current = base;
    }
    return current.name === 'VariableName' ? { root: raw(current), path } : undefined;
  };
  const bindParameters = (params: SyntaxNode, scope: Scope): void => {
    const list = children(params);
    list.forEach((param, i) => {
      if (param.name !== 'VariableName' || list[i - 1]?.name === '*' || list[i - 1]?.name === '**') return;
      const name = raw(param);
      const defaultNode = list[i + 1]?.name === 'AssignOp' ? list[i + 2] : undefined;
      names.bind(name, scope.from, scope, () =>
        defaultNode === undefined ? codeUnknown(name, `which is a parameter of ${scope.label ?? 'a function'}, given by its caller`, at(param.from)) : evaluate(defaultNode),
      );
    });
  };
  visit(tree.topNode);
  return { file, objects, calls };
}

function firstError(top: SyntaxNode): SyntaxNode | undefined {
  const cursor = top.cursor();
  do {
    if (cursor.type.isError) return cursor.node;
  } while (cursor.next());
  return undefined;
}

/** A Python string literal's value: its prefix (`r`, `b`, `u`) and quotes removed, escapes decoded. */
function decodeString(written: string, at: Position): CodeValue {
  const prefix = /^[A-Za-z]*/.exec(written)?.[0] ?? '';
  const body = written.slice(prefix.length);
  const quote = body.startsWith('"""') || body.startsWith("'''") ? 3 : 1;
  return codeString(decodeEscapes(body.slice(quote, body.length - quote), /r/i.test(prefix)), at);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function decodeEscapes(value: string, raw: boolean): string {
  if (raw) return value;
  return value.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (whole, escape: string) => {
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    return ESCAPES[escape] ?? whole;
  });
}
