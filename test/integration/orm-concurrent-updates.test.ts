/**
 * Acceptance: 100 concurrent `F('votes') + 1` updates from 2 worker processes (forked with tsx)
 * against one SQLite file and against PostgreSQL end with exactly +100: nothing lost, and no
 * "database is locked" error reaches the caller.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'
import { Choice, Question, pollModels } from '../db/models.ts'
import { describeEachBackend } from '../db/backends.ts'
import { getConnection } from '../../framework/db/index.ts'

const worker = resolve(import.meta.dirname, 'orm/vote-worker.ts')

function once<T>(
  child: ChildProcess,
  predicate: (message: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${child.pid} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    )
    child.on('message', (message: T) => {
      if (predicate(message)) {
        clearTimeout(timer)
        resolvePromise(message)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`worker ${child.pid} exited with ${code} before answering`))
    })
  })
}

describeEachBackend('100 concurrent F() updates from 2 processes', pollModels, () => {
  it('adds exactly 100 with no error reaching the caller', async () => {
    const question = await Question.objects.create({ questionText: 'Race?', pubDate: new Date() })
    const choice = await Choice.objects.create({ question, choiceText: 'yes', votes: 0 })
    const url = getConnection().url
    const children = [0, 1].map(() =>
      fork(worker, [url, String(choice.id), '50'], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    )
    try {
      await Promise.all(
        children.map((child) => once<{ ready?: boolean }>(child, (m) => m.ready === true, 20_000)),
      )
      const results = children.map((child) =>
        once<{ done?: boolean; errors: string[] }>(child, (m) => m.done === true, 60_000),
      )
      for (const child of children) child.send('go')
      const reports = await Promise.all(results)
      expect(reports.flatMap((report) => report.errors)).toEqual([])
      await choice.refreshFromDb()
      expect(choice.votes).toBe(100)
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill()
    }
  }, 90_000)
})
