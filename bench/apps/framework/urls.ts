/**
 * @module The benchmark application's URLconf (W4's form joins it when sessions and CSRF exist).
 */
import { path } from '../../../framework/index.ts'
import { json, plaintext, rows } from './views.ts'

export const urlpatterns = [
  path('plaintext', plaintext, { name: 'plaintext' }),
  path('json', json, { name: 'json' }),
  path('rows', rows, { name: 'rows' }),
]
