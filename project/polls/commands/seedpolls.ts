/**
 * @module `framework seedpolls`: the polls app's own command (a file in the app's commands/
 * folder). Adds the tutorial's sample questions when there are none, so a fresh database has
 * something to vote on.
 */
import { CommandError, parseCommandArgs, type AppCommand } from '../../../framework/cli/index.ts'
import { Choice, Question } from '../models.ts'

const samples: [string, string[]][] = [
  ["What's up?", ['Not much', 'The sky', 'Just hacking again']],
  ['Tabs or spaces?', ['Tabs', 'Spaces']],
]

export const command: AppCommand = {
  summary: 'Add sample poll questions when there are none.',
  usage: 'framework seedpolls [--force]',
  help: 'Adds two questions with their choices, unless questions exist (--force adds them anyway).',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('seedpolls', argv, {
      force: { type: 'boolean' },
    })
    if (positionals.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework seedpolls [--force]',
      })
    }
    const existing = await Question.objects.count()
    if (existing > 0 && !values.force) {
      ctx.stdout.write(`${existing} question(s) exist already; nothing added (--force adds anyway)\n`)
      return 0
    }
    for (const [questionText, choices] of samples) {
      const question = await Question.objects.create({ questionText, pubDate: new Date() })
      for (const choiceText of choices) await Choice.objects.create({ question, choiceText })
    }
    ctx.stdout.write(`Added ${samples.length} questions\n`)
    return 0
  },
}
