/**
 * @module `framework collectstatic`: copies the static files into STATIC_ROOT with hashed names
 * and writes the manifest (framework/contrib/staticfiles).
 */
import { collectStatic } from '../../contrib/staticfiles/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS_MODULE, loadProjectSettings } from './showurls.ts'

/** `framework collectstatic [--settings MODULE] [--clear]`. */
export const collectstaticCommand: Command = {
  name: 'collectstatic',
  summary: 'Collect static files into STATIC_ROOT, with content-hashed names and a manifest.',
  usage: 'framework collectstatic [--settings MODULE] [--clear]',
  help: [
    "Copies every file of STATICFILES_DIRS and of each installed app's static/ folder into",
    'STATIC_ROOT twice: under its own name and under a name with a hash of its content',
    '(css/site.css -> css/site.<hash>.css), and writes staticfiles.json, which the static()',
    'template helper reads when DEBUG is off. The first root holding a path wins.',
    '',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS_MODULE})`,
    '  --clear            empty STATIC_ROOT first',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('collectstatic', argv, {
      settings: { type: 'string' },
      clear: { type: 'boolean' },
    })
    if (positionals.length)
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework collectstatic [--clear]',
      })
    const settings = await loadProjectSettings(ctx.cwd, values.settings)
    let result
    try {
      result = collectStatic(settings, { cwd: ctx.cwd, clear: values.clear ?? false })
    } catch (error) {
      throw new CommandError('CLI-E03', (error as Error).message, { cause: error })
    }
    ctx.stdout.write(
      `${result.copied} static file${result.copied === 1 ? '' : 's'} copied to ${result.root}, manifest written.\n`,
    )
    return 0
  },
}
