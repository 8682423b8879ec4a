/**
 * @module `framework createsuperuser`: creates a user with isStaff and isSuperuser, asking for
 * the username, email and password (twice, checked by AUTH_PASSWORD_VALIDATORS), or, with
 * `--noinput`, taking them from options and the FRAMEWORK_SUPERUSER_USERNAME,
 * FRAMEWORK_SUPERUSER_EMAIL and FRAMEWORK_SUPERUSER_PASSWORD environment variables (Django's
 * DJANGO_SUPERUSER_*). Also creates the default permissions of every installed model, which
 * have no post-migrate hook yet.
 */
import { userInfo } from 'node:os'
import {
  createPermissions,
  createSuperuser,
  getUserModel,
  usernameField,
  validatePassword,
} from '../../contrib/auth/index.ts'
import type { Settings } from '../../conf/index.ts'
import { closeConnections, type AppRegistry } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command, CommandContext } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { asCommandError, loadMigrationProject } from './migrate.ts'

/** Reads answers from the command's stdin: lines, and passwords without echo on a terminal. */
export interface Prompt {
  line(question: string): Promise<string | undefined>
  secret(question: string): Promise<string | undefined>
}

/** A Prompt over `ctx.stdin`/`ctx.stdout`; on a TTY, secrets are read in raw mode (no echo). */
export function createPrompt(ctx: CommandContext): Prompt {
  const stdin = ctx.stdin as AsyncIterable<Uint8Array | string> & {
    isTTY?: boolean
    setRawMode?: (raw: boolean) => unknown
  }
  const iterator = stdin[Symbol.asyncIterator]()
  let buffer = ''
  let ended = false
  const readLine = async (): Promise<string | undefined> => {
    for (;;) {
      const newline = buffer.search(/[\r\n]/)
      if (newline >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + (buffer.slice(newline, newline + 2) === '\r\n' ? 2 : 1))
        return line
      }
      if (ended) {
        if (!buffer) return undefined
        const rest = buffer
        buffer = ''
        return rest
      }
      const next = await iterator.next()
      if (next.done) ended = true
      else {
        const text =
          typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('utf8')
        // Ctrl-C and Ctrl-D arrive as characters in raw mode.
        if (text.includes('\u0003'))
          throw new CommandError('CLI-E03', 'interrupted', { exitCode: 130 })
        buffer += text
        if (text.includes('\u0004')) ended = true
      }
    }
  }
  return {
    async line(question) {
      ctx.stdout.write(question)
      return readLine()
    },
    async secret(question) {
      ctx.stdout.write(question)
      const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function'
      if (raw) stdin.setRawMode?.(true)
      try {
        return await readLine()
      } finally {
        if (raw) {
          stdin.setRawMode?.(false)
          ctx.stdout.write('\n')
        }
      }
    },
  }
}

/** The project: settings loaded, databases configured, apps loaded; a missing table explained. */
export async function loadAuthProject(ctx: CommandContext, settingsModule: string | undefined) {
  const project = await loadMigrationProject(ctx, settingsModule)
  if (!project.apps.has('auth') && project.settings.AUTH_USER_MODEL === 'auth.User') {
    throw new CommandError('CLI-E03', 'the auth app is not installed', {
      hint: "add 'framework/contrib/auth' to INSTALLED_APPS, then run 'framework migrate'",
    })
  }
  return project
}

/** A database error about a missing table, as a CommandError that says to migrate. */
export function missingTable(error: unknown): unknown {
  if (error instanceof CommandError) return error
  const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: Error })?.cause?.message ?? '')}`
  if (/no such table|does not exist/.test(text)) {
    return new CommandError(
      'CLI-E03',
      `the database has no user table (${text.trim().split('\n')[0]})`,
      {
        hint: "run 'framework migrate' first",
        cause: error,
      },
    )
  }
  return asCommandError(error)
}

async function usernameProblem(settings: Settings, username: string): Promise<string | undefined> {
  if (!username) return 'This field cannot be blank.'
  if ([...username].length > 150) return 'Ensure this value has at most 150 characters.'
  const model = getUserModel(settings)
  const field = usernameField(model)
  if (await model.objects.filter({ [field]: username } as never).exists()) {
    return `That ${field} is already taken.`
  }
  return undefined
}

async function interactive(
  ctx: CommandContext,
  settings: Settings,
  given: { username: string | undefined; email: string | undefined },
) {
  const prompt = createPrompt(ctx)
  const model = getUserModel(settings)
  const field = usernameField(model)
  const fallback = (() => {
    try {
      return userInfo().username.toLowerCase()
    } catch {
      return ''
    }
  })()
  const defaultName = fallback && !(await usernameProblem(settings, fallback)) ? fallback : ''
  let username = given.username
  for (;;) {
    if (username === undefined) {
      const answer = await prompt.line(
        `${field === 'email' ? 'Email address' : 'Username'}${defaultName ? ` (leave blank to use '${defaultName}')` : ''}: `,
      )
      if (answer === undefined)
        throw new CommandError('CLI-E03', 'no username given (stdin ended)', {
          hint: 'use --noinput with FRAMEWORK_SUPERUSER_USERNAME to run without a terminal',
        })
      username = answer.trim() || defaultName
    }
    const problem = await usernameProblem(settings, username)
    if (!problem) break
    ctx.stderr.write(`Error: ${problem}\n`)
    username = undefined
  }
  let email = given.email
  if (email === undefined && field !== 'email' && model.meta.byName.has('email')) {
    email = ((await prompt.line('Email address: ')) ?? '').trim()
  }
  for (;;) {
    const password = await prompt.secret('Password: ')
    const again = await prompt.secret('Password (again): ')
    if (password === undefined || again === undefined) {
      throw new CommandError('CLI-E03', 'no password given (stdin ended)', {
        hint: 'use --noinput with FRAMEWORK_SUPERUSER_PASSWORD to run without a terminal',
      })
    }
    if (password !== again) {
      ctx.stderr.write("Error: Your passwords didn't match.\n")
      continue
    }
    if (password.trim() === '') {
      ctx.stderr.write("Error: Blank passwords aren't allowed.\n")
      continue
    }
    const issues = await validatePassword(password, settings, {
      [field]: username,
      email: email ?? '',
    })
    if (issues.length) {
      for (const issue of issues) ctx.stderr.write(`${issue.message}\n`)
      const bypass = await prompt.line('Bypass password validation and create user anyway? [y/N]: ')
      if (!/^y(es)?$/i.test((bypass ?? '').trim())) continue
    }
    return { username, email, password }
  }
}

/** `framework createsuperuser [--username NAME] [--email EMAIL] [--noinput] [--settings MODULE]`. */
export const createsuperuserCommand: Command = {
  name: 'createsuperuser',
  summary: 'Create a superuser (interactive, or --noinput with FRAMEWORK_SUPERUSER_* variables).',
  usage:
    'framework createsuperuser [--username NAME] [--email EMAIL] [--noinput] [--settings MODULE]',
  help: [
    'Asks for a username, an email address and a password (twice; AUTH_PASSWORD_VALIDATORS check it,',
    'and you may bypass them), then creates the user with isStaff and isSuperuser set. Creates the',
    'default permissions (add/change/delete/view) of every installed model that lacks them.',
    '',
    '  --username NAME   the username (else asked, or FRAMEWORK_SUPERUSER_USERNAME)',
    '  --email EMAIL     the email address (else asked, or FRAMEWORK_SUPERUSER_EMAIL)',
    '  --noinput         ask nothing: FRAMEWORK_SUPERUSER_PASSWORD sets the password (not',
    '                    validated, as in Django); without it the password is unusable',
    `  --settings MODULE the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('createsuperuser', argv, {
      username: { type: 'string' },
      email: { type: 'string' },
      noinput: { type: 'boolean' },
      'no-input': { type: 'boolean' },
      settings: { type: 'string' },
    })
    if (positionals.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework createsuperuser --username admin --email admin@example.com',
      })
    }
    const noinput = values.noinput === true || values['no-input'] === true
    const { settings, apps } = await loadAuthProject(ctx, values.settings)
    try {
      let answers: { username: string; email: string | undefined; password: string | null }
      if (noinput) {
        const username = values.username ?? ctx.env['FRAMEWORK_SUPERUSER_USERNAME'] ?? ''
        if (!username) {
          throw new CommandError(
            'CLI-E02',
            'no username: --noinput needs --username or FRAMEWORK_SUPERUSER_USERNAME',
            {
              hint: 'FRAMEWORK_SUPERUSER_USERNAME=admin FRAMEWORK_SUPERUSER_PASSWORD=... framework createsuperuser --noinput',
            },
          )
        }
        const problem = await usernameProblem(settings, username)
        if (problem)
          throw new CommandError('CLI-E03', `${problem} (${JSON.stringify(username)})`, {
            hint: 'choose another --username',
          })
        answers = {
          username,
          email: values.email ?? ctx.env['FRAMEWORK_SUPERUSER_EMAIL'],
          password: ctx.env['FRAMEWORK_SUPERUSER_PASSWORD'] || null,
        }
      } else {
        answers = await interactive(ctx, settings, {
          username: values.username,
          email: values.email,
        })
      }
      await createPermissions(apps as AppRegistry)
      const model = getUserModel(settings)
      await createSuperuser(
        {
          [usernameField(model)]: answers.username,
          ...(answers.email !== undefined &&
          usernameField(model) !== 'email' &&
          model.meta.byName.has('email')
            ? { email: answers.email }
            : {}),
          password: answers.password,
        },
        settings,
      )
      ctx.stdout.write('Superuser created successfully.\n')
      return 0
    } catch (error) {
      throw missingTable(error)
    } finally {
      await closeConnections()
    }
  },
}
