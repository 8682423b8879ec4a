/**
 * @module The files `framework startproject NAME` writes, as a map from relative path to text.
 * Kept as template strings (not a folder of files) so the package needs no copy step and every
 * placeholder is a typed parameter.
 */
import type { FrameworkPackage } from './framework-location.ts'

/** What the project files are made from. */
export interface ProjectTemplateOptions {
  /** The project's name, an identifier (`mysite`). */
  name: string
  /** A fresh SECRET_KEY (generateSecretKey()). */
  secretKey: string
  /** The framework package the project depends on (frameworkPackage()). */
  framework: Pick<
    FrameworkPackage,
    'name' | 'dependency' | 'installed' | 'root' | 'version' | 'toolVersions'
  >
}

/** The compiler options of this repository's tsconfig.json, which a new project shares. */
const compilerOptions = {
  target: 'ES2023',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  isolatedModules: true,
  forceConsistentCasingInFileNames: true,
}

/**
 * Every file of a new project, path (with `/`) → content. Empty folders get a `.gitkeep`.
 *
 * @example
 * ```ts
 * import { projectFiles } from './project-files.ts'
 *
 * const files = projectFiles({ name: 'mysite', secretKey: generateSecretKey(), framework: frameworkPackage() })
 * files['project/settings.ts'] // "import { defineSettings } from 'framework'\n..."
 * ```
 */
export function projectFiles(options: ProjectTemplateOptions): Record<string, string> {
  const { name, secretKey, framework } = options
  const pkg = framework.name
  return {
    'package.json': json({
      name: name.toLowerCase(),
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: {
        start: `${pkg} runserver`,
        // On a fresh test database with the apps' tables, not the development one.
        test: `${pkg} test`,
        check: `${pkg} check`,
        typecheck: 'tsc --noEmit -p .',
      },
      dependencies: { [pkg]: framework.dependency },
      devDependencies: {
        '@types/node': framework.toolVersions['@types/node'],
        typescript: framework.toolVersions.typescript,
        vitest: framework.toolVersions.vitest,
      },
    }),
    'tsconfig.json': json({
      compilerOptions,
      // Apps are folders at the top (startapp), so everything but node_modules is checked.
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    }),
    'vitest.config.ts': `import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Every *.test.ts outside node_modules: test/ and each app's tests/ folder.
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // The framework ships TypeScript sources: let vitest transform them even from node_modules.
    server: { deps: { inline: ['${pkg}'] } },
  },
})
`,
    '.gitignore': [
      'node_modules/',
      '*.sqlite3',
      '*.sqlite3-*',
      'staticfiles/',
      'coverage/',
      '',
    ].join('\n'),
    'README.md': readme(options),
    'project/settings.ts': `/**
 * @module The settings of ${name}, validated at start by defineSettings().
 *
 * Production overrides come from the environment: SECRET_KEY, DEBUG, ALLOWED_HOSTS and
 * DATABASE_URL. Run \`npx ${pkg} check --deploy\` before a deployment.
 */
import { defineSettings } from '${pkg}'

export const settings = defineSettings({
  DEBUG: true,
  // Generated for this project by startproject. Keep it secret: production sets SECRET_KEY in
  // the environment instead.
  SECRET_KEY: '${secretKey}',
  ALLOWED_HOSTS: ['localhost', '127.0.0.1', '[::1]', 'testserver'],
  // Your apps, as folders: \`npx ${pkg} startapp polls\` then add 'polls' here.
  INSTALLED_APPS: [],
  MIDDLEWARE: ['SecurityMiddleware', 'CommonMiddleware', 'XFrameOptionsMiddleware'],
  ROOT_URLCONF: 'project/urls.ts',
  TEMPLATES: {
    DIRS: ['templates'],
    APP_DIRS: true,
    CONTEXT_PROCESSORS: ['request', 'debug', 'static'],
  },
  STATIC_URL: '/static/',
  STATIC_ROOT: 'staticfiles',
  STATICFILES_DIRS: ['static'],
  DATABASES: { default: { URL: 'sqlite:db.sqlite3' } },
})
`,
    'project/urls.ts': `/**
 * @module The URLconf of ${name} (ROOT_URLCONF): one path() per page, apps mounted with include().
 */
import { path, TemplateView } from '${pkg}'

export const urlpatterns = [
  path('', TemplateView.asView({ templateName: 'home.html' }), { name: 'home' }),
]
`,
    'project/wsgi.ts': `/**
 * @module ${name} as a gateway application: what \`${pkg} runserver\` and \`${pkg} serve\` load.
 * setup() comes first: it opens DATABASES and loads the models of INSTALLED_APPS.
 */
import { fileURLToPath } from 'node:url'
import { getGatewayApplication, setup } from '${pkg}'
import { settings } from './settings.ts'

// INSTALLED_APPS are folders of the project, wherever the process was started from.
await setup(settings, { cwd: fileURLToPath(new URL('..', import.meta.url)) })

export const application = getGatewayApplication(settings)
`,
    'templates/base.html': `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><%~ block('title', () => { %>${name}<% }) %></title>
  <link rel="stylesheet" href="<%= static('css/site.css') %>">
</head>
<body>
<main>
<%~ it.body %>
</main>
</body>
</html>
`,
    'templates/home.html': `<% layout('base.html') %>
<% block('title', () => { %>${name} · it works<% }) %>
<h1>${name}: the install worked</h1>
<p>You see this page because DEBUG is on and no other page is configured yet.</p>
<ul>
  <li>Edit <code>templates/home.html</code> or <code>project/urls.ts</code>: the development server reloads.</li>
  <li>Add an app: <code>npx ${pkg} startapp polls</code>, then list it in INSTALLED_APPS.</li>
</ul>
`,
    'static/css/site.css': `/* ${name}'s stylesheet: served by runserver when DEBUG, from STATIC_ROOT after collectstatic. */
body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; line-height: 1.5; }
`,
    'migrations/.gitkeep': '',
    'test/home.test.ts': `/**
 * The start page, through the framework's test Client (in process, no socket).
 */
import { describe, expect, it } from 'vitest'
import { Client } from '${pkg}/testing'
import { application } from '../project/wsgi.ts'

describe('the start page', () => {
  it('answers 200 with the project name', async () => {
    const response = await new Client(application).get('/')
    expect(response.status).toBe(200)
    expect(response.text).toContain('${name}: the install worked')
  })
})
`,
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

function readme({ name, framework }: ProjectTemplateOptions): string {
  const pkg = framework.name
  return `# ${name}

A project of the \`${pkg}\` web framework, made by \`${pkg} startproject ${name}\`.

## Run it

\`\`\`sh
npm install && npm start
\`\`\`

then open http://127.0.0.1:8000/. \`npm start\` runs the development server
(\`${pkg} runserver\`): it reloads when a .ts or .html file changes, serves static/ and shows
the debug page on errors. It is not for production: use \`npx ${pkg} serve project/wsgi.ts\`.

## Test it

\`\`\`sh
npm test
\`\`\`

## How this project depends on the framework

${
  framework.installed
    ? `package.json depends on \`"${pkg}": "${framework.dependency}"\`, from the npm registry.
To work against a local checkout of the framework instead, write
\`"${pkg}": "file:/path/to/the/checkout"\` and run \`npm install\` again.`
    : `package.json depends on \`"${pkg}": "${framework.dependency}"\`: the framework checkout
this project was made from (a \`file:\` reference, so \`npm install\` links it and works offline).
Once the framework is published, depend on the registry release instead:
\`"${pkg}": "^${framework.version}"\`, then run \`npm install\` again.`
}

## Layout

- \`project/settings.ts\`: the settings (\`npx ${pkg} check\` validates them; \`--deploy\` for production)
- \`project/urls.ts\`: the URLconf; \`project/wsgi.ts\`: the gateway application
- \`templates/\`: the base layout and the start page; \`static/\`: CSS and images
- \`migrations/\`: the database migrations; \`test/\`: the tests (vitest)
`
}
