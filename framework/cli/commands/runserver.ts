/**
 * @module `framework runserver [addr:port]`: the development server. Loads project/wsgi.ts,
 * serves static files when DEBUG, shows the debug page, logs one line per request, and restarts
 * its code process when a source file changes. Not for production: that is `framework serve`.
 */
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DevServer } from '../dev-server/dev-server.ts'
import { devUrl, parseDevAddress } from '../dev-server/parse-address.ts'
import { DEFAULT_APPLICATION, DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { wantsColour } from '../dev-server/request-log.ts'

/**
 * `framework runserver [addr:port] [--app MODULE:ATTR] [--settings MODULE] [--noreload] [--nostatic]`.
 *
 * @example
 * ```ts
 * // npx framework runserver            → http://127.0.0.1:8000/
 * // npx framework runserver 0.0.0.0:8080
 * ```
 */
export const runserverCommand: Command = {
  name: 'runserver',
  summary:
    'Run the development server: reloads on change, serves static files (not for production).',
  usage:
    'framework runserver [[ADDR:]PORT] [--app MODULE:ATTR] [--settings MODULE] [--noreload] [--nostatic]',
  help: [
    'Serves the project at ADDR:PORT (default 127.0.0.1:8000) for development: the debug page',
    'on errors, static files from STATICFILES_DIRS and apps when DEBUG, one line per request',
    '(coloured on a terminal; NO_COLOR/FORCE_COLOR override).',
    '',
    'Reloading: a change to a project .ts/.html/.json file starts a fresh process with the new',
    'code; it takes over once loaded, usually within a second. If the new code fails to load',
    '(a syntax error, a settings error), every request gets an error page naming the file and',
    'line, until the next change loads: fixing the file recovers without a restart. At start,',
    'code that does not load stops the command with the reason and exit code 1.',
    '',
    `  --app MODULE:ATTR   the gateway application (default ${DEFAULT_APPLICATION})`,
    `  --settings MODULE   the settings module (default ${DEFAULT_SETTINGS})`,
    '  --noreload          do not watch the sources',
    '  --nostatic          do not serve STATIC_URL (the project may still route it)',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('runserver', argv, {
      app: { type: 'string' },
      settings: { type: 'string' },
      noreload: { type: 'boolean' },
      nostatic: { type: 'boolean' },
    })
    if (positionals.length > 1) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[1])}`, {
        hint: 'framework runserver [ADDR:]PORT',
      })
    }
    const address = parseDevAddress(positionals[0])
    const server = new DevServer({
      cwd: ctx.cwd,
      address,
      settings: values.settings ?? DEFAULT_SETTINGS,
      app: values.app ?? DEFAULT_APPLICATION,
      reload: !values.noreload,
      static: !values.nostatic,
      colour: wantsColour(ctx.stdout as { isTTY?: boolean }, ctx.env),
      env: ctx.env,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
    })
    ctx.stdout.write('Performing system checks and loading the project...\n')
    await server.start()
    const stop = () => void server.stop()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    ctx.stdout.write(
      [
        `Starting development server at ${devUrl(server.address)}`,
        'WARNING: This is a development server. Do not use it in a production setting.',
        `Use a production server instead: framework serve ${values.app ?? DEFAULT_APPLICATION}`,
        values.noreload ? 'Reloading is off (--noreload).' : 'Watching for file changes.',
        'Quit the server with CONTROL-C.',
        '',
      ].join('\n'),
    )
    await server.closed
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    return 0
  },
}
