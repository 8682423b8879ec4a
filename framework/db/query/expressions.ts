/**
 * @module Query expressions: F() references a column in the database (so `F('votes').add(1)` is
 * an atomic `votes = votes + 1`), Q objects combine filters with and/or/not, and the aggregates
 * Count, Sum, Avg, Min, Max feed `aggregate()` and `annotate()`.
 */
import type { FieldsOf, FilterArgs } from '../models/types.ts'

type Operand = Expression | number | string

/** Something the compiler turns into SQL. Arithmetic builds a new expression. */
export abstract class Expression {
  /** `this + other` */
  add(other: Operand): CombinedExpression {
    return new CombinedExpression('+', this, other)
  }
  /** `this - other` */
  sub(other: Operand): CombinedExpression {
    return new CombinedExpression('-', this, other)
  }
  /** `this * other` */
  mul(other: Operand): CombinedExpression {
    return new CombinedExpression('*', this, other)
  }
  /** `this / other` */
  div(other: Operand): CombinedExpression {
    return new CombinedExpression('/', this, other)
  }
}

/** A reference to a field's column (`F('votes')`, `F('question__pubDate')` in filters). */
export class FieldRef extends Expression {
  readonly path: string
  constructor(path: string) {
    super()
    this.path = path
  }
}

/** Two operands and an arithmetic operator. */
export class CombinedExpression extends Expression {
  readonly op: '+' | '-' | '*' | '/'
  readonly lhs: Operand
  readonly rhs: Operand
  constructor(op: '+' | '-' | '*' | '/', lhs: Operand, rhs: Operand) {
    super()
    this.op = op
    this.lhs = lhs
    this.rhs = rhs
  }
}

/**
 * References a field in the database instead of a value in JavaScript.
 *
 * @example
 * ```ts
 * await Choice.objects.filter({ id: 1 }).update({ votes: F('votes').add(1) })
 * await Entry.objects.filter({ rating__gt: F('baseline') }).count()
 * ```
 */
export function F(path: string): FieldRef {
  return new FieldRef(path)
}

/** The tree a Q object holds. */
export type QNode =
  | { readonly kind: 'leaf'; readonly args: Readonly<Record<string, unknown>> }
  | { readonly kind: 'and' | 'or'; readonly children: readonly QNode[] }
  | { readonly kind: 'not'; readonly child: QNode }

/** A filter condition that can be combined with `and`, `or` and `not`. */
export class QObject {
  readonly node: QNode
  constructor(node: QNode) {
    this.node = node
  }
  and(...others: QObject[]): QObject {
    return new QObject({ kind: 'and', children: [this.node, ...others.map((other) => other.node)] })
  }
  or(...others: QObject[]): QObject {
    return new QObject({ kind: 'or', children: [this.node, ...others.map((other) => other.node)] })
  }
  not(): QObject {
    return new QObject({ kind: 'not', child: this.node })
  }
}

/**
 * A filter condition as an object (keys are lookups, ANDed), to combine with `or`/`and`/`not`.
 * `Q()` does not know the model, so its keys are checked when the query runs; name the model to
 * have them checked at compile time too: `Q<typeof Question>({ pubDate__year: 2005 })`.
 *
 * @example
 * ```ts
 * Question.objects.filter(Q({ questionText__startswith: 'Who' }).or(Q({ pubDate__year: 2005 }).not()))
 * ```
 */
export function Q<M = never>(
  args: [M] extends [never] ? Readonly<Record<string, unknown>> : FilterArgs<FieldsOf<M>> = {},
): QObject {
  return new QObject({ kind: 'leaf', args: args as Readonly<Record<string, unknown>> })
}

/** The aggregate functions. */
export type AggregateFunction = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX'

/** Options of an aggregate: `distinct`, and `filter` to aggregate only matching rows. */
export interface AggregateOptions {
  readonly distinct?: boolean
  readonly filter?: QObject | Readonly<Record<string, unknown>>
}

/** An aggregate over a field path (own field, or one relation away: `'choice__votes'`). */
export class Aggregate extends Expression {
  readonly fn: AggregateFunction
  readonly path: string
  readonly options: AggregateOptions
  constructor(fn: AggregateFunction, path: string, options: AggregateOptions = {}) {
    super()
    this.fn = fn
    this.path = path
    this.options = options
  }
}

/**
 * `COUNT(path)`; `Count('choice')` on Question counts its choices.
 *
 * @example
 * ```ts
 * await Question.objects.annotate({ numChoices: Count('choice') }).filter({ numChoices__gt: 1 }).list()
 * ```
 */
export const Count = (path: string, options?: AggregateOptions): Aggregate =>
  new Aggregate('COUNT', path, options)
/** `SUM(path)`; null when there are no rows. @example `Sum('votes')` */
export const Sum = (path: string, options?: AggregateOptions): Aggregate =>
  new Aggregate('SUM', path, options)
/** `AVG(path)`. @example `Avg('votes')` */
export const Avg = (path: string, options?: AggregateOptions): Aggregate =>
  new Aggregate('AVG', path, options)
/** `MIN(path)`. @example `Min('pubDate')` */
export const Min = (path: string, options?: AggregateOptions): Aggregate =>
  new Aggregate('MIN', path, options)
/** `MAX(path)`. @example `Max('pubDate')` */
export const Max = (path: string, options?: AggregateOptions): Aggregate =>
  new Aggregate('MAX', path, options)
