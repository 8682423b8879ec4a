/**
 * @module HTML attributes as data, and their escaped rendering (` id="id_name" required`).
 */
import { escapeHtml, safe, type SafeString } from '../templates/index.ts'

/** Attribute values: `true` writes the bare name, `false`/`undefined` leaves it out. */
export type HtmlAttrs = Readonly<Record<string, string | number | boolean | undefined>>

const ATTR_NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/

/**
 * Renders attributes with a leading space each, names checked and values escaped.
 *
 * @example
 * ```ts
 * renderAttrs({ id: 'id_q', required: true, placeholder: 'a "b"' })
 * // ' id="id_q" required placeholder="a &quot;b&quot;"'
 * ```
 */
export function renderAttrs(attrs: HtmlAttrs): SafeString {
  let html = ''
  for (const [name, value] of Object.entries(attrs)) {
    // A name that is not a plain attribute name could break out of the tag: skip it.
    if (value === undefined || value === false || !ATTR_NAME.test(name)) continue
    html += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`
  }
  return safe(html)
}
