/**
 * @module The benchmark's views, one per workload: W1 plaintext, W2 JSON, W3 twenty rows of a
 * thousand through the QuerySet and an autoescaping template, W4 a form whose POST passes the
 * CSRF check, reads and writes the session and inserts a row.
 */
import { csrfInput } from '../../../framework/contrib/csrf/index.ts'
import '../../../framework/contrib/sessions/index.ts' // request.session's type
import {
  HttpResponse,
  HttpResponseBadRequest,
  JsonResponse,
  render,
  requireHttpMethods,
  type HttpRequest,
} from '../../../framework/index.ts'
import { Entry, Row } from './models.ts'

/** W1. */
export function plaintext(_request: HttpRequest) {
  return new HttpResponse('Hello, World!', { contentType: 'text/plain; charset=utf-8' })
}

/** W2. */
export function json(_request: HttpRequest) {
  return new JsonResponse({ message: 'Hello, World!' })
}

/** W3. */
export async function rows(request: HttpRequest) {
  const list = await Row.objects.filter({ votes__gte: 50 }).orderBy('id').slice(0, 20).list()
  return render(request, 'rows.html', { title: 'Rows', rows: list })
}

/** W4: GET shows the form (and starts the session); POST saves an entry and counts it. */
export const form = requireHttpMethods(['GET', 'POST'])(async (request: HttpRequest) => {
  const posted = request.session.get<number>('posted') ?? 0
  if (request.method === 'GET') {
    request.session.set('posted', posted)
    return render(request, 'form.html', { posted, csrfInput: csrfInput(request) })
  }
  const text = request.POST.get('text') ?? ''
  if (text.length === 0 || text.length > 200) {
    return new HttpResponseBadRequest('text: 1 to 200 characters', {
      contentType: 'text/plain; charset=utf-8',
    })
  }
  await Entry.objects.create({ text, createdAt: new Date() })
  request.session.set('posted', posted + 1)
  return new HttpResponse(`saved entry ${posted + 1}`, { contentType: 'text/plain; charset=utf-8' })
})
