/**
 * @module SafeString and safe(): the explicit way to say "this text is HTML already", and the
 * escape function autoescaping uses for everything else.
 */

/**
 * Text marked as safe HTML: autoescape leaves it as is. Build it with safe().
 *
 * @example
 * ```ts
 * const link = safe(`<a href="/">home</a>`)
 * ```
 */
export class SafeString {
  readonly #html: string
  constructor(html: string) {
    this.#html = html
  }
  toString(): string {
    return this.#html
  }
  toJSON(): string {
    return this.#html
  }
}

/**
 * Marks `html` as safe: `<%= value %>` outputs it unescaped. Only for text you built yourself
 * or escaped already; never for user input.
 *
 * @example
 * ```ts
 * render(request, 'page.html', { banner: safe('<strong>Sale</strong>') })
 * ```
 */
export function safe(html: string | SafeString): SafeString {
  return html instanceof SafeString ? html : new SafeString(String(html))
}

const replacements: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * HTML-escapes any value (`null`/`undefined` → ''), except a SafeString, which passes through.
 *
 * @example
 * ```ts
 * escapeHtml('<b>') // '&lt;b&gt;'
 * ```
 */
export function escapeHtml(value: unknown): string {
  if (value instanceof SafeString) return value.toString()
  if (value === undefined || value === null) return ''
  return String(value).replace(/[&<>"']/g, (ch) => replacements[ch] ?? ch)
}
