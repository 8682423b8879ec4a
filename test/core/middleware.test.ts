import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings, type SettingsInput } from '../../framework/conf/index.ts'
import { HttpResponse, StreamingHttpResponse } from '../../framework/http/index.ts'
import { callApp } from '../http/make-environ.ts'
import { urlconf } from './fake-urlconf.ts'

const big = 'lorem ipsum '.repeat(100)
const views = {
  '/': () => new HttpResponse(big),
  '/small/': () => new HttpResponse('tiny'),
  '/dated/': () =>
    new HttpResponse('x', { headers: { 'Last-Modified': 'Wed, 01 Jan 2025 00:00:00 GMT' } }),
  '/stream/': () => new StreamingHttpResponse([big]),
  '/framed/': () => new HttpResponse('', { headers: { 'X-Frame-Options': 'SAMEORIGIN' } }),
  '/slash/': () => new HttpResponse('slash'),
}

function app(settings: SettingsInput) {
  return getGatewayApplication(
    defineSettings(
      {
        DEBUG: false,
        SECRET_KEY: 'k',
        ALLOWED_HOSTS: ['testserver'],
        ROOT_URLCONF: urlconf(views),
        ...settings,
      },
      { env: {} },
    ),
  )
}

describe('SecurityMiddleware', () => {
  it('adds nosniff, Referrer-Policy and COOP, and HSTS only over HTTPS', async () => {
    const a = app({
      MIDDLEWARE: ['SecurityMiddleware'],
      SECURE_HSTS_SECONDS: 60,
      SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
    })
    const plain = await callApp(a, { pathInfo: '/small/' })
    expect(plain.header('X-Content-Type-Options')).toBe('nosniff')
    expect(plain.header('Referrer-Policy')).toBe('same-origin')
    expect(plain.header('Cross-Origin-Opener-Policy')).toBe('same-origin')
    expect(plain.header('Strict-Transport-Security')).toBeUndefined()
    const secure = await callApp(a, { pathInfo: '/small/', scheme: 'https' })
    expect(secure.header('Strict-Transport-Security')).toBe('max-age=60; includeSubDomains')
  })

  it('redirects plain HTTP to HTTPS with SECURE_SSL_REDIRECT', async () => {
    const res = await callApp(
      app({ MIDDLEWARE: ['SecurityMiddleware'], SECURE_SSL_REDIRECT: true }),
      { pathInfo: '/small/', query: 'a=1' },
    )
    expect([res.status, res.header('Location')]).toEqual([301, 'https://testserver/small/?a=1'])
  })
})

describe('CommonMiddleware', () => {
  it('answers 400 with the reason for a host outside ALLOWED_HOSTS', async () => {
    const res = await callApp(app({ MIDDLEWARE: ['CommonMiddleware'] }), {
      pathInfo: '/small/',
      extra: { HTTP_HOST: 'evil.example' },
    })
    expect(res.status).toBe(400)
    expect(res.text).toContain('ALLOWED_HOSTS')
  })

  it('redirects to the slashed path when only that one matches (APPEND_SLASH)', async () => {
    const a = app({ MIDDLEWARE: ['CommonMiddleware'] })
    const res = await callApp(a, { pathInfo: '/slash', query: 'q=1' })
    expect([res.status, res.header('Location')]).toEqual([301, '/slash/?q=1'])
    expect((await callApp(a, { pathInfo: '/nothing' })).status).toBe(404)
    expect(
      (
        await callApp(app({ MIDDLEWARE: ['CommonMiddleware'], APPEND_SLASH: false }), {
          pathInfo: '/slash',
        })
      ).status,
    ).toBe(404)
  })
})

describe('XFrameOptionsMiddleware', () => {
  it('sets X_FRAME_OPTIONS unless the view chose its own', async () => {
    const a = app({ MIDDLEWARE: ['XFrameOptionsMiddleware'] })
    expect((await callApp(a, { pathInfo: '/small/' })).header('X-Frame-Options')).toBe('DENY')
    expect((await callApp(a, { pathInfo: '/framed/' })).header('X-Frame-Options')).toBe(
      'SAMEORIGIN',
    )
  })
})

describe('ConditionalGetMiddleware', () => {
  it('adds an ETag and answers a matching If-None-Match with an empty 304', async () => {
    const a = app({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
    const first = await callApp(a, { pathInfo: '/small/' })
    const etag = first.header('ETag')
    expect(etag).toMatch(/^".+"$/)
    const second = await callApp(a, {
      pathInfo: '/small/',
      headers: { 'If-None-Match': `W/${etag}` },
    })
    expect([second.status, second.text, second.header('ETag')]).toEqual([304, '', etag])
  })

  it('answers If-Modified-Since with 304 when Last-Modified is not newer', async () => {
    const a = app({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
    // An If-None-Match would take precedence, so send only the date.
    const res = await callApp(a, {
      pathInfo: '/dated/',
      headers: { 'If-Modified-Since': 'Thu, 02 Jan 2025 00:00:00 GMT' },
    })
    expect(res.status).toBe(304)
    expect(
      (
        await callApp(a, {
          pathInfo: '/dated/',
          headers: { 'If-Modified-Since': 'Tue, 31 Dec 2024 00:00:00 GMT' },
        })
      ).status,
    ).toBe(200)
  })
})

describe('ConditionalGetMiddleware preconditions', () => {
  it('answers 412 when If-Match does not match the ETag, and 200 when it does', async () => {
    const a = app({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
    const etag = (await callApp(a, { pathInfo: '/small/' })).header('ETag') ?? ''
    expect(
      (await callApp(a, { pathInfo: '/small/', headers: { 'If-Match': '"other"' } })).status,
    ).toBe(412)
    expect((await callApp(a, { pathInfo: '/small/', headers: { 'If-Match': etag } })).status).toBe(
      200,
    )
  })

  it('answers 412 when the resource changed after If-Unmodified-Since', async () => {
    const a = app({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
    const res = await callApp(a, {
      pathInfo: '/dated/',
      headers: { 'If-Unmodified-Since': 'Tue, 31 Dec 2024 00:00:00 GMT' },
    })
    expect(res.status).toBe(412)
  })
})

describe('GZipMiddleware', () => {
  it('compresses large responses for gzip clients and sets Vary', async () => {
    const res = await callApp(app({ MIDDLEWARE: ['GZipMiddleware'] }), {
      pathInfo: '/',
      headers: { 'Accept-Encoding': 'gzip, br' },
    })
    expect(res.header('Content-Encoding')).toBe('gzip')
    expect(res.header('Vary')).toBe('Accept-Encoding')
    expect(Number(res.header('Content-Length'))).toBe(res.body.byteLength)
    expect(gunzipSync(res.body).toString()).toBe(big)
  })

  it('leaves small bodies, non-gzip clients and streaming responses alone', async () => {
    const a = app({ MIDDLEWARE: ['GZipMiddleware'] })
    expect(
      (await callApp(a, { pathInfo: '/small/', headers: { 'Accept-Encoding': 'gzip' } })).header(
        'Content-Encoding',
      ),
    ).toBeUndefined()
    expect((await callApp(a, { pathInfo: '/' })).text).toBe(big)
    const stream = await callApp(a, { pathInfo: '/stream/' })
    expect([stream.header('Content-Encoding'), stream.text]).toEqual([undefined, big])
  })

  it('compresses a streaming response chunk by chunk and closes its source', async () => {
    let closed = 0
    const source = Object.assign(['one ', 'two ', 'three'], { close: () => void closed++ })
    const a = getGatewayApplication(
      defineSettings(
        {
          DEBUG: false,
          SECRET_KEY: 'k',
          ROOT_URLCONF: urlconf({ '/s/': () => new StreamingHttpResponse(source) }),
          MIDDLEWARE: ['GZipMiddleware'],
        },
        { env: {} },
      ),
    )
    const res = await callApp(a, { pathInfo: '/s/', headers: { 'Accept-Encoding': 'gzip' } })
    expect(res.header('Content-Encoding')).toBe('gzip')
    expect(gunzipSync(res.body).toString()).toBe('one two three')
    expect(closed).toBe(1)
  })
})
