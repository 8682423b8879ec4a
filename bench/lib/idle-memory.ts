/**
 * @module The idle-memory figure of issue 10: the RSS of a `serve` worker with the example
 * project (project/wsgi.ts) loaded, after it has served its home page once.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { IDLE_TIMING } from '../../framework/server/idle-gc.ts'
import { maxWorkerRss } from './process-tree.ts'
import { freePort, startServer, stopServer } from './server-process.ts'

/** MiB, or undefined (with the reason printed) when the project does not start. */
export async function measureExampleProjectIdle(root: string): Promise<number | undefined> {
  const port = await freePort()
  // Its own migrated database, so the figure does not depend on the checkout's db.sqlite3.
  const scratch = mkdtempSync(join(tmpdir(), 'bench-idle-'))
  const env = { DATABASE_URL: `sqlite:${join(scratch, 'db.sqlite3')}` }
  try {
    execFileSync(process.execPath, [resolve(root, 'bin/framework.js'), 'migrate'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    })
    const server = await startServer(
      'serve project/wsgi.ts',
      {
        command: process.execPath,
        args: [
          '--import',
          'tsx',
          resolve(root, 'bin/serve.js'),
          'project/wsgi.ts:application',
          '--bind',
          `127.0.0.1:${port}`,
          '--workers',
          '1',
        ],
        cwd: root,
        env,
      },
      port,
      '/',
    )
    try {
      // Idle as a worker waiting for traffic is: past the point where it gives back the young
      // generation loading grew (idle-gc.ts, 8 s after its last request). Until then it holds
      // about 25 MiB more (147.7 MiB 1.5 s after the first request, 125.2 MiB at 12 s).
      const idleMs = IDLE_TIMING.idleMs + IDLE_TIMING.windowMs + 2000
      await new Promise((r) => setTimeout(r, idleMs))
      return maxWorkerRss(server.pid)
    } finally {
      await stopServer(server)
    }
  } catch (error) {
    console.error(`idle memory of the example project not measured: ${(error as Error).message}`)
    return undefined
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
