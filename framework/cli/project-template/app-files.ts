/**
 * @module The files `framework startapp NAME` writes: an app folder with models, views, urls,
 * templates, migrations, tests and an admin registration placeholder.
 */

/**
 * Every file of a new app, path relative to the app folder → content.
 *
 * @param name the app's name, an identifier (`polls`)
 * @param pkg the framework's package name, which the files import (`framework`)
 *
 * @example
 * ```ts
 * import { appFiles } from './app-files.ts'
 *
 * Object.keys(appFiles('polls', 'framework')) // ['models.ts', 'views.ts', 'urls.ts', ...]
 * ```
 */
export function appFiles(name: string, pkg: string): Record<string, string> {
  return {
    'models.ts': `/**
 * @module The models of the ${name} app. Declare each model here, then
 * \`npx ${pkg} makemigrations ${name}\` writes its migration and \`npx ${pkg} migrate\` applies it.
 * For example:
 *
 *   import { defineModel, fields } from '${pkg}/db'
 *
 *   export const Question = defineModel('Question', {
 *     questionText: fields.char({ maxLength: 200 }),
 *     pubDate: fields.dateTime(),
 *   }, { appLabel: '${name}' })
 */
export {}
`,
    'views.ts': `/**
 * @module The views of the ${name} app: functions (request, params) => response, or View classes.
 */
import { render, type HttpRequest } from '${pkg}'

/** The app's index page. */
export function index(request: HttpRequest) {
  return render(request, '${name}/index.html', { title: '${name}' })
}
`,
    'urls.ts': `/**
 * @module The URL patterns of the ${name} app. Mount them in project/urls.ts:
 * \`path('${name}/', include(${name}Urls, { namespace: '${name}' }))\`.
 */
import { path } from '${pkg}'
import { index } from './views.ts'

export const urlpatterns = [path('', index, { name: 'index' })] as const
`,
    'admin.ts': `/**
 * @module The admin registration of the ${name} app: register its models with the admin site
 * here once the admin (framework/contrib/admin) is enabled in INSTALLED_APPS.
 */
export {}
`,
    [`templates/${name}/index.html`]: `<h1><%= it.title %></h1>
<p>The index page of the ${name} app: edit ${name}/templates/${name}/index.html.</p>
`,
    'migrations/.gitkeep': '',
    'tests/views.test.ts': `/**
 * The ${name} app's views, through the test Client with a URLconf of the app alone.
 */
import { describe, expect, it } from 'vitest'
import { defineSettings, getGatewayApplication } from '${pkg}'
import { Client } from '${pkg}/testing'
import * as urls from '../urls.ts'

const settings = defineSettings(
  {
    DEBUG: false,
    SECRET_KEY: 'a-test-key-only',
    ALLOWED_HOSTS: ['testserver'],
    INSTALLED_APPS: ['${name}'],
    ROOT_URLCONF: urls,
  },
  { env: {} },
)

describe('${name} views', () => {
  it('renders ${name}/index.html at the app root', async () => {
    const response = await new Client(getGatewayApplication(settings)).get('/')
    expect(response.status).toBe(200)
    expect(response.templateName).toBe('${name}/index.html')
  })
})
`,
  }
}
