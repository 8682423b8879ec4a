/**
 * @module Latin-1 helpers: PEP 3333 carries bytes in strings whose code units are 0..0xFF, so the
 * environ, status and header values are "bytes as latin-1". These convert both ways, losslessly.
 */

/**
 * The error `latin1ToBytes` throws for a string holding a code unit above 0xFF. `code` is
 * `GW-H12`.
 *
 * @example
 * ```ts
 * import { Latin1Error, latin1ToBytes } from 'framework/gateway'
 *
 * try {
 *   latin1ToBytes('€')
 * } catch (error) {
 *   if (error instanceof Latin1Error) console.error(error.code) // 'GW-H12'
 * }
 * ```
 */
export class Latin1Error extends TypeError {
  override name = 'Latin1Error'
  readonly code = 'GW-H12'
}

/**
 * True when every code unit of `text` is at most 0xFF, i.e. it can stand for bytes.
 *
 * @example
 * ```ts
 * import { isLatin1 } from 'framework/gateway'
 *
 * isLatin1('caf\u00e9') // true
 * isLatin1('€') // false
 * ```
 */
export function isLatin1(text: string): boolean {
  // A regular expression is much faster than a charCodeAt loop on long strings.
  return !/[^\u0000-\u00ff]/.test(text)
}

/**
 * The bytes a latin-1 string stands for (one byte per code unit). Throws `Latin1Error`
 * (`GW-H12`) when a code unit is above 0xFF, rather than silently truncating it as
 * `Buffer.from(text, 'latin1')` would.
 *
 * @example
 * ```ts
 * import { latin1ToBytes } from 'framework/gateway'
 *
 * latin1ToBytes('caf\u00c3\u00a9') // Uint8Array [0x63, 0x61, 0x66, 0xc3, 0xa9]
 * ```
 */
export function latin1ToBytes(text: string): Uint8Array {
  const bad = /[^\u0000-\u00ff]/.exec(text)
  if (bad) {
    throw new Latin1Error(
      `${JSON.stringify(text.slice(0, 60))} holds ${JSON.stringify(bad[0])} at index ${bad.index}, ` +
        'which is not latin-1 (code units up to 0xFF); encode text as UTF-8 bytes first, e.g. ' +
        'bytesToLatin1(new TextEncoder().encode(text))',
    )
  }
  return new Uint8Array(Buffer.from(text, 'latin1'))
}

/**
 * The latin-1 string for `bytes`: byte n becomes code unit n, so nothing is lost.
 *
 * @example
 * ```ts
 * import { bytesToLatin1 } from 'framework/gateway'
 *
 * bytesToLatin1(new TextEncoder().encode('café')) // 'caf\u00c3\u00a9'
 * ```
 */
export function bytesToLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/**
 * Makes any string latin-1: a latin-1 string is returned unchanged, any other is encoded as
 * UTF-8 and its bytes returned as latin-1 (what a socket would have carried).
 *
 * @example
 * ```ts
 * import { toLatin1 } from 'framework/gateway'
 *
 * toLatin1('€') // '\u00e2\u0082\u00ac'
 * ```
 */
export function toLatin1(text: string): string {
  return isLatin1(text) ? text : bytesToLatin1(new TextEncoder().encode(text))
}

/**
 * Percent-decodes `text` to latin-1: each `%XX` becomes the code unit 0xXX (one byte), and a `%`
 * not followed by two hex digits stays as it is. `'/caf%C3%A9'` becomes `'/caf\u00c3\u00a9'`.
 *
 * @example
 * ```ts
 * import { percentDecodeLatin1 } from 'framework/gateway'
 *
 * percentDecodeLatin1('/a%20b') // '/a b'
 * ```
 */
export function percentDecodeLatin1(text: string): string {
  // Most paths hold no escape at all: skip the regular expression and its callback.
  if (!text.includes('%')) return text
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  )
}
