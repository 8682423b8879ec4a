/**
 * @module Escaping for the error pages, which are built without the template engine so that a
 * broken template can never hide the error it was meant to show.
 */

/**
 * Escapes `&<>"'` for HTML text and attributes.
 *
 * @example
 * ```ts
 * escapeHtml('<b>') // '&lt;b&gt;'
 * ```
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
