/**
 * The application answers synchronously when nothing on the way awaits (framework/core/
 * maybe-promise.ts): the host then sends the response without a turn of the event loop. And the
 * public contracts around it stay as they were: a middleware outside the trusted set gets a
 * getResponse that returns a promise, Handler.handle() and toGateway() return promises.
 */
import { describe, expect, it } from 'vitest'
import { defineSettings } from '../../framework/conf/index.ts'
import { Handler, getGatewayApplication, type Middleware } from '../../framework/core/index.ts'
import { isPromiseLike, recovering, whenReady } from '../../framework/core/maybe-promise.ts'
import { CsrfViewMiddleware } from '../../framework/contrib/csrf/index.ts'
import { SessionMiddleware } from '../../framework/contrib/sessions/index.ts'
import { setupTestingDefaults, type ResponseHeaders } from '../../framework/gateway/index.ts'
import { HttpRequest, HttpResponse } from '../../framework/http/index.ts'
import { urlconf } from './fake-urlconf.ts'

const builtIns = [
  'SecurityMiddleware',
  SessionMiddleware,
  'CommonMiddleware',
  CsrfViewMiddleware,
  'XFrameOptionsMiddleware',
]

function settingsWith(
  middleware: unknown[],
  view: () => HttpResponse | Promise<HttpResponse> = () => new HttpResponse('hello'),
) {
  return defineSettings(
    {
      DEBUG: false,
      SECRET_KEY: 'k',
      ALLOWED_HOSTS: ['testserver'],
      ROOT_URLCONF: urlconf({ '/hello': view }),
      MIDDLEWARE: middleware as never,
    },
    { env: {} },
  )
}

function environ(path: string) {
  return setupTestingDefaults({ PATH_INFO: path, HTTP_HOST: 'testserver' })
}

/** Calls the application; the result as it came (a body, or a promise of one). */
function call(app: ReturnType<typeof getGatewayApplication>, path: string) {
  let head: { status: string; headers: ResponseHeaders } | undefined
  const result = app(environ(path), (status, headers) => {
    head = { status, headers }
    return async () => undefined
  })
  return { result, head: () => head }
}

const text = (body: unknown) =>
  Buffer.concat((body as Uint8Array[]).map((chunk) => Buffer.from(chunk))).toString()

describe('a synchronous view behind the trusted middleware', () => {
  it('is answered without a promise once the URLconf is loaded', async () => {
    const app = getGatewayApplication(settingsWith(builtIns))
    await call(app, '/hello').result // the first request loads the URLconf
    const { result, head } = call(app, '/hello')
    expect(isPromiseLike(result)).toBe(false)
    expect(head()?.status).toBe('200 OK')
    expect(text(result)).toBe('hello')
    // The middleware did their work on the synchronous path too.
    const names = head()!.headers.map(([name]) => name)
    expect(names).toEqual(expect.arrayContaining(['X-Frame-Options', 'X-Content-Type-Options']))
  })

  it('is a promise when the view is async, with the same answer', async () => {
    const app = getGatewayApplication(settingsWith(builtIns, async () => new HttpResponse('later')))
    await call(app, '/hello').result
    const { result, head } = call(app, '/hello')
    expect(isPromiseLike(result)).toBe(true)
    expect(text(await result)).toBe('later')
    expect(head()?.status).toBe('200 OK')
  })

  it('turns a view that throws synchronously into a 500, through the same path', async () => {
    const app = getGatewayApplication(
      settingsWith(builtIns, () => {
        throw new Error('broken view')
      }),
    )
    const { result, head } = call(app, '/hello')
    await result
    expect(head()?.status).toBe('500 Internal Server Error')
  })
})

describe('a middleware outside the trusted set', () => {
  it('gets a getResponse that returns a promise, even when everything inside is synchronous', async () => {
    let seen: unknown
    const Recording: Middleware = (getResponse) => (request) => {
      const pending = getResponse(request)
      seen = pending
      // What a middleware written against the Middleware type may do: .then() on the result.
      return pending.then((response) => {
        response.headers.set('X-Seen', 'yes')
        return response
      })
    }
    const app = getGatewayApplication(settingsWith([...builtIns, Recording]))
    const { result, head } = call(app, '/hello')
    expect(text(await result)).toBe('hello')
    expect(seen).toBeInstanceOf(Promise)
    expect(head()?.headers).toContainEqual(['X-Seen', 'yes'])
  })
})

describe('the public promises', () => {
  it('Handler.handle() and HttpResponse.toGateway() still return promises', async () => {
    const settings = settingsWith(builtIns)
    const handler = new Handler(settings)
    const handled = handler.handle(
      new HttpRequest(environ('/hello'), { allowedHosts: ['testserver'], secretKey: 'k' }),
    )
    expect(handled).toBeInstanceOf(Promise)
    const response = await handled
    expect(response.status).toBe(200)
    expect(response.toGateway(environ('/hello'))).toBeInstanceOf(Promise)
  })
})

describe('maybe-promise helpers', () => {
  it('whenReady calls on at once for a value and after the promise for a promise', async () => {
    expect(whenReady(2, (n) => n * 3)).toBe(6)
    const later = whenReady(Promise.resolve(2), (n) => n * 3)
    expect(later).toBeInstanceOf(Promise)
    expect(await later).toBe(6)
  })

  it('recovering catches a synchronous throw and a rejection alike', async () => {
    const message = (error: unknown) => (error as Error).message
    const throwing = () => {
      throw new Error('now')
    }
    expect(recovering(throwing, message)).toBe('now')
    expect(await recovering(() => Promise.reject(new Error('later')), message)).toBe('later')
    expect(recovering(() => 'fine', () => 'recovered')).toBe('fine')
  })
})
