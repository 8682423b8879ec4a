/**
 * @module `framework startproject NAME [DIR]`: writes a new project (package.json, tsconfig,
 * project/ settings, urls and wsgi, templates, static, migrations, a passing test, README,
 * .gitignore) that installs and runs with its own two commands.
 */
import { relative, resolve } from 'node:path'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { frameworkPackage } from '../project-template/framework-location.ts'
import { projectFiles } from '../project-template/project-files.ts'
import { generateSecretKey } from '../project-template/secret-key.ts'
import { checkEmptyTarget, checkIdentifier, writeTree } from '../project-template/write-files.ts'

/**
 * `framework startproject NAME [DIR]`.
 *
 * @example
 * ```ts
 * // npx framework startproject mysite        → ./mysite/
 * // npx framework startproject mysite .      → the current (empty) folder
 * ```
 */
export const startprojectCommand: Command = {
  name: 'startproject',
  summary: 'Create a new project: settings, URLs, templates, a test and a README.',
  usage: 'framework startproject NAME [DIR]',
  help: [
    'Writes a project named NAME into DIR (default ./NAME), which must be empty or new:',
    'package.json, tsconfig.json, vitest.config.ts, project/ (settings.ts with a fresh',
    'SECRET_KEY, urls.ts, wsgi.ts), templates/, static/, migrations/, test/, README.md and',
    '.gitignore. NAME must be an identifier (letters, digits, _).',
    '',
    'The project depends on this framework through a file: reference to this checkout, or on',
    'the registry version when the framework was installed from a registry. Then:',
    '  cd NAME && npm install && npm start     (npm test runs its test)',
  ].join('\n'),
  async run(argv, ctx) {
    const { positionals } = parseCommandArgs('startproject', argv, {})
    const [name, dir, ...extra] = positionals
    if (name === undefined) {
      throw new CommandError('CLI-E02', 'missing NAME: the new project needs a name', {
        hint: 'framework startproject mysite [DIR]',
      })
    }
    if (extra.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(extra[0])}`, {
        hint: 'framework startproject NAME [DIR]',
      })
    }
    checkIdentifier('startproject', 'project', name)
    const target = resolve(ctx.cwd, dir ?? name)
    checkEmptyTarget(target, `framework startproject ${name} path/to/new-folder`)
    const written = writeTree(
      target,
      projectFiles({ name, secretKey: generateSecretKey(), framework: frameworkPackage() }),
    )
    const shown = relative(ctx.cwd, target) || '.'
    ctx.stdout.write(
      [
        `Created project ${name} in ${target} (${written.length} files).`,
        'Next:',
        ...(shown === '.' ? [] : [`  cd ${shown}`]),
        '  npm install && npm start   # then open http://127.0.0.1:8000/',
        '  npm test',
        '',
      ].join('\n'),
    )
    return 0
  },
}
