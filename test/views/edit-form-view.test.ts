import { afterAll, describe, expect, it } from 'vitest'
import { defineForm, field, type Form } from '../../framework/forms/index.ts'
import { HttpResponseRedirect, type HttpResponseBase } from '../../framework/http/index.ts'
import { FormView } from '../../framework/views/index.ts'
import { bodyText, makeRequest, templateSite } from './support.ts'

const site = templateSite({
  'contact.html': '<form method="post" enctype="multipart/form-data"><%~ it.form %></form>',
  // A project override of one form template, picked up by the view's renderer.
  'forms/errors.html': '<% if (it.errors.length) { %><p class="oops"><%= it.errors.join(" / ") %></p><% } %>',
})
afterAll(() => site.cleanup())
const { settings } = site

const ContactForm = defineForm({
  fields: {
    email: field.email(),
    message: field.text({ maxLength: 200 }),
    attachment: field.file({ required: false }),
  },
})

const sent: unknown[] = []

class ContactView extends FormView {
  override templateName = 'contact.html'
  override formClass = ContactForm
  override successUrl = '/thanks/'
  override initial = { message: 'Hello' }
  override async formValid(form: Form): Promise<HttpResponseBase> {
    const data = form.cleanedData as InstanceType<typeof ContactForm>['cleanedData']
    sent.push({ email: data.email, file: data.attachment ? [data.attachment.filename, await data.attachment.text()] : null })
    return super.formValid(form)
  }
}

const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
  makeRequest(settings, { method: 'POST', body, headers: { 'Content-Type': contentType } })

describe('FormView', () => {
  it('shows the unbound form with its initial values on GET', async () => {
    const response = await ContactView.asView()(makeRequest(settings), {})
    const html = await bodyText(response)
    expect(response.status).toBe(200)
    expect(html).toContain('<input type="email" name="email" id="id_email" required>')
    expect(html).toMatch(/<textarea name="message"[^>]*>\nHello<\/textarea>/)
    expect((response.context?.['form'] as Form).isBound).toBe(false)
  })

  it('redirects to successUrl after a valid POST', async () => {
    const response = await ContactView.asView()(post('email=a%40example.com&message=Hi'), {})
    expect(response).toBeInstanceOf(HttpResponseRedirect)
    expect([response.status, response.headers.get('Location')]).toEqual([302, '/thanks/'])
  })

  it('re-renders with errors (200) and the user’s input after an invalid POST, through project templates', async () => {
    const response = await ContactView.asView()(post('email=nope&message=%3Cb%3Ehi%3C%2Fb%3E'), {})
    const html = await bodyText(response)
    expect(response.status).toBe(200)
    expect(html).toContain('<p class="oops">Enter a valid email address.</p>')
    expect(html).toContain('value="nope"')
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt;</textarea>')
    expect(html).toContain('aria-invalid="true"')
  })

  it('binds uploaded files from a multipart body', async () => {
    const boundary = 'XyZ'
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="email"',
      '',
      'b@example.com',
      `--${boundary}`,
      'Content-Disposition: form-data; name="message"',
      '',
      'With a file',
      `--${boundary}`,
      'Content-Disposition: form-data; name="attachment"; filename="../../notes.txt"',
      'Content-Type: text/plain',
      '',
      'file body',
      `--${boundary}--`,
      '',
    ].join('\r\n')
    sent.length = 0
    const response = await ContactView.asView()(post(body, `multipart/form-data; boundary=${boundary}`), {})
    expect(response.status).toBe(302)
    expect(sent).toEqual([{ email: 'b@example.com', file: ['notes.txt', 'file body'] }])
  })

  it('fails with coded errors when formClass or successUrl is missing', async () => {
    await expect(FormView.asView({ templateName: 'contact.html' })(makeRequest(settings), {})).rejects.toMatchObject({ code: 'views.no_form_class' })
    await expect(
      FormView.asView({ templateName: 'contact.html', formClass: ContactForm })(post('email=a%40example.com&message=x'), {}),
    ).rejects.toMatchObject({ code: 'views.no_success_url' })
  })
})
