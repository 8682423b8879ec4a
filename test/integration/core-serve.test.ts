/**
 * The framework application under the real `serve` (primary + worker processes): a page with a
 * form, the form POST, a view error answered with 500 while the worker lives on, and bad input.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, startServe, type ServeRun } from './serve-harness.ts'

let run: ServeRun

beforeAll(async () => {
  run = await startServe(['-b', '127.0.0.1:0', '-w', '1'], {
    app: `${join(repoRoot, 'test/core/fixtures/form-app.ts')}:application`,
  })
}, 60_000)

afterAll(async () => {
  await run?.stop('SIGTERM')
})

describe('getGatewayApplication under serve', () => {
  it('serves the page with the form', async () => {
    const res = await fetch(`${run.url}/`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<form method="post"')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
  })

  it('answers the form POST', async () => {
    const res = await fetch(`${run.url}/greet/`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Grace' }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/^Hello, Grace! \(pid \d+\)$/)
  })

  it('answers a failing view with the 500 page and keeps the same worker serving', async () => {
    const before = await (
      await fetch(`${run.url}/greet/`, {
        method: 'POST',
        body: new URLSearchParams({ name: 'a' }),
        signal: AbortSignal.timeout(10_000),
      })
    ).text()
    const res = await fetch(`${run.url}/boom/`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(500)
    expect(await res.text()).not.toContain('view failure')
    const after = await (
      await fetch(`${run.url}/greet/`, {
        method: 'POST',
        body: new URLSearchParams({ name: 'a' }),
        signal: AbortSignal.timeout(10_000),
      })
    ).text()
    expect(after).toBe(before)
  })

  it('answers invalid UTF-8 in the path with 400 and a reason', async () => {
    const res = await fetch(`${run.url}/%FF%FE/`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/not valid UTF-8/)
  })
})
