/**
 * @module The production error pages: `<status>.html` rendered by the template engine from the
 * project's search path (TEMPLATES.DIRS, then apps), else the defaults shipped in
 * framework/core/templates/ (`404.html`, `500.html`, `400.html`, `403.html`, then `error.html`).
 *
 * Context: `status`, `statusText`, `requestPath`, and `reason` (client-safe text such as "Request
 * body exceeded ...", only for errors whose message is meant for the client).
 */
import { STATUS_CODES } from 'node:http'
import { resolve } from 'node:path'
import type { Settings } from '../../conf/index.ts'
import { TemplateEngine, templateDirs } from '../../templates/index.ts'
import { getRootResolver } from '../../urls/index.ts'
import { escapeHtml } from './html-escape.ts'

const shipped = resolve(import.meta.dirname, '../templates')

/** What an error page is told about the failed request. */
export interface ErrorPageContext {
  requestPath?: string
  reason?: string | undefined
  /** The request, for context processors (STATIC_URL, user, ...). */
  request?: object
}

const engines = new WeakMap<Settings, TemplateEngine>()

function engine(settings: Settings): TemplateEngine {
  let found = engines.get(settings)
  if (!found) {
    found = new TemplateEngine(settings, {
      dirs: [...templateDirs(settings), shipped],
      url: (name, params) => {
        const root = getRootResolver()
        if (!root)
          throw new Error(
            `url(${JSON.stringify(name)}) in an error page: the URLconf is not loaded.`,
          )
        return (root.reverse as (n: string, p?: Record<string, unknown>) => string)(name, params)
      },
    })
    engines.set(settings, found)
  }
  return found
}

/**
 * The HTML for `status`. Never throws: a broken or missing template falls back to a plain page
 * (and `onTemplateError` hears why), since an error page must not fail in turn.
 *
 * @example
 * ```ts
 * productionPage(404, settings, { requestPath: '/nope/' })
 * ```
 */
export function productionPage(
  status: number,
  settings: Settings,
  context: ErrorPageContext = {},
  onTemplateError?: (error: unknown) => void,
): string {
  const statusText = STATUS_CODES[status] ?? 'Error'
  const data = {
    status,
    statusText,
    requestPath: context.requestPath ?? '',
    reason: context.reason ?? '',
  }
  const templates = engine(settings)
  for (const name of [`${status}.html`, 'error.html']) {
    try {
      templates.findTemplate(name)
    } catch {
      continue
    }
    try {
      return templates.render(name, data, context.request)
    } catch (error) {
      onTemplateError?.(error)
      break
    }
  }
  const reason = context.reason ? `<p class="reason">${escapeHtml(context.reason)}</p>\n` : ''
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${status} ${statusText}</title></head>\n<body><h1>${status} ${statusText}</h1>\n${reason}</body></html>\n`
}
