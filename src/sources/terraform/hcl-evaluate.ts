import type { Expr, TraversalStep } from './hcl-expression.js';
import { callFunction } from './hcl-functions.js';
import {
  elementsOf,
  EvaluationError,
  firstUnknown,
  isRecord,
  isUnknown,
  ObjectReference,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  UnknownValue,
  valuesEqual,
} from './hcl-values.js';

/** What a module gives names to: `var.x`, `local.y`, `module.m`, resources, `data.…`. */
export interface NameLookup {
  /**
   * The value a traversal's root names, and the steps left to follow into it. Resources the
   * name refers to are added to `refs`.
   */
  lookup(root: string, steps: readonly TraversalStep[], refs: Set<string>): { readonly value: unknown; readonly rest: readonly TraversalStep[] };
}

/** Names bound inside an expression: `for` variables, `each`, `count`, a dynamic block's iterator. */
export type Bindings = ReadonlyMap<string, unknown>;

const ANON = '\u0000splat';

/**
 * Evaluates an expression with Terraform's semantics: a value, possibly {@link UnknownValue}
 * (or with unknowns inside), every resource it refers to added to `refs`; what Terraform reports
 * as an error throws {@link EvaluationError}.
 */
export function evaluateExpression(expr: Expr, names: NameLookup, bindings: Bindings, refs: Set<string>): unknown {
  return new Evaluation(names, refs).value(expr, bindings);
}

class Evaluation {
  readonly #names: NameLookup;
  readonly #refs: Set<string>;

  constructor(names: NameLookup, refs: Set<string>) {
    this.#names = names;
    this.#refs = refs;
  }

  value(expr: Expr, bound: Bindings): unknown {
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'template':
        return this.#template(expr.parts, bound);
      case 'scope': {
        if (bound.has(expr.root)) return this.#follow(bound.get(expr.root), expr.steps, expr.root);
        const { value, rest } = this.#names.lookup(expr.root, expr.steps, this.#refs);
        return this.#follow(value, rest, expr.text);
      }
      case 'relative':
        return this.#follow(this.value(expr.source, bound), expr.steps, 'expression');
      case 'index': {
        const key = this.value(expr.key, bound);
        const collection = this.value(expr.collection, bound);
        if (isUnknown(key)) return key;
        if (typeof key !== 'string' && typeof key !== 'number') throw new EvaluationError(`a ${typeName(key)} cannot be an index`);
        return this.#follow(collection, [{ kind: 'index', key }], 'expression');
      }
      case 'splat': {
        const source = this.value(expr.source, bound);
        if (isUnknown(source)) return source;
        if (source === null) return [];
        const items: readonly unknown[] = Array.isArray(source) ? source : [source];
        return items.map((item) => this.value(expr.each, new Map([...bound, [ANON, item]])));
      }
      case 'anon':
        return bound.get(ANON);
      case 'call':
        return this.#call(expr, bound);
      case 'conditional': {
        const condition = this.value(expr.condition, bound);
        if (isUnknown(condition)) {
          // Either branch may be taken: what both refer to is still a link.
          this.#refsOnly(expr.then, bound);
          this.#refsOnly(expr.otherwise, bound);
          return condition;
        }
        return this.value(toBoolValue(condition, 'condition') ? expr.then : expr.otherwise, bound);
      }
      case 'unary': {
        const operand = this.value(expr.operand, bound);
        if (isUnknown(operand)) return operand;
        return expr.operator === 'logicalNot' ? !toBoolValue(operand, '!') : -toNumberValue(operand, '-');
      }
      case 'binary':
        return this.#binary(expr.operator, expr.left, expr.right, bound);
      case 'tuple':
        return expr.items.map((item) => this.value(item, bound));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const item of expr.items) {
          const key = this.value(item.key, bound);
          if (isUnknown(key)) return key;
          out[toStringValue(key, 'object key')] = this.value(item.value, bound);
        }
        return out;
      }
      case 'for':
        return this.#for(expr, bound);
      default:
        return expr satisfies never;
    }
  }

  /** Evaluates only for the references (a branch that may or may not be taken). */
  #refsOnly(expr: Expr, bound: Bindings): void {
    try {
      this.value(expr, bound);
    } catch (error: unknown) {
      if (!(error instanceof EvaluationError)) throw error;
    }
  }

  #template(parts: readonly Expr[], bound: Bindings): unknown {
    let text = '';
    let blocked: UnknownValue | undefined;
    for (const part of parts) {
      const value = this.value(part, bound);
      const unknownPart = firstUnknown(value);
      if (unknownPart) blocked ??= unknownPart;
      else if (value === null) throw new EvaluationError('a null value cannot be interpolated');
      else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new EvaluationError(`a ${typeName(value)} cannot be interpolated into a string`);
      else text += toStringValue(value, 'template');
    }
    return blocked ?? text;
  }

  #follow(start: unknown, steps: readonly TraversalStep[], what: string): unknown {
    let value = start;
    for (const step of steps) {
      if (isUnknown(value)) return value;
      value = this.#step(value, step, what);
    }
    return value;
  }

  #step(value: unknown, step: TraversalStep, what: string): unknown {
    if (value instanceof ObjectReference) {
      // Instances read as one: `[0]` / `["key"]` selects "the" instance. One object: `["name"]` is `.name`.
      if (step.kind === 'index' && (value.standsForInstances || typeof step.key === 'number')) return value;
      const found = value.attribute(step.kind === 'index' ? String(step.key) : step.name);
      for (const ref of found.refs) this.#refs.add(ref);
      return found.value;
    }
    const key = step.kind === 'attribute' ? step.name : step.key;
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= value.length) throw new EvaluationError(`${what}: index ${String(key)} is out of range (${value.length} elements)`);
      return value[index];
    }
    if (isRecord(value)) {
      const name = String(key);
      if (!Object.hasOwn(value, name)) throw new EvaluationError(`${what}: no attribute or key "${name}"`);
      return value[name];
    }
    throw new EvaluationError(`${what}: a ${typeName(value)} has no ${step.kind === 'attribute' ? `attribute "${String(key)}"` : 'elements'}`);
  }

  #call(expr: Extract<Expr, { kind: 'call' }>, bound: Bindings): unknown {
    const what = `${expr.name}()`;
    if (expr.name === 'try') {
      for (const arg of expr.args) {
        try {
          return this.value(arg, bound);
        } catch (error: unknown) {
          if (!(error instanceof EvaluationError)) throw error;
        }
      }
      throw new EvaluationError('try(): no argument could be evaluated');
    }
    if (expr.name === 'can') {
      try {
        const value = this.value(expr.args[0] ?? { kind: 'literal', value: null }, bound);
        return firstUnknown(value) ?? true;
      } catch (error: unknown) {
        if (!(error instanceof EvaluationError)) throw error;
        return false;
      }
    }
    const args = expr.args.map((arg) => this.value(arg, bound));
    if (expr.expand) {
      const last = args.pop();
      if (isUnknown(last)) return last;
      if (!Array.isArray(last)) throw new EvaluationError(`${what}: the argument expanded with ... is not a list`);
      args.push(...(last as unknown[]));
    }
    return callFunction(expr.name, args, what);
  }

  #binary(operator: string, leftExpr: Expr, rightExpr: Expr, bound: Bindings): unknown {
    const left = this.value(leftExpr, bound);
    if (operator === 'logicalAnd' || operator === 'logicalOr') {
      const decides = operator === 'logicalOr';
      if (!isUnknown(left) && toBoolValue(left, operator) === decides) return decides;
      const right = this.value(rightExpr, bound);
      if (!isUnknown(right) && toBoolValue(right, operator) === decides) return decides;
      return isUnknown(left) ? left : isUnknown(right) ? right : !decides;
    }
    const right = this.value(rightExpr, bound);
    const blocked = firstUnknown(left) ?? firstUnknown(right);
    if (blocked) return blocked;
    switch (operator) {
      case 'equal':
        return valuesEqual(left, right);
      case 'notEqual':
        return !valuesEqual(left, right);
      default:
        return arithmetic(operator, toNumberValue(left, operator), toNumberValue(right, operator));
    }
  }

  #for(expr: Extract<Expr, { kind: 'for' }>, bound: Bindings): unknown {
    const collection = this.value(expr.collection, bound);
    if (isUnknown(collection)) return collection;
    const tuple: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const element of elementsOf(collection, 'for expression')) {
      const inner = new Map(bound);
      if (expr.keyVar !== undefined) inner.set(expr.keyVar, element.key);
      inner.set(expr.valueVar, element.value);
      if (expr.condition) {
        const keep = this.value(expr.condition, inner);
        if (isUnknown(keep)) return keep;
        if (!toBoolValue(keep, 'for expression condition')) continue;
      }
      const value = this.value(expr.value, inner);
      if (expr.result !== 'object' || !expr.key) {
        tuple.push(value);
        continue;
      }
      const key = this.value(expr.key, inner);
      if (isUnknown(key)) return key;
      const name = toStringValue(key, 'for expression key');
      if (expr.grouped) object[name] = [...((object[name] as unknown[] | undefined) ?? []), value];
      else if (Object.hasOwn(object, name)) throw new EvaluationError(`for expression: key "${name}" produced twice (add ... to group)`);
      else object[name] = value;
    }
    if (expr.result === 'object') return object;
    if (expr.result === 'tuple') return tuple;
    const blocked = firstUnknown(tuple);
    return blocked ?? tuple.map((value) => toStringValue(value, 'template for directive')).join('');
  }
}

function arithmetic(operator: string, a: number, b: number): number | boolean {
  switch (operator) {
    case 'add':
      return a + b;
    case 'subtract':
      return a - b;
    case 'multiply':
      return a * b;
    case 'divide':
      if (b === 0) throw new EvaluationError('division by zero');
      return a / b;
    case 'modulo':
      if (b === 0) throw new EvaluationError('modulo by zero');
      return a % b;
    case 'lessThan':
      return a < b;
    case 'lessThanOrEqual':
      return a <= b;
    case 'greaterThan':
      return a > b;
    case 'greaterThanOrEqual':
      return a >= b;
    default:
      throw new EvaluationError(`operator ${operator} is not known`);
  }
}
