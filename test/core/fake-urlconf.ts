/**
 * Test helper: a minimal URLconf (exact paths and `<int:id>` segments) so core/ is tested without
 * depending on urls/. Its Resolver404 has the shape core/ relies on: name and `tried`.
 */
import type { ViewFunction } from '../../framework/http/index.ts'
import type { ResolvedRoute, UrlResolver } from '../../framework/core/index.ts'

export class Resolver404 extends Error {
  override name = 'Resolver404'
  constructor(
    readonly path: string,
    readonly tried: { route: string; name?: string }[],
  ) {
    super(`No route matches ${JSON.stringify(path)}`)
  }
}

export function urlconf(
  routes: Record<string, ViewFunction>,
  extra: Record<string, unknown> = {},
): UrlResolver & Record<string, unknown> {
  return {
    ...extra,
    resolve(path: string): ResolvedRoute {
      for (const [route, view] of Object.entries(routes)) {
        const pattern = new RegExp(`^${route.replace(/<int:(\w+)>/g, '(?<$1>\\d+)')}$`)
        const m = pattern.exec(path)
        if (m) {
          const params = Object.fromEntries(
            Object.entries(m.groups ?? {}).map(([k, v]) => [k, Number(v)]),
          )
          return { view, params, route }
        }
      }
      throw new Resolver404(
        path,
        Object.keys(routes).map((route) => ({ route })),
      )
    },
  }
}
