/**
 * @module Query counting for tests: `assertNumQueries(n, fn)` fails when `fn` runs a different
 * number of queries than `n`, listing the SQL it saw. framework/testing re-exports it.
 */
import { onQuery, type QueryEvent } from '../connection/query-events.ts'
import { DatabaseError } from '../errors.ts'

/**
 * Runs `fn` and returns its result with the queries it ran on `using` (every alias when omitted).
 *
 * @example
 * ```ts
 * const { result, queries } = await captureQueries(() => Question.objects.list())
 * ```
 */
export async function captureQueries<T>(
  fn: () => Promise<T> | T,
  options: { using?: string } = {},
): Promise<{ result: T; queries: QueryEvent[] }> {
  const queries: QueryEvent[] = []
  const stop = onQuery((event) => {
    if (!options.using || event.alias === options.using) queries.push(event)
  })
  try {
    const result = await fn()
    return { result, queries }
  } finally {
    stop()
  }
}

/**
 * Asserts that `fn` runs exactly `expected` queries (Django's assertNumQueries); returns its result.
 * Counts every query in the process during `fn`, so do not run unrelated queries concurrently.
 *
 * @example
 * ```ts
 * await assertNumQueries(1, () => Choice.objects.selectRelated('question').list())
 * ```
 */
export async function assertNumQueries<T>(
  expected: number,
  fn: () => Promise<T> | T,
  options: { using?: string } = {},
): Promise<T> {
  const { result, queries } = await captureQueries(fn, options)
  if (queries.length !== expected) {
    const list = queries.map((query, index) => `  ${index + 1}. ${query.sql}`).join('\n')
    throw new DatabaseError(
      'db.E013',
      `Expected ${expected} queries, ${queries.length} were run:\n${list}`,
    )
  }
  return result
}
