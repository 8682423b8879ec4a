/**
 * @module Type-level parsing of a Django route string: `'questions/<int:id>/'` → `{ id: number }`.
 *
 * Why this shape: one conditional type per `<...>` group, tail position, no nesting, so a route
 * with many parameters costs the compiler little (STYLE.md, "Deep recursive generics").
 */
import type { ConverterTypes } from './converters.ts'

type ValueOf<C extends string> = C extends keyof ConverterTypes ? ConverterTypes[C] : unknown

type ParamOf<Spec extends string> = Spec extends `${infer C}:${infer Name}`
  ? { [K in Name]: ValueOf<C> }
  : { [K in Spec]: string }

/** Flattens an intersection into one object type (readable hovers, exact assignability). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {}

type Collect<R extends string, Acc> = R extends `${string}<${infer Spec}>${infer Rest}`
  ? Collect<Rest, Acc & ParamOf<Spec>>
  : Acc

/**
 * The parameters a route string gives its view.
 *
 * @example
 * ```ts
 * type P = RouteParams<'blog/<slug:slug>/<int:page>/'> // { slug: string; page: number }
 * ```
 */
export type RouteParams<R extends string> = string extends R
  ? Record<string, unknown>
  : Simplify<Collect<R, {}>>
