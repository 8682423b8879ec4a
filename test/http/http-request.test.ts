import { mkdtempSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BadRequest,
  DisallowedHost,
  HttpRequest,
  HttpResponse,
  RequestDataTooBig,
  TooManyFieldsSent,
  sign,
} from '../../framework/http/index.ts'
import { makeEnviron } from './make-environ.ts'

const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1')

function multipart(
  parts: { name: string; filename?: string; content: string | Uint8Array }[],
  boundary = 'BoUnDaRy',
): Uint8Array {
  const chunks: Buffer[] = []
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n\r\n`,
      ),
    )
    chunks.push(Buffer.from(p.content))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return new Uint8Array(Buffer.concat(chunks))
}

describe('HttpRequest', () => {
  it('upper-cases the method, as Django does, and passes an upper-case one through', () => {
    expect(new HttpRequest(makeEnviron({ method: 'GET' })).method).toBe('GET')
    expect(new HttpRequest(makeEnviron({ method: 'post' })).method).toBe('POST')
    expect(new HttpRequest(makeEnviron({ method: 'Patch' })).method).toBe('PATCH')
    expect(new HttpRequest(makeEnviron({ method: 'M-SEARCH' })).method).toBe('M-SEARCH')
  })

  it('decodes PATH_INFO from latin-1 bytes as UTF-8', () => {
    const request = new HttpRequest(makeEnviron({ pathInfo: latin1('/café/ü') }))
    expect(request.path).toBe('/café/ü')
    expect(request.getFullPath()).toBe('/caf%C3%A9/%C3%BC')
  })

  it('re-encodes %, ? and # inside path segments in getFullPath()', () => {
    const request = new HttpRequest(makeEnviron({ pathInfo: '/a%41/b?c#d/e:f@g', query: 'x=1' }))
    expect(request.getFullPath()).toBe('/a%2541/b%3Fc%23d/e:f@g?x=1')
  })

  it('throws BadRequest for a path that is not UTF-8', () => {
    const request = new HttpRequest(makeEnviron({ pathInfo: '/\xff\xfe' }))
    expect(() => request.path).toThrow(BadRequest)
  })

  it('reads GET, COOKIES and case-insensitive headers lazily', () => {
    const request = new HttpRequest(
      makeEnviron({ query: 'a=1&a=2', headers: { Cookie: 'x=1; y="two"', 'X-Thing': 'v' } }),
    )
    expect(request.GET.getAll('a')).toEqual(['1', '2'])
    expect(request.COOKIES).toEqual({ x: '1', y: 'two' })
    expect(request.headers.get('x-THING')).toBe('v')
    expect(request.META.QUERY_STRING).toBe('a=1&a=2')
  })

  it('checks the host against ALLOWED_HOSTS, with subdomain patterns', () => {
    const make = (host: string) =>
      new HttpRequest(makeEnviron({ extra: { HTTP_HOST: host } }), {
        allowedHosts: ['.example.com'],
      })
    expect(make('www.example.com').getHost()).toBe('www.example.com')
    expect(make('example.com:8000').getHost()).toBe('example.com:8000')
    expect(() => make('evil.com').getHost()).toThrow(DisallowedHost)
    expect(() => make('bad host').getHost()).toThrow(DisallowedHost)
  })

  it('allows localhost names in DEBUG when ALLOWED_HOSTS is empty', () => {
    const request = new HttpRequest(makeEnviron({ extra: { HTTP_HOST: 'localhost:8000' } }), {
      debug: true,
    })
    expect(request.getHost()).toBe('localhost:8000')
  })

  it('builds absolute URIs and knows when it is secure', () => {
    const request = new HttpRequest(
      makeEnviron({ pathInfo: '/a/', query: 'q=1', scheme: 'https' }),
      { allowedHosts: ['testserver'] },
    )
    expect(request.isSecure()).toBe(true)
    expect(request.buildAbsoluteUri()).toBe('https://testserver/a/?q=1')
    expect(request.buildAbsoluteUri('../b')).toBe('https://testserver/b')
  })

  it('reads the body once and parses JSON, with a 400 for invalid JSON', async () => {
    const ok = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body: '{"a":1}',
        headers: { 'Content-Type': 'application/json' },
      }),
    )
    expect(await ok.json()).toEqual({ a: 1 })
    expect(await ok.text()).toBe('{"a":1}')
    const bad = new HttpRequest(makeEnviron({ method: 'POST', body: '{nope' }))
    await expect(bad.json()).rejects.toThrow(/not valid JSON/)
  })

  it('refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413', async () => {
    const request = new HttpRequest(makeEnviron({ method: 'POST', body: 'x'.repeat(20) }), {
      dataUploadMaxMemorySize: 10,
    })
    const error = await request.body().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestDataTooBig)
    expect((error as RequestDataTooBig).status).toBe(413)
  })

  it('parses a urlencoded body into POST', async () => {
    const request = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body: 'name=J%C3%BCrgen&tag=a&tag=b',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    )
    await request.parseBody()
    expect(request.POST.get('name')).toBe('Jürgen')
    expect(request.POST.getAll('tag')).toEqual(['a', 'b'])
  })

  it('limits the number of fields with a 400', async () => {
    const request = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body: 'a=1&b=2&c=3',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      { dataUploadMaxNumberFields: 2 },
    )
    await expect(request.parseBody()).rejects.toBeInstanceOf(TooManyFieldsSent)
  })

  it('parses multipart fields and small files in memory', async () => {
    const body = multipart([
      { name: 'title', content: 'Héllo' },
      { name: 'f', filename: '../../etc/passwd', content: 'abc' },
    ])
    const request = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body,
        headers: { 'Content-Type': 'multipart/form-data; boundary=BoUnDaRy' },
      }),
    )
    await request.parseBody()
    expect(request.POST.get('title')).toBe('Héllo')
    const file = request.FILES.get('f')
    expect(file?.filename).toBe('passwd')
    expect(file?.inMemory).toBe(true)
    expect(await file?.text()).toBe('abc')
  })

  it('ignores an empty file input (filename="")', async () => {
    const body = multipart([
      { name: 'f', filename: '', content: '' },
      { name: 'a', content: '1' },
    ])
    const request = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body,
        headers: { 'Content-Type': 'multipart/form-data; boundary=BoUnDaRy' },
      }),
    )
    await request.parseBody()
    expect([request.FILES.size, request.POST.get('a')]).toEqual([0, '1'])
  })

  it('streams large files to a temporary file that cleanup() removes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'req-test-'))
    const big = new Uint8Array(300_000).fill(65)
    const body = multipart([{ name: 'f', filename: 'big.bin', content: big }])
    const request = new HttpRequest(
      makeEnviron({
        method: 'POST',
        body,
        headers: { 'Content-Type': 'multipart/form-data; boundary=BoUnDaRy' },
      }),
      {
        fileUploadMaxMemorySize: 1000,
        fileUploadTempDir: dir,
      },
    )
    await request.parseBody()
    const file = request.FILES.get('f')
    expect(file?.inMemory).toBe(false)
    expect(file?.size).toBe(300_000)
    expect(existsSync(file?.temporaryPath ?? '')).toBe(true)
    expect((await file?.bytes())?.every((b) => b === 65)).toBe(true)
    await request.cleanup()
    expect(readdirSync(dir)).toEqual([])
  })

  it('reads a signed cookie and ignores a tampered one', () => {
    const value = sign('42', 'key', 'cookie:uid')
    const good = new HttpRequest(makeEnviron({ headers: { Cookie: `uid=${value}` } }), {
      secretKey: 'key',
    })
    expect(good.getSignedCookie('uid')).toBe('42')
    const bad = new HttpRequest(makeEnviron({ headers: { Cookie: `uid=43${value.slice(2)}` } }), {
      secretKey: 'key',
    })
    expect(bad.getSignedCookie('uid', { fallback: 'none' })).toBe('none')
  })

  it('round-trips a cookie set with setSignedCookie', () => {
    const response = new HttpResponse('x').setSignedCookie('uid', '7', { salt: 's' })
    const header = response.cookieHeaders({ secretKey: 'k' })[0] ?? ''
    const cookie = header.split(';')[0] ?? ''
    const request = new HttpRequest(
      makeEnviron({ headers: { Cookie: decodeURIComponent(cookie) } }),
      { secretKey: 'k' },
    )
    expect(request.getSignedCookie('uid', { salt: 's' })).toBe('7')
    expect(request.getSignedCookie('uid', { salt: 'other' })).toBeUndefined()
  })
})
