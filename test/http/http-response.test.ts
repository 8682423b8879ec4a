import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Body, FileWrapperSource } from '../../framework/gateway/index.ts'
import {
  FileResponse,
  Http404,
  HttpResponse,
  MethodNotAllowed,
  HttpResponseNotAllowed,
  HttpResponseRedirect,
  JsonResponse,
  StreamingHttpResponse,
  SuspiciousOperation,
} from '../../framework/http/index.ts'
import { makeEnviron } from './make-environ.ts'

async function drain(body: Body): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(c)
  await body.close?.()
  return Buffer.concat(chunks).toString('utf8')
}

describe('HttpResponse', () => {
  it('sends its content with Content-Type and Content-Length', async () => {
    const out = await new HttpResponse('héllo').toGateway(makeEnviron())
    expect(out.status).toBe('200 OK')
    expect(out.headers).toEqual([
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Content-Length', '6'],
    ])
    expect(await drain(out.body)).toBe('héllo')
  })

  it('closes without a promise when nothing is to close, and runs onClose callbacks', async () => {
    const plain = await new HttpResponse('x').toGateway(makeEnviron())
    expect(plain.body.close?.()).toBeUndefined()
    const closed: string[] = []
    const withCallback = new HttpResponse('x')
    withCallback.onClose(() => void closed.push('callback'))
    const out = await withCallback.toGateway(makeEnviron())
    const closing = out.body.close?.()
    expect(closing).toBeInstanceOf(Promise)
    await closing
    expect(closed).toEqual(['callback'])
  })

  it.each([
    ['empty', ''],
    ['short ASCII', 'Hello, World!'],
    ['short with a control byte and DEL', 'a\tb\u007f'],
    ['short non-ASCII', 'café ü'],
    ['short with an emoji', 'ok \u{1f600}'],
    ['non-ASCII after 60 ASCII characters', `${'a'.repeat(60)}é`],
    ['long ASCII', 'x'.repeat(5000)],
    ['long non-ASCII', 'é'.repeat(3000)],
  ])('encodes %s content as UTF-8 bytes', (_label, text) => {
    const expected = new Uint8Array(Buffer.from(text, 'utf8'))
    const response = new HttpResponse(text)
    expect(response.content).toBeInstanceOf(Uint8Array)
    // A Buffer (node:http sends it as it is); compared by its bytes.
    expect(new Uint8Array(response.content)).toEqual(expected)
    expect(response.content.byteLength).toBe(expected.byteLength)
    expect(response.text).toBe(text)
    response.content = text
    expect(new Uint8Array(response.content)).toEqual(expected)
  })

  it('keeps headers case-insensitive, with repeats through append()', () => {
    const r = new HttpResponse('')
    r.headers.set('X-A', '1')
    r.headers.set('x-a', '2')
    r.headers.append('Vary', 'Cookie')
    r.headers.append('vary', 'Accept')
    expect(r.headers.getAll('X-A')).toEqual(['2'])
    expect(r.headers.getAll('VARY')).toEqual(['Cookie', 'Accept'])
  })

  it('rejects a header value with a line break, naming the header', () => {
    expect(() => new HttpResponse('').headers.set('X-Bad', 'a\r\nSet-Cookie: x')).toThrow(/X-Bad/)
  })

  it('serializes cookies with every flag, and deletes cookies', async () => {
    const r = new HttpResponse('')
    r.setCookie('a', 'b c', {
      maxAge: 60,
      domain: 'example.com',
      path: '/x',
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
      partitioned: true,
    })
    r.deleteCookie('old')
    const cookies = (await r.toGateway(makeEnviron())).headers
      .filter(([k]) => k === 'Set-Cookie')
      .map(([, v]) => v)
    expect(cookies[0]).toMatch(
      /^a=b%20c; Max-Age=60; Expires=.* GMT; Domain=example.com; Path=\/x; Secure; HttpOnly; SameSite=Strict; Partitioned$/,
    )
    expect(cookies[1]).toMatch(/^old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/$/)
  })

  it('sends no body for HEAD but keeps Content-Length', async () => {
    const out = await new HttpResponse('abc').toGateway(makeEnviron({ method: 'HEAD' }))
    expect(out.headers).toContainEqual(['Content-Length', '3'])
    expect(await drain(out.body)).toBe('')
  })
})

describe('JsonResponse', () => {
  it('serializes objects and refuses arrays unless safe is false', async () => {
    expect(new JsonResponse({ a: 1 }).text).toBe('{"a":1}')
    expect(new JsonResponse({ a: 1 }).headers.get('content-type')).toBe('application/json')
    expect(() => new JsonResponse([1])).toThrow(/safe/)
    expect(new JsonResponse([1], { safe: false }).text).toBe('[1]')
  })
})

describe('the status line', () => {
  it('is the standard one unless a reason is given, and follows a changed status', () => {
    const response = new HttpResponse('', { contentType: 'text/plain' })
    expect(response.statusLine).toBe('200 OK')
    response.status = 404
    expect(response.statusLine).toBe('404 Not Found')
    expect(new HttpResponse('', { status: 299 }).statusLine).toBe('299 Unknown Status Code')
    expect(new HttpResponse('', { status: 200, reason: 'Fine' }).statusLine).toBe('200 Fine')
  })

  it('keeps a Content-Type given in headers unless contentType names another', () => {
    const given = new HttpResponse('', { headers: { 'content-type': 'text/csv' } })
    expect(given.headers.toList()).toEqual([['content-type', 'text/csv']])
    const both = new HttpResponse('', {
      headers: { 'Content-Type': 'text/csv' },
      contentType: 'text/plain',
    })
    expect(both.headers.toList()).toEqual([['Content-Type', 'text/plain']])
    expect(new HttpResponse('').headers.get('content-type')).toBe('text/html; charset=utf-8')
  })
})

describe('HTTP errors', () => {
  it('render themselves with their status, reason and extra headers', () => {
    const r = new MethodNotAllowed('PUT', ['GET', 'HEAD']).toResponse()
    expect([r.status, r.headers.get('Allow'), r.text]).toEqual([
      405,
      'GET, HEAD',
      '405 Method Not Allowed: Method "PUT" not allowed; use GET, HEAD.\n',
    ])
    expect(new Http404('No such poll').toResponse().text).toBe('404 Not Found: No such poll\n')
  })
})

describe('redirects and error responses', () => {
  it('sets Location and refuses unsafe schemes', () => {
    expect(new HttpResponseRedirect('/next/?a=1').headers.get('Location')).toBe('/next/?a=1')
    expect(() => new HttpResponseRedirect('javascript:alert(1)')).toThrow(SuspiciousOperation)
  })

  it('gives 405 an Allow header', () => {
    const r = new HttpResponseNotAllowed(['GET', 'POST'])
    expect([r.status, r.headers.get('Allow')]).toEqual([405, 'GET, POST'])
  })
})

describe('StreamingHttpResponse', () => {
  it('streams chunks lazily and passes close() to the source', async () => {
    const produced: number[] = []
    let closed = 0
    async function* gen() {
      for (let i = 0; i < 3; i++) {
        produced.push(i)
        yield `chunk${i};`
      }
    }
    const source = Object.assign(gen(), { close: () => void closed++ })
    const out = await new StreamingHttpResponse(source).toGateway(makeEnviron())
    expect(produced).toEqual([])
    const iterator = (out.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('chunk0;')
    expect(produced).toEqual([0])
    await out.body.close?.()
    expect(closed).toBe(1)
    expect(out.headers.find(([k]) => k === 'Content-Length')).toBeUndefined()
  })
})

describe('FileResponse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-response-'))
  const file = join(dir, 'data.txt')
  writeFileSync(file, '0123456789')

  it('sends the whole file with its type and length', async () => {
    const out = await new FileResponse(file).toGateway(makeEnviron())
    expect(out.status).toBe('200 OK')
    expect(out.headers).toContainEqual(['Content-Type', 'text/plain; charset=utf-8'])
    expect(out.headers).toContainEqual(['Content-Length', '10'])
    expect(await drain(out.body)).toBe('0123456789')
  })

  it('answers a Range request with 206 and Content-Range', async () => {
    const out = await new FileResponse(file).toGateway(
      makeEnviron({ headers: { Range: 'bytes=2-4' } }),
    )
    expect(out.status).toBe('206 Partial Content')
    expect(out.headers).toContainEqual(['Content-Range', 'bytes 2-4/10'])
    expect(await drain(out.body)).toBe('234')
  })

  it('answers a suffix range and an unsatisfiable one (416)', async () => {
    expect(
      await drain(
        (await new FileResponse(file).toGateway(makeEnviron({ headers: { Range: 'bytes=-3' } })))
          .body,
      ),
    ).toBe('789')
    const out = await new FileResponse(file).toGateway(
      makeEnviron({ headers: { Range: 'bytes=50-' } }),
    )
    expect(out.status).toBe('416 Range Not Satisfiable')
    expect(out.headers).toContainEqual(['Content-Range', 'bytes */10'])
  })

  it('uses wsgi.file_wrapper when the server offers one', async () => {
    const calls: FileWrapperSource[] = []
    const wrapper = (source: FileWrapperSource): Body => {
      calls.push(source)
      return [new TextEncoder().encode('wrapped')]
    }
    const out = await new FileResponse(file).toGateway(
      makeEnviron({ headers: { Range: 'bytes=1-' }, extra: { 'wsgi.file_wrapper': wrapper } }),
    )
    expect(calls).toEqual([{ file, start: 1, end: 9 }])
    expect(await drain(out.body)).toBe('wrapped')
  })

  it('sets Content-Disposition for attachments, with a UTF-8 name', () => {
    const r = new FileResponse(file, { asAttachment: true, filename: 'résumé.txt' })
    expect(r.headers.get('Content-Disposition')).toBe(
      `attachment; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
    )
  })
})
