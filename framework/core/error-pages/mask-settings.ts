/**
 * @module Settings as the debug page shows them: secrets replaced by stars.
 */

const secretKey = /API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE/i
const MASK = '********************'

/**
 * A copy of `settings` fit for display: values of keys that look secret are masked, and
 * passwords inside URLs (DATABASES) are masked too.
 *
 * @example
 * ```ts
 * maskSettings({ SECRET_KEY: 'x' }).SECRET_KEY // '********************'
 * ```
 */
export function maskSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const mask = (key: string, value: unknown): unknown => {
    if (secretKey.test(key) && typeof value === 'string') return MASK
    if (typeof value === 'string') return value.replace(/(\/\/[^:/@]*:)[^@/]*@/, `$1${MASK}@`)
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
    if (Array.isArray(value)) return value.map((v) => mask('', v))
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(k, v)]))
    }
    return value
  }
  return mask('', settings) as Record<string, unknown>
}
