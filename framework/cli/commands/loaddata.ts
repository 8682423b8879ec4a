/**
 * @module `framework loaddata FILE ...`: JSON fixtures into the database, all files in one
 * transaction, so a bad entry anywhere writes nothing.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { sql } from 'kysely'
import { atomic, closeConnections, getConnection, type AnyModelClass } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { oneLine, DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { dependencyOrder, parseFixture, type ParsedEntry } from '../fixtures.ts'
import { loadProject, requireDatabase, databaseUrl } from '../project-context.ts'
import { missingTable } from './dumpdata.ts'

/**
 * @example
 * ```ts
 * // npx framework loaddata polls.json
 * ```
 */
export const loaddataCommand: Command = {
  name: 'loaddata',
  summary: 'Load JSON fixtures into the database, all or nothing.',
  usage: 'framework loaddata FILE... [--database ALIAS] [--settings MODULE]',
  help: [
    'Reads fixtures in the format dumpdata writes ([{ "model", "pk", "fields" }]). A row whose',
    'primary key exists is updated, otherwise inserted. Every file is checked before anything is',
    'written, and everything is written in one transaction: one bad entry and nothing changes.',
    '',
    '  --database ALIAS   the DATABASES alias to write (default: default)',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('loaddata', argv, {
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    if (positionals.length === 0) {
      throw new CommandError('CLI-E02', 'no fixture file given', {
        hint: 'framework loaddata polls.json (make one with framework dumpdata polls)',
      })
    }
    const { settings, apps } = await loadProject(ctx.cwd, values.settings)
    const using = values.database ?? 'default'
    databaseUrl(settings, using)
    try {
      const entries = positionals.flatMap((file) => parseFixture(readJson(ctx.cwd, file), file, apps))
      await requireDatabase(settings, using, ctx.cwd)
      await atomic(() => writeEntries(entries, using), { using })
      const files = positionals.length
      ctx.stdout.write(`Installed ${entries.length} object(s) from ${files} fixture(s)\n`)
      return 0
    } catch (error) {
      throw missingTable(error)
    } finally {
      await closeConnections()
    }
  },
}

function readJson(cwd: string, file: string): unknown {
  let text: string
  try {
    text = readFileSync(resolve(cwd, file), 'utf8')
  } catch (error) {
    throw new CommandError('CLI-E03', `cannot read fixture ${file}: ${(error as Error).message}`, {
      hint: 'give the path of a JSON file, relative to the current folder',
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CommandError('CLI-E03', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'fix the file (framework dumpdata writes valid fixtures)',
    })
  }
}

/** Writes entries model by model (foreign-key targets first), then many-to-many links. */
async function writeEntries(entries: ParsedEntry[], using: string): Promise<void> {
  const order = dependencyOrder([...new Set(entries.map((entry) => entry.model))])
  const sorted = [...entries].sort((a, b) => order.indexOf(a.model) - order.indexOf(b.model))
  const saved: [ParsedEntry, Record<string, unknown>][] = []
  for (const entry of sorted) saved.push([entry, await writeEntry(entry, using)])
  for (const [entry, instance] of saved) {
    for (const [name, pks] of entry.manyToMany) {
      await attempt(entry, () => (instance[name] as { set(pks: unknown[]): Promise<void> }).set(pks))
    }
  }
  if (getConnection(using).vendor === 'postgresql') await resetSequences(order, using)
}

async function writeEntry(entry: ParsedEntry, using: string): Promise<Record<string, unknown>> {
  const { model, values } = entry
  const pkName = model.meta.pk.attname
  return attempt(entry, async () => {
    if (values[pkName] !== undefined) {
      const { [pkName]: pk, ...defaults } = values
      const [instance] = await model.objects.using(using).updateOrCreate({ [pkName]: pk } as never, defaults as never)
      return instance as unknown as Record<string, unknown>
    }
    return (await model.objects.using(using).create(values as never)) as unknown as Record<string, unknown>
  })
}

/** Runs one entry's write; a database error names the entry. */
async function attempt<T>(entry: ParsedEntry, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof CommandError) throw error
    throw new CommandError('CLI-E03', `${entry.where} (${entry.model.meta.label}): ${oneLine((error as Error).message)}`, {
      hint: 'fix that entry; nothing was written',
      cause: error,
    })
  }
}

/** Explicit primary keys leave PostgreSQL's identity sequences behind: move them past the rows. */
async function resetSequences(models: AnyModelClass[], using: string): Promise<void> {
  const db = getConnection(using).executor()
  for (const model of models) {
    const pk = model.meta.pk
    if (pk.kind !== 'AutoField' && pk.kind !== 'BigAutoField') continue
    const table = model.meta.dbTable
    const column = pk.column ?? pk.name
    await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), COALESCE((SELECT MAX(${sql.ref(column)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(db)
  }
}
