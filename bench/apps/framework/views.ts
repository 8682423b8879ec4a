/**
 * @module The benchmark's views, one per workload: W1 plaintext, W2 JSON, W3 twenty rows of a
 * thousand through the QuerySet and an autoescaping template.
 */
import { HttpResponse, JsonResponse, render, type HttpRequest } from '../../../framework/index.ts'
import { Row } from './models.ts'

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
