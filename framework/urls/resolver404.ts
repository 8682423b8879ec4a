/**
 * @module Resolver404 and NoReverseMatch: the URL layer's two errors.
 */
import { HttpError } from '../http/index.ts'

/** One pattern the resolver tried: its full route and its name. */
export interface TriedPattern {
  route: string
  name?: string
}

/**
 * No pattern matched the path. A 404 (it is an HttpError), and the DEBUG 404 page lists `tried`.
 *
 * @example
 * ```ts
 * try { resolver.resolve('/nope/') } catch (error) { if (error instanceof Resolver404) error.tried }
 * ```
 */
export class Resolver404 extends HttpError {
  override name = 'Resolver404'
  /** The path that matched nothing. */
  readonly path: string
  /** Every pattern tried, in order. */
  readonly tried: readonly TriedPattern[]

  constructor(path: string, tried: readonly TriedPattern[]) {
    super(
      404,
      'urls.resolver404',
      `No URL pattern matches ${JSON.stringify(path)} (${tried.length} patterns tried); add a path() for it or fix the link.`,
    )
    this.path = path
    this.tried = tried
  }
}

/**
 * reverse() could not build a URL: unknown name, or parameters that do not fit.
 *
 * @example
 * ```ts
 * reverse('polls:detial') // NoReverseMatch: Reverse for 'polls:detial' not found...
 * ```
 */
export class NoReverseMatch extends Error {
  override name = 'NoReverseMatch'
  readonly code = 'urls.no_reverse_match'
}
