/**
 * A worker whose primary is gone leaves by itself, even when the primary went away while the
 * worker was still loading (the IPC channel closed before its 'disconnect' listener existed):
 * such orphans were seen idling for good after test runs that killed the primary early.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { forkWorker } from '../../framework/server/worker-process.ts'
import { resolveSettings } from '../../framework/server/settings.ts'

const entry = fileURLToPath(new URL('../../framework/server/worker-main.ts', import.meta.url))
const app = fileURLToPath(new URL('../../examples/hello_world.ts', import.meta.url))

describe('an orphaned worker', () => {
  it('exits when the channel to the primary closes while it is still booting', async () => {
    const record = forkWorker({
      id: 1,
      generation: 1,
      entry,
      env: process.env,
      execArgv: ['--import', 'tsx'],
      boot: { id: 1, settings: resolveSettings({ app: `${app}:processHttpRequest` }), primaryPid: process.pid },
    })
    // At once: the worker has not even finished loading worker-main.ts.
    record.child.disconnect()
    const exited = await Promise.race([
      record.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
    ])
    if (!exited) record.child.kill('SIGKILL')
    expect(exited).toBe(true)
  }, 20_000)
})
