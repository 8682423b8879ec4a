/**
 * site.register(): options are checked when urls.ts loads (an AdminError with a stable code
 * naming the model and the field), and, where the model's field names are known, by the compiler.
 */
import { describe, expect, it } from 'vitest'
import { AdminError, AdminSite, action, inline } from '../../../framework/contrib/admin/index.ts'
import { Category, Choice, Note, Question } from './project/models.ts'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof AdminError) return error.code
    throw error
  }
  return undefined
}

describe('site.register', () => {
  it('returns the model admin with defaults filled in', () => {
    const site = new AdminSite()
    const admin = site.register(Question, { searchFields: ['questionText'] })
    expect(admin.appLabel).toBe('adminpolls')
    expect(admin.modelName).toBe('question')
    expect(admin.listPerPage).toBe(100)
    expect(admin.columns.map((c) => c.name)).toEqual(['__str__'])
    expect(site.find('adminpolls', 'question')).toBe(admin)
  })

  it('rejects a field the model lacks (admin.E001), naming it and listing the real ones', () => {
    const site = new AdminSite()
    // @ts-expect-error: 'title' is not a field of Question
    const register = () => site.register(Question, { listDisplay: ['title'] })
    expect(codeOf(register)).toBe('admin.E001')
    expect(register).toThrow(/listDisplay names "title".*questionText/)
    expect(codeOf(() => site.register(Question, { searchFields: ['nope__name'] }))).toBe(
      'admin.E001',
    )
  })

  it('rejects a filter on a field that cannot be filtered (admin.E002)', () => {
    const site = new AdminSite()
    expect(codeOf(() => site.register(Question, { listFilter: ['questionText'] }))).toBe(
      'admin.E002',
    )
  })

  it('rejects a listPerPage that is not a positive integer (admin.E003)', () => {
    const site = new AdminSite()
    expect(codeOf(() => site.register(Question, { listPerPage: 0 }))).toBe('admin.E003')
  })

  it('rejects an inline without a foreign key to the parent (admin.E004)', () => {
    const site = new AdminSite()
    expect(codeOf(() => site.register(Category, { inlines: [inline(Choice)] }))).toBe('admin.E004')
    expect(
      site.register(Question, { inlines: [inline(Choice), inline(Note, { extra: 1 })] }).inlines,
    ).toHaveLength(2)
  })

  it('rejects two actions with one name (admin.E005)', () => {
    const site = new AdminSite()
    const run = () => undefined
    expect(
      codeOf(() =>
        site.register(Question, { actions: [action('Do it', run), action('Do it', run)] }),
      ),
    ).toBe('admin.E005')
    expect(
      codeOf(() =>
        site.register(Question, { actions: [action('Delete', run, { name: 'delete_selected' })] }),
      ),
    ).toBe('admin.E005')
  })

  it('rejects registering a model twice (admin.E006) until it is unregistered', () => {
    const site = new AdminSite()
    site.register(Question)
    expect(codeOf(() => site.register(Question))).toBe('admin.E006')
    site.unregister(Question)
    expect(codeOf(() => site.register(Question))).toBeUndefined()
  })
})
