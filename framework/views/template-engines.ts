/**
 * @module The template engine of a settings object, built once and shared, with the `url()`
 * helper wired to the URL layer's reverse().
 */
import type { Settings } from '../conf/index.ts'
import type { HttpRequest } from '../http/index.ts'
import { TemplateEngine } from '../templates/index.ts'
import { getRootResolver, NoReverseMatch } from '../urls/index.ts'

// Keyed by the (frozen) settings object: one engine, hence one compiled-template cache, per
// project, without a process-wide "current settings".
const engines = new WeakMap<Settings, TemplateEngine>()

/**
 * The shared TemplateEngine of `settings`.
 *
 * @example
 * ```ts
 * const html = templateEngine(settings).render('polls/index.html', { polls })
 * ```
 */
export function templateEngine(settings: Settings): TemplateEngine {
  let engine = engines.get(settings)
  if (!engine) {
    engine = new TemplateEngine(settings, {
      url: (name, params) => {
        const resolver = getRootResolver()
        if (!resolver)
          throw new NoReverseMatch(
            `url(${JSON.stringify(name)}): the URLconf is not loaded yet (render inside a request).`,
          )
        return (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(
          name,
          params,
        )
      },
    })
    engines.set(settings, engine)
  }
  return engine
}

/**
 * The settings of a request: `request.state.settings`, which the handler sets. Throws a coded
 * error when it is missing (a request built by hand in a test: pass `{ settings }`).
 */
export function requestSettings(request: HttpRequest, given?: Settings): Settings {
  const settings = given ?? (request.state['settings'] as Settings | undefined)
  if (!settings) {
    throw Object.assign(
      new Error(
        'render() needs the settings: the handler puts them on request.state.settings; for a request built by hand pass render(request, name, context, { settings }).',
      ),
      { code: 'views.no_settings' },
    )
  }
  return settings
}
