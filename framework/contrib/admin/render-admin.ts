/**
 * @module Rendering admin pages: the project's template search path first (so a project's
 * templates/admin/change_list.html replaces the admin's, as in Django), then the admin's own
 * templates/ folder, which is always searched even when the app is not on the template path.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Settings } from '../../conf/index.ts'
import { HttpResponse, type HttpRequest } from '../../http/index.ts'
import { TemplateEngine, templateDirs } from '../../templates/index.ts'
import { getRootResolver, NoReverseMatch } from '../../urls/index.ts'
import { requestSettings } from '../../views/index.ts'

/** The admin's own templates folder. */
export const ADMIN_TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates')

const engines = new WeakMap<Settings, TemplateEngine>()

function engineFor(settings: Settings): TemplateEngine {
  let engine = engines.get(settings)
  if (!engine) {
    engine = new TemplateEngine(settings, {
      dirs: [...new Set([...templateDirs(settings), ADMIN_TEMPLATES])],
      url: (name, params) => reverseName(name, params),
    })
    engines.set(settings, engine)
  }
  return engine
}

/** reverse() on the root URLconf, for any name (admin names are built at run time). */
export function reverseName(name: string, params?: Record<string, unknown>): string {
  const resolver = getRootResolver()
  if (!resolver) throw new NoReverseMatch(`reverse(${JSON.stringify(name)}): no URLconf is loaded.`)
  return (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(name, params)
}

/**
 * Renders an admin template into a response, recording the template name and context for the
 * test client.
 */
export function renderAdmin(
  request: HttpRequest,
  templateName: string,
  context: Record<string, unknown>,
  status = 200,
): HttpResponse {
  const settings = requestSettings(request)
  const html = engineFor(settings).render(templateName, context, request)
  const response = new HttpResponse(html, { status })
  response.templateName = templateName
  response.context = context
  return response
}
