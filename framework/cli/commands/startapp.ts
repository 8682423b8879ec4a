/**
 * @module `framework startapp NAME [DIR]`: writes an app folder (models, views, urls, templates,
 * migrations, tests, admin registration) and says how to install it.
 */
import { relative, resolve } from 'node:path'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { appFiles } from '../project-template/app-files.ts'
import { frameworkPackage } from '../project-template/framework-location.ts'
import { checkEmptyTarget, checkIdentifier, writeTree } from '../project-template/write-files.ts'

/**
 * `framework startapp NAME [DIR]`.
 *
 * @example
 * ```ts
 * // npx framework startapp polls   → ./polls/, then add 'polls' to INSTALLED_APPS
 * ```
 */
export const startappCommand: Command = {
  name: 'startapp',
  summary: 'Create a new app folder: models, views, urls, templates, migrations, tests.',
  usage: 'framework startapp NAME [DIR]',
  help: [
    'Writes an app named NAME into DIR (default ./NAME, which must be empty or new): models.ts,',
    'views.ts, urls.ts, admin.ts, templates/NAME/index.html, migrations/ and tests/. NAME must',
    'be an identifier. Then add the folder to INSTALLED_APPS in project/settings.ts and mount',
    'its urls in project/urls.ts with include().',
  ].join('\n'),
  async run(argv, ctx) {
    const { positionals } = parseCommandArgs('startapp', argv, {})
    const [name, dir, ...extra] = positionals
    if (name === undefined) {
      throw new CommandError('CLI-E02', 'missing NAME: the new app needs a name', {
        hint: 'framework startapp polls',
      })
    }
    if (extra.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(extra[0])}`, {
        hint: 'framework startapp NAME [DIR]',
      })
    }
    checkIdentifier('startapp', 'app', name)
    const target = resolve(ctx.cwd, dir ?? name)
    checkEmptyTarget(target, `framework startapp ${name} path/to/new-folder`)
    const written = writeTree(target, appFiles(name, frameworkPackage().name))
    const entry = relative(ctx.cwd, target).split('\\').join('/') || '.'
    ctx.stdout.write(
      [
        `Created app ${name} in ${target} (${written.length} files).`,
        `Next: add ${JSON.stringify(entry)} to INSTALLED_APPS in project/settings.ts, and mount its URLs`,
        `in project/urls.ts: path('${name}/', include(${name}Urls, { namespace: '${name}' })) with`,
        `import { urlpatterns as ${name}Urls } from '../${entry}/urls.ts'`,
        '',
      ].join('\n'),
    )
    return 0
  },
}
