/**
 * @module The page runserver answers every request with while the project's code fails to load
 * (a syntax error, a settings error): Django's choice, so the browser shows the error where the
 * page was, and the next successful reload replaces it.
 */
import type { LoadFailure } from './project-loading.ts'

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function e(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c)
}

/**
 * The HTML of the load-error page for `failure` (served with status 500).
 *
 * @example
 * ```ts
 * const html = loadErrorPage(describeLoadFailure(error, 'project/wsgi.ts'))
 * ```
 */
export function loadErrorPage(failure: LoadFailure): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow">
<title>The project failed to load</title>
<style>body{font:14px sans-serif;margin:0}header{background:#fdd;padding:1em 2em;border-bottom:1px solid #daa}
section{padding:1em 2em}pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}</style></head>
<body><header><h1>The project failed to load</h1>
<pre class="exception_value">${e(failure.message)}</pre>
<p><b>Hint:</b> ${e(failure.hint)}</p></header>
<section><h2>Details</h2><pre>${e(failure.detail || failure.message)}</pre></section>
<footer><section>This is runserver's load-error page: save the fix and reload this page; the
development server restarts by itself when a source file changes.</section></footer>
</body></html>
`
}
