/**
 * @module The one model of the benchmark's W3 page: 1000 rows in table `bench_row`, read by every
 * configuration (ours through the QuerySet, the peers through kysely, better-sqlite3 or Django).
 */
import { defineModel, fields } from '../../../framework/db/index.ts'

export const Row = defineModel(
  'Row',
  {
    name: fields.char({ maxLength: 80 }),
    votes: fields.integer(),
    createdAt: fields.dateTime(),
  },
  { appLabel: 'bench' },
)

/** W4 writes one of these per form POST. */
export const Entry = defineModel(
  'Entry',
  {
    text: fields.char({ maxLength: 200 }),
    createdAt: fields.dateTime(),
  },
  { appLabel: 'bench' },
)
