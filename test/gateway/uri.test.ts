import { describe, expect, it } from 'vitest'
import {
  PathInfoError,
  applicationUri,
  requestUri,
  setupTestingDefaults,
  shiftPathInfo,
  utf8PathInfo,
} from '../../framework/gateway/index.ts'

describe('applicationUri', () => {
  it('uses HTTP_HOST and SCRIPT_NAME', () => {
    const environ = setupTestingDefaults({
      HTTP_HOST: 'example.com:8080',
      SCRIPT_NAME: '/app',
      PATH_INFO: '/x',
    })
    expect(applicationUri(environ)).toBe('http://example.com:8080/app')
  })

  it("falls back to SERVER_NAME, omitting the scheme's default port", () => {
    const environ = setupTestingDefaults({
      SERVER_NAME: 'example.com',
      SERVER_PORT: '443',
      'wsgi.url_scheme': 'https',
    })
    delete environ.HTTP_HOST
    expect(applicationUri(environ)).toBe('https://example.com/')
  })

  it('adds a non-default port to SERVER_NAME', () => {
    const environ = setupTestingDefaults({ SERVER_NAME: 'example.com', SERVER_PORT: '8000' })
    delete environ.HTTP_HOST
    expect(applicationUri(environ)).toBe('http://example.com:8000/')
  })
})

describe('requestUri', () => {
  it('quotes latin-1 PATH_INFO bytes and appends the query', () => {
    const environ = setupTestingDefaults({
      HTTP_HOST: 'example.com',
      PATH_INFO: '/caf\u00c3\u00a9 x',
      QUERY_STRING: 'a=1',
    })
    expect(requestUri(environ)).toBe('http://example.com/caf%C3%A9%20x?a=1')
  })

  it('leaves the query out when asked', () => {
    const environ = setupTestingDefaults({ HTTP_HOST: 'h', PATH_INFO: '/p', QUERY_STRING: 'a=1' })
    expect(requestUri(environ, false)).toBe('http://h/p')
  })

  it('keeps /;=, unquoted and joins SCRIPT_NAME and PATH_INFO', () => {
    const environ = setupTestingDefaults({
      HTTP_HOST: 'h',
      SCRIPT_NAME: '/app',
      PATH_INFO: '/a;b=c,d',
    })
    expect(requestUri(environ)).toBe('http://h/app/a;b=c,d')
  })
})

describe('shiftPathInfo', () => {
  it('moves one segment from PATH_INFO to SCRIPT_NAME and returns it', () => {
    const environ = setupTestingDefaults({ SCRIPT_NAME: '', PATH_INFO: '/blog/2024/post' })
    expect(shiftPathInfo(environ)).toBe('blog')
    expect(environ.SCRIPT_NAME).toBe('/blog')
    expect(environ.PATH_INFO).toBe('/2024/post')
  })

  it('drops empty and dot segments in the middle', () => {
    const environ = setupTestingDefaults({ SCRIPT_NAME: '/app', PATH_INFO: '//./a/b' })
    expect(shiftPathInfo(environ)).toBe('a')
    expect(environ.SCRIPT_NAME).toBe('/app/a')
    expect(environ.PATH_INFO).toBe('/b')
  })

  it('returns undefined and changes nothing when PATH_INFO is empty', () => {
    const environ = setupTestingDefaults({ SCRIPT_NAME: '/app', PATH_INFO: '' })
    expect(shiftPathInfo(environ)).toBeUndefined()
    expect(environ.SCRIPT_NAME).toBe('/app')
  })

  it("returns '' for a trailing slash and moves it, as wsgiref does", () => {
    const environ = setupTestingDefaults({ SCRIPT_NAME: '/app', PATH_INFO: '/' })
    expect(shiftPathInfo(environ)).toBe('')
    expect(environ.SCRIPT_NAME).toBe('/app/')
    expect(environ.PATH_INFO).toBe('')
  })
})

describe('utf8PathInfo', () => {
  it('decodes the latin-1 bytes as UTF-8', () => {
    expect(utf8PathInfo(setupTestingDefaults({ PATH_INFO: '/caf\u00c3\u00a9' }))).toBe('/café')
  })

  it('throws a coded PathInfoError for invalid UTF-8', () => {
    const environ = setupTestingDefaults({ PATH_INFO: '/\u00ff\u00fe' })
    expect(() => utf8PathInfo(environ)).toThrow(PathInfoError)
    expect(() => utf8PathInfo(environ)).toThrow(expect.objectContaining({ code: 'GW-H08' }))
  })
})

describe('setupTestingDefaults', () => {
  it('fills every required key with test values', () => {
    const environ = setupTestingDefaults()
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/',
      QUERY_STRING: '',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.1',
      HTTP_HOST: '127.0.0.1',
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': 'http',
      'wsgi.multithread': false,
      'wsgi.multiprocess': false,
      'wsgi.run_once': false,
      'wsgi.input_terminated': true,
    })
    expect(environ['gateway.signal']).toBeInstanceOf(AbortSignal)
    expect(typeof environ['wsgi.file_wrapper']).toBe('function')
  })

  it('keeps keys already present and derives the port from the scheme', () => {
    const environ = setupTestingDefaults({ REQUEST_METHOD: 'POST', 'wsgi.url_scheme': 'https' })
    expect(environ.REQUEST_METHOD).toBe('POST')
    expect(environ.SERVER_PORT).toBe('443')
  })

  it('gives an empty wsgi.input and an in-memory wsgi.errors', async () => {
    const environ = setupTestingDefaults()
    expect((await environ['wsgi.input'].read()).length).toBe(0)
    environ['wsgi.errors'].write('logged')
    expect((environ['wsgi.errors'] as unknown as { text: string }).text).toBe('logged')
  })
})
