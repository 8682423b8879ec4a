/** @module Tests of proxy.ts: the trust set, the right-most untrusted hop, and the environ keys. */
import { describe, expect, it } from 'vitest'
import {
  ForwardedAllowIpsError,
  TrustedProxies,
  forwardedEnviron,
  isForwardedRejection,
  resolveForwarded,
  type ForwardedInfo,
} from '../../framework/server/proxy.ts'

const local = TrustedProxies.parse('127.0.0.1,10.0.0.0/8,::1,fd00::/8')

function resolve(peer: string | undefined, rawHeaders: string[], trust = local): ForwardedInfo {
  const result = resolveForwarded({ peer, rawHeaders }, trust)
  if (isForwardedRejection(result)) throw new Error(result.reason)
  return result
}

describe('TrustedProxies', () => {
  it('matches single IPs, v4 and v6 CIDRs, and IPv4-mapped IPv6 peers', () => {
    expect(local.trusts('127.0.0.1')).toBe(true)
    expect(local.trusts('10.200.3.4')).toBe(true)
    expect(local.trusts('::ffff:10.0.0.1')).toBe(true)
    expect(local.trusts('fd12::1')).toBe(true)
    expect(local.trusts('11.0.0.1')).toBe(false)
    expect(local.trusts('2001:db8::1')).toBe(false)
  })
  it('trusts unix-socket peers (no address)', () => {
    expect(TrustedProxies.parse('').trusts(undefined)).toBe(true)
  })
  it('trusts everyone with "*"', () => {
    expect(TrustedProxies.parse('*').trusts('203.0.113.9')).toBe(true)
  })
  it('throws a coded error quoting a bad entry', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '1.2.3.4/8/1', '::1/129']) {
      expect(() => TrustedProxies.parse(bad), bad).toThrow(ForwardedAllowIpsError)
    }
    expect(() => TrustedProxies.parse('nope')).toThrow(/"nope"/)
  })
})

describe('resolveForwarded', () => {
  it('ignores every forwarding header from an untrusted peer', () => {
    expect(resolve('203.0.113.5', ['X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'https'])).toEqual({})
  })
  it('takes the right-most untrusted address of X-Forwarded-For', () => {
    // the client forged 6.6.6.6; 198.51.100.7 is what our first proxy (10.0.0.2) saw.
    expect(resolve('127.0.0.1', ['X-Forwarded-For', '6.6.6.6, 198.51.100.7, 10.0.0.2']).clientAddr).toBe('198.51.100.7')
  })
  it('joins repeated X-Forwarded-For lines in order', () => {
    expect(resolve('127.0.0.1', ['X-Forwarded-For', '6.6.6.6', 'X-Forwarded-For', '198.51.100.7']).clientAddr).toBe('198.51.100.7')
  })
  it('reads RFC 7239 Forwarded with quoted IPv6 and ports, scheme and host from the client hop', () => {
    const info = resolve('::1', ['Forwarded', 'for="[2001:db8:cafe::17]:4711";proto=https;host="example.com", for=10.0.0.3;proto=http'])
    expect(info).toEqual({ clientAddr: '2001:db8:cafe::17', scheme: 'https', host: 'example.com' })
  })
  it('takes scheme, host and prefix from the X-Forwarded-* headers', () => {
    const info = resolve(undefined, ['X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'shop.example:8443', 'X-Forwarded-Prefix', '/shop/'])
    expect(info).toEqual({ scheme: 'https', host: 'shop.example:8443', prefix: '/shop' })
  })
  it('refuses contradicting scheme headers from a trusted proxy with 400', () => {
    const result = resolveForwarded({ peer: '127.0.0.1', rawHeaders: ['X-Forwarded-Proto', 'https', 'X-Forwarded-Ssl', 'off'] }, local)
    expect(isForwardedRejection(result) && result.status).toBe(400)
    const mixed = resolveForwarded({ peer: '127.0.0.1', rawHeaders: ['Forwarded', 'proto=http', 'X-Forwarded-Proto', 'https'] }, local)
    expect(isForwardedRejection(mixed)).toBe(true)
  })
  it('refuses a forwarded host or prefix that could inject', () => {
    for (const headers of [['X-Forwarded-Host', 'a b'], ['X-Forwarded-Prefix', '/../admin'], ['X-Forwarded-Proto', 'gopher']]) {
      expect(isForwardedRejection(resolveForwarded({ peer: '127.0.0.1', rawHeaders: headers }, local)), headers[0]).toBe(true)
    }
  })
})

describe('forwardedEnviron', () => {
  it('sets wsgi.url_scheme, HTTP_HOST, SCRIPT_NAME and gateway.client_addr, never REMOTE_ADDR', () => {
    const keys = forwardedEnviron({ scheme: 'https', host: 'a.example', clientAddr: '198.51.100.7', prefix: '/app' }, { SCRIPT_NAME: '' })
    expect(keys).toEqual({ 'wsgi.url_scheme': 'https', HTTP_HOST: 'a.example', 'gateway.client_addr': '198.51.100.7', SCRIPT_NAME: '/app' })
    expect(keys).not.toHaveProperty('REMOTE_ADDR')
  })
})
