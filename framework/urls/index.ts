/**
 * @module framework/urls: path(), include(), converters, the resolver (path-to-regexp 8) and a
 * reverse() whose names and parameters the compiler checks. Imports http/ only.
 */

/** Declaring routes. */
export {
  path,
  include,
  URLPattern,
  URLIncludeEntry,
  URLInclude,
  type URLEntry,
  type AnyURLEntry,
  type NameMap,
  type UrlNamesOf,
  type PathOptions,
  type IncludeOptions,
} from './url-pattern.ts'
export {
  registerConverter,
  getConverter,
  builtinConverters,
  type Converter,
  type ConverterTypes,
} from './converters.ts'
export { RoutePattern, type RouteMatch } from './route-pattern.ts'
export type { RouteParams } from './route-params.ts'

/** Resolving and reversing. */
export { URLResolver, type RouteInfo } from './url-resolver.ts'
export type { ResolverMatch } from './resolver-match.ts'
export { Resolver404, NoReverseMatch, type TriedPattern } from './resolver404.ts'
export { reverse, setRootResolver, getRootResolver } from './reverse.ts'
export type { UrlNames, ReverseName, ReverseArgs } from './url-names.ts'
