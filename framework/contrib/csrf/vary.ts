/**
 * @module patchVary(): adds a field to a response's Vary header (Django's patch_vary_headers).
 */
import type { HttpResponseBase } from '../../http/index.ts'

/** Adds `field` to Vary unless it (or `*`) is there. */
export function patchVary(response: HttpResponseBase, field: string): void {
  const current = response.headers.get('Vary')
  const fields = current ? current.split(',').map((f) => f.trim().toLowerCase()) : []
  if (fields.includes(field.toLowerCase()) || fields.includes('*')) return
  response.headers.set('Vary', current ? `${current}, ${field}` : field)
}
