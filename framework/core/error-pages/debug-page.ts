/**
 * @module The DEBUG error page: the error, its stack with source lines, the request and the
 * settings (secrets masked). Built without templates so it works when templates are broken.
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import { escapeHtml as e } from './html-escape.ts'
import { maskSettings } from './mask-settings.ts'
import { stackFrames } from './stack-frames.ts'

function table(rows: [string, unknown][]): string {
  return `<table>${rows
    .map(
      ([k, v]) =>
        `<tr><th>${e(k)}</th><td><pre>${e(typeof v === 'string' ? v : JSON.stringify(v, null, 2))}</pre></td></tr>`,
    )
    .join('')}</table>`
}

function requestRows(request: HttpRequest): [string, unknown][] {
  const safe = <T>(f: () => T): T | string => {
    try {
      return f()
    } catch (error) {
      return `<unavailable: ${(error as Error).message}>`
    }
  }
  return [
    ['Method', request.META.REQUEST_METHOD],
    ['Path', safe(() => request.path)],
    ['Query string', request.META.QUERY_STRING],
    ['GET', safe(() => [...request.GET])],
    ['POST', [...request.POST].map(([k]) => [k, '(hidden)'])],
    ['COOKIES', Object.keys(safe(() => request.COOKIES))],
  ]
}

function metaRows(request: HttpRequest): [string, unknown][] {
  return Object.entries(request.META)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]): [string, unknown] => [
      k,
      /COOKIE|AUTHORIZATION/i.test(k) ? '********************' : v,
    ])
    .sort(([a], [b]) => a.localeCompare(b))
}

/**
 * The HTML of the debug page for `error` (status 500 unless the error says otherwise).
 *
 * @example
 * ```ts
 * const html = debugPage(error, request, settings)
 * ```
 */
export function debugPage(
  error: unknown,
  request: HttpRequest,
  settings: Settings,
  title?: string,
): string {
  const err = error instanceof Error ? error : new Error(String(error))
  const code = (err as { code?: unknown }).code
  const frames = stackFrames(err)
    .map(
      (f) =>
        `<li class="${f.library ? 'lib' : 'user'}"><code>${e(f.file)}:${f.line}</code> in <b>${e(f.functionName)}</b>${
          f.context.length
            ? `<pre>${f.context.map((l) => `<span${l.number === f.line ? ' class="hit"' : ''}>${String(l.number).padStart(5)}  ${e(l.text)}</span>`).join('\n')}</pre>`
            : ''
        }</li>`,
    )
    .join('')
  const causes: string[] = []
  let cause = (err as { cause?: unknown }).cause
  while (cause !== undefined && causes.length < 5) {
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow">
<title>${e(title ?? `${err.name} at ${request.META.PATH_INFO}`)}</title>
<style>body{font:14px sans-serif;margin:0}header{background:#ffc;padding:1em 2em;border-bottom:1px solid #ddd}
section{padding:1em 2em}pre{margin:0;white-space:pre-wrap}li{margin-bottom:1em}li.lib{color:#777}
.hit{background:#fdd;display:block}th{text-align:left;vertical-align:top;padding-right:1em}</style></head>
<body><header><h1>${e(err.name)}${code !== undefined ? ` <small>[${e(code)}]</small>` : ''}</h1>
<pre class="exception_value">${e(err.message)}</pre>
${causes.map((c) => `<p>Caused by: <code>${e(c)}</code></p>`).join('')}
<p>${e(request.META.REQUEST_METHOD)} ${e(request.META.PATH_INFO)}</p></header>
<section id="traceback"><h2>Traceback</h2><ol>${frames}</ol></section>
<section id="request"><h2>Request</h2>${table(requestRows(request))}<h3>META</h3>${table(metaRows(request))}</section>
<section id="settings"><h2>Settings</h2>${table(Object.entries(maskSettings(settings)))}</section>
<footer><section>You see this page because DEBUG is true. Set DEBUG to false for the production error pages.</section></footer>
</body></html>`
}

/**
 * The DEBUG 404 page: the path and, when the resolver reported them, the patterns it tried.
 *
 * @example
 * ```ts
 * const html = technical404(request, error)
 * ```
 */
export function technical404(request: HttpRequest, error: unknown): string {
  const tried = (error as { tried?: unknown })?.tried
  const patterns = Array.isArray(tried) ? tried.map(describePattern) : []
  const message = error instanceof Error ? error.message : 'Not found'
  let path: string
  try {
    path = request.path
  } catch {
    path = request.META.PATH_INFO
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow"><title>Page not found at ${e(path)}</title></head>
<body><h1>Page not found <small>(404)</small></h1>
<p>Request: <code>${e(request.META.REQUEST_METHOD)} ${e(path)}</code></p>
<p class="reason">${e(message)}</p>
${
  patterns.length
    ? `<p>The URLconf tried these URL patterns, in this order:</p><ol id="tried">${patterns.map((p) => `<li><code>${e(p)}</code></li>`).join('')}</ol>
<p>The current path, <code>${e(path.replace(/^\//, ''))}</code>, didn't match any of these.</p>`
    : ''
}
<p>You see this page because DEBUG is true. Set DEBUG to false for the standard 404 page.</p></body></html>`
}

function describePattern(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern
  if (Array.isArray(pattern)) return pattern.map(describePattern).join(' ')
  if (typeof pattern === 'object' && pattern !== null) {
    const p = pattern as { route?: unknown; pattern?: unknown; name?: unknown; urlName?: unknown }
    const route = p.route ?? p.pattern
    const name = p.urlName ?? p.name
    if (route !== undefined)
      return `${String(route)}${typeof name === 'string' && name ? ` [name='${name}']` : ''}`
  }
  return String(pattern)
}
