/**
 * @module The example project's URLconf (ROOT_URLCONF). The example app's pages are added here
 * as they land; `handler404`/`handler500` exports would replace the default error pages.
 */
import { HttpResponse } from '../framework/index.ts'
import { path } from '../framework/urls/index.ts'

export const urlpatterns = [
  // A placeholder home page until the example app's views replace it.
  path('', () => new HttpResponse('<h1>It works</h1>'), { name: 'home' }),
]
