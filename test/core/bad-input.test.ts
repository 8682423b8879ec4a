/**
 * Bad input never crashes a worker: each malformed request gets a 4xx with a reason, and the
 * same application serves the next request normally. The app runs inside the gateway validator,
 * so a contract violation while answering bad input fails the test too.
 */
import { describe, expect, it } from 'vitest'
import { validator } from '../../framework/gateway/index.ts'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'
import { HttpResponse, JsonResponse, type HttpRequest } from '../../framework/http/index.ts'
import { callApp, type EnvironInit } from '../http/make-environ.ts'
import { urlconf } from './fake-urlconf.ts'

const views = {
  '/': () => new HttpResponse('ok'),
  '/search/': (r: HttpRequest) => new HttpResponse(`q=${r.GET.get('q', '')}`),
  '/form/': (r: HttpRequest) =>
    new JsonResponse({
      post: r.POST.toObject(),
      files: [...r.FILES].map(([k, f]) => [k, f.filename]),
    }),
  '/api/': async (r: HttpRequest) => new JsonResponse({ got: await r.json() }, { safe: false }),
}

const application = validator(
  getGatewayApplication(
    defineSettings(
      {
        DEBUG: false,
        SECRET_KEY: 'k',
        ALLOWED_HOSTS: ['testserver'],
        ROOT_URLCONF: urlconf(views),
        MIDDLEWARE: ['SecurityMiddleware', 'CommonMiddleware'],
        DATA_UPLOAD_MAX_MEMORY_SIZE: 1000,
        DATA_UPLOAD_MAX_NUMBER_FIELDS: 10,
      },
      { env: {} },
    ),
  ),
)

const multipart = (body: string): EnvironInit => ({
  method: 'POST',
  pathInfo: '/form/',
  headers: { 'Content-Type': 'multipart/form-data; boundary=B' },
  body: body.replace(/\n/g, '\r\n'),
})

const cases: [string, EnvironInit, number, RegExp][] = [
  ['malformed percent-encoding in the path', { pathInfo: '/%zz%/' }, 404, /Not Found/],
  ['invalid UTF-8 in the path', { pathInfo: '/\xff\xfe/' }, 400, /not valid UTF-8/],
  ['an overlong UTF-8 encoding in the path', { pathInfo: '/\xc0\xaf/' }, 400, /not valid UTF-8/],
  ['invalid UTF-8 in the query', { pathInfo: '/search/', query: 'q=%ff' }, 400, /Invalid UTF-8/],
  [
    'too many query fields',
    { pathInfo: '/search/', query: 'a&'.repeat(11) },
    400,
    /DATA_UPLOAD_MAX_NUMBER_FIELDS/,
  ],
  [
    'a host outside ALLOWED_HOSTS',
    { pathInfo: '/', extra: { HTTP_HOST: 'evil.example' } },
    400,
    /ALLOWED_HOSTS/,
  ],
  [
    'a malformed Host header',
    { pathInfo: '/', extra: { HTTP_HOST: 'a b/c' } },
    400,
    /Invalid HTTP_HOST/,
  ],
  [
    'multipart without a boundary',
    {
      method: 'POST',
      pathInfo: '/form/',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'x',
    },
    400,
    /boundary/,
  ],
  [
    'a JSON view sent form data',
    { method: 'POST', pathInfo: '/api/', headers: { 'Content-Type': 'text/plain' }, body: 'a=1' },
    400,
    /not valid JSON/,
  ],
  [
    'a body in an unknown charset',
    {
      method: 'POST',
      pathInfo: '/api/',
      headers: { 'Content-Type': 'application/json; charset=x-nope' },
      body: '{}',
    },
    400,
    /Unknown charset/,
  ],
  [
    'a body that is not UTF-8',
    {
      method: 'POST',
      pathInfo: '/api/',
      headers: { 'Content-Type': 'application/json' },
      body: new Uint8Array([0x22, 0xff, 0x22]),
    },
    400,
    /not valid utf-8/,
  ],
  [
    'truncated multipart',
    multipart('--B\nContent-Disposition: form-data; name="a"\n\nvalue-without-end'),
    400,
    /truncated/,
  ],
  [
    'multipart with a part lacking Content-Disposition',
    multipart('--B\nContent-Type: text/plain\n\nx\n--B--\n'),
    400,
    /Content-Disposition/,
  ],
  [
    'multipart with non-UTF-8 field text',
    {
      ...multipart(''),
      body: new Uint8Array(
        Buffer.concat([
          Buffer.from('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n'),
          Buffer.from([0xff]),
          Buffer.from('\r\n--B--\r\n'),
        ]),
      ),
    },
    400,
    /not valid UTF-8/,
  ],
  [
    'an over-limit urlencoded body',
    {
      method: 'POST',
      pathInfo: '/form/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `a=${'x'.repeat(2000)}`,
    },
    413,
    /DATA_UPLOAD_MAX_MEMORY_SIZE/,
  ],
  [
    'an over-limit JSON body',
    {
      method: 'POST',
      pathInfo: '/api/',
      headers: { 'Content-Type': 'application/json' },
      body: `"${'x'.repeat(2000)}"`,
    },
    413,
    /DATA_UPLOAD_MAX_MEMORY_SIZE/,
  ],
  [
    'an over-limit chunked body (no Content-Length)',
    {
      method: 'POST',
      pathInfo: '/api/',
      headers: { 'Content-Type': 'application/json' },
      body: `"${'x'.repeat(200_000)}"`,
      contentLength: null,
    },
    413,
    /DATA_UPLOAD_MAX_MEMORY_SIZE/,
  ],
  [
    'too many multipart fields',
    multipart(`${'--B\nContent-Disposition: form-data; name="f"\n\nv\n'.repeat(11)}--B--\n`),
    400,
    /DATA_UPLOAD_MAX_NUMBER_FIELDS/,
  ],
  [
    'an over-limit multipart text field',
    multipart(`--B\nContent-Disposition: form-data; name="f"\n\n${'v'.repeat(1500)}\n--B--\n`),
    413,
    /DATA_UPLOAD_MAX_MEMORY_SIZE/,
  ],
]

describe('bad input', () => {
  for (const [what, init, status, reason] of cases) {
    it(`answers ${what} with ${status} and a reason, then serves the next request`, async () => {
      const bad = await callApp(application, init)
      expect(bad.status, bad.text).toBe(status)
      expect(bad.text).toMatch(reason)
      expect(bad.closed).toBe(true)
      const next = await callApp(application, { pathInfo: '/' })
      expect([next.status, next.text]).toEqual([200, 'ok'])
    })
  }

  it('still parses a well-formed multipart body after all that', async () => {
    const res = await callApp(
      application,
      multipart(
        '--B\nContent-Disposition: form-data; name="a"\n\n1\n--B\nContent-Disposition: form-data; name="f"; filename="x.txt"\n\nhi\n--B--\n',
      ),
    )
    expect(JSON.parse(res.text)).toEqual({ post: { a: '1' }, files: [['f', 'x.txt']] })
  })
})
