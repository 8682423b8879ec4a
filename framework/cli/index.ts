/**
 * @module framework/cli: what an app's own command (`<app>/commands/<name>.ts`) needs: its type,
 * the error that stops it with a reason and a hint, and the shared argument parser.
 */

/** Writing a command. */
export {
  CommandError,
  parseCommandArgs,
  type Command,
  type CommandContext,
  type TextSink,
} from './command.ts'
export type { AppCommand } from './app-commands.ts'
