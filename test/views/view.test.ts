import { describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../framework/http/index.ts'
import { View } from '../../framework/views/index.ts'
import { makeRequest } from './support.ts'

class Greeting extends View {
  greeting = 'Hello'
  get(request: HttpRequest, params: Record<string, unknown>) {
    return new HttpResponse(`${this.greeting} ${String(params['name'])} ${request.method}`)
  }
  post() {
    return new HttpResponse('posted', { status: 201 })
  }
}

describe('View', () => {
  it('dispatches to the method named after the HTTP method, with the params', async () => {
    const view = Greeting.asView()
    const response = (await view(makeRequest(undefined), { name: 'ann' })) as HttpResponse
    expect(response.status).toBe(200)
    expect(new TextDecoder().decode(response.content)).toBe('Hello ann GET')
    expect((await view(makeRequest(undefined, { method: 'POST' }), {})).status).toBe(201)
  })

  it('answers 405 with an Allow header listing the methods it has', async () => {
    const response = await Greeting.asView()(makeRequest(undefined, { method: 'DELETE' }), {})
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('GET, POST, HEAD, OPTIONS')
  })

  it('answers 405 to a method that is not HTTP at all', async () => {
    expect((await Greeting.asView()(makeRequest(undefined, { method: 'BREW' }), {})).status).toBe(
      405,
    )
  })

  it('answers HEAD with the GET handler and OPTIONS with Allow', async () => {
    expect(
      (await Greeting.asView()(makeRequest(undefined, { method: 'HEAD' }), { name: 'x' })).status,
    ).toBe(200)
    const options = await Greeting.asView()(makeRequest(undefined, { method: 'OPTIONS' }), {})
    expect([options.status, options.headers.get('Allow')]).toEqual([
      200,
      'GET, POST, HEAD, OPTIONS',
    ])
  })

  it('copies asView() attributes onto a fresh instance per request', async () => {
    const seen = new Set<unknown>()
    class Counter extends View {
      label = ''
      hits = 0
      get() {
        seen.add(this)
        this.hits++
        return new HttpResponse(`${this.label}${this.hits}`)
      }
    }
    const view = Counter.asView({ label: 'n=' })
    const a = (await view(makeRequest(undefined), {})) as HttpResponse
    const b = (await view(makeRequest(undefined), {})) as HttpResponse
    expect([
      new TextDecoder().decode(a.content),
      new TextDecoder().decode(b.content),
      seen.size,
    ]).toEqual(['n=1', 'n=1', 2])
    expect(view.name).toBe('Counter')
  })

  it('refuses an HTTP method name as an asView() attribute', () => {
    expect(() => Greeting.asView({ get: (() => new HttpResponse('')) as never })).toThrow(
      expect.objectContaining({ code: 'views.bad_initial' }),
    )
  })
})
