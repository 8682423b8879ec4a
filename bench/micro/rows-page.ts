/**
 * @module `npx tsx bench/micro/rows-page.ts [rounds] [callsPerRound]`: W3's page in process, no
 * server, in µs of CPU per call:
 *
 * - framework: the gateway application of bench/apps/framework/wsgi.ts called with a GET /rows
 *   environ (routing, middleware, the QuerySet, the template, the response body);
 * - kysely+eta: what bench/apps/fastify.ts does per request minus Fastify (the same query through
 *   kysely, the same eta template; bench/apps/peer-runtime.ts's own functions);
 * - and, to attribute the difference, each side's query alone (QuerySet list() vs kysely).
 *
 * The database is seeded as `npm run bench` seeds it (bench/lib/seed-database.ts) in a temporary
 * directory. Candidates take turns round by round (interleaved, so load from neighbours lands on
 * all of them); each reports its median round.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedDatabase } from '../lib/seed-database.ts'
import { wrkEnviron } from './wrk-environ.ts'

const rounds = Number(process.argv[2] ?? 30)
const callsPerRound = Number(process.argv[3] ?? 2000)

const dir = mkdtempSync(join(tmpdir(), 'rows-page-'))
const file = join(dir, 'bench.sqlite3')
await seedDatabase(file)
// Why before the import: the framework app's settings read BENCH_DB when they load.
process.env.BENCH_DB = file
const { application } = await import('../apps/framework/wsgi.ts')
const { Row } = await import('../apps/framework/models.ts')
const { rowsKysely, rowsTemplate } = await import('../apps/peer-runtime.ts')
const { closeConnections } = await import('../../framework/db/index.ts')

/** A GET /rows as `serve` hands it to the application (the headers wrk sends). */
function environ(): Record<string, unknown> {
  return wrkEnviron('/rows')
}

const decoder = new TextDecoder()
let lastStatus = ''

/** One request through the framework; returns the body (checked once, then discarded). */
async function frameworkPage(): Promise<string> {
  const startResponse = (status: string) => {
    lastStatus = status
    return () => {}
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body: any = await (application as any)(environ(), startResponse)
  let text = ''
  const chunks = Symbol.asyncIterator in body ? body : (body as Iterable<Uint8Array>)
  for await (const chunk of chunks)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk)
  return text
}

const query = rowsKysely(file)
const template = rowsTemplate()
const kyselyPage = async (): Promise<string> => template(await query())
const querySet = () => Row.objects.filter({ votes__gte: 50 }).orderBy('id').slice(0, 20).list()

interface Candidate {
  label: string
  call: () => Promise<unknown>
  samples: number[]
}
const candidates: Candidate[] = [
  { label: 'framework GET /rows', call: frameworkPage, samples: [] },
  { label: 'kysely + eta', call: kyselyPage, samples: [] },
  { label: 'QuerySet list() only', call: querySet, samples: [] },
  { label: 'kysely query only', call: query, samples: [] },
]

/** The two pages must list the same rows, or the comparison means nothing. */
async function checkSamePage(): Promise<void> {
  const ours = await frameworkPage()
  if (!lastStatus.startsWith('200')) throw new Error(`GET /rows answered ${lastStatus}`)
  const theirs = await kyselyPage()
  const cells = (html: string) => [...html.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1])
  if (JSON.stringify(cells(ours)) !== JSON.stringify(cells(theirs)) || cells(ours).length !== 60)
    throw new Error('the framework page and the kysely page list different rows')
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

try {
  await checkSamePage()
  for (const c of candidates) for (let i = 0; i < callsPerRound; i++) await c.call()
  for (let round = 0; round < rounds; round++) {
    for (const c of candidates) {
      const before = process.cpuUsage()
      for (let i = 0; i < callsPerRound; i++) await c.call()
      const used = process.cpuUsage(before)
      c.samples.push((used.user + used.system) / callsPerRound)
    }
  }
  const medians = candidates.map((c) => median(c.samples))
  candidates.forEach((c, i) =>
    console.log(`${c.label.padEnd(22)} ${medians[i]!.toFixed(1).padStart(6)} µs CPU per call`),
  )
  console.log(`framework / kysely+eta: ${(medians[0]! / medians[1]!).toFixed(2)}x`)
  console.log(`QuerySet / kysely:      ${(medians[2]! / medians[3]!).toFixed(2)}x`)
} finally {
  await closeConnections()
  rmSync(dir, { recursive: true, force: true })
}
