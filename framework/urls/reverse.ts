/**
 * @module reverse(): Django's module-level reverse, over the project's root resolver.
 *
 * Why a process-wide root: a URL name is configuration, the same for every request, and
 * reverse() is called where no request is at hand (redirect targets, models' getAbsoluteUrl).
 * The root is set when the handler builds its resolver from ROOT_URLCONF (or by setRootResolver
 * in tests); a resolver's own `reverse()` method needs no global at all.
 */
import { NoReverseMatch } from './resolver404.ts'
import type { ReverseArgs, ReverseName } from './url-names.ts'
import type { URLResolver } from './url-resolver.ts'

let root: URLResolver | undefined

/**
 * Makes `resolver` the one reverse() and the template `url()` helper use.
 *
 * @example
 * ```ts
 * setRootResolver(URLResolver.from(urlpatterns))
 * ```
 */
export function setRootResolver(resolver: URLResolver | undefined): void {
  root = resolver
}

/** The root resolver, or undefined before the URLconf was loaded. */
export function getRootResolver(): URLResolver | undefined {
  return root
}

/**
 * The path of the named route, checked by the compiler against the project's `UrlNames`.
 *
 * @example
 * ```ts
 * reverse('polls:detail', { id: 3 }) // '/polls/3/'
 * reverse('index') // '/'
 * ```
 */
export function reverse<N extends ReverseName>(name: N, ...args: ReverseArgs<N>): string {
  if (!root) {
    throw new NoReverseMatch(
      `reverse(${JSON.stringify(name)}) was called before the URLconf was loaded: call it inside a view, or setRootResolver(URLResolver.from(urlpatterns)) first.`,
    )
  }
  return (root.reverse as (name: string, params?: Record<string, unknown>) => string)(
    name,
    args[0] as Record<string, unknown> | undefined,
  )
}
