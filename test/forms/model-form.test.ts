import { expect, expectTypeOf, it } from 'vitest'
import { describeEachBackend } from '../db/backends.ts'
import { field, modelForm, widgets } from '../../framework/forms/index.ts'
import { allModels, Author, Post, Tag } from './models.ts'

const PostForm = modelForm(Post, {
  fields: ['title', 'body', 'author', 'tags', 'status', 'rating', 'price', 'featured', 'publishedOn', 'subtitle'],
})

describeEachBackend('ModelForm', allModels, () => {
  it('derives field kinds, labels, help texts, required flags and initial values from the model', async () => {
    const author = await Author.objects.create({ name: 'Ann', email: 'ann@example.com' })
    const form = await new PostForm().prepare()
    const kinds = Object.fromEntries(Object.entries(form.fields).map(([name, f]) => [name, [f.kind, f.required]]))
    expect(kinds).toEqual({
      title: ['char', true],
      body: ['text', false],
      author: ['model-choice', false],
      tags: ['model-multiple-choice', false],
      status: ['choice', true],
      rating: ['integer', true],
      price: ['decimal', true],
      featured: ['boolean', false],
      publishedOn: ['date', false],
      subtitle: ['char', false],
    })
    const html = String(form)
    expect(html).toContain('<input type="text" name="title" maxlength="40" id="id_title" required aria-describedby="id_title_helptext">')
    expect(html).toContain(`<option value="${author.id}">Author object (${author.id})</option>`)
    expect(html).toContain('<option value="d" selected>Draft</option>')
    expect(html).toContain('name="rating" value="0" min="-32768" max="32767"')
    expect(String(await new (modelForm(Author, { fields: ['name'] }))().prepare())).toContain('>Full name</label>')
  })

  it('types cleanedData from the model: columns, keys for relations, lists for many-to-many', async () => {
    const form = new PostForm().bind({ title: 'T', status: 'd', rating: '1', price: '1' })
    expect(await form.isValid()).toBe(true)
    expectTypeOf(form.cleanedData.title).toEqualTypeOf<string>()
    expectTypeOf(form.cleanedData.author).toEqualTypeOf<number | null>()
    expectTypeOf(form.cleanedData.tags).toEqualTypeOf<number[]>()
    expectTypeOf(form.cleanedData.publishedOn).toEqualTypeOf<string | null>()
    expect(form.cleanedData).toMatchObject({ author: null, tags: [], publishedOn: null, subtitle: null, body: '' })
  })

  it('creates a row and then its many-to-many links on save()', async () => {
    const author = await Author.objects.create({ name: 'Ann', email: 'ann@example.com' })
    const [a, b] = [await Tag.objects.create({ name: 'a' }), await Tag.objects.create({ name: 'b' })]
    const form = new PostForm().bind({ title: 'Hello', author: String(author.id), tags: [String(a.id), String(b.id)], status: 'p', rating: '3', price: '12.5', featured: 'on' })
    expect(await form.isValid()).toBe(true)
    const post = await form.save()
    const saved = await Post.objects.get({ pk: post.id })
    expect(saved).toMatchObject({ title: 'Hello', authorId: author.id, status: 'p', rating: 3, price: '12.50', featured: true })
    expect((await saved.tags.all().list()).map((tag) => tag.name).sort()).toEqual(['a', 'b'])
  })

  it('refuses a key that is not among the choices (a forged or deleted row)', async () => {
    // 99999999999 does not fit the integer key column: refused before PostgreSQL could choke on it.
    const form = new PostForm().bind({ title: 'x', author: '99999999999', tags: ['1', 'abc'], status: 'd', rating: '0', price: '0' })
    expect(await form.isValid()).toBe(false)
    expect(form.errors.author).toEqual(['Select a valid choice. That choice is not one of the available choices.'])
    expect(form.errors.tags).toEqual(['Select a valid choice. That choice is not one of the available choices.'])
    const missing = new PostForm().bind({ title: 'x', author: '999999', tags: ['999999'], status: 'd', rating: '0', price: '0' })
    expect(await missing.isValid()).toBe(false)
    expect(missing.errors.author).toEqual(['Select a valid choice. That choice is not one of the available choices.'])
    expect(missing.errors.tags).toEqual(['Select a valid choice. 999999 is not one of the available choices.'])
  })

  it('checks unique fields against the database', async () => {
    await Author.objects.create({ name: 'Ann', email: 'ann@example.com' })
    const AuthorForm = modelForm(Author, { fields: '__all__' })
    const form = new AuthorForm().bind({ name: 'Other', email: 'ann@example.com' })
    expect(await form.isValid()).toBe(false)
    expect(form.errors.email).toEqual(['author with this email already exists.'])
    expect(form.hasError('email', 'unique')).toBe(true)
  })

  it('checks uniqueTogether, excluding the edited row itself on update', async () => {
    const author = await Author.objects.create({ name: 'Ann', email: 'ann@example.com' })
    const post = await Post.objects.create({ title: 'Same', author })
    const data = { title: 'Same', author: String(author.id), status: 'd', rating: '0', price: '0' }
    const duplicate = new PostForm().bind(data)
    expect(await duplicate.isValid()).toBe(false)
    expect(duplicate.errors.__all__).toEqual(['post with this title and author already exists.'])
    const update = new PostForm({ instance: post }).bind({ ...data, rating: '5' })
    expect(await update.isValid()).toBe(true)
    await update.save()
    expect((await Post.objects.get({ pk: post.id })).rating).toBe(5)
    expect(await Post.objects.count()).toBe(1)
  })

  it('shows the instance values (and its many-to-many links after prepare) in an update form', async () => {
    const tag = await Tag.objects.create({ name: 'news' })
    const post = await Post.objects.create({ title: 'Old <title>', rating: 2 })
    await post.tags.add(tag)
    const html = String(await new PostForm({ instance: post }).prepare())
    expect(html).toContain('name="title" value="Old &lt;title&gt;"')
    expect(html).toContain(`<option value="${tag.id}" selected>Tag object (${tag.id})</option>`)
  })

  it('saves nothing with commit: false until the caller does, then saveM2m()', async () => {
    const tag = await Tag.objects.create({ name: 'x' })
    const form = new PostForm().bind({ title: 'Later', tags: [String(tag.id)], status: 'd', rating: '0', price: '0' })
    const post = await form.save({ commit: false })
    expect(await Post.objects.count()).toBe(0)
    post.rating = 9
    await post.save()
    await form.saveM2m()
    expect((await Post.objects.get({ pk: post.id })).rating).toBe(9)
    expect(await post.tags.all().count()).toBe(1)
  })

  it('refuses to save an invalid form with a coded error', async () => {
    await expect(new PostForm().bind({}).save()).rejects.toMatchObject({ code: 'forms.save_invalid' })
  })

  it('honours exclude, labels, widgets and extra fields', async () => {
    const Short = modelForm(Author, {
      exclude: ['email'],
      labels: { name: 'Who' },
      widgets: { name: widgets.textarea() },
      extraFields: { nickname: field.char({ required: false }) },
    })
    const form = new Short()
    expect(Object.keys(form.fields)).toEqual(['name', 'nickname'])
    const html = String(form)
    expect(html).toContain('>Who</label>')
    expect(html).toContain('<textarea name="name"')
    form.bind({ name: 'A', nickname: 'a' })
    expect(await form.isValid()).toBe(true)
    expectTypeOf(form.cleanedData.nickname).toEqualTypeOf<string>()
  })

  it('fails at declaration on unknown or uneditable fields, naming them', () => {
    expect(() => modelForm(Post, { fields: ['nope' as never] })).toThrowError(expect.objectContaining({ code: 'forms.unknown_model_field' }))
    expect(() => modelForm(Post, { fields: ['created' as never] })).toThrowError(expect.objectContaining({ code: 'forms.uneditable_field' }))
    expect(() => modelForm(Post, {} as never)).toThrowError(expect.objectContaining({ code: 'forms.no_fields' }))
  })
})
