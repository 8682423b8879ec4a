/**
 * @module ORM overhead benchmark: fetch 20 rows of 1000 (`WHERE votes >= ? ORDER BY id LIMIT 20`)
 * through the QuerySet, through kysely directly, and through better-sqlite3 directly, in the same
 * run on the same SQLite file. Reports the median time per fetch and the ratios (target: the
 * QuerySet within 1.3x of kysely).
 *
 * Run: `npx tsx bench/orm-overhead.ts [iterations]`
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import {
  closeConnections,
  configureDatabases,
  createTables,
  defineModel,
  fields,
  getConnection,
} from '../framework/db/index.ts'

const Row = defineModel(
  'BenchRow',
  { name: fields.char({ maxLength: 50 }), votes: fields.integer(), createdAt: fields.dateTime() },
  { appLabel: 'bench' },
)

const iterations = Number(process.argv[2] ?? 4000)
const dir = mkdtempSync(join(tmpdir(), 'orm-bench-'))
const file = join(dir, 'db.sqlite3')

type Candidate = { label: string; fn: () => Promise<unknown> | unknown; samples: number[] }

/**
 * Why interleaved rounds: on a shared machine, timing each candidate in one block lets JIT
 * warm-up, GC and neighbours' load land on one of them. Every candidate is warmed, then the
 * candidates take turns (batches of 20 fetches) and each reports its median batch.
 */
async function measure(candidates: Candidate[]): Promise<Map<string, number>> {
  for (const candidate of candidates) for (let i = 0; i < 1000; i++) await candidate.fn()
  const batch = 20
  for (let round = 0; round < iterations / batch; round++) {
    for (const candidate of candidates) {
      const start = process.hrtime.bigint()
      for (let j = 0; j < batch; j++) await candidate.fn()
      candidate.samples.push(Number(process.hrtime.bigint() - start) / 1000 / batch)
    }
  }
  const medians = new Map<string, number>()
  for (const candidate of candidates) {
    const sorted = [...candidate.samples].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    medians.set(candidate.label, median)
    console.log(`${candidate.label.padEnd(16)} median ${median.toFixed(1)} µs per fetch of 20 rows`)
  }
  return medians
}

try {
  await configureDatabases({ default: `sqlite:${file}` })
  await createTables([Row])
  await Row.objects.bulkCreate(
    Array.from(
      { length: 1000 },
      (_, i) =>
        new Row({
          name: `row ${i}`,
          votes: i % 100,
          createdAt: new Date(1_700_000_000_000 + i * 1000),
        }),
    ),
  )
  const kysely = getConnection().backend.kysely
  const raw = new Database(file, { readonly: true })
  const statement = raw.prepare(
    'SELECT id, name, votes, created_at FROM bench_benchrow WHERE votes >= ? ORDER BY id LIMIT 20',
  )

  const select = () =>
    kysely
      .selectFrom('bench_benchrow')
      .select(['id', 'name', 'votes', 'created_at'])
      .where('votes', '>=', 50)
      .orderBy('id')
      .limit(20)
  const medians = await measure([
    {
      label: 'QuerySet',
      fn: () => Row.objects.filter({ votes__gte: 50 }).orderBy('id').slice(0, 20).list(),
      samples: [],
    },
    { label: 'kysely', fn: () => select().execute(), samples: [] },
    // The same kysely query, mapping rows to the shapes the QuerySet returns (camelCase keys,
    // Date): shows how much of the gap is materialisation rather than query building.
    {
      label: 'kysely + mapping',
      fn: async () =>
        (await select().execute()).map((row) => ({
          id: row.id,
          name: row.name,
          votes: row.votes,
          createdAt: new Date(row.created_at),
        })),
      samples: [],
    },
    { label: 'better-sqlite3', fn: () => statement.all(50), samples: [] },
  ])
  const orm = medians.get('QuerySet')!
  const direct = medians.get('kysely')!
  const mapped = medians.get('kysely + mapping')!
  const sqlite = medians.get('better-sqlite3')!
  const check = await Row.objects.filter({ votes__gte: 50 }).orderBy('id').slice(0, 20).list()
  if (check.length !== 20) throw new Error(`expected 20 rows, got ${check.length}`)
  console.log(`QuerySet / kysely:         ${(orm / direct).toFixed(2)}x (target <= 1.30x)`)
  console.log(`QuerySet / kysely+mapping: ${(orm / mapped).toFixed(2)}x`)
  console.log(`QuerySet / better-sqlite3: ${(orm / sqlite).toFixed(2)}x`)
  console.log(`kysely / better-sqlite3:   ${(direct / sqlite).toFixed(2)}x`)
  raw.close()
} finally {
  await closeConnections()
  rmSync(dir, { recursive: true, force: true })
}
