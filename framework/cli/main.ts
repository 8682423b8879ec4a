/**
 * @module The `framework` command line: an explicit table of commands, the dispatch from argv to
 * one of them, and the single place that turns a CommandError into `framework <cmd>: error: ...`
 * and an exit code. Run it with `npx framework <command>` (bin/framework.js) or
 * `tsx framework/cli/main.ts <command>`.
 */
import { pathToFileURL } from 'node:url'
import { CommandError, wantsHelp } from './command.ts'
import type { Command, CommandContext } from './command.ts'
import { cgiCommand } from './commands/cgi.ts'
import { serveCommand } from './commands/serve.ts'
import { showurlsCommand } from './commands/showurls.ts'
import { collectstaticCommand } from './commands/collectstatic.ts'
import { startprojectCommand } from './commands/startproject.ts'
import { startappCommand } from './commands/startapp.ts'
import { runserverCommand } from './commands/runserver.ts'
import { checkCommand } from './commands/check.ts'
import { makemigrationsCommand } from './commands/makemigrations.ts'
import { migrateCommand } from './commands/migrate.ts'
import { showmigrationsCommand } from './commands/showmigrations.ts'
import { sqlmigrateCommand } from './commands/sqlmigrate.ts'
import { squashmigrationsCommand } from './commands/squashmigrations.ts'
import { shellCommand } from './commands/shell.ts'
import { dbshellCommand } from './commands/dbshell.ts'
import { dumpdataCommand } from './commands/dumpdata.ts'
import { loaddataCommand } from './commands/loaddata.ts'
import { testCommand } from './commands/test.ts'
import { discoverAppCommands } from './app-commands.ts'
import { clearsessionsCommand } from './commands/clearsessions.ts'
import { createsuperuserCommand } from './commands/createsuperuser.ts'
import { changepasswordCommand } from './commands/changepassword.ts'
import {
  createHelpCommand,
  formatCommandHelp,
  formatCommandList,
  unknownCommandError,
} from './commands/help.ts'

/**
 * Every built-in command, in the order `framework help` lists them. Adding a command is its file
 * in commands/, its import above and one entry here. The compiler checks each entry is a Command.
 */
export const commands: readonly Command[] = [
  createHelpCommand(() => commands),
  cgiCommand,
  serveCommand,
  showurlsCommand,
  collectstaticCommand,
  startprojectCommand,
  startappCommand,
  runserverCommand,
  checkCommand,
  makemigrationsCommand,
  migrateCommand,
  showmigrationsCommand,
  sqlmigrateCommand,
  squashmigrationsCommand,
  clearsessionsCommand,
  createsuperuserCommand,
  changepasswordCommand,
  shellCommand,
  dbshellCommand,
  dumpdataCommand,
  loaddataCommand,
  testCommand,
]

/**
 * Runs `framework <argv...>` and resolves to the exit code. Never throws: a CommandError becomes
 * `framework <cmd>: error: <reason>` and `hint: ...` on stderr; any other error is a bug and is
 * printed with its stack (exit 1).
 *
 * With the default `table`, the installed apps' own commands (`<app>/commands/<name>.ts` of
 * the project in ctx.cwd) are added when the name is not a built-in one, and listed by help;
 * built-in names win over app names (Django's rule is the reverse; ours keeps `help` and `serve`
 * predictable). A test passing its own table gets exactly that table.
 *
 * @example
 * ```ts
 * import { main, processContext } from 'framework/cli/main.ts'
 *
 * process.exitCode = await main(['help'], processContext())
 * ```
 */
export async function main(
  argv: readonly string[],
  ctx: CommandContext,
  table: readonly Command[] = commands,
): Promise<number> {
  const [name, ...rest] = argv
  let label = 'framework'
  try {
    // The apps' commands are looked for only when the built-in table does not answer (listing,
    // help, a name it lacks), so `cgi` and `serve` never import the settings for it.
    const builtin = table.find((candidate) => candidate.name === name && name !== 'help')
    if (!builtin && table === commands) {
      const found = await discoverAppCommands(ctx.cwd)
      const names = new Set(table.map((command) => command.name))
      const extended = [...table, ...found.commands.filter((command) => !names.has(command.name))]
      table = extended.map((command) =>
        command.name === 'help' ? createHelpCommand(() => extended) : command,
      )
      if (found.problem && name !== undefined && !table.some((c) => c.name === name)) {
        ctx.stderr.write(`note: the apps' commands are unknown: ${found.problem}\n`)
      }
    }
    if (name === undefined || name === '--help' || name === '-h') {
      ctx.stdout.write(formatCommandList(table))
      // Bare `framework` is a usage error (the user did not say what to do); --help is not.
      return name === undefined ? 2 : 0
    }
    const command = table.find((candidate) => candidate.name === name)
    if (!command) throw unknownCommandError(name, table)
    label = `framework ${command.name}`
    if (command.name !== 'help' && wantsHelp(rest)) {
      ctx.stdout.write(formatCommandHelp(command))
      return 0
    }
    return await command.run([...rest], ctx)
  } catch (error) {
    if (error instanceof CommandError) {
      ctx.stderr.write(`${label}: error: ${error.message}\n`)
      if (error.hint) ctx.stderr.write(`hint: ${error.hint}\n`)
      return error.exitCode
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
    ctx.stderr.write(`${label}: error: unexpected failure (a bug, please report it)\n${detail}\n`)
    return 1
  }
}

/**
 * The CommandContext of the running process: its cwd, environment and standard streams.
 *
 * @example
 * ```ts
 * import { processContext } from 'framework/cli/main.ts'
 *
 * const ctx = processContext()
 * ctx.stdout.write('hello\n')
 * ```
 */
export function processContext(): CommandContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  }
}

/**
 * Runs `framework` as the process: main() with the process's argv and streams, then exits with
 * its code once stdout and stderr have taken every byte. Exiting explicitly (rather than waiting
 * for the event loop to empty) matters for CGI, where the web server waits for the process to
 * end, and an application's stray timer must not hold a request open.
 *
 * @example
 * ```ts
 * import { runProcess } from 'framework/cli/main.ts'
 *
 * await runProcess(process.argv.slice(2))
 * ```
 */
export async function runProcess(
  argv: readonly string[],
  table?: readonly Command[],
): Promise<never> {
  // `framework sqlmigrate app 0001 | head`: the reader left; stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
  const code = await main(argv, processContext(), table)
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit(code)
}

/** Resolves once everything written so far to `stream` was handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    // An empty write's callback runs after every earlier write was flushed (in order).
    if (stream.destroyed || !stream.writable) resolve()
    else stream.write('', () => resolve())
  })
}

// `tsx framework/cli/main.ts <command>` runs this file directly (package.json scripts do).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runProcess(process.argv.slice(2))
}
