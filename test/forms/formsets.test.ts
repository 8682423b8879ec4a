import { describe, expect, it } from 'vitest'
import { describeEachBackend } from '../db/backends.ts'
import { defineForm, field, formset, inlineFormset, modelFormset, ValidationError } from '../../framework/forms/index.ts'
import { allModels, Choice, Question, Tag } from './models.ts'

const LinkForm = defineForm({ fields: { url: field.url(), title: field.char({ required: false }) } })

function management(total: number, initial = 0, prefix = 'form'): Record<string, string> {
  return { [`${prefix}-TOTAL_FORMS`]: String(total), [`${prefix}-INITIAL_FORMS`]: String(initial) }
}

describe('formset', () => {
  it('renders initial forms plus extra blank ones, prefixed, with a management form', () => {
    const Links = formset(LinkForm, { extra: 2 })
    const links = new Links({ initial: [{ url: 'https://a.example' }] })
    expect(links.forms).toHaveLength(3)
    const html = String(links)
    expect(html).toContain('<input type="hidden" name="form-TOTAL_FORMS" value="3" id="id_form-TOTAL_FORMS">')
    expect(html).toContain('<input type="hidden" name="form-INITIAL_FORMS" value="1" id="id_form-INITIAL_FORMS">')
    expect(html).toContain('name="form-0-url" value="https://a.example" id="id_form-0-url" required')
    // A blank extra form may be sent empty, so its inputs are not `required` in HTML.
    expect(html).toMatch(/name="form-2-url" id="id_form-2-url">/)
  })

  it('validates filled forms, skips untouched extra ones, and lists cleaned data in order', async () => {
    const Links = formset(LinkForm, { extra: 2 })
    const links = new Links().bind({ ...management(3), 'form-0-url': 'https://a.example', 'form-1-url': '', 'form-2-url': 'https://c.example', 'form-2-title': 'C' })
    expect(await links.isValid()).toBe(true)
    expect(links.cleanedData).toEqual([
      { url: 'https://a.example', title: '' },
      { url: 'https://c.example', title: 'C' },
    ])
  })

  it('reports each form’s errors in place', async () => {
    const links = new (formset(LinkForm))().bind({ ...management(2), 'form-0-url': 'nope', 'form-1-title': 'only a title' })
    expect(await links.isValid()).toBe(false)
    expect(links.errors).toEqual([{ url: ['Enter a valid URL.'] }, { url: ['This field is required.'] }])
  })

  it('refuses missing or forged management data with a non-form error', async () => {
    const links = new (formset(LinkForm))().bind({ 'form-0-url': 'https://a.example' })
    expect(await links.isValid()).toBe(false)
    expect(links.nonFormErrors()).toEqual(['ManagementForm data is missing or has been tampered with.'])
    const negative = new (formset(LinkForm))().bind({ 'form-TOTAL_FORMS': '-1', 'form-INITIAL_FORMS': '0' })
    expect(await negative.isValid()).toBe(false)
  })

  it('enforces minNum and maxNum when asked', async () => {
    const Bounded = formset(LinkForm, { minNum: 2, maxNum: 2, validateMin: true, validateMax: true, extra: 0 })
    const few = new Bounded().bind({ ...management(1), 'form-0-url': 'https://a.example' })
    expect(await few.isValid()).toBe(false)
    expect(few.nonFormErrors()).toContain('Please submit at least 2 forms.')
    const many = new Bounded().bind({ ...management(3), 'form-0-url': 'https://a.example', 'form-1-url': 'https://b.example', 'form-2-url': 'https://c.example' })
    expect(await many.isValid()).toBe(false)
    expect(many.nonFormErrors()).toContain('Please submit at most 2 forms.')
  })

  it('leaves forms with DELETE checked out of cleanedData and their errors out of validity', async () => {
    const Links = formset(LinkForm, { canDelete: true })
    const links = new Links().bind({ ...management(2, 2), 'form-0-url': 'https://a.example', 'form-1-url': 'bad', 'form-1-DELETE': 'on' })
    expect(await links.isValid()).toBe(true)
    expect(links.cleanedData).toEqual([{ url: 'https://a.example', title: '' }])
    expect(links.deletedForms).toHaveLength(1)
  })

  it('runs a clean() across forms', async () => {
    class Distinct extends formset(LinkForm, { extra: 0 }) {
      override async clean() {
        const urls = this.cleanedData.map((data) => data.url)
        if (new Set(urls).size !== urls.length) throw new ValidationError('Links must differ.')
      }
    }
    const links = new Distinct().bind({ ...management(2), 'form-0-url': 'https://a.example', 'form-1-url': 'https://a.example' })
    expect(await links.isValid()).toBe(false)
    expect(links.nonFormErrors()).toEqual(['Links must differ.'])
  })
})

describeEachBackend('model formsets', allModels, () => {
  const ChoiceInline = inlineFormset(Question, Choice, { fields: ['choiceText', 'votes'], extra: 2, canDelete: true })

  it('edits a question’s choices: update, create, delete, with the parent key from the parent', async () => {
    const question = await Question.objects.create({ questionText: 'Best colour?' })
    const other = await Question.objects.create({ questionText: 'Other?' })
    const red = await Choice.objects.create({ question, choiceText: 'Red' })
    const blue = await Choice.objects.create({ question, choiceText: 'Blue' })
    const choices = await new ChoiceInline({ instance: question }).prepare()
    expect(choices.forms).toHaveLength(4)
    expect(String(choices)).toContain(`<input type="hidden" name="form-0-id" value="${red.id}" id="id_form-0-id">`)
    const posted = new ChoiceInline({ instance: question }).bind({
      ...management(4, 2),
      'form-0-id': String(red.id), 'form-0-choiceText': 'Crimson', 'form-0-votes': '1',
      'form-1-id': String(blue.id), 'form-1-choiceText': 'Blue', 'form-1-votes': '0', 'form-1-DELETE': 'on',
      'form-2-choiceText': 'Green', 'form-2-votes': '0', 'form-2-question': String(other.id),
      'form-3-choiceText': '', 'form-3-votes': '0',
    })
    expect(await posted.isValid()).toBe(true)
    await posted.save()
    const rows = await Choice.objects.orderBy('choiceText').list()
    expect(rows.map((row) => [row.choiceText, row.votes, row.questionId])).toEqual([
      ['Crimson', 1, question.id],
      ['Green', 0, question.id],
    ])
  })

  it('checks uniqueTogether with the parent key, across the database', async () => {
    const question = await Question.objects.create({ questionText: 'Q' })
    await Choice.objects.create({ question, choiceText: 'Yes' })
    const posted = new ChoiceInline({ instance: question }).bind({ ...management(1, 0), 'form-0-choiceText': 'Yes', 'form-0-votes': '0' })
    expect(await posted.isValid()).toBe(false)
    expect(posted.errors[0]).toEqual({ __all__: ['choice with this question and choiceText already exists.'] })
  })

  it('refuses a key that belongs to another parent (a forged id)', async () => {
    const mine = await Question.objects.create({ questionText: 'Mine' })
    const theirs = await Question.objects.create({ questionText: 'Theirs' })
    const theirChoice = await Choice.objects.create({ question: theirs, choiceText: 'Secret' })
    const posted = new ChoiceInline({ instance: mine }).bind({ ...management(1, 1), 'form-0-id': String(theirChoice.id), 'form-0-choiceText': 'Hacked', 'form-0-votes': '0' })
    expect(await posted.isValid()).toBe(false)
    expect(posted.nonFormErrors()[0]).toContain('not among the rows being edited')
    await expect(posted.save()).rejects.toMatchObject({ code: 'forms.save_invalid' })
    expect((await Choice.objects.get({ pk: theirChoice.id })).choiceText).toBe('Secret')
  })

  it('shows only extra forms for a parent that is not saved yet', async () => {
    const fresh = new Question({ questionText: 'New' })
    const choices = await new ChoiceInline({ instance: fresh }).prepare()
    expect(choices.forms).toHaveLength(2)
  })

  it('edits the rows of a QuerySet with modelFormset', async () => {
    await Tag.objects.create({ name: 'a' })
    const TagFormset = modelFormset(Tag, { fields: ['name'], extra: 1 })
    const tags = await new TagFormset({ queryset: Tag.objects.orderBy('name') }).prepare()
    const [only] = tags.instances
    const posted = new TagFormset().bind({ ...management(2, 1), 'form-0-id': String(only!.id), 'form-0-name': 'renamed', 'form-1-name': 'b' })
    expect(await posted.isValid()).toBe(true)
    expect((await posted.save()).map((tag) => tag.name)).toEqual(['renamed', 'b'])
    const clash = new TagFormset().bind({ ...management(1, 0), 'form-0-name': 'b' })
    expect(await clash.isValid()).toBe(false)
    expect(clash.errors[0]).toEqual({ name: ['tag with this name already exists.'] })
  })

  it('says to call prepare() when forms are used before the rows are loaded', () => {
    expect(() => new (modelFormset(Tag, { fields: ['name'] }))().forms).toThrowError(expect.objectContaining({ code: 'forms.formset_not_prepared' }))
  })
})

describeEachBackend('formset choices', allModels, () => {
  it('loads a select’s rows once for all the forms of a formset', async () => {
    const { captureQueries } = await import('../../framework/db/index.ts')
    const { Author, Post } = await import('./models.ts')
    await Author.objects.create({ name: 'Ann', email: 'ann@example.com' })
    const PostFormset = modelFormset(Post, { fields: ['title', 'author'], extra: 5 })
    const posts = new PostFormset()
    const { queries } = await captureQueries(() => posts.prepare())
    // One query for the rows being edited, one for the authors: not one per form.
    expect(queries.length).toBe(2)
    expect(String(posts)).toContain('<option value="">---------</option>')
  })
})
