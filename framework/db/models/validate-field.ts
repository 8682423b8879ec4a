/**
 * @module One field's validation for `fullClean()`: null/blank, choices, max length, the built-in
 * format checks (email, URL, slug, UUID) and the field's own validators. Messages follow Django's.
 */
import type { FieldMeta } from './model-meta.ts'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const SLUG = /^[-a-zA-Z0-9_]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The error messages for `value` in `field` (empty when valid). */
export function validateField(field: FieldMeta, value: unknown): string[] {
  if (field.kind === 'AutoField' || field.kind === 'BigAutoField') return []
  const o = field.options
  if (value === null || value === undefined) {
    if (field.nullable) return []
    if (o.autoNow || o.autoNowAdd) return []
    return [value === null ? 'This field cannot be null.' : 'This field is required.']
  }
  if (value === '' && !o.blank) return ['This field cannot be blank.']
  if (value === '') return []
  const messages: string[] = []
  const choices = o.choices as readonly (readonly [unknown, string])[] | undefined
  if (choices && !choices.some(([choice]) => choice === value)) {
    messages.push(`Value ${JSON.stringify(value)} is not a valid choice.`)
  }
  if (typeof value === 'string' && typeof o.maxLength === 'number' && value.length > o.maxLength) {
    messages.push(
      `Ensure this value has at most ${o.maxLength} characters (it has ${value.length}).`,
    )
  }
  if (field.kind === 'EmailField' && !EMAIL.test(String(value)))
    messages.push('Enter a valid email address.')
  if (field.kind === 'URLField' && !/^https?:\/\/[^\s/]+/.test(String(value)))
    messages.push('Enter a valid URL.')
  if (field.kind === 'SlugField' && !SLUG.test(String(value))) {
    messages.push('Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.')
  }
  if (field.kind === 'UUIDField' && !UUID.test(String(value)))
    messages.push(`${JSON.stringify(value)} is not a valid UUID.`)
  if (field.kind === 'DecimalField' && typeof o.maxDigits === 'number') {
    const [whole = '', fraction = ''] = String(value).replace('-', '').split('.')
    if (fraction.length > Number(o.decimalPlaces))
      messages.push(`Ensure that there are no more than ${String(o.decimalPlaces)} decimal places.`)
    if (whole.replace(/^0+/, '').length > o.maxDigits - Number(o.decimalPlaces)) {
      messages.push(
        `Ensure that there are no more than ${o.maxDigits - Number(o.decimalPlaces)} digits before the decimal point.`,
      )
    }
  }
  for (const validator of (o.validators as readonly ((v: unknown) => unknown)[] | undefined) ??
    []) {
    const message = validator(value)
    if (typeof message === 'string' && message) messages.push(message)
  }
  return messages
}
