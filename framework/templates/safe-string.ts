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

// One scan over char codes instead of a regex replace with a callback per match: measured 4x
// faster on W3's rows (names full of `<&"`), where escaping was 3.8% of the worker's time
// (docs/benchmarks.md). Text without special characters is returned as is.
const NEEDS_ESCAPE = /[&<>"']/

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
  let out = ''
  let last = 0
  for (let i = 0; i < text.length; i++) {
    let entity: string
    switch (text.charCodeAt(i)) {
      case 38:
        entity = '&amp;'
        break
      case 60:
        entity = '&lt;'
        break
      case 62:
        entity = '&gt;'
        break
      case 34:
        entity = '&quot;'
        break
      case 39:
        entity = '&#39;'
        break
      default:
        continue
    }
    if (last !== i) out += text.slice(last, i)
    out += entity
    last = i + 1
  }
  return out + text.slice(last)
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
  if (typeof value === 'string') return escapeText(value)
  if (typeof value === 'number') return String(value)
  if (value instanceof SafeString) return value.toString()
  if (value === undefined || value === null) return ''
  return escapeText(String(value))
}
