/**
 * @module Context processors: functions whose results every template rendered with a request
 * sees. Built-ins by name: request, debug, csrf, user, messages, static. csrf, user and
 * messages are seams: they read what the CSRF, auth and messages middleware (later issues) put in
 * `request.state` (csrfToken, user, messages), and give safe empty values until then.
 */
import type { Settings } from '../conf/index.ts'

/** The request as templates see it: any object (templates/ cannot import http/). */
export type TemplateRequest = object

/**
 * A context processor: `(request, settings) => extra context`.
 *
 * @example
 * ```ts
 * const siteName: ContextProcessor = () => ({ siteName: 'Polls' })
 * defineSettings({ TEMPLATES: { CONTEXT_PROCESSORS: ['request', siteName] } })
 * ```
 */
export type ContextProcessor = (
  request: TemplateRequest,
  settings: Settings,
) => Record<string, unknown>

type Slot = { csrfToken?: unknown; user?: unknown; messages?: unknown }

/** Where middleware leaves per-request values: `request.state` (http/), else the request itself. */
function slot(request: TemplateRequest): Slot {
  const state = (request as { state?: unknown }).state
  return {
    ...(request as Slot),
    ...(typeof state === 'object' && state !== null ? (state as Slot) : {}),
  }
}

/** The built-in processors, by the name TEMPLATES.CONTEXT_PROCESSORS uses. */
export const builtinContextProcessors: Readonly<Record<string, ContextProcessor>> = {
  request: (request) => ({ request }),
  debug: (_request, settings) => ({ debug: settings.DEBUG }),
  static: (_request, settings) => ({ STATIC_URL: settings.STATIC_URL }),
  // Seam for the CSRF issue: its middleware sets request.csrfToken (a function or a string).
  csrf: (request) => {
    const token = slot(request).csrfToken
    return {
      csrfToken:
        typeof token === 'function' ? (token as () => unknown).call(request) : (token ?? ''),
    }
  },
  // Seam for the auth issue: request.user once its middleware runs; anonymous until then.
  user: (request) => ({ user: slot(request).user ?? { isAuthenticated: false, username: '' } }),
  // Seam for the messages issue: request.messages (iterable) once its middleware runs.
  messages: (request) => ({ messages: slot(request).messages ?? [] }),
}

/** Resolves TEMPLATES.CONTEXT_PROCESSORS entries (names or functions) to functions. */
export function contextProcessors(settings: Settings): ContextProcessor[] {
  return settings.TEMPLATES.CONTEXT_PROCESSORS.map((entry) => {
    if (typeof entry === 'function') return entry as unknown as ContextProcessor
    const found = builtinContextProcessors[entry.split('.').pop() ?? '']
    if (!found) {
      throw Object.assign(
        new Error(
          `Unknown context processor ${JSON.stringify(entry)} in TEMPLATES.CONTEXT_PROCESSORS: use one of ${Object.keys(builtinContextProcessors).join(', ')} or a function (request, settings) => ({ ... }).`,
        ),
        { code: 'templates.unknown_context_processor' },
      )
    }
    return found
  })
}
