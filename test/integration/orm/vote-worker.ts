/**
 * @module A worker process for the concurrent F() update test: waits for 'go', then runs
 * `count` increments of one Choice's votes (half inside atomic(), half autocommit), all in
 * flight at once, and reports how many failed and with what.
 */
import { F, atomic, closeConnections, configureDatabases } from '../../../framework/db/index.ts'
import { Choice } from '../../db/models.ts'

const [url = '', choiceId = '0', count = '50'] = process.argv.slice(2)
await configureDatabases({ default: url })

process.on('message', async (message) => {
  if (message !== 'go') return
  const errors: string[] = []
  const increments = Array.from({ length: Number(count) }, async (_, index) => {
    try {
      const bump = (): Promise<number> =>
        Choice.objects.filter({ pk: Number(choiceId) }).update({ votes: F('votes').add(1) })
      const updated = index % 2 === 0 ? await atomic(bump) : await bump()
      if (updated !== 1) errors.push(`updated ${updated} rows`)
    } catch (error) {
      errors.push(String(error))
    }
  })
  await Promise.all(increments)
  await closeConnections()
  process.send!({ done: true, errors }, () => process.exit(0))
})
process.send!({ ready: true })
