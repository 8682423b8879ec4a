/**
 * @module The idle-memory figure of issue 10: the RSS of a `serve` worker with the example
 * project (project/wsgi.ts) loaded, after it has served its home page once.
 */
import { resolve } from 'node:path'
import { IDLE_TIMING } from '../../framework/server/idle-gc.ts'
import { maxWorkerRss } from './process-tree.ts'
import { freePort, startServer, stopServer } from './server-process.ts'

/** MiB, or undefined (with the reason printed) when the project does not start. */
export async function measureExampleProjectIdle(root: string): Promise<number | undefined> {
  const port = await freePort()
  try {
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
  }
}
