/**
 * @module The project's URL-name registry: a flat interface from `'ns:name'` to the parameters
 * reverse() needs. Empty here; the project fills it in once, by declaration merging, from its
 * urlpatterns. Until it does, reverse() accepts any name (checked at run time only).
 */
import type { NameMap } from './url-pattern.ts'

/**
 * The URL names of the project, declared by the project.
 *
 * @example
 * ```ts
 * // project/url-names.ts
 * import type { UrlNamesOf } from '../framework/urls/index.ts'
 * import type { urlpatterns } from './urls.ts'
 *
 * declare module '../framework/urls/url-names.ts' {
 *   interface UrlNames extends UrlNamesOf<typeof urlpatterns> {}
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface UrlNames {}

/** The names reverse() accepts: the registry's, or any string while the registry is empty. */
export type ReverseName<Names extends NameMap = UrlNames> = [keyof Names & string] extends [never]
  ? string
  : keyof Names & string

/** reverse()'s parameter tuple for `N`: required when the route has parameters. */
export type ReverseArgs<N extends string, Names extends NameMap = UrlNames> = N extends keyof Names
  ? {} extends Names[N]
    ? [params?: Names[N]]
    : [params: Names[N]]
  : [params?: Record<string, unknown>]
