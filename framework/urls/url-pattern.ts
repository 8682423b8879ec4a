/**
 * @module path() and include(): the entries of a `urlpatterns` list, typed so that each view gets
 * its route's parameters and each list knows the flat map of URL names it defines.
 */
import type { ViewFunction } from '../http/index.ts'
import { RoutePattern } from './route-pattern.ts'
import type { RouteParams, Simplify } from './route-params.ts'

/** A flat map from URL name (`'polls:detail'`) to the parameters reverse() needs. */
export type NameMap = object

/**
 * The phantom that carries an entry's names. A function type, so it is invariant: an array
 * literal of entries is then never "simplified" by dropping an entry whose names look like a
 * subtype of another's (TypeScript's subtype reduction), which would lose names.
 */
type Phantom<Names> = (names: Names) => Names

/** Any entry of a `urlpatterns` list, whatever names it defines (the constraint of lists). */
export interface AnyURLEntry {
  readonly kind: 'pattern' | 'include'
}

/**
 * A route to a view (Django's URLPattern). Build it with path().
 * `Names` is a phantom type: the URL names this entry defines, for typed reverse().
 */
export class URLPattern<Names extends NameMap = {}> {
  readonly kind = 'pattern'
  declare readonly __names?: Phantom<Names>
  readonly pattern: RoutePattern
  readonly view: ViewFunction
  readonly name: string | undefined

  constructor(route: string, view: ViewFunction, name: string | undefined) {
    this.pattern = new RoutePattern(route, true)
    this.view = view
    this.name = name
  }
}

/** A prefix in front of an include()d list (Django's URLResolver entry). Build it with path(). */
export class URLIncludeEntry<Names extends NameMap = {}> {
  readonly kind = 'include'
  declare readonly __names?: Phantom<Names>
  readonly pattern: RoutePattern
  readonly include: URLInclude<NameMap>

  constructor(route: string, include: URLInclude<NameMap>) {
    this.pattern = new RoutePattern(route, false)
    this.include = include
  }
}

/** One entry of a `urlpatterns` list. */
export type URLEntry<Names extends NameMap = NameMap> = URLPattern<Names> | URLIncludeEntry<Names>

/** What include() returns: a list of entries with an optional namespace, mounted by path(). */
export class URLInclude<Names extends NameMap = {}> {
  readonly kind = 'urlinclude'
  declare readonly __names?: Phantom<Names>
  readonly patterns: readonly URLEntry[]
  readonly namespace: string | undefined
  readonly appName: string | undefined

  constructor(
    patterns: readonly URLEntry[],
    namespace: string | undefined,
    appName: string | undefined,
  ) {
    this.patterns = patterns
    this.namespace = namespace
    this.appName = appName
  }
}

type NamesOf<E> = E extends { readonly __names?: Phantom<infer N> } ? N : never

/** Merges a union of flat name maps into one flat map (no recursion). */
type MergeNames<U> = Simplify<{
  [K in U extends unknown ? keyof U : never]: U extends unknown
    ? K extends keyof U
      ? U[K]
      : never
    : never
}>

/**
 * The flat URL-name map of a `urlpatterns` list: what `UrlNames` is declared from.
 *
 * @example
 * ```ts
 * type Names = UrlNamesOf<typeof urlpatterns> // { 'blog:detail': { slug: string }, ... }
 * ```
 */
export type UrlNamesOf<P extends readonly unknown[]> = MergeNames<NamesOf<P[number]>>

type Namespaced<N, NS extends string> = [NS] extends [never]
  ? N
  : { [K in keyof N & string as `${NS}:${K}`]: N[K] }

type Prefixed<R extends string, N> = { [K in keyof N]: Simplify<RouteParams<R> & N[K]> }

/** Options of path() for a view. */
export interface PathOptions<N extends string> {
  /** The URL name reverse() and the template `url()` helper use. */
  name?: N
}

function badTarget(route: string, target: unknown): Error {
  const got = target === null ? 'null' : typeof target
  return Object.assign(
    new TypeError(
      `path(${JSON.stringify(route)}, ...) got ${got} as its target: pass a view function, SomeView.asView(), or include([...]).`,
    ),
    { code: 'urls.bad_view' },
  )
}

/**
 * A route: Django's `path()`. `<int:id>`-style groups are converted and typed, so the view
 * receives `{ id: number }`. Routes have no leading '/'.
 *
 * @example
 * ```ts
 * export const urlpatterns = [
 *   path('', index, { name: 'index' }),
 *   path('questions/<int:id>/', (request, { id }) => new HttpResponse(`question ${id}`), { name: 'detail' }),
 *   path('blog/', include(blogPatterns, { namespace: 'blog' })),
 * ]
 * ```
 */
export function path<const R extends string, const N extends string = never>(
  route: R,
  view: ViewFunction<RouteParams<R>>,
  options?: PathOptions<N>,
): URLPattern<[N] extends [never] ? {} : { [K in N]: RouteParams<R> }>
export function path<const R extends string, Names extends NameMap>(
  route: R,
  target: URLInclude<Names>,
): URLIncludeEntry<Prefixed<R, Names>>
export function path(route: string, target: unknown, options?: PathOptions<string>): AnyURLEntry {
  if (target instanceof URLInclude) return new URLIncludeEntry(route, target)
  if (typeof target !== 'function') throw badTarget(route, target)
  const name = options?.name
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.includes(':'))) {
    throw Object.assign(
      new TypeError(
        `Invalid URL name ${JSON.stringify(name)} for route ${JSON.stringify(route)}: a name is a non-empty string without ':' (namespaces come from include()).`,
      ),
      {
        code: 'urls.bad_name',
      },
    )
  }
  return new URLPattern(route, target as ViewFunction, name)
}

/** Options of include(). */
export interface IncludeOptions<NS extends string> {
  /** Prefix of the included names: `reverse('polls:detail')`. */
  namespace?: NS
  /** The application namespace (defaults to the namespace). */
  appName?: string
}

/**
 * Mounts a list of patterns under path()'s prefix, optionally in a namespace.
 *
 * @example
 * ```ts
 * path('polls/', include(pollsPatterns, { namespace: 'polls' }))
 * ```
 */
export function include<const P extends readonly AnyURLEntry[], const NS extends string = never>(
  patterns: P,
  options: IncludeOptions<NS> = {},
): URLInclude<Namespaced<UrlNamesOf<P>, NS>> {
  if (!Array.isArray(patterns)) {
    throw Object.assign(
      new TypeError(`include() expects an array of path(...) entries, got ${typeof patterns}.`),
      { code: 'urls.bad_include' },
    )
  }
  const ns = options.namespace
  if (ns !== undefined && (typeof ns !== 'string' || ns === '' || ns.includes(':'))) {
    throw Object.assign(
      new TypeError(`Invalid namespace ${JSON.stringify(ns)}: use a non-empty string without ':'.`),
      { code: 'urls.bad_namespace' },
    )
  }
  return new URLInclude(
    patterns as readonly unknown[] as readonly URLEntry[],
    ns,
    options.appName ?? ns,
  )
}
