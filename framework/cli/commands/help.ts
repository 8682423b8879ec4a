/**
 * @module `framework help [COMMAND]`: the command list, or one command's usage and help. Also the
 * formatting main.ts uses for `framework COMMAND --help` and for suggestions.
 */
import { CommandError } from '../command.ts'
import type { Command } from '../command.ts'

/**
 * The full help of one command: its usage line, a blank line, its help text.
 *
 * @example
 * ```ts
 * import { formatCommandHelp } from './help.ts'
 *
 * process.stdout.write(formatCommandHelp(cgiCommand))
 * ```
 */
export function formatCommandHelp(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}\n\n${command.help.trimEnd()}\n`
}

/**
 * The list `framework help` prints: every command with its summary, aligned, in table order.
 *
 * @example
 * ```ts
 * import { formatCommandList } from './help.ts'
 *
 * process.stdout.write(formatCommandList([helpCommand, cgiCommand]))
 * ```
 */
export function formatCommandList(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  const rows = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`)
  return [
    'usage: framework <command> [args]',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'framework help <command>' or 'framework <command> --help' for one command's options.",
    '',
  ].join('\n')
}

/**
 * The optimal-string-alignment distance between two words: how many single-letter insertions,
 * deletions, substitutions or swaps of two neighbours turn one into the other. Swaps count once
 * because they are the commonest typo (`hlep`).
 *
 * @example
 * ```ts
 * import { editDistance } from './help.ts'
 *
 * editDistance('serv', 'serve') // 1
 * editDistance('hlep', 'help') // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  // d[i][j] is the distance between a's first i letters and b's first j letters.
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number) => d[i]?.[j] ?? 0
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1)
      }
      d[i]![j] = best
    }
  }
  return at(a.length, b.length)
}

/**
 * The command name nearest to `typed`, when it is close enough to be a plausible typo (at most
 * a third of its letters wrong, and at least one letter right); otherwise undefined.
 *
 * @example
 * ```ts
 * import { nearestCommand } from './help.ts'
 *
 * nearestCommand('hlep', [helpCommand, cgiCommand]) // 'help'
 * ```
 */
export function nearestCommand(typed: string, commands: readonly Command[]): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const { name } of commands) {
    const distance = editDistance(typed.toLowerCase(), name)
    if (!best || distance < best.distance) best = { name, distance }
  }
  if (!best) return undefined
  const limit = Math.max(1, Math.floor(Math.max(typed.length, best.name.length) / 3))
  return best.distance <= limit && best.distance < best.name.length ? best.name : undefined
}

/**
 * The CommandError for a command name that is not in the table, with the nearest name as a hint.
 *
 * @example
 * ```ts
 * import { unknownCommandError } from './help.ts'
 *
 * throw unknownCommandError('serv', commands) // hint: did you mean 'framework serve'?
 * ```
 */
export function unknownCommandError(typed: string, commands: readonly Command[]): CommandError {
  const near = nearestCommand(typed, commands)
  return new CommandError('CLI-E01', `unknown command ${JSON.stringify(typed)}`, {
    hint: near
      ? `did you mean 'framework ${near}'? ('framework help' lists every command)`
      : "'framework help' lists every command",
  })
}

/**
 * Builds the `help` command over a command table. The table is passed as a function because the
 * table itself contains this command (main.ts builds both in one expression).
 *
 * @example
 * ```ts
 * import { createHelpCommand } from './help.ts'
 *
 * const commands: readonly Command[] = [createHelpCommand(() => commands), cgiCommand]
 * ```
 */
export function createHelpCommand(table: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'List the commands, or show the usage and options of one.',
    usage: 'framework help [COMMAND]',
    help: [
      'Without COMMAND, lists every command with a one-line summary.',
      "With COMMAND, prints its usage and help; 'framework COMMAND --help' does the same.",
    ].join('\n'),
    async run(argv, ctx) {
      const names = argv.filter((arg) => arg !== '--help' && arg !== '-h')
      if (names.length > 1) {
        throw new CommandError(
          'CLI-E02',
          `expected at most one command name, got ${names.length}`,
          {
            hint: "'framework help' or 'framework help COMMAND'",
          },
        )
      }
      const name = names[0]
      if (name === undefined) {
        ctx.stdout.write(formatCommandList(table()))
        return 0
      }
      const command = table().find((candidate) => candidate.name === name)
      if (!command) throw unknownCommandError(name, table())
      ctx.stdout.write(formatCommandHelp(command))
      return 0
    },
  }
}
