/**
 * Hostile input never crashes a form: arrays where one value is expected, objects, numbers,
 * missing keys, huge strings, control characters, prototype keys. Each run is seeded, so a
 * failure can be replayed.
 */
import { describe, expect, it } from 'vitest'
import { QueryDict } from '../../framework/http/index.ts'
import { defineForm, field, formset, widgets } from '../../framework/forms/index.ts'

const Everything = defineForm({
  fields: {
    name: field.char({ maxLength: 30 }),
    email: field.email({ required: false }),
    site: field.url({ required: false }),
    age: field.integer({ required: false, min: 0, max: 150 }),
    ratio: field.float({ required: false }),
    price: field.decimal({ required: false, maxDigits: 6, decimalPlaces: 2 }),
    agree: field.boolean({ required: false }),
    topic: field.choice({ choices: [['a', 'A'], ['b', 'B']], required: false }),
    tags: field.multipleChoice({ choices: [['x', 'X'], ['y', 'Y']], required: false }),
    day: field.date({ required: false }),
    at: field.dateTime({ required: false }),
    time: field.time({ required: false }),
    data: field.json({ required: false }),
    slug: field.slug({ required: false }),
    uuid: field.uuid({ required: false }),
    hidden: field.char({ required: false, widget: widgets.hidden() }),
    upload: field.file({ required: false }),
  },
})

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const nasty = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '<script>alert(1)</script>',
  '"\'><img src=x onerror=alert(1)>',
  '-0',
  '1e309',
  '9'.repeat(400),
  '0x1F',
  'NaN',
  'Infinity',
  'true',
  '2024-02-30',
  '2024-01-01T25:61',
  '99:99:99',
  '{"__proto__":{"polluted":1}}',
  'a'.repeat(200_000),
  'x@' + 'a'.repeat(5000) + '.com',
  'http://' + 'a.'.repeat(3000) + 'com',
  '١٢٣',
  '𝟙𝟚𝟛',
]

function value(next: () => number): unknown {
  const pick = next()
  if (pick < 0.5) return nasty[Math.floor(next() * nasty.length)]
  if (pick < 0.6) return [nasty[Math.floor(next() * nasty.length)], 'x', 'a']
  if (pick < 0.7) return { toString: 'boom', nested: [1, 2] }
  if (pick < 0.75) return Math.floor(next() * 1e6) - 5e5
  if (pick < 0.8) return null
  if (pick < 0.85) return next() < 0.5
  if (pick < 0.9) return [[['deep']]]
  return String(next())
}

const names = [...Object.keys(Everything.definition.fields), '__proto__', 'constructor', 'toString', 'form-TOTAL_FORMS']

/** Percent-encodes anything, byte by byte (lone surrogates and objects included). */
function encodeText(raw: unknown): string {
  // Huge values are the first test's subject; here they would only time QueryDict.parse.
  const text = (typeof raw === 'string' ? raw : JSON.stringify(raw) ?? '').slice(0, 2000)
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
}

describe('forms under hostile input', () => {
  it('validate and render 300 random records without throwing, every error a message', async () => {
    const next = random(20241126)
    for (let run = 0; run < 300; run++) {
      const data: Record<string, unknown> = {}
      for (const name of names) if (next() < 0.7) data[name] = value(next)
      const form = new Everything().bind(data)
      const valid = await form.isValid()
      for (const [, messages] of Object.entries(form.errors)) {
        for (const message of messages ?? []) expect(message.length).toBeLessThan(400)
      }
      if (valid) expect(typeof form.cleanedData.name).toBe('string')
      const html = String(form)
      expect(html).not.toContain('<script>')
      expect(html).not.toContain('<img')
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('validate random urlencoded bodies given as QueryDicts (repeated keys, missing values)', async () => {
    const next = random(7)
    for (let run = 0; run < 200; run++) {
      const parts: string[] = []
      for (const name of names) {
        const repeats = Math.floor(next() * 3)
        for (let i = 0; i < repeats; i++) parts.push(`${encodeURIComponent(name)}=${encodeText(value(next))}`)
        if (next() < 0.1) parts.push(encodeURIComponent(name))
      }
      const form = new Everything().bind(QueryDict.parse(parts.join('&')))
      await form.isValid()
      expect(String(form)).toContain('</div>')
    }
  })

  it('answers a 200,000-character value with a length error, quickly', async () => {
    const started = performance.now()
    const form = new Everything().bind({ name: 'a'.repeat(200_000), email: 'a'.repeat(200_000), site: 'h'.repeat(200_000) })
    expect(await form.isValid()).toBe(false)
    expect(form.errors.name).toEqual(['Ensure this value has at most 30 characters (it has 200000).'])
    expect(form.errors.email).toEqual(['Enter a valid email address.'])
    expect(form.errors.site).toEqual(['Enter a valid URL.'])
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('cap a forged TOTAL_FORMS instead of building millions of forms', async () => {
    const Many = formset(defineForm({ fields: { n: field.integer() } }), { extra: 1, maxNum: 5, validateMax: true })
    const set = new Many().bind({ 'form-TOTAL_FORMS': '9999999', 'form-INITIAL_FORMS': '0' })
    expect(set.totalFormCount()).toBe(1005)
    expect(await set.isValid()).toBe(false)
    expect(set.nonFormErrors()).toEqual(['Please submit at most 5 forms.'])
  })
})
