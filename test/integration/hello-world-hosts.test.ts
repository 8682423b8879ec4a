/**
 * examples/hello_world.ts under every host: the same application gives the same status, the same
 * Content-Type and byte-identical bodies whether a CGI web server (lighttpd running
 * `framework cgi`), the node:http host (toNodeListener) or the bundled server (`bin/serve.js`,
 * as `npx serve` runs it, with 2 forked workers) serves it.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachNodeListener, toNodeListener } from '../../framework/gateway/index.ts'
import { processHttpRequest } from '../../examples/hello_world.ts'
import { startLighttpdCgi } from '../support/lighttpd-cgi.ts'
import { requireProgram } from '../support/require-program.ts'

const lighttpd = requireProgram('lighttpd', 'apt-get install lighttpd')
const modulePath = resolve(import.meta.dirname, '../../examples/hello_world.ts')

/** One way to serve the example: started once, asked the same requests as every other. */
interface Host {
  name: string
  start(): Promise<{ url: string; stop(): Promise<void> }>
}

const hosts: Host[] = [
  {
    name: 'node:http host (toNodeListener)',
    async start() {
      const server = attachNodeListener(createServer(), toNodeListener(processHttpRequest))
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
      const { port } = server.address() as AddressInfo
      return {
        url: `http://127.0.0.1:${port}`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }
    },
  },
  {
    name: 'CGI host (framework cgi under lighttpd)',
    start: () => startLighttpdCgi({ modulePath, exportName: 'processHttpRequest' }),
  },
  {
    name: 'bundled server (bin/serve.js, 2 workers)',
    start: startServe,
  },
]

const repo = resolve(import.meta.dirname, '../..')

/**
 * Starts `node bin/serve.js` exactly as `npx serve` does (no --import flag: the bin registers
 * tsx for itself and its forked workers) on a free port, waits until it answers (at most 30 s),
 * and stops it by PID.
 */
async function startServe(): Promise<{ url: string; stop(): Promise<void> }> {
  const probe = createNetServer()
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((done) => probe.close(() => done()))
  const child = spawn(
    process.execPath,
    [
      join(repo, 'bin/serve.js'),
      `${modulePath}:processHttpRequest`,
      '--bind',
      `127.0.0.1:${port}`,
      '--workers',
      '2',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  const url = `http://127.0.0.1:${port}`
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if (child.exitCode !== null) break
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (response) => (await response.arrayBuffer(), true),
      () => false,
    )
    if (ok) return { url, stop }
    await new Promise((done) => setTimeout(done, 100))
  }
  await stop()
  throw new Error(`serve did not answer within 30 s:\n${output}`)
}

/** What a host answered, reduced to what must be identical across hosts. */
interface Answer {
  status: number
  contentType: string | null
  body: string
}

const requests: { label: string; method: string; path: string }[] = [
  { label: 'GET /', method: 'GET', path: '/' },
  { label: 'GET of a deep path with a query', method: 'GET', path: '/a/b%20c?x=1&y=%C3%A9' },
  { label: 'POST with a body', method: 'POST', path: '/form' },
  { label: 'HEAD /', method: 'HEAD', path: '/' },
]

describe.skipIf(!lighttpd.available)(
  `examples/hello_world.ts under every host ${lighttpd.reason}`,
  () => {
    const answers = new Map<string, Answer[]>()
    const running: { stop(): Promise<void> }[] = []

    beforeAll(async () => {
      for (const host of hosts) {
        const started = await host.start()
        running.push(started)
        const list: Answer[] = []
        for (const request of requests) {
          const response = await fetch(started.url + request.path, {
            method: request.method,
            ...(request.method === 'POST' ? { body: 'name=value' } : {}),
            signal: AbortSignal.timeout(30_000),
          })
          const body = Buffer.from(await response.arrayBuffer()).toString('latin1')
          list.push({
            status: response.status,
            contentType: response.headers.get('content-type'),
            body,
          })
        }
        answers.set(host.name, list)
      }
    }, 180_000)

    afterAll(async () => {
      await Promise.all(running.map((host) => host.stop()))
    })

    it('answers 200, text/plain; charset=utf-8 and "Hello World" under the node:http host', () => {
      const reference = answers.get(hosts[0]!.name)!
      expect(reference[0]).toEqual({
        status: 200,
        contentType: 'text/plain; charset=utf-8',
        body: 'Hello World',
      })
    })

    for (const host of hosts.slice(1)) {
      requests.forEach((request, index) => {
        it(`gives the same status, Content-Type and body bytes under the ${host.name}: ${request.label}`, () => {
          const reference = answers.get(hosts[0]!.name)![index]
          expect(answers.get(host.name)![index]).toEqual(reference)
        })
      })
    }

    it('sends no body bytes for HEAD under any host', () => {
      for (const host of hosts) expect(answers.get(host.name)![3]!.body).toBe('')
    })
  },
)
