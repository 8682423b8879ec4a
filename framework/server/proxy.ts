/**
 * @module Trusted proxies: the one `--forwarded-allow-ips` setting, and what a trusted proxy's
 * `Forwarded` (RFC 7239) or `X-Forwarded-For/-Proto/-Host/-Prefix` headers say about the client.
 *
 * Why the right-most untrusted hop: every proxy appends the address it received from, so the
 * right end of the list was written by our own proxies and the left end by whoever the client
 * is, who may write anything. Walking from the right and stopping at the first address we do
 * not trust gives the last hop that no one could forge. Headers from an untrusted peer are
 * ignored entirely (they stay visible as HTTP_* keys, but change nothing).
 */
import { BlockList, isIP } from 'node:net'

/**
 * A coded error for a bad `--forwarded-allow-ips` entry (`code`: `serve.E_FORWARDED_ALLOW_IPS`).
 *
 * @example
 * ```ts
 * try { TrustedProxies.parse('10.0.0.0/33') } catch (e) { if (e instanceof ForwardedAllowIpsError) exit(e.message) }
 * ```
 */
export class ForwardedAllowIpsError extends Error {
  readonly code = 'serve.E_FORWARDED_ALLOW_IPS'
  constructor(entry: string) {
    super(
      `--forwarded-allow-ips entry ${JSON.stringify(entry)} is not an IP address, a CIDR block or "*": ` +
        'write e.g. "127.0.0.1,10.0.0.0/8,::1".',
    )
    this.name = 'ForwardedAllowIpsError'
  }
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is how a dual-stack socket reports an IPv4 peer. */
function normalizeIp(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address
}

/**
 * The set of peers whose forwarding headers are believed. Unix-socket peers (no address) are
 * always trusted: only a process on this machine with access to the socket file can connect.
 *
 * @example
 * ```ts
 * const trust = TrustedProxies.parse('127.0.0.1,10.0.0.0/8,::1')
 * trust.trusts('10.1.2.3') // true
 * ```
 */
export class TrustedProxies {
  readonly #all: boolean
  readonly #list = new BlockList()
  readonly #cache = new Map<string, boolean>()

  private constructor(all: boolean) {
    this.#all = all
  }

  /** Parses a comma-separated string (or a list) of IPs, CIDRs and `*`. Throws ForwardedAllowIpsError. */
  static parse(spec: string | readonly string[]): TrustedProxies {
    const entries = (typeof spec === 'string' ? spec.split(',') : spec)
      .map((e) => e.trim())
      .filter((e) => e !== '')
    const proxies = new TrustedProxies(entries.includes('*'))
    for (const entry of entries) {
      if (entry === '*') continue
      const [address = '', bits, extra] = entry.split('/')
      const ip = normalizeIp(address)
      const family = isIP(ip)
      if (family === 0 || extra !== undefined) throw new ForwardedAllowIpsError(entry)
      const type = family === 4 ? 'ipv4' : 'ipv6'
      if (bits === undefined) {
        proxies.#list.addAddress(ip, type)
        continue
      }
      const prefix = Number(bits)
      if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
        throw new ForwardedAllowIpsError(entry)
      }
      proxies.#list.addSubnet(ip, prefix, type)
    }
    return proxies
  }

  /** True for a trusted peer. `undefined` (a unix-socket peer) is trusted. */
  trusts(address: string | undefined): boolean {
    if (address === undefined || address === '') return true
    if (this.#all) return true
    // Why a cache: BlockList.check builds a SocketAddress per call (about 20 µs, measured in the
    // bench profile), and a worker sees the same few proxy addresses over and over.
    const cached = this.#cache.get(address)
    if (cached !== undefined) return cached
    const ip = normalizeIp(address)
    const family = isIP(ip)
    const trusted = family !== 0 && this.#list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
    if (this.#cache.size >= 1024) this.#cache.clear()
    this.#cache.set(address, trusted)
    return trusted
  }
}

/** One hop of a forwarding chain: the node it came from, and what that proxy saw. */
interface Hop {
  for?: string
  proto?: string
  host?: string
}

/** What trusted forwarding headers established about the original request. */
export interface ForwardedInfo {
  /** The client's address (without port or brackets), when a trusted hop named it. */
  clientAddr?: string
  /** The scheme the client used. */
  scheme?: 'http' | 'https'
  /** The Host the client sent. */
  host?: string
  /** The path prefix the proxy mounted us under (X-Forwarded-Prefix), without a trailing '/'. */
  prefix?: string
}

/** A refusal: a trusted proxy sent headers that contradict each other. */
export interface ForwardedRejection {
  status: 400
  code: string
  reason: string
}

/** The request side that resolveForwarded reads: the peer, and the header list as node gives it. */
export interface ForwardedInput {
  /** The socket's remote address; undefined for a unix socket. */
  peer: string | undefined
  /** node:http's `rawHeaders`: name, value, name, value... */
  rawHeaders: readonly string[]
}

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(value: string, sep: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted
    if (c === sep && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

function unquote(value: string): string {
  const v = value.trim()
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1')
  return v
}

/** RFC 7239 node: `1.2.3.4`, `1.2.3.4:80`, `[2001:db8::1]:80`, `unknown`, `_hidden`. Returns the IP or the token. */
function nodeAddress(node: string): string {
  const v = node.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v)
  if (bracketed) return bracketed[1]!
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(v)
  if (v4port) return v4port[1]!
  return v
}

function parseForwarded(values: string[]): Hop[] | undefined {
  const hops: Hop[] = []
  for (const value of values) {
    for (const element of splitOutsideQuotes(value, ',')) {
      if (element.trim() === '') continue
      const hop: Hop = {}
      for (const pair of splitOutsideQuotes(element, ';')) {
        if (pair.trim() === '') continue
        const eq = pair.indexOf('=')
        if (eq <= 0) return undefined
        const key = pair.slice(0, eq).trim().toLowerCase()
        const val = unquote(pair.slice(eq + 1))
        if (key === 'for') hop.for = nodeAddress(val)
        else if (key === 'proto') hop.proto = val.toLowerCase()
        else if (key === 'host') hop.host = val
      }
      hops.push(hop)
    }
  }
  return hops
}

function list(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')
}

const wanted = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-prefix', 'x-forwarded-ssl', 'x-forwarded-protocol'])

function collect(rawHeaders: readonly string[]): Map<string, string[]> | undefined {
  let found: Map<string, string[]> | undefined
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i] ?? ''
    // Cheap pre-filter on the first letter before lower-casing: this runs on every request.
    const first = raw.charCodeAt(0) | 0x20
    if (first !== 0x66 && first !== 0x78) continue
    const name = raw.toLowerCase()
    if (!wanted.has(name)) continue
    found ??= new Map()
    const values = found.get(name) ?? []
    values.push(rawHeaders[i + 1] ?? '')
    found.set(name, values)
  }
  return found
}

/** What most requests (no forwarding header, or an untrusted peer) resolve to; shared, frozen. */
const noForwarding: ForwardedInfo = Object.freeze({})

/** Walks hops right to left from a trusted peer; returns the index of the client hop. */
function clientIndex(addresses: readonly (string | undefined)[], trust: TrustedProxies): number {
  for (let i = addresses.length - 1; i >= 0; i--) {
    const address = addresses[i]
    if (address === undefined || !trust.trusts(address) || isIP(normalizeIp(address)) === 0) return i
  }
  return 0
}

function schemeFrom(value: string | undefined): 'http' | 'https' | undefined | null {
  if (value === undefined) return undefined
  const v = value.toLowerCase()
  return v === 'https' ? 'https' : v === 'http' ? 'http' : null
}

/**
 * Reads the forwarding headers when the peer is trusted. Returns what they establish, `{}` for
 * an untrusted peer or no headers, or a 400 rejection when a trusted proxy contradicts itself
 * (e.g. `X-Forwarded-Proto: https` with `X-Forwarded-Ssl: off`, or `Forwarded: proto=http` with
 * `X-Forwarded-Proto: https`), since guessing would be wrong one way or the other.
 *
 * @example
 * ```ts
 * const trust = TrustedProxies.parse('127.0.0.1')
 * resolveForwarded({ peer: '127.0.0.1', rawHeaders: ['X-Forwarded-For', '203.0.113.7'] }, trust)
 * // { clientAddr: '203.0.113.7' }
 * ```
 */
export function resolveForwarded(
  input: ForwardedInput,
  trust: TrustedProxies,
): ForwardedInfo | ForwardedRejection {
  // Headers first: most requests carry none, and then the peer need not be looked up at all.
  const headers = collect(input.rawHeaders)
  if (headers === undefined || !trust.trusts(input.peer)) return noForwarding
  const info: ForwardedInfo = {}
  const schemes: ('http' | 'https')[] = []
  const refuse = (reason: string): ForwardedRejection => ({ status: 400, code: 'serve.http.bad_forwarded', reason })

  const forwarded = headers.get('forwarded')
  if (forwarded) {
    const hops = parseForwarded(forwarded)
    if (!hops) return refuse(`The Forwarded header ${JSON.stringify(forwarded.join(', '))} is malformed (RFC 7239).`)
    if (hops.length > 0) {
      const index = clientIndex(hops.map((h) => h.for), trust)
      const hop = hops[index]!
      if (hop.for !== undefined && isIP(normalizeIp(hop.for)) !== 0) info.clientAddr = normalizeIp(hop.for)
      if (hop.host !== undefined) info.host = hop.host
      const scheme = schemeFrom(hop.proto)
      if (scheme === null) return refuse(`Forwarded proto=${JSON.stringify(hop.proto)} is neither http nor https.`)
      if (scheme) schemes.push(scheme)
    }
  }

  const xff = headers.get('x-forwarded-for')
  let hopIndexFromRight = 0
  if (xff) {
    const addresses = list(xff).map(nodeAddress)
    if (addresses.length > 0) {
      const index = clientIndex(addresses, trust)
      hopIndexFromRight = addresses.length - 1 - index
      const address = addresses[index]!
      // Forwarded is the standard: when both name the client, Forwarded wins.
      if (info.clientAddr === undefined && isIP(normalizeIp(address)) !== 0) info.clientAddr = normalizeIp(address)
    }
  }
  // The same hop in a list-valued X-Forwarded-Proto/-Host, counted from the right when the lists
  // line up; a single value (the common `proxy_set_header X-Forwarded-Proto $scheme`) is used as is.
  const aligned = (values: string[] | undefined): string | undefined => {
    if (!values) return undefined
    const items = list(values)
    if (items.length === 0) return undefined
    return items[Math.max(0, items.length - 1 - hopIndexFromRight)]
  }
  const xfp = aligned(headers.get('x-forwarded-proto'))
  if (xfp !== undefined) {
    const scheme = schemeFrom(xfp)
    if (scheme === null) return refuse(`X-Forwarded-Proto ${JSON.stringify(xfp)} is neither http nor https.`)
    if (scheme) schemes.push(scheme)
  }
  const ssl = headers.get('x-forwarded-ssl')?.[0]?.trim().toLowerCase()
  if (ssl !== undefined) schemes.push(ssl === 'on' ? 'https' : 'http')
  const protocol = headers.get('x-forwarded-protocol')?.[0]?.trim().toLowerCase()
  if (protocol !== undefined) schemes.push(protocol === 'ssl' || protocol === 'https' ? 'https' : 'http')
  if (schemes.length > 0) {
    if (schemes.some((s) => s !== schemes[0])) {
      return refuse('The trusted proxy sent scheme headers that contradict each other (Forwarded proto, X-Forwarded-Proto, X-Forwarded-Ssl, X-Forwarded-Protocol): fix the proxy configuration.')
    }
    info.scheme = schemes[0]!
  }

  if (info.host === undefined) {
    const xfh = aligned(headers.get('x-forwarded-host'))
    if (xfh !== undefined) info.host = xfh
  }
  if (info.host !== undefined && !/^[A-Za-z0-9.\-_~%!$&'()*+;=]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(info.host)) {
    return refuse(`The forwarded host ${JSON.stringify(info.host)} is not a valid host[:port].`)
  }
  const prefix = headers.get('x-forwarded-prefix')?.[0]?.trim()
  if (prefix !== undefined && prefix !== '') {
    if (!prefix.startsWith('/') || /[\s?#]|\/\.\.?(\/|$)/.test(prefix)) {
      return refuse(`X-Forwarded-Prefix ${JSON.stringify(prefix)} must be an absolute path without "..", "?" or "#".`)
    }
    info.prefix = prefix.replace(/\/+$/, '')
  }
  return info
}

/**
 * True when resolveForwarded refused the request.
 *
 * @example
 * ```ts
 * const result = resolveForwarded({ peer, rawHeaders }, trust)
 * if (isForwardedRejection(result)) return sendRejection(res, result)
 * ```
 */
export function isForwardedRejection(
  value: ForwardedInfo | ForwardedRejection,
): value is ForwardedRejection {
  return 'status' in value
}

/**
 * The environ keys a resolved ForwardedInfo sets (for the node-http host's `environ` hook):
 * `wsgi.url_scheme`, `HTTP_HOST`, `SCRIPT_NAME` and `gateway.client_addr`. REMOTE_ADDR is not
 * touched: it stays the peer, so logs and rate limits can still see who really connected.
 *
 * @example
 * ```ts
 * Object.assign(environ, forwardedEnviron(info, environ))
 * ```
 */
export function forwardedEnviron(
  info: ForwardedInfo,
  environ: { SCRIPT_NAME?: string; PATH_INFO?: string },
): Record<string, string> {
  const keys: Record<string, string> = {}
  if (info.scheme) keys['wsgi.url_scheme'] = info.scheme
  if (info.host !== undefined) keys.HTTP_HOST = info.host
  if (info.clientAddr !== undefined) keys['gateway.client_addr'] = info.clientAddr
  if (info.prefix !== undefined) keys.SCRIPT_NAME = info.prefix + (environ.SCRIPT_NAME ?? '')
  return keys
}
