import { describe, expect, expectTypeOf, it } from 'vitest'
import { QueryDict } from '../../framework/http/index.ts'
import {
  defineForm,
  field,
  FormUsageError,
  ValidationError,
  widgets,
} from '../../framework/forms/index.ts'

const SignUp = defineForm({
  fields: {
    username: field.char({ maxLength: 20 }),
    email: field.email({ required: false }),
    age: field.integer({ required: false, min: 13 }),
    password: field.password(),
    confirm: field.password(),
  },
  cleanField: {
    username(value) {
      if (value.toLowerCase() === 'admin') throw new ValidationError('That name is reserved.', 'reserved')
      return value.toLowerCase()
    },
  },
  clean(data, form) {
    if (data.password !== undefined && data.password !== data.confirm) form.addError('confirm', 'The two passwords differ.')
  },
})

const valid = { username: 'Ann', password: 'pw', confirm: 'pw' }

describe('Form binding and validation', () => {
  it('is not valid and has no errors while unbound', async () => {
    const form = new SignUp()
    expect(form.isBound).toBe(false)
    expect(await form.isValid()).toBe(false)
    expect(form.errors).toEqual({})
  })

  it('cleans a QueryDict into typed values, running cleanField steps', async () => {
    const form = new SignUp().bind(QueryDict.parse('username=Ann&password=pw&confirm=pw&age=30'))
    expect(await form.isValid()).toBe(true)
    expect(form.cleanedData).toEqual({ username: 'ann', email: '', age: 30, password: 'pw', confirm: 'pw' })
    expectTypeOf(form.cleanedData.age).toEqualTypeOf<number | null>()
    expectTypeOf(form.cleanedData.username).toEqualTypeOf<string>()
  })

  it('gives empty optional fields their empty value (null for numbers, "" for text)', async () => {
    const form = new SignUp().bind(valid)
    expect(await form.isValid()).toBe(true)
    expect(form.cleanedData.age).toBeNull()
    expect(form.cleanedData.email).toBe('')
  })

  it('collects field errors, cleanField errors and clean() errors in one pass', async () => {
    const form = new SignUp().bind({ username: 'admin', email: 'nope', age: '5', password: 'a', confirm: 'b' })
    expect(await form.isValid()).toBe(false)
    expect(form.errors).toEqual({
      username: ['That name is reserved.'],
      email: ['Enter a valid email address.'],
      age: ['Ensure this value is greater than or equal to 13.'],
      confirm: ['The two passwords differ.'],
    })
    expect(form.hasError('username', 'reserved')).toBe(true)
    expect(form.issues.find((issue) => issue.path[0] === 'age')).toMatchObject({ code: 'too_small' })
  })

  it('reports a missing required field with code required', async () => {
    const form = new SignUp().bind({ password: 'x', confirm: 'x' })
    expect(await form.isValid()).toBe(false)
    expect(form.errors.username).toEqual(['This field is required.'])
    expect(form.hasError('username', 'required')).toBe(true)
  })

  it('puts errors thrown from clean() under __all__, or under fields with a record', async () => {
    const Pair = defineForm({
      fields: { a: field.integer(), b: field.integer() },
      clean(data) {
        if (data.a === 1) throw new ValidationError('Not one.')
        if (data.a === 2) throw new ValidationError({ b: 'Bad b.', __all__: 'Bad pair.' })
      },
    })
    const one = new Pair().bind({ a: '1', b: '0' })
    await one.isValid()
    expect(one.errors).toEqual({ __all__: ['Not one.'] })
    expect(one.nonFieldErrors()).toEqual(['Not one.'])
    const two = new Pair().bind({ a: '2', b: '0' })
    await two.isValid()
    expect(two.errors).toEqual({ b: ['Bad b.'], __all__: ['Bad pair.'] })
  })

  it('lets a subclass override clean() and keep the declared one with super', async () => {
    class Strict extends SignUp {
      override async clean(data: Parameters<InstanceType<typeof SignUp>['clean']>[0]) {
        await super.clean(data)
        if (data.username === 'bob') this.addError('username', 'No bobs.')
      }
    }
    const form = new Strict().bind({ ...valid, username: 'Bob', confirm: 'x' })
    expect(await form.isValid()).toBe(false)
    expect(form.errors).toEqual({ username: ['No bobs.'], confirm: ['The two passwords differ.'] })
  })

  it('removes a field from cleanedData when addError() is called for it', async () => {
    const form = new SignUp().bind(valid)
    expect(await form.isValid()).toBe(true)
    form.addError('username', 'Taken after all.')
    expect(form.errors).toEqual({ username: ['Taken after all.'] })
    expect(() => form.cleanedData).toThrow(FormUsageError)
  })

  it('refuses cleanedData and errors before validation, with coded errors', () => {
    const form = new SignUp().bind(valid)
    expect(() => form.cleanedData).toThrowError(expect.objectContaining({ code: 'forms.not_validated' }))
    expect(() => form.errors).toThrowError(expect.objectContaining({ code: 'forms.not_validated' }))
    expect(() => form.addError('nope' as never, 'x')).toThrowError(expect.objectContaining({ code: 'forms.unknown_field' }))
  })

  it('reads prefixed names when the form has a prefix', async () => {
    const form = new SignUp({ prefix: 'signup' }).bind({ 'signup-username': 'Zed', 'signup-password': 'p', 'signup-confirm': 'p', username: 'ignored' })
    expect(await form.isValid()).toBe(true)
    expect(form.cleanedData.username).toBe('zed')
    expect(form.field('username').htmlName).toBe('signup-username')
    expect(form.field('username').autoId).toBe('id_signup-username')
  })

  it('ignores submitted values of a disabled field and keeps its initial value', async () => {
    const Profile = defineForm({
      fields: { plan: field.char({ disabled: true, initial: 'free' }), name: field.char() },
    })
    const form = new Profile().bind({ plan: 'enterprise', name: 'x' })
    expect(await form.isValid()).toBe(true)
    expect(form.cleanedData.plan).toBe('free')
  })

  it('tells which fields changed from their initial values', () => {
    const form = new SignUp({ initial: { username: 'ann', age: 20 } }).bind({ username: 'ann', age: '21', password: '', confirm: '' })
    expect(form.changedData()).toEqual(['age'])
    expect(new SignUp().bind({}).hasChanged()).toBe(false)
  })

  it('revalidates after being bound again', async () => {
    const form = new SignUp().bind({})
    expect(await form.isValid()).toBe(false)
    form.bind(valid)
    expect(await form.isValid()).toBe(true)
  })

  it('calls an initial function for each form', () => {
    let calls = 0
    const Stamp = defineForm({ fields: { n: field.integer({ initial: () => ++calls, widget: widgets.hidden() }) } })
    expect(new Stamp().field('n').value()).toBe('1')
    expect(new Stamp().field('n').value()).toBe('2')
  })
})

describe('cleanedData types', () => {
  it('widens optional fields with their empty value and keeps choice values literal', () => {
    const Typed = defineForm({
      fields: {
        n: field.integer(),
        maybe: field.integer({ required: false }),
        when: field.dateTime({ required: false }),
        day: field.date(),
        size: field.choice({ choices: [[1, 'S'], [2, 'L']] }),
        many: field.multipleChoice({ choices: [['a', 'A'], ['b', 'B']] }),
        text: field.char({ validators: [(value) => (value.startsWith('x') ? 'No x.' : undefined)] }),
      },
    })
    type Data = InstanceType<typeof Typed>['cleanedData']
    expectTypeOf<Data['n']>().toEqualTypeOf<number>()
    expectTypeOf<Data['maybe']>().toEqualTypeOf<number | null>()
    expectTypeOf<Data['when']>().toEqualTypeOf<Date | null>()
    expectTypeOf<Data['day']>().toEqualTypeOf<string>()
    expectTypeOf<Data['size']>().toEqualTypeOf<1 | 2>()
    expectTypeOf<Data['many']>().toEqualTypeOf<('a' | 'b')[]>()
    expectTypeOf<Data['text']>().toEqualTypeOf<string>()
  })
})
