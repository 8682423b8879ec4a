/**
 * @module `framework serve`: the same command as `serve` (framework/server), run from the
 * framework's command line.
 */
import { runServe, usage } from '../../server/index.ts'
import type { Command } from '../command.ts'

/**
 * `framework serve [options] MODULE[:ATTR]`: the pre-fork production server.
 *
 * @example
 * ```ts
 * // npx framework serve project/wsgi:application --bind 127.0.0.1:8000 --workers 2
 * ```
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the pre-fork production server (Gunicorn-style) for a gateway application.',
  usage: 'framework serve [options] MODULE[:ATTR]',
  help: `${usage()}\nSignals: TERM graceful stop, INT/QUIT fast stop, HUP rolling reload, TTIN/TTOU add/remove a worker, USR2 reopen logs. See docs/server.md.`,
  run: (argv, ctx) =>
    runServe({
      argv,
      env: ctx.env,
      cwd: ctx.cwd,
      signals: process,
      stdout: (text) => void ctx.stdout.write(text),
      stderr: (text) => void ctx.stderr.write(text),
    }),
}
