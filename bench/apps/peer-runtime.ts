/**
 * @module What the peer applications (node:http, Fastify, Express) share: their command line
 * (`PORT WORKERS DB`), node:cluster with round-robin scheduling for more than one process, and
 * the W3 pieces (the same eta template file as ours, the same query).
 */
import cluster from 'node:cluster'
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import { Eta } from 'eta'
import { Kysely, SqliteDialect } from 'kysely'

/** The command line every peer app takes. */
export interface PeerArgs {
  port: number
  workers: number
  db: string
}

export function peerArgs(): PeerArgs {
  const [port, workers, db] = process.argv.slice(2)
  if (!port || !db) {
    console.error(`usage: tsx ${process.argv[1]} PORT WORKERS DB`)
    process.exit(2)
  }
  return { port: Number(port), workers: Number(workers ?? 1), db }
}

/**
 * Runs `serve` in this process (1 worker), or forks `workers` cluster workers that each run it.
 * Why round-robin: with workers accepting on their own, one worker was seen taking every
 * keep-alive connection (issue 10); the primary hands connections out in turn, as serve does.
 */
export function runWorkers(workers: number, serve: () => void): void {
  if (workers <= 1) {
    serve()
    return
  }
  if (cluster.isPrimary) {
    cluster.schedulingPolicy = cluster.SCHED_RR
    for (let i = 0; i < workers; i++) cluster.fork()
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill()
      process.exit(0)
    })
  } else serve()
}

/** W1's and W2's bodies. */
export const HELLO = 'Hello, World!'
export const jsonBody = () => JSON.stringify({ message: HELLO })

/** The W3 template (the framework app's file), compiled once, autoescaping as ours does. */
export function rowsTemplate(): (rows: readonly object[]) => string {
  const eta = new Eta({
    views: resolve(import.meta.dirname, 'framework/templates'),
    cache: true,
    autoEscape: true,
  })
  return (rows) => eta.render('rows.html', { title: 'Rows', rows })
}

/** W3's query by hand: a prepared better-sqlite3 statement. */
export function rowsStatement(db: string): () => object[] {
  const statement = new Database(db, { readonly: true }).prepare(
    'SELECT id, name, votes, created_at FROM bench_row WHERE votes >= ? ORDER BY id LIMIT 20',
  )
  return () => statement.all(50) as object[]
}

interface RowTable {
  id: number
  name: string
  votes: number
  created_at: string
}

/** W3's query through kysely (what Fastify and Express use). */
export function rowsKysely(db: string): () => Promise<object[]> {
  const kysely = new Kysely<{ bench_row: RowTable }>({
    dialect: new SqliteDialect({ database: new Database(db, { readonly: true }) }),
  })
  return () =>
    kysely
      .selectFrom('bench_row')
      .select(['id', 'name', 'votes', 'created_at'])
      .where('votes', '>=', 50)
      .orderBy('id')
      .limit(20)
      .execute()
}
