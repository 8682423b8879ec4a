/**
 * The worker's count and list of requests in flight (worker.ts): what its heartbeat reports, what
 * a graceful stop waits for and marks `Connection: close`. Real sockets on loopback, handed to the
 * Worker as the primary hands them; the application holds each response until the test lets go.
 */
import { Agent, request, type IncomingMessage } from 'node:http'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Application } from '../../framework/gateway/index.ts'
import { TrustedProxies } from '../../framework/server/proxy.ts'
import { createServeHost, type HostFactory } from '../../framework/server/serve-host.ts'
import { createErrorLog } from '../../framework/server/error-log.ts'
import { httpLimitsFromSettings } from '../../framework/server/http-limits.ts'
import type { WorkerMessage } from '../../framework/server/ipc-messages.ts'
import { resolveSettings } from '../../framework/server/settings.ts'
import { Worker } from '../../framework/server/worker.ts'

/** A host that answers nothing until `release(path)`. */
function holdingHost(): {
  host: HostFactory
  release: (path: string) => void
  held: () => string[]
} {
  const waiting = new Map<string, () => void>()
  const host: HostFactory = () => (req, res) => {
    waiting.set(req.url!, () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end(`done ${req.url}`)
    })
    return undefined
  }
  return {
    host,
    release: (path) => {
      waiting.get(path)!()
      waiting.delete(path)
    },
    held: () => [...waiting.keys()],
  }
}

interface Reply {
  status: number
  connection: string | undefined
  body: string
}

// Keep-alive connections, so that `Connection: close` in an answer is the worker's doing.
const agent = new Agent({ keepAlive: true })

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1', path, agent }, (res: IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode!, connection: res.headers.connection, body }),
      )
    })
      .on('error', reject)
      .end()
  })
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

let front: Server | undefined
afterEach(() => {
  agent.destroy()
  front?.close()
  front = undefined
})

async function start(): Promise<{
  worker: Worker
  port: number
  release: (path: string) => void
  held: () => string[]
  sent: WorkerMessage[]
  exits: number[]
}> {
  const settings = resolveSettings({ app: 'unused:application', gracefulTimeout: 10 })
  const { host, release, held } = holdingHost()
  const sent: WorkerMessage[] = []
  const exits: number[] = []
  const worker = new Worker({
    id: 1,
    settings,
    log: createErrorLog('-', 'critical', process.pid),
    limits: httpLimitsFromSettings(settings),
    host,
    send: (message) => sent.push(message),
    exit: (code) => exits.push(code),
  })
  // As the primary does: it accepts, the worker gets the socket.
  front = createServer({ pauseOnConnect: true }, (socket) => worker.handleConnection(socket))
  await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve))
  return { worker, port: (front.address() as AddressInfo).port, release, held, sent, exits }
}

describe('a worker’s requests in flight', () => {
  it('counts each request from its head to its response, in any order of finishing', async () => {
    const { worker, port, release, held } = await start()
    const replies = ['/a', '/b', '/c'].map((path) => get(port, path))
    await until(() => held().length === 3, 'three requests held')
    expect(worker.inFlight).toBe(3)
    release('/b') // the middle one of the list first
    expect(await replies[1]).toMatchObject({ status: 200, body: 'done /b' })
    await until(() => worker.inFlight === 2, 'two in flight')
    release('/c')
    await replies[2]
    await until(() => worker.inFlight === 1, 'one in flight')
    release('/a')
    await replies[0]
    await until(() => worker.inFlight === 0, 'none in flight')
    expect(worker.requests).toBe(3)
    worker.stopNow()
  })

  it('reports the count in its heartbeat', async () => {
    const { worker, port, release, held, sent } = await start()
    const replies = [get(port, '/x'), get(port, '/y')]
    await until(() => held().length === 2, 'two requests held')
    worker.start()
    const beat = sent.at(-1)
    expect(beat).toMatchObject({ t: 'beat', requests: 2, inFlight: 2 })
    release('/x')
    release('/y')
    await Promise.all(replies)
    worker.stopNow()
  })

  it('on a graceful stop, answers each in-flight request with Connection: close', async () => {
    const { worker, port, release, held, exits } = await start()
    const paths = ['/1', '/2', '/3', '/4']
    const replies = new Map(paths.map((path) => [path, get(port, path)]))
    await until(() => held().length === 4, 'four requests held')
    // The newest and one in the middle finish before the stop: the list must stay whole.
    const [oldest, middle, other, newest] = held() as [string, string, string, string]
    release(newest)
    release(middle)
    expect((await replies.get(newest))!.connection).toBe('keep-alive')
    await until(() => worker.inFlight === 2, 'two in flight')
    worker.stop()
    expect(exits).toEqual([])
    release(other)
    release(oldest)
    for (const path of [oldest, other]) {
      expect(await replies.get(path)).toMatchObject({ status: 200, connection: 'close' })
    }
    await until(() => exits.length === 1, 'the worker to exit')
    expect(exits).toEqual([0])
    expect(worker.inFlight).toBe(0)
  })
})

describe('a request the application answers during its call', () => {
  /** A worker running serve's own host over a synchronous application. */
  async function startSync(finished: { status: number; inFlight: number }[]) {
    const settings = resolveSettings({ app: 'unused:application', gracefulTimeout: 10 })
    const log = createErrorLog('-', 'critical', process.pid)
    // '/big' is more than a socket takes at once: its end is still being written as the call
    // returns.
    const big = new Uint8Array(8 * 1024 * 1024).fill(0x61)
    const app: Application = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      const path = environ.PATH_INFO as string
      return [path === '/big' ? big : new TextEncoder().encode(`hello ${path}`)]
    }
    const exits: number[] = []
    const worker: Worker = new Worker({
      id: 1,
      settings,
      log,
      limits: httpLimitsFromSettings(settings),
      host: createServeHost(app, settings, TrustedProxies.parse(''), log),
      send: () => {},
      exit: (code) => exits.push(code),
      onFinished: (info) =>
        finished.push({ status: info.res.statusCode, inFlight: worker.inFlight }),
    })
    front = createServer({ pauseOnConnect: true }, (socket) => worker.handleConnection(socket))
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve))
    return { worker, port: (front.address() as AddressInfo).port, exits }
  }

  it('is out of the in-flight count as soon as it is answered, and recorded once', async () => {
    const finished: { status: number; inFlight: number }[] = []
    const { worker, port } = await startSync(finished)
    expect(await get(port, '/a')).toMatchObject({ status: 200, body: 'hello /a' })
    expect(await get(port, '/b')).toMatchObject({ status: 200, body: 'hello /b' })
    expect(finished).toEqual([
      { status: 200, inFlight: 0 },
      { status: 200, inFlight: 0 },
    ])
    expect(worker.inFlight).toBe(0)
    worker.stopNow()
  })

  it('is sent whole, with Connection: close, when it arrives as the worker stops', async () => {
    const finished: { status: number; inFlight: number }[] = []
    const { worker, port, exits } = await startSync(finished)
    expect(await get(port, '/before')).toMatchObject({ status: 200, connection: 'keep-alive' })
    worker.stop()
    // The same kept-alive connection, within the idle grace a stopping worker gives it; a body
    // larger than the socket takes at once must not be cut when the request's record ends.
    const during = await get(port, '/big')
    expect(during).toMatchObject({ status: 200, connection: 'close' })
    expect(during.body.length).toBe(8 * 1024 * 1024)
    await until(() => exits.length === 1, 'the worker to exit')
    expect(exits).toEqual([0])
    expect(finished).toHaveLength(2)
  })
})
