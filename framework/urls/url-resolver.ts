/**
 * @module URLResolver: resolves a path to a view (Django's resolvers.py), reverses a name to a
 * path, answers the APPEND_SLASH question and lists the routes for `framework showurls`.
 */
import type { ViewFunction } from '../http/index.ts'
import { NoReverseMatch, Resolver404, type TriedPattern } from './resolver404.ts'
import type { ResolverMatch } from './resolver-match.ts'
import type { RoutePattern } from './route-pattern.ts'
import {
  URLIncludeEntry,
  URLPattern,
  type AnyURLEntry,
  type NameMap,
  type URLEntry,
  type UrlNamesOf,
} from './url-pattern.ts'
import type { ReverseArgs, ReverseName } from './url-names.ts'

/** One route of the flattened table (showurls prints these). */
export interface RouteInfo {
  /** The full route, prefixes included. */
  route: string
  /** `ns:name`, or undefined for unnamed routes. */
  name: string | undefined
  /** The view's function name. */
  viewName: string
  namespaces: string[]
  /** The parameters of the full route with their converter names. */
  params: { name: string; converter: string }[]
}

interface Leaf extends RouteInfo {
  chain: RoutePattern[]
  view: ViewFunction
  urlName: string | undefined
  appName: string | undefined
}

function badEntry(where: string, entry: unknown): Error {
  const got =
    entry === null
      ? 'null'
      : typeof entry === 'object'
        ? ((entry as object).constructor?.name ?? 'object')
        : typeof entry
  return Object.assign(
    new TypeError(
      `urlpatterns${where} is ${got}, not a path(...) entry: build each entry with path(route, view, { name }) or path(prefix, include([...])).`,
    ),
    { code: 'urls.bad_pattern' },
  )
}

/**
 * The resolver over a `urlpatterns` list. Build it with `URLResolver.from(urlpatterns)` to get a
 * `reverse()` whose names and parameters the compiler checks.
 *
 * @example
 * ```ts
 * const resolver = URLResolver.from([path('articles/<int:year>/', archive, { name: 'archive' })])
 * resolver.resolve('/articles/2024/').params // { year: 2024 }
 * resolver.reverse('archive', { year: 2024 }) // '/articles/2024/'
 * ```
 */
export class URLResolver<Names extends NameMap = Record<string, Record<string, unknown>>> {
  readonly #patterns: readonly URLEntry[]
  readonly #leaves: Leaf[] = []
  readonly #byName = new Map<string, Leaf[]>()
  /** Prepended to every reversed path (the script name when mounted below '/'). */
  readonly prefix: string

  /** A resolver typed by the names its patterns define. */
  static from<const P extends readonly AnyURLEntry[]>(
    patterns: P,
    options: { prefix?: string } = {},
  ): URLResolver<UrlNamesOf<P>> {
    return new URLResolver<UrlNamesOf<P>>(patterns, options)
  }

  constructor(patterns: unknown, options: { prefix?: string } = {}) {
    if (!Array.isArray(patterns)) {
      throw Object.assign(
        new TypeError(
          `urlpatterns must be an array of path(...) entries, got ${patterns === null ? 'null' : typeof patterns}.`,
        ),
        {
          code: 'urls.bad_urlpatterns',
        },
      )
    }
    this.#patterns = patterns as URLEntry[]
    this.prefix = options.prefix ?? '/'
    this.#flatten(this.#patterns, [], '', [], undefined, '')
  }

  #flatten(
    entries: readonly unknown[],
    chain: RoutePattern[],
    route: string,
    namespaces: string[],
    appName: string | undefined,
    where: string,
  ): void {
    entries.forEach((entry, index) => {
      const here = `${where}[${index}]`
      if (entry instanceof URLPattern) {
        const ns = namespaces.join(':')
        const full = entry.name === undefined ? undefined : ns ? `${ns}:${entry.name}` : entry.name
        const leaf: Leaf = {
          route: route + entry.pattern.route,
          name: full,
          viewName: entry.view.name || '(anonymous)',
          namespaces,
          params: [...chain, entry.pattern].flatMap((p) => [...p.params]),
          chain: [...chain, entry.pattern],
          view: entry.view,
          urlName: entry.name,
          appName,
        }
        this.#leaves.push(leaf)
        if (full !== undefined) this.#byName.set(full, [...(this.#byName.get(full) ?? []), leaf])
      } else if (entry instanceof URLIncludeEntry) {
        const inc = entry.include
        this.#flatten(
          inc.patterns,
          [...chain, entry.pattern],
          route + entry.pattern.route,
          inc.namespace ? [...namespaces, inc.namespace] : namespaces,
          inc.appName ?? appName,
          `${here}.include`,
        )
      } else {
        throw badEntry(here, entry)
      }
    })
  }

  /**
   * The view for `path` (with or without its leading '/'), or Resolver404 listing every pattern
   * tried.
   */
  resolve(path: string): ResolverMatch {
    const found = this.#match(
      path.startsWith('/') ? path.slice(1) : path,
      this.#patterns,
      '',
      [],
      undefined,
      {},
    )
    if (found) return found
    throw new Resolver404(
      path,
      this.#leaves.map((leaf): TriedPattern =>
        leaf.name ? { route: leaf.route, name: leaf.name } : { route: leaf.route },
      ),
    )
  }

  #match(
    path: string,
    entries: readonly URLEntry[],
    route: string,
    namespaces: string[],
    appName: string | undefined,
    params: Record<string, unknown>,
  ): ResolverMatch | undefined {
    for (const entry of entries) {
      const m = entry.pattern.match(path)
      if (!m) continue
      const merged = { ...params, ...m.params }
      if (entry instanceof URLPattern) {
        const namespace = namespaces.join(':')
        return {
          view: entry.view,
          params: merged,
          route: route + entry.pattern.route,
          urlName: entry.name,
          namespaces,
          namespace,
          appName,
          viewName:
            entry.name === undefined
              ? undefined
              : namespace
                ? `${namespace}:${entry.name}`
                : entry.name,
        }
      }
      const inc = entry.include
      const found = this.#match(
        m.rest,
        inc.patterns,
        route + entry.pattern.route,
        inc.namespace ? [...namespaces, inc.namespace] : namespaces,
        inc.appName ?? appName,
        merged,
      )
      if (found) return found
    }
    return undefined
  }

  /** True when `path` matches a route. */
  isValidPath(path: string): boolean {
    try {
      this.resolve(path)
      return true
    } catch {
      return false
    }
  }

  /**
   * APPEND_SLASH's question: `path` has no trailing slash, matches nothing, and `path + '/'`
   * matches a route. CommonMiddleware redirects when this is true.
   */
  shouldAppendSlash(path: string): boolean {
    return !path.endsWith('/') && !this.isValidPath(path) && this.isValidPath(`${path}/`)
  }

  /**
   * The path of the route named `name` (`'ns:name'`) with `params`; NoReverseMatch naming what
   * is wrong otherwise. Values are percent-encoded; the result starts with `prefix`.
   */
  reverse<N extends ReverseName<Names>>(name: N, ...args: ReverseArgs<N, Names>): string {
    const params = (args[0] ?? {}) as Record<string, unknown>
    if (typeof params !== 'object' || params === null)
      throw new NoReverseMatch(
        `Reverse for ${JSON.stringify(name)}: params must be an object, got ${typeof params}.`,
      )
    const candidates = this.#byName.get(name)
    if (!candidates) {
      const near = [...this.#byName.keys()].filter(
        (known) => known.split(':').pop() === String(name).split(':').pop(),
      )
      throw new NoReverseMatch(
        `Reverse for ${JSON.stringify(name)} not found: no path() has that name${near.length ? `; did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : '. Add { name } to the path() or check the namespace.'}`,
      )
    }
    const reasons: string[] = []
    for (const leaf of candidates) {
      const expected = leaf.chain.flatMap((p) => p.paramNames)
      const extra = Object.keys(params).filter((key) => !expected.includes(key))
      if (extra.length) {
        reasons.push(
          `${JSON.stringify(leaf.route)} has no parameter ${extra.map((k) => JSON.stringify(k)).join(', ')}`,
        )
        continue
      }
      try {
        return this.prefix.replace(/\/?$/, '/') + leaf.chain.map((p) => p.reverse(params)).join('')
      } catch (error) {
        reasons.push(`${JSON.stringify(leaf.route)}: ${(error as Error).message}`)
      }
    }
    throw new NoReverseMatch(
      `Reverse for ${JSON.stringify(name)} with params ${JSON.stringify(params)} not found: ${reasons.join('; ')}.`,
    )
  }

  /** Every route, flattened, in resolution order. */
  routes(): RouteInfo[] {
    return this.#leaves.map(({ route, name, viewName, namespaces, params }) => ({
      route,
      name,
      viewName,
      namespaces,
      params,
    }))
  }
}
