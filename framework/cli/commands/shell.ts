/**
 * @module `framework shell`: a Node REPL with the project set up (settings loaded, setup() done,
 * databases configured) and every installed app's models in scope, top-level `await` included,
 * as Django's `manage.py shell`. `-c CODE` runs code the same way without a prompt.
 */
import { start, type REPLServer } from 'node:repl'
import { Readable, Writable } from 'node:stream'
import * as db from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command, CommandContext } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { loadProject } from '../project-context.ts'

/** What the shell puts in scope, besides the models: the ORM's everyday names. */
const ormNames = ['F', 'Q', 'Count', 'Sum', 'Avg', 'Min', 'Max', 'atomic', 'getConnection'] as const

/**
 * @example
 * ```ts
 * // npx framework shell
 * // > await Question.objects.count()
 * // npx framework shell -c "console.log(await Question.objects.count())"
 * ```
 */
export const shellCommand: Command = {
  name: 'shell',
  summary: 'Open a REPL with the settings, the apps and their models loaded (top-level await).',
  usage: 'framework shell [-c CODE] [--settings MODULE]',
  help: [
    'Loads the settings, runs setup() and starts a Node REPL in which `settings`, `apps` (the',
    'app registry), every model of every installed app (Question, Choice, ...) and the ORM',
    `helpers (${ormNames.join(', ')}) are defined. \`await\` works at the prompt.`,
    '',
    'When the standard input is not a terminal (framework shell < script.js), it is run as one',
    'script, with the same names in scope, as Django does.',
    '',
    '  -c, --command CODE  run CODE (await allowed) instead of the prompt, then exit',
    `  --settings MODULE   the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('shell', argv, {
      command: { type: 'string', short: 'c' },
      settings: { type: 'string' },
    })
    if (positionals.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'to run code, quote it: framework shell -c "console.log(1)"',
      })
    }
    const { settings, apps } = await loadProject(ctx.cwd, values.settings)
    const scope: Record<string, unknown> = { settings, apps }
    for (const name of ormNames) scope[name] = db[name]
    for (const model of apps.models()) scope[model.meta.modelName] = model
    try {
      if (values.command !== undefined) return await runCode(values.command, scope, ctx)
      // As Django's shell: input that is not a terminal (a pipe, a file) is a script, run whole.
      // (A REPL would read piped lines before an earlier line's await finished.)
      const stdin = ctx.stdin as { isTTY?: boolean }
      if (stdin.isTTY !== true) return await runCode(await readAll(ctx.stdin), scope, ctx)
      ctx.stdout.write(
        `Models in scope: ${apps.models().map((m) => m.meta.modelName).join(', ') || 'none'}. Also: settings, apps, ${ormNames.join(', ')}.\n`,
      )
      await repl(scope, ctx)
      return 0
    } finally {
      await db.closeConnections()
    }
  },
}

/** Runs `code` as the body of an async function whose parameters are the scope's names. */
async function runCode(code: string, scope: Record<string, unknown>, ctx: CommandContext) {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<unknown>
  let fn: (...values: unknown[]) => Promise<unknown>
  try {
    fn = new AsyncFunction(...Object.keys(scope), code)
  } catch (error) {
    throw new CommandError('CLI-E03', `cannot run -c: ${(error as Error).message}`, {
      hint: 'the code is JavaScript (no type annotations); quote it for your shell',
    })
  }
  try {
    await fn(...Object.values(scope))
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error))
    ctx.stderr.write(`${err.stack ?? err.message}\n`)
    throw new CommandError('CLI-E03', `the code failed: ${err.name}: ${err.message}`, {
      hint: 'the traceback is above',
    })
  }
  return 0
}

async function readAll(input: AsyncIterable<Uint8Array | string>): Promise<string> {
  let text = ''
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
  return text
}

/** A REPL on the context's streams; resolves when it closes (.exit, Ctrl-D, end of input). */
function repl(scope: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const input =
    ctx.stdin instanceof Readable ? ctx.stdin : Readable.from(ctx.stdin as AsyncIterable<string>)
  const output =
    ctx.stdout instanceof Writable
      ? ctx.stdout
      : new Writable({ write: (chunk, _enc, done) => (ctx.stdout.write(chunk), done()) })
  const server: REPLServer = start({
    prompt: '>>> ',
    input,
    output,
    terminal: (output as { isTTY?: boolean }).isTTY === true,
    useGlobal: false,
  })
  Object.assign(server.context, scope)
  return new Promise((resolve) => server.on('exit', () => resolve()))
}
