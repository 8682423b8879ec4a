/** @module Tests of request-id.ts. */
import { describe, expect, it } from 'vitest'
import { isSaneRequestId, requestIdFor } from '../../framework/server/request-id.ts'

describe('requestIdFor', () => {
  it('keeps a sane incoming id', () => {
    expect(requestIdFor('req-42.a:b', () => 'new')).toBe('req-42.a:b')
  })
  it('makes a new id when the incoming one is missing, too long or could inject', () => {
    for (const bad of [undefined, '', 'a b', 'x\r\nSet-Cookie: a', '"q"', 'a'.repeat(129)]) {
      expect(requestIdFor(bad, () => 'new'), String(bad)).toBe('new')
    }
  })
  it('makes 32 hex digits by default, a different id each time', () => {
    const ids = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const id = requestIdFor(undefined)
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      ids.add(id)
    }
    expect(ids.size).toBe(1000)
  })
  it('counts in its last 8 hex digits, past a byte boundary, under one prefix', () => {
    const ids = Array.from({ length: 600 }, () => requestIdFor(undefined))
    const first = Number.parseInt(ids[0]!.slice(24), 16)
    ids.forEach((id, i) => {
      expect(id.slice(0, 24)).toBe(ids[0]!.slice(0, 24))
      expect(Number.parseInt(id.slice(24), 16)).toBe(first + i)
    })
  })
  it('draws a new random prefix in each process', async () => {
    const { execFileSync } = await import('node:child_process')
    const script = "import { makeRequestId } from './framework/server/request-id.ts'; console.log(makeRequestId())"
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim()
    const [a, b] = [run(), run()]
    expect(a).toMatch(/^[0-9a-f]{24}10000000$/)
    expect(b.slice(0, 24)).not.toBe(a.slice(0, 24))
  })
})

describe('isSaneRequestId', () => {
  it('accepts 128 characters and refuses 129', () => {
    expect(isSaneRequestId('a'.repeat(128))).toBe(true)
    expect(isSaneRequestId('a'.repeat(129))).toBe(false)
  })
})
