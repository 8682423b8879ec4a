/**
 * @module The access log line: Gunicorn's `--access-logformat` atoms (`%(h)s %(r)s %(s)s ...`),
 * Apache's combined format by default, and a JSON format (`--access-logformat json`).
 *
 * Why escape: every atom that comes from the client (the request line, headers, the user name)
 * may hold quotes, backslashes, CR/LF or other control bytes; written raw they would let a client
 * forge log lines. Text atoms are escaped the way Apache's mod_log_config does (`\"`, `\\`,
 * `\xHH`); the JSON format relies on JSON.stringify, which escapes all of them.
 */

/**
 * Apache's combined format, Gunicorn's default: `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"`.
 *
 * @example
 * ```ts
 * const line = compileAccessLogFormat(`${COMBINED_FORMAT} %(D)s`)
 * ```
 */
export const COMBINED_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'

/** Everything an access-log line may mention about one finished request. */
export interface AccessLogEntry {
  /** REMOTE_ADDR: the peer (or the PROXY-protocol source). */
  remoteAddr: string
  method: string
  /** The raw request target, query included. */
  url: string
  /** `HTTP/1.1` */
  protocol: string
  status: number
  /** Body bytes sent. */
  responseBytes: number
  /** Request headers, lower-case names. */
  requestHeaders: Readonly<Record<string, string | string[] | undefined>>
  /** Response headers, lower-case names. */
  responseHeaders: Readonly<Record<string, string | number | string[] | undefined>>
  /** When the request arrived. */
  start: Date
  /** How long it took, in microseconds. */
  durationUs: number
  pid: number
  /** `gateway.client_addr` when a trusted proxy named the client. */
  clientAddr?: string
  requestId?: string
  /** Environ values for `%({NAME}e)s`. */
  environ?: Readonly<Record<string, unknown>>
}

/**
 * Apache's escaping for a quoted log field: `"` and `\` backslashed, control and non-ASCII bytes as `\xHH`.
 *
 * @example
 * ```ts
 * escapeLogText('a"b\n') // 'a\\"b\\x0a'
 * ```
 */
export function escapeLogText(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c < 0x20 || c >= 0x7f) out += c > 0xff ? `\\u${c.toString(16).padStart(4, '0')}` : `\\x${c.toString(16).padStart(2, '0')}`
    else out += value[i]
  }
  return out
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/**
 * `[10/Oct/2000:13:55:36 +0000]`, in local time with its offset, as Apache and Gunicorn write it.
 *
 * @example
 * ```ts
 * formatLogTime(new Date()) // '[25/Nov/2026:20:00:00 +0000]'
 * ```
 */
export function formatLogTime(date: Date): string {
  const offset = -date.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  const abs = Math.abs(offset)
  return (
    `[${pad(date.getDate())}/${months[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}]`
  )
}

function header(
  headers: Readonly<Record<string, string | number | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(', ') : String(value)
}

/** The user of HTTP Basic auth, as Gunicorn's `%(u)s` reports it. */
function basicUser(headers: AccessLogEntry['requestHeaders']): string | undefined {
  const auth = header(headers, 'authorization')
  const match = auth && /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth.trim())
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('latin1')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(0, colon) : undefined
}

type Atom = (e: AccessLogEntry) => string | undefined

const path = (e: AccessLogEntry): string => {
  const q = e.url.indexOf('?')
  return q < 0 ? e.url : e.url.slice(0, q)
}

/** The atoms, Gunicorn's letters (docs/server.md lists them). */
const atoms: Record<string, Atom> = {
  h: (e) => e.remoteAddr,
  l: () => '-',
  u: (e) => basicUser(e.requestHeaders),
  t: (e) => formatLogTime(e.start),
  r: (e) => `${e.method} ${e.url} ${e.protocol}`,
  m: (e) => e.method,
  U: path,
  q: (e) => {
    const q = e.url.indexOf('?')
    return q < 0 ? '' : e.url.slice(q + 1)
  },
  H: (e) => e.protocol,
  s: (e) => String(e.status),
  B: (e) => String(e.responseBytes),
  b: (e) => (e.responseBytes > 0 ? String(e.responseBytes) : '-'),
  f: (e) => header(e.requestHeaders, 'referer'),
  a: (e) => header(e.requestHeaders, 'user-agent'),
  T: (e) => String(Math.floor(e.durationUs / 1_000_000)),
  D: (e) => String(Math.round(e.durationUs)),
  M: (e) => String(Math.round(e.durationUs / 1000)),
  L: (e) => (e.durationUs / 1_000_000).toFixed(6),
  p: (e) => `<${e.pid}>`,
  c: (e) => e.clientAddr,
  R: (e) => e.requestId,
}

/**
 * A coded error for an `--access-logformat` the compiler cannot read (`code`: `serve.E_ACCESS_LOG_FORMAT`).
 *
 * @example
 * ```ts
 * try { compileAccessLogFormat('%(zz)s') } catch (e) { if (e instanceof AccessLogFormatError) exit(e.message) }
 * ```
 */
export class AccessLogFormatError extends Error {
  readonly code = 'serve.E_ACCESS_LOG_FORMAT'
  constructor(format: string, atom: string) {
    super(
      `--access-logformat ${JSON.stringify(format)} uses the unknown atom ${JSON.stringify(atom)}: ` +
        'use h l u t r m U q H s B b f a T D M L p c R, {Header}i, {Header}o or {NAME}e.',
    )
    this.name = 'AccessLogFormatError'
  }
}

/**
 * Compiles an access-log format once (at startup, so a typo fails there, not per request) into a
 * function from an entry to one log line (without newline). `json` selects formatAccessLogJson.
 * Missing values print `-`, as Apache does.
 *
 * @example
 * ```ts
 * const line = compileAccessLogFormat('%(h)s "%(r)s" %(s)s %(D)s %({x-request-id}i)s')
 * console.log(line(entry))
 * ```
 */
export function compileAccessLogFormat(format: string = COMBINED_FORMAT): (e: AccessLogEntry) => string {
  if (format.trim().toLowerCase() === 'json') return formatAccessLogJson
  const parts: (string | Atom)[] = []
  const pattern = /%\(([^)]*)\)s/g
  let last = 0
  for (const match of format.matchAll(pattern)) {
    parts.push(format.slice(last, match.index))
    last = match.index + match[0].length
    const name = match[1]!
    const braced = /^\{([^}]+)\}([ioe])$/.exec(name)
    if (braced) {
      const key = braced[1]!
      const kind = braced[2]
      parts.push(
        kind === 'i'
          ? (e) => header(e.requestHeaders, key)
          : kind === 'o'
            ? (e) => header(e.responseHeaders, key)
            : (e) => {
                const value = e.environ?.[key]
                return value === undefined ? undefined : String(value)
              },
      )
      continue
    }
    const atom = atoms[name]
    if (!atom) throw new AccessLogFormatError(format, name)
    parts.push(atom)
  }
  parts.push(format.slice(last))
  return (entry) => {
    let line = ''
    for (const part of parts) {
      if (typeof part === 'string') line += part
      else {
        const value = part(entry)
        line += value === undefined || value === '' ? '-' : escapeLogText(value)
      }
    }
    return line
  }
}

/**
 * The JSON format: one object per line, stable keys, every string escaped by JSON.stringify
 * (quotes, backslashes, control bytes, and line separators cannot break the line).
 *
 * @example
 * ```ts
 * formatAccessLogJson(entry) // '{"time":"2026-11-25T20:00:00.000Z","remote_addr":"127.0.0.1",...}'
 * ```
 */
export function formatAccessLogJson(e: AccessLogEntry): string {
  const record = {
    time: e.start.toISOString(),
    remote_addr: e.remoteAddr,
    client_addr: e.clientAddr ?? null,
    method: e.method,
    url: e.url,
    protocol: e.protocol,
    status: e.status,
    bytes: e.responseBytes,
    duration_us: Math.round(e.durationUs),
    referer: header(e.requestHeaders, 'referer') ?? null,
    user_agent: header(e.requestHeaders, 'user-agent') ?? null,
    request_id: e.requestId ?? null,
    pid: e.pid,
  }
  // JSON.stringify leaves U+2028/U+2029 raw; some log shippers split lines on them.
  return JSON.stringify(record).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
}
