/**
 * @module ResolverMatch: what the resolver found for a path.
 */
import type { ViewFunction } from '../http/index.ts'

/**
 * The result of resolving a path (Django's ResolverMatch), set on `request.resolverMatch`.
 *
 * @example
 * ```ts
 * const match = resolver.resolve('/polls/3/')
 * match.viewName // 'polls:detail'
 * match.params // { id: 3 }
 * ```
 */
export interface ResolverMatch {
  /** The view to call. */
  view: ViewFunction
  /** The converted parameters, by name. */
  params: Record<string, unknown>
  /** The full route that matched, prefixes included: `'polls/<int:id>/'`. */
  route: string
  /** The pattern's own name (`'detail'`), if any. */
  urlName: string | undefined
  /** The namespaces, outermost first (`['polls']`). */
  namespaces: string[]
  /** The namespaces joined with ':' (`'polls'`), '' when none. */
  namespace: string
  /** The application namespace of the innermost include, if any. */
  appName: string | undefined
  /** `namespace:urlName`, what reverse() takes to build this URL again. */
  viewName: string | undefined
}
