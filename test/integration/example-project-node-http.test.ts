/**
 * The example project on a real socket through the node:http host: a page and the comment form
 * POST as a browser sends it (the page's CSRF cookie and hidden field), a redirect, then the
 * comment on the page; without the token the POST is refused. The project runs on a fresh SQLite
 * file built by its migrations.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toNodeListener, type Application } from '../../framework/gateway/index.ts'
import { projectWithDatabase } from '../project/project-database.ts'

let server: Server
let base: string
let application: Application
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ application, cleanup } = await projectWithDatabase())
  const listener = toNodeListener(application)
  server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await cleanup()
})

describe('example project under the node:http host', () => {
  it('serves the paginated blog list', async () => {
    const response = await fetch(`${base}/blog/?page=2`, {
      headers: { Host: 'localhost' },
      signal: AbortSignal.timeout(10_000),
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>Blog, page 2</title>')
  })

  it('accepts the comment form POST and shows the comment after the redirect', async () => {
    const form = await fetch(`${base}/blog/class-based-views/`, {
      signal: AbortSignal.timeout(10_000),
    })
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())?.[1]
    const cookie = /^csrftoken=[^;]+/.exec(form.headers.getSetCookie().join('\n'))?.[0]
    expect([token, cookie].every(Boolean), 'the page sets the CSRF cookie and field').toBe(true)
    const post = await fetch(`${base}/blog/class-based-views/comment/`, {
      method: 'POST',
      headers: { Cookie: cookie! },
      body: new URLSearchParams({ author: 'Bob', text: 'Over a socket', csrfmiddlewaretoken: token! }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    expect([post.status, post.headers.get('location')]).toEqual([302, '/blog/class-based-views/'])
    const page = await fetch(`${base}/blog/class-based-views/`, {
      signal: AbortSignal.timeout(10_000),
    })
    expect(await page.text()).toContain('<strong>Bob</strong>: Over a socket')
  })

  it('refuses the comment form POST without the CSRF cookie and token (403)', async () => {
    const post = await fetch(`${base}/blog/class-based-views/comment/`, {
      method: 'POST',
      body: new URLSearchParams({ author: 'Eve', text: 'Forged' }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    expect(post.status).toBe(403)
  })
})
