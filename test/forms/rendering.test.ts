import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineSettings } from '../../framework/conf/index.ts'
import { defineForm, field, formRenderer, widgets } from '../../framework/forms/index.ts'
import { TemplateEngine } from '../../framework/templates/index.ts'

const Contact = defineForm({
  fields: {
    name: field.char({ maxLength: 50, label: 'Your <name>', helpText: 'As on your "ID" & passport' }),
    password: field.password(),
    topic: field.choice({ choices: [['bug', 'A <bug>'], ['idea', 'An idea']] }),
    size: field.choice({ choices: [['s', 'S'], ['l', 'L']], widget: widgets.radio() }),
    tags: field.multipleChoice({ choices: [['a', 'A'], ['b', 'B']], required: false, widget: widgets.checkboxMultiple() }),
    colours: field.multipleChoice({ choices: [['r', 'Red'], ['g', 'Green']] }),
    agree: field.boolean(),
    when: field.dateTime({ required: false }),
    body: field.text({ required: false }),
    token: field.char({ widget: widgets.hidden() }),
    upload: field.file({ required: false, accept: 'image/*' }),
  },
})

describe('rendering an unbound form', () => {
  const html = String(new Contact({ initial: { when: new Date('2024-05-01T10:30:00Z'), tags: ['b'] } }))

  it('renders a label tied to each input by id, with the label escaped', () => {
    expect(html).toContain('<label for="id_name">Your &lt;name&gt;</label>')
    expect(html).toContain('id="id_name"')
  })

  it('marks required fields required, and links help text with aria-describedby', () => {
    expect(html).toMatch(/<input type="text" name="name" maxlength="50" id="id_name" required aria-describedby="id_name_helptext">/)
    expect(html).toContain('<div class="helptext" id="id_name_helptext">As on your &quot;ID&quot; &amp; passport</div>')
    expect(html).not.toMatch(/name="body"[^>]*required/)
  })

  it('renders selects, radios in a fieldset, checkbox groups and a select multiple', () => {
    expect(html).toContain('<option value="bug">A &lt;bug&gt;</option>')
    expect(html).toMatch(/<fieldset>\s*<legend>Size<\/legend>/)
    expect(html).toContain('<input type="radio" name="size" value="s" id="id_size_0" required>')
    expect(html).toContain('<input type="checkbox" name="tags" value="b" id="id_tags_1" checked>')
    expect(html).toMatch(/<select name="colours" id="id_colours" required multiple>/)
  })

  it('formats initial values for their widgets and puts hidden fields last', () => {
    expect(html).toContain('<input type="datetime-local" name="when" value="2024-05-01T10:30" id="id_when">')
    expect(html).toContain('<input type="file" name="upload" accept="image/*" id="id_upload">')
    expect(html.trimEnd().endsWith('<input type="hidden" name="token" id="id_token">')).toBe(true)
    expect(new Contact().isMultipart()).toBe(true)
  })
})

describe('rendering a bound, invalid form', () => {
  it('re-renders the submitted values escaped, never the password, with errors and aria-invalid', async () => {
    const form = new Contact().bind({ name: '"><script>alert(1)</script>' + 'x'.repeat(40), password: 'hunter2', topic: 'idea', colours: ['g'], size: 'l' })
    expect(await form.isValid()).toBe(false)
    const html = String(form)
    expect(html).not.toContain('<script>')
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;xxxx')
    expect(html).not.toContain('hunter2')
    expect(html).toContain('<option value="idea" selected>An idea</option>')
    expect(html).toContain('<input type="radio" name="size" value="l" id="id_size_1" checked required>')
    expect(html).toMatch(/<ul class="errorlist" id="id_agree_error"><li>This field is required.<\/li><\/ul>/)
    expect(html).toMatch(/name="agree" id="id_agree" required aria-invalid="true" aria-describedby="id_agree_error"/)
    expect(html).toContain('aria-describedby="id_name_helptext id_name_error"')
    // A hidden field's error is shown at the top, where the user can see it.
    expect(html).toContain('<ul class="errorlist nonfield"><li>(Hidden field token) This field is required.</li></ul>')
  })

  it('renders single fields and their parts for hand-written templates', async () => {
    const form = new Contact().bind({})
    await form.isValid()
    const name = form.field('name')
    expect(String(name.labelTag())).toBe('<label for="id_name">Your &lt;name&gt;</label>')
    expect(String(name.errorsHtml())).toBe('<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>')
    expect(String(name.widget())).toContain('aria-invalid="true"')
    expect(String(form.field('size').labelTag())).toBe('<label>Size</label>')
    expect([...form].map((bound) => bound.name)).toEqual(Object.keys(Contact.definition.fields))
  })

  it('leaves ids out when autoId is false', () => {
    const html = String(new Contact({ autoId: false }))
    expect(html).not.toContain('id="')
    expect(html).not.toContain('for="')
  })
})

describe('template overrides', () => {
  const root = mkdtempSync(join(tmpdir(), 'forms-render-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(root, 'templates', 'forms', 'widgets'), { recursive: true })
  writeFileSync(join(root, 'templates', 'forms', 'widgets', 'input.html'), '<input class="project" type="<%= it.widget.type %>" name="<%= it.widget.name %>"<%~ it.widget.attrsHtml %>>')
  writeFileSync(join(root, 'templates', 'page.html'), '<form method="post"><%~ it.form %></form>')
  const settings = defineSettings(
    { DEBUG: true, TEMPLATES: { DIRS: [join(root, 'templates')], APP_DIRS: false, CONTEXT_PROCESSORS: [] } },
    { env: {} },
  )

  it('uses the project templates/forms/... before the built-in ones', () => {
    const html = String(new Contact({ renderer: formRenderer(settings) }))
    expect(html).toContain('<input class="project" type="text" name="name"')
    // Templates the project does not override still come from the framework.
    expect(html).toContain('<select name="topic"')
  })

  it('renders inside a page template with <%~ it.form %>', () => {
    const page = new TemplateEngine(settings).render('page.html', { form: new Contact({ renderer: formRenderer(settings) }) })
    expect(page.startsWith('<form method="post"><ul') || page.startsWith('<form method="post">\n<div') || page.includes('<div class="field">')).toBe(true)
    expect(page).toContain('class="project"')
  })
})
