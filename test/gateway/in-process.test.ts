import { mkdtemp, open as openFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { callApplication, fileWrapper } from '../../framework/gateway/index.ts'
import type { Application, Environ } from '../../framework/gateway/index.ts'

const enc = (text: string) => new TextEncoder().encode(text)

/** Answers with the environ's interesting keys and the body it read, as JSON. */
const echo: Application = async (environ, startResponse) => {
  const body = new TextDecoder().decode(await environ['wsgi.input'].read())
  const keys = Object.fromEntries(
    Object.entries(environ).filter(
      ([key, value]) => typeof value === 'string' || key.startsWith('wsgi.url'),
    ),
  )
  startResponse('200 OK', [['Content-Type', 'application/json']])
  return [enc(JSON.stringify({ ...keys, body }))]
}

describe('callApplication', () => {
  it('returns status, reason, headers and body, with text() and json()', async () => {
    const response = await callApplication((_, startResponse) => {
      startResponse('201 Created', [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
      ])
      return [enc('made')]
    })
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Created')
    expect(response.header('x-a')).toBe('1')
    expect(response.header('Content-Length')).toBe('4')
    expect(response.text()).toBe('made')
    expect(response.body).toBeInstanceOf(Uint8Array)
    expect(response.aborted).toBe(false)
  })

  it('builds a complete environ: latin-1 PATH_INFO, raw QUERY_STRING, defaults', async () => {
    const response = await callApplication(echo, { path: '/caf%C3%A9?a=%20b&c' })
    const seen = response.json<Record<string, string>>()
    expect(seen.PATH_INFO).toBe('/caf\u00c3\u00a9')
    expect(seen.QUERY_STRING).toBe('a=%20b&c')
    expect(seen).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      SERVER_NAME: 'testserver',
      SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_HOST: 'testserver',
      'wsgi.url_scheme': 'http',
    })
    expect(response.environ['wsgi.input_terminated']).toBe(true)
  })

  it('sends a string body as UTF-8 with CONTENT_LENGTH and CONTENT_TYPE', async () => {
    const response = await callApplication(echo, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'héllo',
    })
    const seen = response.json<Record<string, string>>()
    expect(seen.body).toBe('héllo')
    expect(seen.CONTENT_LENGTH).toBe('6')
    expect(seen.CONTENT_TYPE).toBe('text/plain; charset=utf-8')
    expect(seen.HTTP_CONTENT_TYPE).toBeUndefined()
  })

  it('joins repeated headers, Cookie with "; ", and drops names with "_"', async () => {
    const response = await callApplication(echo, {
      headers: [
        ['Accept', 'a'],
        ['Accept', 'b'],
        ['Cookie', 'x=1'],
        ['Cookie', 'y=2'],
        ['X_Forged', 'evil'],
      ],
    })
    const seen = response.json<Record<string, string>>()
    expect(seen.HTTP_ACCEPT).toBe('a, b')
    expect(seen.HTTP_COOKIE).toBe('x=1; y=2')
    expect(seen.HTTP_X_FORGED).toBeUndefined()
  })

  it('honours scheme, host header, mount point and extra environ keys', async () => {
    const response = await callApplication(echo, {
      scheme: 'https',
      headers: { Host: 'example.com:8443' },
      path: '/app/page',
      scriptName: '/app',
      environ: { 'serve.worker': '1' },
    })
    const seen = response.json<Record<string, string>>()
    expect(seen).toMatchObject({
      'wsgi.url_scheme': 'https',
      SERVER_NAME: 'example.com',
      SERVER_PORT: '8443',
      SCRIPT_NAME: '/app',
      PATH_INFO: '/page',
      'serve.worker': '1',
    })
  })

  it('returns a 500 and the logged error for a failing application', async () => {
    const response = await callApplication(() => {
      throw new Error('kaboom')
    })
    expect(response.status).toBe(500)
    expect(response.text()).toBe('500 Internal Server Error\n')
    expect(response.errors).toContain('kaboom')
  })

  it('reports a response a real host would cut as aborted', async () => {
    const response = await callApplication((_, startResponse) => {
      startResponse('200 OK', [['Content-Length', '100']])
      return [enc('short')]
    })
    expect(response.aborted).toBe(true)
    expect(response.text()).toBe('short')
  })

  it('keeps no body for HEAD', async () => {
    const response = await callApplication(
      (_, startResponse) => (startResponse('200 OK', []), [enc('body')]),
      { method: 'HEAD' },
    )
    expect(response.body.length).toBe(0)
    expect(response.header('Content-Length')).toBe('4')
  })

  it('fires gateway.signal from the request signal', async () => {
    const controller = new AbortController()
    let seen: Environ | undefined
    const pending = callApplication(
      (environ, startResponse) => {
        seen = environ
        startResponse('200 OK', [])
        return (async function* () {
          yield enc('a')
          await new Promise((resolve) =>
            environ['gateway.signal'].addEventListener('abort', resolve),
          )
        })()
      },
      { signal: controller.signal },
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    await pending
    expect(seen?.['gateway.signal'].aborted).toBe(true)
  })
})

describe('wsgi.file_wrapper (FileBody) through callApplication', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  async function tempFile(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-file-'))
    dirs.push(dir)
    const path = join(dir, 'data.txt')
    await writeFile(path, content)
    return path
  }

  it('sends a whole file in blocks, with the Content-Length the app declares', async () => {
    const path = await tempFile('0123456789'.repeat(10))
    const response = await callApplication((environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '100']])
      return environ['wsgi.file_wrapper']!({ file: path }, 7)
    })
    expect(response.text()).toBe('0123456789'.repeat(10))
    expect(response.aborted).toBe(false)
  })

  it('gets a computed Content-Length from the file size or the range', async () => {
    const path = await tempFile('abcdefghij')
    const whole = await callApplication((environ, startResponse) => {
      startResponse('200 OK', [])
      return environ['wsgi.file_wrapper']!({ file: path, start: 3 })
    })
    expect(whole.header('Content-Length')).toBe('7')
    expect(whole.text()).toBe('defghij')
    const range = await callApplication((environ, startResponse) => {
      startResponse('206 Partial Content', [])
      return environ['wsgi.file_wrapper']!({ file: path, start: 0, end: 1 })
    })
    expect(range.header('Content-Length')).toBe('2')
  })

  it('answers 500, not a cut, for a file that does not exist', async () => {
    const response = await callApplication((environ, startResponse) => {
      startResponse('200 OK', [])
      return environ['wsgi.file_wrapper']!({ file: join(tmpdir(), 'gateway-no-such-file') })
    })
    expect(response.status).toBe(500)
    expect(response.errors).toMatch(/ENOENT/)
  })

  it('sends an inclusive byte range', async () => {
    const path = await tempFile('abcdefghij')
    const response = await callApplication((environ, startResponse) => {
      startResponse('206 Partial Content', [])
      return environ['wsgi.file_wrapper']!({ file: path, start: 2, end: 5 })
    })
    expect(response.text()).toBe('cdef')
  })

  it('closes a handle it was given once the response is done', async () => {
    const path = await tempFile('hello')
    const handle = await openFile(path, 'r')
    const response = await callApplication((environ, startResponse) => {
      startResponse('200 OK', [])
      return environ['wsgi.file_wrapper']!({ file: handle })
    })
    expect(response.text()).toBe('hello')
    await expect(handle.stat()).rejects.toThrow()
  })

  it('refuses a bad range or block size with a RangeError naming it', () => {
    const wrapper = fileWrapper
    expect(() => wrapper({ file: '/x', start: 5, end: 1 })).toThrow(/start=5 end=1/)
    expect(() => wrapper({ file: '/x' }, 0)).toThrow(/block size 0/)
  })
})
