/**
 * The framework application behind the node:http host, over a real socket on 127.0.0.1:0:
 * a page, a form POST (urlencoded and multipart with a file streamed to a temporary file),
 * a streaming response arriving chunk by chunk, and bad input followed by a normal request.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachNodeListener, ErrorsStream, toNodeListener } from '../../framework/gateway/index.ts'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'
import {
  FileResponse,
  HttpResponse,
  JsonResponse,
  StreamingHttpResponse,
  type HttpRequest,
} from '../../framework/http/index.ts'
import { path } from '../../framework/urls/index.ts'

const uploadDir = mkdtempSync(join(tmpdir(), 'core-node-http-'))
const filesDir = mkdtempSync(join(tmpdir(), 'core-node-http-files-'))
writeFileSync(join(filesDir, 'alphabet.txt'), 'abcdefghijklmnopqrstuvwxyz')
let tempSeen: string | undefined
// A gate opened by the test; created up front so opening it before the generator waits is kept.
let release: () => void = () => {}
const gate = new Promise<void>((resolve) => (release = resolve))

const urlpatterns = [
  path(
    '',
    () => new HttpResponse('<form method="post" action="/greet/"><input name="name"></form>'),
    { name: 'home' },
  ),
  path('greet/', (r: HttpRequest) => new HttpResponse(`Hello, ${r.POST.get('name', 'stranger')}!`)),
  path('upload/', async (r: HttpRequest) => {
    const file = r.FILES.get('f')
    tempSeen = file?.temporaryPath
    return new JsonResponse({
      name: file?.filename,
      size: file?.size,
      inMemory: file?.inMemory,
      title: r.POST.get('title'),
    })
  }),
  path('file/', () => new FileResponse(join(filesDir, 'alphabet.txt'))),
  path('stream/', () => {
    async function* gen() {
      yield 'first;'
      // Held until the test has seen the first chunk: proves nothing is buffered.
      await gate
      yield 'second;'
    }
    return new StreamingHttpResponse(gen(), { contentType: 'text/plain; charset=utf-8' })
  }),
]

let server: Server
let base: string

beforeAll(async () => {
  const settings = defineSettings(
    {
      DEBUG: false,
      SECRET_KEY: 'k',
      ALLOWED_HOSTS: ['127.0.0.1'],
      ROOT_URLCONF: { urlpatterns },
      MIDDLEWARE: ['SecurityMiddleware', 'CommonMiddleware'],
      FILE_UPLOAD_MAX_MEMORY_SIZE: 1024,
      FILE_UPLOAD_TEMP_DIR: uploadDir,
    },
    { env: {} },
  )
  const listener = toNodeListener(getGatewayApplication(settings), { errors: new ErrorsStream() })
  server = attachNodeListener(createServer(), listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('getGatewayApplication under the node:http host', () => {
  it('serves a page with a form', async () => {
    const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<form method="post"')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers the form POST', async () => {
    const res = await fetch(`${base}/greet/`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Ada Lovelace' }),
      signal: AbortSignal.timeout(5000),
    })
    expect(await res.text()).toBe('Hello, Ada Lovelace!')
  })

  it('streams a large multipart upload to a temporary file removed after the response', async () => {
    const form = new FormData()
    form.append('title', 'report')
    form.append('f', new Blob([new Uint8Array(100_000).fill(7)]), 'big.bin')
    const res = await fetch(`${base}/upload/`, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(5000),
    })
    expect(await res.json()).toEqual({
      name: 'big.bin',
      size: 100_000,
      inMemory: false,
      title: 'report',
    })
    expect(tempSeen?.startsWith(uploadDir)).toBe(true)
    // The host closes the body right after the last byte; give the cleanup a bounded moment.
    const deadline = Date.now() + 2000
    while (existsSync(tempSeen ?? '') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(existsSync(tempSeen ?? '')).toBe(false)
    expect(readdirSync(uploadDir)).toEqual([])
  })

  it('sends a file, and a byte range of it with 206', async () => {
    const whole = await fetch(`${base}/file/`, { signal: AbortSignal.timeout(5000) })
    expect([whole.status, await whole.text(), whole.headers.get('accept-ranges')]).toEqual([
      200,
      'abcdefghijklmnopqrstuvwxyz',
      'bytes',
    ])
    const part = await fetch(`${base}/file/`, {
      headers: { Range: 'bytes=3-5' },
      signal: AbortSignal.timeout(5000),
    })
    expect([part.status, await part.text(), part.headers.get('content-range')]).toEqual([
      206,
      'def',
      'bytes 3-5/26',
    ])
    const bad = await fetch(`${base}/file/`, {
      headers: { Range: 'bytes=100-' },
      signal: AbortSignal.timeout(5000),
    })
    expect([bad.status, bad.headers.get('content-range')]).toEqual([416, 'bytes */26'])
  })

  it('delivers a streaming response chunk by chunk', async () => {
    const res = await fetch(`${base}/stream/`, { signal: AbortSignal.timeout(5000) })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('first;')
    release()
    let rest = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    expect(rest).toBe('second;')
  })

  it('answers a truncated multipart body with 400 and then serves the next request', async () => {
    const res = await fetch(`${base}/upload/`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=B' },
      body: '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
      signal: AbortSignal.timeout(5000),
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/truncated/)
    expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) })).status).toBe(200)
  })
})
