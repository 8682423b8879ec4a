import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getGatewayApplication, type Middleware } from '../../framework/core/index.ts'
import { defineSettings, type SettingsInput } from '../../framework/conf/index.ts'
import {
  Http404,
  HttpResponse,
  MethodNotAllowed,
  PermissionDenied,
  StreamingHttpResponse,
  type HttpRequest,
} from '../../framework/http/index.ts'
import { callApp } from '../http/make-environ.ts'
import { urlconf } from './fake-urlconf.ts'

let uploadedPath: string | undefined
const closedViews: string[] = []

const views = {
  '/': () => new HttpResponse('home'),
  '/articles/<int:id>/': (_r: HttpRequest, p: Record<string, unknown>) =>
    new HttpResponse(`article ${String(p.id)} ${typeof p.id}`),
  '/boom/': () => {
    const secret = 'do not show'
    throw new Error(`kaboom ${secret.length}`)
  },
  '/missing/': () => {
    throw new Http404('No article "x"')
  },
  '/forbidden/': () => {
    throw new PermissionDenied()
  },
  '/method/': () => {
    throw new MethodNotAllowed('PUT', ['GET'])
  },
  '/nothing/': (() => undefined) as never,
  '/form/': async (r: HttpRequest) => new HttpResponse(`name=${r.POST.get('name')}`),
  '/stream/': () => new StreamingHttpResponse(['a', 'b']),
  '/upload/': (r: HttpRequest) => {
    const file = r.FILES.get('f')
    uploadedPath = file?.temporaryPath
    return new HttpResponse(`${file?.size} ${existsSync(uploadedPath ?? '')}`)
  },
  '/on-close/': () => {
    const response = new HttpResponse('bye')
    response.onClose(() => void closedViews.push('on-close'))
    return response
  },
  '/settings/': (r: HttpRequest) =>
    new HttpResponse(String((r.state.settings as { SECRET_KEY?: string } | undefined)?.SECRET_KEY)),
}

function app(settings: SettingsInput = {}, extra: Record<string, unknown> = {}) {
  return getGatewayApplication(
    defineSettings(
      {
        DEBUG: false,
        SECRET_KEY: 'test-secret',
        ALLOWED_HOSTS: ['testserver'],
        ROOT_URLCONF: urlconf(views, extra),
        // No template folders: the built-in error pages, whatever the cwd holds.
        TEMPLATES: { DIRS: [], APP_DIRS: false, CONTEXT_PROCESSORS: [] },
        ...settings,
      },
      { env: {} },
    ),
  )
}

describe('getGatewayApplication', () => {
  it('routes to a view with converted parameters', async () => {
    const res = await callApp(app(), { pathInfo: '/articles/42/' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('article 42 number')
  })

  it('answers 404 from 404.html when nothing matches, without internals', async () => {
    const res = await callApp(app(), { pathInfo: '/nope/' })
    expect(res.status).toBe(404)
    expect(res.text).toContain('Not Found')
    expect(res.text).not.toContain('/articles/')
  })

  it('lists the patterns tried on the DEBUG 404 page', async () => {
    const res = await callApp(app({ DEBUG: true }), { pathInfo: '/nope/' })
    expect(res.status).toBe(404)
    expect(res.text).toContain('<li><code>/articles/&#60;int:id&#62;/</code></li>')
    expect(res.text).toContain("didn't match any of these")
  })

  it('turns Http404, PermissionDenied and MethodNotAllowed raised by views into 404, 403 and 405', async () => {
    expect((await callApp(app(), { pathInfo: '/missing/' })).status).toBe(404)
    expect((await callApp(app(), { pathInfo: '/missing/' })).text).not.toContain('No article')
    expect((await callApp(app(), { pathInfo: '/forbidden/' })).status).toBe(403)
    const res = await callApp(app(), { pathInfo: '/method/' })
    expect([res.status, res.header('Allow')]).toEqual([405, 'GET'])
  })

  it('answers 500 from 500.html and logs the error to wsgi.errors when DEBUG is off', async () => {
    const res = await callApp(app(), { pathInfo: '/boom/' })
    expect(res.status).toBe(500)
    expect(res.text).toContain('Server Error (500)')
    expect(res.text).not.toContain('kaboom')
    expect(res.errors.join('')).toMatch(/Internal Server Error: GET \/boom\/\nError: kaboom 11/)
  })

  it('shows the debug page with source lines and masked settings when DEBUG is on', async () => {
    const res = await callApp(app({ DEBUG: true }), { pathInfo: '/boom/' })
    expect(res.status).toBe(500)
    expect(res.text).toContain('kaboom 11')
    expect(res.text).toContain('const secret = &#39;do not show&#39;')
    expect(res.text).toContain('handler.test.ts')
    expect(res.text).toContain('SECRET_KEY')
    expect(res.text).not.toContain('test-secret')
  })

  it('explains a view that returns no response', async () => {
    const res = await callApp(app({ DEBUG: true }), { pathInfo: '/nothing/' })
    expect(res.status).toBe(500)
    expect(res.text).toContain(
      'didn&#39;t return an HttpResponse object. It returned undefined instead',
    )
  })

  it('uses the URLconf handler404 and handler500', async () => {
    const a = app(
      {},
      {
        handler404: () => new HttpResponse('custom 404', { status: 404 }),
        handler500: () => new HttpResponse('custom 500', { status: 500 }),
      },
    )
    expect((await callApp(a, { pathInfo: '/nope/' })).text).toBe('custom 404')
    expect((await callApp(a, { pathInfo: '/boom/' })).text).toBe('custom 500')
  })

  it('parses a form body before the view', async () => {
    const res = await callApp(app(), {
      method: 'POST',
      pathInfo: '/form/',
      body: 'name=Ada',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(res.text).toBe('name=Ada')
  })

  it('puts the settings on request.state.settings for render() and context processors', async () => {
    expect((await callApp(app(), { pathInfo: '/settings/' })).text).toBe('test-secret')
  })

  it('removes temporary upload files when the server closes the body, not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handler-upload-'))
    const boundary = 'BoUnDaRy'
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n`,
      ),
      Buffer.alloc(5000, 65),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const res = await callApp(app({ FILE_UPLOAD_MAX_MEMORY_SIZE: 1000, FILE_UPLOAD_TEMP_DIR: dir }), {
      method: 'POST',
      pathInfo: '/upload/',
      body: new Uint8Array(body),
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    })
    expect([res.text, res.closed]).toEqual(['5000 true', true])
    expect(uploadedPath?.startsWith(dir)).toBe(true)
    expect(readdirSync(dir)).toEqual([])
  })

  it("runs a view's onClose callbacks when the server closes the body", async () => {
    closedViews.length = 0
    const res = await callApp(app(), { pathInfo: '/on-close/' })
    expect([res.text, closedViews]).toEqual(['bye', ['on-close']])
  })

  it('passes a streaming body through and closes it', async () => {
    const res = await callApp(app(), { pathInfo: '/stream/' })
    expect([res.text, res.closed]).toEqual(['ab', true])
  })
})

describe('middleware chain', () => {
  const order: string[] = []
  const tracer =
    (name: string): Middleware =>
    (getResponse) =>
      Object.assign(
        async (request: HttpRequest) => {
          order.push(`${name} in`)
          const response = await getResponse(request)
          order.push(`${name} out`)
          return response
        },
        {
          processView: () => void order.push(`${name} view`),
          processException: (_r: HttpRequest, error: unknown) => {
            order.push(`${name} exception`)
            return name === 'b' && String(error).includes('kaboom')
              ? new HttpResponse('rescued', { status: 503 })
              : undefined
          },
        },
      )

  it('runs MIDDLEWARE outermost first, processView in order and processException in reverse', async () => {
    order.length = 0
    const a = app({ MIDDLEWARE: [tracer('a'), tracer('b')] })
    await callApp(a, { pathInfo: '/' })
    expect(order).toEqual(['a in', 'b in', 'a view', 'b view', 'b out', 'a out'])
    order.length = 0
    const res = await callApp(a, { pathInfo: '/boom/' })
    expect(res.status).toBe(503)
    expect(order).toEqual(['a in', 'b in', 'a view', 'b view', 'b exception', 'b out', 'a out'])
  })

  it('turns an error thrown by a middleware into a 500, never a crash', async () => {
    const broken: Middleware = () => () => {
      throw new Error('middleware bug')
    }
    const res = await callApp(app({ MIDDLEWARE: [broken] }), { pathInfo: '/' })
    expect(res.status).toBe(500)
    expect(res.errors.join('')).toContain('middleware bug')
  })

  it("names a project middleware that returns no response, between the framework's own", async () => {
    const forgetful: Middleware = function forgetful(getResponse) {
      return async (request: HttpRequest) => {
        await getResponse(request)
        return undefined as never
      }
    }
    const res = await callApp(
      app({ MIDDLEWARE: ['SecurityMiddleware', forgetful, 'XFrameOptionsMiddleware'] }),
      { pathInfo: '/' },
    )
    expect(res.status).toBe(500)
    expect(res.errors.join('')).toContain(
      "middleware forgetful didn't return an HttpResponse object. It returned undefined instead",
    )
  })

  it("lets the framework's own middleware pass a response through unwrapped", async () => {
    const res = await callApp(
      app({ MIDDLEWARE: ['SecurityMiddleware', 'CommonMiddleware', 'XFrameOptionsMiddleware'] }),
      { pathInfo: '/' },
    )
    expect([res.status, res.text, res.header('X-Frame-Options')]).toEqual([200, 'home', 'DENY'])
  })

  it('rejects an unknown middleware name at start-up with core.unknown_middleware', () => {
    expect(() => app({ MIDDLEWARE: ['NoSuchMiddleware'] })).toThrow(
      /Unknown middleware "NoSuchMiddleware"/,
    )
  })
})
