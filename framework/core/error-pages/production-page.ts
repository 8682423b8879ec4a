/**
 * @module The production error pages: `<status>.html` from the project's template dirs, else the
 * defaults shipped in framework/core/templates/.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { STATUS_CODES } from 'node:http'
import type { Settings } from '../../conf/index.ts'
import { escapeHtml } from './html-escape.ts'

const shipped = resolve(import.meta.dirname, '../templates')

/**
 * The HTML for `status`. A `reason` (client-safe text, e.g. "Request body exceeded ...") is added
 * before `</body>`; nothing else about the error is shown.
 *
 * @example
 * ```ts
 * productionPage(404, settings)
 * ```
 */
export function productionPage(status: number, settings: Settings, reason?: string): string {
  const dirs = [...settings.TEMPLATES.DIRS.map((d) => (isAbsolute(d) ? d : resolve(process.cwd(), d))), shipped]
  let html: string | undefined
  for (const dir of dirs) {
    try {
      html = readFileSync(join(dir, `${status}.html`), 'utf8')
      break
    } catch {
      // Not in this directory: try the next one.
    }
  }
  const phrase = STATUS_CODES[status] ?? 'Error'
  html ??= `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${status} ${phrase}</title></head>\n<body><h1>${status} ${phrase}</h1>\n</body></html>\n`
  if (!reason) return html
  const p = `<p class="reason">${escapeHtml(reason)}</p>\n`
  return html.includes('</body>') ? html.replace('</body>', `${p}</body>`) : html + p
}
