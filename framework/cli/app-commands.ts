/**
 * @module Apps' own commands, as Django's `management/commands/`: every `<app>/commands/<name>.ts`
 * of an installed app is `framework <name>`. The module exports `command` (an AppCommand: the
 * Command fields but the name, which is the file's). Before it runs, the project is set up
 * (settings loaded, setup() done), so the command can use the models at once.
 */
import { existsSync, readdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { resolveApp } from '../conf/index.ts'
import { closeConnections } from '../db/index.ts'
import { CommandError, type Command } from './command.ts'
import { DEFAULT_SETTINGS, describeLoadFailure, loadSettings } from './dev-server/project-loading.ts'
import { loadProject } from './project-context.ts'

/** What an app's command module exports as `command`. */
export type AppCommand = Omit<Command, 'name'>

/** The commands of the installed apps, and why discovery stopped early, if it did. */
export interface AppCommands {
  readonly commands: Command[]
  /** One line when the settings could not be read (so the app commands are unknown). */
  readonly problem?: string
}

const NAME = /^[a-z][a-z0-9_-]*$/

/**
 * Finds the app commands of the project in `cwd` (none when it holds no project/settings.ts).
 * Never throws: a module that fails to load becomes a command that says so when run.
 *
 * @example
 * ```ts
 * const { commands } = await discoverAppCommands(process.cwd())
 * ```
 */
export async function discoverAppCommands(cwd: string): Promise<AppCommands> {
  if (!existsSync(join(cwd, DEFAULT_SETTINGS))) return { commands: [] }
  let installed: readonly string[]
  try {
    installed = (await loadSettings(cwd)).INSTALLED_APPS
  } catch (error) {
    const failure = (error as { failure?: { message: string } }).failure
    return { commands: [], problem: failure?.message ?? String(error) }
  }
  const commands: Command[] = []
  for (const entry of installed) {
    let app
    try {
      app = resolveApp(entry, cwd)
    } catch {
      continue // setup() reports a bad entry when a command runs
    }
    const folder = join(app.path, 'commands')
    if (!existsSync(folder)) continue
    for (const file of readdirSync(folder).sort()) {
      const ext = extname(file)
      const name = basename(file, ext)
      if (!['.ts', '.js'].includes(ext) || name.endsWith('.test') || !NAME.test(name)) continue
      commands.push(await appCommand(name, app.label, join(folder, file)))
    }
  }
  return { commands }
}

async function appCommand(name: string, label: string, file: string): Promise<Command> {
  let loaded: AppCommand | undefined
  let failure: ReturnType<typeof describeLoadFailure> | undefined
  try {
    const module = (await import(pathToFileURL(file).href)) as { command?: AppCommand }
    if (typeof module.command?.run !== 'function') {
      failure = {
        kind: 'missing',
        message: `${file} has no 'command' export with a run() method`,
        hint: "export const command: AppCommand = { summary, usage, help, async run(argv, ctx) { ... } }",
        detail: '',
      }
    } else loaded = module.command
  } catch (error) {
    failure = describeLoadFailure(error, file)
  }
  if (!loaded) {
    const reason = failure!
    return {
      name,
      summary: `[${label}] (does not load: run it to see why)`,
      usage: `framework ${name}`,
      help: reason.message,
      async run() {
        throw new CommandError('CLI-E03', reason.message, { hint: reason.hint })
      },
    }
  }
  const command = loaded
  return {
    name,
    summary: `[${label}] ${command.summary}`,
    usage: command.usage,
    help: command.help,
    async run(argv, ctx) {
      await loadProject(ctx.cwd)
      try {
        return await command.run(argv, ctx)
      } finally {
        await closeConnections()
      }
    },
  }
}
