/**
 * @module The benchmark application's URLconf: one route per workload.
 */
import { path } from '../../../framework/index.ts'
import { form, json, plaintext, rows } from './views.ts'

export const urlpatterns = [
  path('plaintext', plaintext, { name: 'plaintext' }),
  path('json', json, { name: 'json' }),
  path('rows', rows, { name: 'rows' }),
  path('form', form, { name: 'form' }),
]
