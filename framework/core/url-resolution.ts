/**
 * @module The seam between the handler and the URL layer: load ROOT_URLCONF, resolve a path.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path'
import type { ViewFunction } from '../http/index.ts'
import { importProjectModule, type Settings } from '../conf/index.ts'
import { URLResolver, setRootResolver } from '../urls/index.ts'

/** What resolving a path yields (the urls/ layer's ResolverMatch fits it). */
export interface ResolvedRoute {
  view: ViewFunction
  params: Record<string, unknown>
  route?: string
  urlName?: string
}

/** Anything that resolves a path; throws an error named `Resolver404` (with `tried`) on no match. */
export interface UrlResolver {
  resolve(path: string): ResolvedRoute | Promise<ResolvedRoute>
}

/** A URLconf module: its resolver plus the optional error handlers it exports. */
export interface UrlConf {
  resolver: UrlResolver
  handler400?: ErrorView
  handler403?: ErrorView
  handler404?: ErrorView
  handler500?: ErrorView
}

/** A project error view, Django's handler404 and friends. */
export type ErrorView = (...args: never[]) => unknown

/** Builds a resolver from a module's `urlpatterns` (default: the urls/ layer's URLResolver). */
export type ResolverFactory = (urlpatterns: unknown) => UrlResolver

/** The default ResolverFactory: urls/'s URLResolver. */
export const defaultResolverFactory: ResolverFactory = (urlpatterns) => new URLResolver(urlpatterns)

/**
 * Loads ROOT_URLCONF: a module path (relative to the working directory) or an object with
 * `urlpatterns` (or already a resolver).
 */
export async function loadUrlConf(
  settings: Settings,
  makeResolver: ResolverFactory,
): Promise<UrlConf> {
  const root = settings.ROOT_URLCONF
  if (root === undefined) {
    throw Object.assign(
      new Error(
        "ROOT_URLCONF is not set: add ROOT_URLCONF: 'project/urls.ts' (or the URLconf object) to your settings.",
      ),
      {
        code: 'core.no_urlconf',
      },
    )
  }
  let mod: Record<string, unknown>
  if (typeof root === 'string') {
    const file = isAbsolute(root) ? root : resolvePath(process.cwd(), root)
    try {
      mod = await importProjectModule(file)
    } catch (error) {
      throw Object.assign(
        new Error(
          `Cannot import ROOT_URLCONF ${JSON.stringify(root)} (${file}): ${(error as Error).message}`,
          { cause: error },
        ),
        {
          code: 'core.urlconf_import',
        },
      )
    }
  } else {
    mod = root as Record<string, unknown>
  }
  const fn = (name: string): ErrorView | undefined =>
    typeof mod[name] === 'function' ? (mod[name] as ErrorView) : undefined
  let resolver: UrlResolver
  if (typeof (mod as { resolve?: unknown }).resolve === 'function')
    resolver = mod as unknown as UrlResolver
  else if ('urlpatterns' in mod) resolver = makeResolver(mod.urlpatterns)
  else {
    throw Object.assign(
      new Error(
        `ROOT_URLCONF ${JSON.stringify(typeof root === 'string' ? root : '(object)')} has no urlpatterns export; export const urlpatterns = [path(...), ...].`,
      ),
      {
        code: 'core.urlconf_no_patterns',
      },
    )
  }
  // reverse() and the template url() helper need the root resolver; it is configuration, the
  // same for every request (see urls/reverse.ts).
  if (resolver instanceof URLResolver) setRootResolver(resolver)
  const conf: UrlConf = { resolver }
  for (const name of ['handler400', 'handler403', 'handler404', 'handler500'] as const) {
    const f = fn(name)
    if (f) conf[name] = f
  }
  return conf
}

/** True when `error` is the URL layer's "no route matched". */
export function isResolver404(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'Resolver404' || (error as { code?: unknown }).code === 'urls.resolver404')
  )
}
