/**
 * @module The shape of a `framework` command, the context it runs in, the error it throws to stop
 * with a one-line reason, and the small argument parser every command shares.
 */
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'

/** Something text can be written to: process.stdout, a socket, a test's collector. */
export interface TextSink {
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): boolean
  /** Stream events ('drain', 'error', 'close'), when the sink is a node stream. */
  once?(event: string, listener: (...args: unknown[]) => void): unknown
  /** Closes the sink at once, when it is a node stream. */
  destroy?(error?: Error): unknown
}

/**
 * What a command receives instead of reaching for `process`: the working directory, the
 * environment, and the three standard streams. Tests pass their own, so a command can run many
 * times in one test process.
 */
export interface CommandContext {
  /** The directory relative paths are resolved against. */
  cwd: string
  /** The environment variables (CGI reads the request from here). */
  env: Readonly<Record<string, string | undefined>>
  /** Where the command's output goes. */
  stdout: TextSink
  /** Where errors and diagnostics go. */
  stderr: TextSink
  /** The standard input, as raw bytes. */
  stdin: AsyncIterable<Uint8Array | string>
}

/**
 * One `framework` command. Each lives in its own file under framework/cli/commands/ and is listed
 * by name in main.ts's table, so the compiler sees every command (no lookup by building a name).
 *
 * @example
 * ```ts
 * import type { Command } from './command.ts'
 *
 * export const versionCommand: Command = {
 *   name: 'version',
 *   summary: 'Print the framework version.',
 *   usage: 'framework version',
 *   help: 'Prints the version of the framework package and exits.',
 *   async run(_argv, ctx) {
 *     ctx.stdout.write('0.1.0\n')
 *     return 0
 *   },
 * }
 * ```
 */
export interface Command {
  /** The word typed after `framework`, e.g. `cgi`. */
  name: string
  /** One line for the command list of `framework help`. */
  summary: string
  /** The synopsis, e.g. `framework cgi MODULE[:ATTR]`. */
  usage: string
  /** The text of `framework help NAME` and `framework NAME --help` (after the usage line). */
  help: string
  /** Runs the command; resolves to the process exit code once the command is done. */
  run(argv: string[], ctx: CommandContext): Promise<number>
}

/**
 * The error a command throws to stop with a reason the user can act on. main.ts prints it as
 * `framework <cmd>: error: <message>` and, when given, `hint: <hint>`, then exits with 2 for a
 * usage error and 1 otherwise. Any other thrown error is a bug and gets its stack printed.
 *
 * @example
 * ```ts
 * import { CommandError } from './command.ts'
 *
 * throw new CommandError('CLI-E02', "missing MODULE: 'framework cgi' needs the application to run", {
 *   hint: 'framework cgi project/wsgi.ts:application',
 * })
 * ```
 */
export class CommandError extends Error {
  override name = 'CommandError'
  /** A stable code, e.g. `CLI-E01` (unknown command) or `CLI-E02` (bad arguments). */
  readonly code: string
  /** What to type or change to fix it; '' when there is nothing more to say. */
  readonly hint: string
  /** The process exit code main.ts uses (2 for usage errors, as getopt-based tools do). */
  readonly exitCode: number

  constructor(
    code: string,
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.hint = options.hint ?? ''
    this.exitCode = options.exitCode ?? (code === 'CLI-E02' ? 2 : 1)
  }
}

/** The stable codes of the CLI's own errors. */
export const cliErrorCodes = {
  'CLI-E01': 'unknown command',
  'CLI-E02': 'bad arguments (unknown option, missing or extra positional)',
  'CLI-E03': 'the command failed (its message says why)',
} as const

/** True when the user asked for help anywhere in `argv` (before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--help' || arg === '-h') return true
  }
  return false
}

/**
 * node:util parseArgs with the command's name in its errors: an unknown option or a missing value
 * becomes a `CLI-E02` CommandError that points at `framework help <name>`.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from './command.ts'
 *
 * const { values, positionals } = parseCommandArgs('cgi', ['app.ts', '--quiet'], {
 *   quiet: { type: 'boolean' },
 * })
 * ```
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  commandName: string,
  argv: string[],
  options: O,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs's messages already quote the option ("Unknown option '--x'"); keep them.
    const reason = error instanceof Error ? error.message : String(error)
    throw new CommandError('CLI-E02', reason, {
      hint: `see 'framework help ${commandName}' for the options`,
      cause: error,
    })
  }
}
