/**
 * @module `framework changepassword [username]`: sets a user's password, asked twice on stdin
 * (no echo on a terminal) and checked by AUTH_PASSWORD_VALIDATORS; with `--noinput`, taken from
 * FRAMEWORK_PASSWORD. Every session of the user is logged out (the password is in their hash).
 */
import { userInfo } from 'node:os'
import {
  getUserModel,
  setPassword,
  usernameField,
  validatePassword,
  type AuthUser,
} from '../../contrib/auth/index.ts'
import { closeConnections } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { createPrompt, loadAuthProject, missingTable } from './createsuperuser.ts'

const MAX_TRIES = 3

/** `framework changepassword [USERNAME] [--noinput] [--settings MODULE]`. */
export const changepasswordCommand: Command = {
  name: 'changepassword',
  summary: "Change a user's password (logs out their sessions).",
  usage: 'framework changepassword [USERNAME] [--noinput] [--settings MODULE]',
  help: [
    'Asks for the new password twice (AUTH_PASSWORD_VALIDATORS check it; three tries), then saves it.',
    'USERNAME defaults to the name of the user running the command. Every session of the user stops',
    'being logged in.',
    '',
    '  --noinput          ask nothing: the password comes from FRAMEWORK_PASSWORD (validated)',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('changepassword', argv, {
      noinput: { type: 'boolean' },
      'no-input': { type: 'boolean' },
      settings: { type: 'string' },
    })
    if (positionals.length > 1) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[1])}`, {
        hint: 'framework changepassword USERNAME',
      })
    }
    const noinput = values.noinput === true || values['no-input'] === true
    const { settings } = await loadAuthProject(ctx, values.settings)
    try {
      const model = getUserModel(settings)
      const field = usernameField(model)
      const username = positionals[0] ?? userInfo().username
      const user = (await model.objects.filter({ [field]: username } as never).first()) as
        AuthUser | undefined
      if (!user) {
        throw new CommandError('CLI-E03', `user ${JSON.stringify(username)} does not exist`, {
          hint: 'framework changepassword USERNAME (or framework createsuperuser to make one)',
        })
      }
      const attributes = user as unknown as Record<string, unknown>
      let password: string | undefined
      if (noinput) {
        password = ctx.env['FRAMEWORK_PASSWORD']
        if (!password) {
          throw new CommandError(
            'CLI-E02',
            '--noinput needs the new password in FRAMEWORK_PASSWORD',
            {
              hint: `FRAMEWORK_PASSWORD=... framework changepassword ${username} --noinput`,
            },
          )
        }
        const issues = await validatePassword(password, settings, attributes)
        if (issues.length) {
          throw new CommandError(
            'CLI-E03',
            `password refused: ${issues.map((i) => i.message).join(' ')}`,
            {
              hint: 'choose a longer, less common password',
            },
          )
        }
      } else {
        ctx.stdout.write(`Changing password for user '${username}'\n`)
        const prompt = createPrompt(ctx)
        for (let attempt = 1; attempt <= MAX_TRIES && password === undefined; attempt++) {
          const first = await prompt.secret('Password: ')
          const second = await prompt.secret('Password (again): ')
          if (first === undefined || second === undefined) break
          if (first !== second) {
            ctx.stderr.write('Passwords do not match. Please try again.\n')
            continue
          }
          const issues = await validatePassword(first, settings, attributes)
          if (issues.length) {
            ctx.stderr.write(`${issues.map((i) => i.message).join('\n')}\n`)
            continue
          }
          password = first
        }
        if (password === undefined) {
          throw new CommandError(
            'CLI-E03',
            `too many failures, password for ${JSON.stringify(username)} not changed`,
            {
              hint: 'enter the same acceptable password twice',
            },
          )
        }
      }
      await setPassword(user, password, settings)
      await user.save({ updateFields: ['password'] })
      ctx.stdout.write(`Password changed successfully for user '${username}'\n`)
      return 0
    } catch (error) {
      throw missingTable(error)
    } finally {
      await closeConnections()
    }
  },
}
