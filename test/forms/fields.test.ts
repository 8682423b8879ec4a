import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { UploadedFile } from '../../framework/http/index.ts'
import { defineForm, field, widgets, type FormField } from '../../framework/forms/index.ts'

/** Cleans one value through a one-field form: the cleaned value, or the messages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function clean(formField: FormField<any>, value: unknown, files?: Record<string, UploadedFile>) {
  const Form = defineForm({ fields: { f: formField } })
  const form = new Form().bind(value === undefined ? {} : { f: value }, files)
  return (await form.isValid()) ? { value: (form.cleanedData as { f: unknown }).f } : { errors: form.errors.f }
}

describe('text fields', () => {
  it('strips whitespace and checks lengths with the count in the message', async () => {
    expect(await clean(field.char({ maxLength: 3 }), '  ab  ')).toEqual({ value: 'ab' })
    expect(await clean(field.char({ maxLength: 3 }), 'abcd')).toEqual({ errors: ['Ensure this value has at most 3 characters (it has 4).'] })
    expect(await clean(field.char({ minLength: 2 }), 'a')).toEqual({ errors: ['Ensure this value has at least 2 characters (it has 1).'] })
  })

  it('keeps a password as typed (no stripping)', async () => {
    expect(await clean(field.password(), ' pw ')).toEqual({ value: ' pw ' })
  })

  it('checks emails, http(s) URLs, slugs and UUIDs', async () => {
    expect(await clean(field.email(), 'a@example.com')).toEqual({ value: 'a@example.com' })
    expect(await clean(field.email(), 'a@')).toEqual({ errors: ['Enter a valid email address.'] })
    expect(await clean(field.url(), 'https://example.com/x?y=1')).toEqual({ value: 'https://example.com/x?y=1' })
    expect(await clean(field.url(), 'javascript:alert(1)')).toEqual({ errors: ['Enter a valid URL.'] })
    expect(await clean(field.slug(), 'a b')).toMatchObject({ errors: [expect.stringContaining('slug')] })
    expect(await clean(field.uuid(), '123e4567-e89b-12d3-a456-426614174000')).toMatchObject({ value: '123e4567-e89b-12d3-a456-426614174000' })
    expect(await clean(field.uuid(), 'nope')).toEqual({ errors: ['Enter a valid UUID.'] })
  })

  it('uses errorMessages to replace a message by code', async () => {
    expect(await clean(field.char({ errorMessages: { required: 'Name, please.' } }), '')).toEqual({ errors: ['Name, please.'] })
  })

  it('runs validators after the built-in checks', async () => {
    const even = field.char({ validators: [(v) => (v.length % 2 ? 'Even length only.' : undefined)] })
    expect(await clean(even, 'abc')).toEqual({ errors: ['Even length only.'] })
    expect(await clean(even, 'ab')).toEqual({ value: 'ab' })
  })
})

describe('number fields', () => {
  it('parses whole numbers and refuses decimals, words and unsafe integers', async () => {
    expect(await clean(field.integer(), ' 42 ')).toEqual({ value: 42 })
    expect(await clean(field.integer(), '-7')).toEqual({ value: -7 })
    for (const bad of ['4.2', 'x', '1e3', '99999999999999999999'])
      expect(await clean(field.integer(), bad)).toEqual({ errors: ['Enter a whole number.'] })
  })

  it('checks min and max', async () => {
    expect(await clean(field.integer({ max: 10 }), '11')).toEqual({ errors: ['Ensure this value is less than or equal to 10.'] })
    expect(await clean(field.float({ min: 0.5 }), '0.25')).toEqual({ errors: ['Ensure this value is greater than or equal to 0.5.'] })
  })

  it('parses floats and refuses infinities', async () => {
    expect(await clean(field.float(), '2.5e2')).toEqual({ value: 250 })
    expect(await clean(field.float(), '1e9999')).toEqual({ errors: ['Enter a number.'] })
    expect(await clean(field.float(), 'NaN')).toEqual({ errors: ['Enter a number.'] })
  })

  it('keeps decimals as text and checks their digits', async () => {
    const price = field.decimal({ maxDigits: 5, decimalPlaces: 2 })
    expect(await clean(price, '012.5')).toEqual({ value: '12.50' })
    expect(await clean(price, '1.234')).toEqual({ errors: ['Ensure that there are no more than 2 decimal places.'] })
    expect(await clean(price, '1234.5')).toMatchObject({ errors: expect.arrayContaining(['Ensure that there are no more than 3 digits before the decimal point.']) })
  })
})

describe('boolean, choice and multiple choice fields', () => {
  it('reads a checkbox: absent or "false" is false, and required means checked', async () => {
    expect(await clean(field.boolean({ required: false }), undefined)).toEqual({ value: false })
    expect(await clean(field.boolean({ required: false }), 'false')).toEqual({ value: false })
    expect(await clean(field.boolean(), 'on')).toEqual({ value: true })
    expect(await clean(field.boolean(), undefined)).toEqual({ errors: ['This field is required.'] })
  })

  it('returns the choice with its own type, and refuses other values', async () => {
    const size = field.choice({ choices: [[1, 'Small'], [2, 'Large']] })
    expect(await clean(size, '2')).toEqual({ value: 2 })
    expect(await clean(size, '3')).toEqual({ errors: ['Select a valid choice. 3 is not one of the available choices.'] })
  })

  it('takes every submitted value of a multiple choice, and refuses any unknown one', async () => {
    const tags = field.multipleChoice({ choices: [['a', 'A'], ['b', 'B']] })
    expect(await clean(tags, ['a', 'b', 'a'])).toEqual({ value: ['a', 'b'] })
    expect(await clean(tags, ['a', 'zz'])).toEqual({ errors: ['Select a valid choice. zz is not one of the available choices.'] })
    expect(await clean(tags, [])).toEqual({ errors: ['This field is required.'] })
  })
})

describe('date and time fields', () => {
  it('accepts real dates only', async () => {
    expect(await clean(field.date(), '2024-02-29')).toEqual({ value: '2024-02-29' })
    expect(await clean(field.date(), '2023-02-29')).toEqual({ errors: ['Enter a valid date.'] })
    expect(await clean(field.date(), '29/02/2024')).toEqual({ errors: ['Enter a valid date.'] })
  })

  it('reads a datetime-local value as UTC, or with its offset', async () => {
    expect(await clean(field.dateTime(), '2024-05-01T10:30')).toEqual({ value: new Date('2024-05-01T10:30:00Z') })
    expect(await clean(field.dateTime(), '2024-05-01T10:30:15+02:00')).toEqual({ value: new Date('2024-05-01T08:30:15Z') })
    expect(await clean(field.dateTime(), '2024-13-01T10:30')).toEqual({ errors: ['Enter a valid date/time.'] })
  })

  it('normalises times and refuses impossible ones', async () => {
    expect(await clean(field.time(), '09:05')).toEqual({ value: '09:05:00' })
    expect(await clean(field.time(), '24:00')).toEqual({ errors: ['Enter a valid time.'] })
  })
})

describe('json, file and zod fields', () => {
  it('parses JSON', async () => {
    expect(await clean(field.json(), '{"a":[1,2]}')).toEqual({ value: { a: [1, 2] } })
    expect(await clean(field.json(), '{a:1}')).toEqual({ errors: ['Enter a valid JSON.'] })
  })

  it('takes an uploaded file from the files, checking emptiness and size', async () => {
    const upload = (bytes: string) =>
      new UploadedFile({ fieldName: 'f', filename: 'a.txt', contentType: 'text/plain', size: bytes.length, memory: new TextEncoder().encode(bytes) })
    const Form = defineForm({ fields: { f: field.file({ maxSize: 4 }) } })
    const ok = new Form().bind({}, { f: upload('abc') })
    expect(await ok.isValid()).toBe(true)
    expect(await ok.cleanedData.f.text()).toBe('abc')
    const empty = new Form().bind({}, { f: upload('') })
    expect((await empty.isValid(), empty.errors.f)).toEqual(['The submitted file is empty.'])
    const big = new Form().bind({}, { f: upload('abcdef') })
    expect((await big.isValid(), big.errors.f)).toEqual(['Ensure this file is at most 4 bytes (it has 6).'])
    // A text value posing as the file is not a file.
    const text = new Form().bind({ f: 'a.txt' })
    expect((await text.isValid(), text.errors.f)).toEqual(['This field is required.'])
  })

  it('runs your own zod schema on the submitted text', async () => {
    const code = field.zod(z.string().regex(/^[A-Z]{2}\d{2}$/, 'Two letters, two digits.'))
    expect(await clean(code, 'AB12')).toEqual({ value: 'AB12' })
    expect(await clean(code, 'ab12')).toEqual({ errors: ['Two letters, two digits.'] })
    const list = field.zod(z.array(z.coerce.number()).min(2), { widget: widgets.selectMultiple() })
    expect(await clean(list, ['1', '2'])).toEqual({ value: [1, 2] })
  })
})
