/**
 * @module The CGI host (RFC 3875): one request per process, read from the environment variables
 * and stdin, answered on stdout as `Status: NNN Reason`, headers, a blank line and the body.
 * Like wsgiref's CGIHandler, it is BaseHost with only the I/O filled in. The web server in front
 * frames the response for the client (chunked or close), so this host never chunks.
 */
import type { Application, Environ } from './contract.ts'
import { ErrorsStream } from './errors-stream.ts'
import type { ErrorsTarget } from './errors-stream.ts'
import { fileWrapper } from './file-wrapper.ts'
import { BaseHost } from './handler.ts'
import type { BaseHostOptions, ResponseHead } from './handler.ts'
import { RequestInput } from './input.ts'
import { bytesToLatin1, latin1ToBytes } from './latin1.ts'

/**
 * The error the CGI host throws when it was not started as a CGI script, or was handed a request
 * it cannot read. `code` is `GW-C01` (no REQUEST_METHOD: not run by a web server) or `GW-C02`
 * (CONTENT_LENGTH is not a decimal number).
 *
 * @example
 * ```ts
 * import { CgiError, cgiEnviron } from 'framework/gateway'
 *
 * try {
 *   cgiEnviron({}, { stdin: [], stderr: process.stderr })
 * } catch (error) {
 *   if (error instanceof CgiError) console.error(error.code) // 'GW-C01'
 * }
 * ```
 */
export class CgiError extends Error {
  override name = 'CgiError'
  readonly code: 'GW-C01' | 'GW-C02'

  constructor(code: CgiError['code'], message: string) {
    super(message)
    this.code = code
  }
}

/** Where a CGI response goes: process.stdout, or any writable with a flush callback. */
export interface CgiOutput {
  /** Writes bytes; `callback` runs once they were handed to the OS (or failed). */
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean
  /** Error and close events, so a web server that hung up aborts `gateway.signal`. */
  once?(event: 'error' | 'close', listener: (...args: unknown[]) => void): unknown
  /** Called when the response must be cut (after the head, the application failed). */
  destroy?(error?: Error): unknown
}

/** What a CGI request is made of, besides its environment variables. */
export interface CgiStreams {
  /** The request body (process.stdin): read at most CONTENT_LENGTH bytes of it. */
  stdin: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>
  /** Where `wsgi.errors` writes (process.stderr); the web server logs it. */
  stderr: ErrorsTarget
}

/** Options of runCgi. */
export interface RunCgiOptions extends CgiStreams, BaseHostOptions {
  /**
   * The CGI meta-variables: process.env, or (better, on Linux) the raw bytes of
   * /proc/self/environ, which keep bytes that are not UTF-8 (a `%FF` in the path) intact.
   */
  variables: Readonly<Record<string, string | undefined>> | Uint8Array
  /** The response stream (process.stdout). */
  stdout: CgiOutput
  /** Aborts `gateway.signal` too, e.g. on SIGTERM from the web server when the client left. */
  signal?: AbortSignal
}

/**
 * The environment as latin-1 strings. Given the raw `KEY=VALUE\0...` bytes of
 * /proc/self/environ, each byte becomes one code unit. Given strings (node decoded them as
 * UTF-8), each value is encoded back to its UTF-8 bytes, then to latin-1: 'é' becomes 'Ã©',
 * the two bytes the web server put there.
 *
 * @example
 * ```ts
 * import { cgiVariables } from 'framework/gateway'
 *
 * cgiVariables({ PATH_INFO: '/café' }).PATH_INFO // '/caf\u00c3\u00a9'
 * ```
 */
export function cgiVariables(
  variables: Readonly<Record<string, string | undefined>> | Uint8Array,
): Record<string, string> {
  const result: Record<string, string> = {}
  if (variables instanceof Uint8Array) {
    for (const entry of bytesToLatin1(variables).split('\0')) {
      const equals = entry.indexOf('=')
      if (equals > 0) result[entry.slice(0, equals)] = entry.slice(equals + 1)
    }
    return result
  }
  for (const [key, value] of Object.entries(variables)) {
    if (value !== undefined) result[key] = bytesToLatin1(Buffer.from(value, 'utf8'))
  }
  return result
}

/**
 * Builds the environ of one CGI request from its meta-variables (already latin-1, see
 * cgiVariables) and streams, as PEP 3333's CGI example does: every variable is copied, the
 * required keys get their defaults, and the wsgi.* keys say "one request, one process".
 *
 * @throws CgiError `GW-C01` without REQUEST_METHOD, `GW-C02` for a CONTENT_LENGTH that is not
 *   decimal digits
 *
 * @example
 * ```ts
 * import { cgiEnviron, cgiVariables } from 'framework/gateway'
 *
 * const environ = cgiEnviron(cgiVariables(process.env), { stdin: process.stdin, stderr: process.stderr })
 * ```
 */
export function cgiEnviron(
  variables: Readonly<Record<string, string>>,
  streams: CgiStreams,
  signal: AbortSignal = new AbortController().signal,
): Environ {
  const environ: Record<string, unknown> = { ...variables }
  if (!variables.REQUEST_METHOD) {
    throw new CgiError(
      'GW-C01',
      'REQUEST_METHOD is not set, so this process was not started by a web server as a CGI ' +
        'script (RFC 3875 4.1.12); configure your web server to run it (e.g. lighttpd mod_cgi), ' +
        'or set the variables by hand: REQUEST_METHOD=GET PATH_INFO=/ framework cgi MODULE:ATTR',
    )
  }
  // RFC 3875 4.1.2 and 4.1.3: the body's length and type are CONTENT_*, never HTTP_CONTENT_*
  // (lighttpd passes both; PEP 3333 servers must not, so an app sees one source of truth).
  delete environ.HTTP_CONTENT_LENGTH
  delete environ.HTTP_CONTENT_TYPE
  const rawLength = (variables.CONTENT_LENGTH ?? '').trim()
  if (rawLength !== '' && !/^\d{1,15}$/.test(rawLength)) {
    throw new CgiError(
      'GW-C02',
      `CONTENT_LENGTH is ${JSON.stringify(rawLength)}, not a number of bytes (RFC 3875 4.1.2); ` +
        'the web server in front sent a malformed request',
    )
  }
  if (rawLength === '') delete environ.CONTENT_LENGTH
  else environ.CONTENT_LENGTH = rawLength
  if (environ.CONTENT_TYPE === '') delete environ.CONTENT_TYPE
  environ.SCRIPT_NAME ??= ''
  environ.PATH_INFO ??= ''
  environ.QUERY_STRING ??= ''
  environ.SERVER_NAME ??= variables.HTTP_HOST?.replace(/:\d+$/, '') || 'localhost'
  environ.SERVER_PROTOCOL ??= 'HTTP/1.0'
  // HTTPS is the de-facto variable (Apache, lighttpd, nginx); REQUEST_SCHEME is lighttpd's and
  // Apache's newer one. Either says the client spoke TLS to the web server.
  const https =
    ['on', '1', 'yes'].includes((variables.HTTPS ?? '').toLowerCase()) ||
    variables.REQUEST_SCHEME?.toLowerCase() === 'https'
  environ.SERVER_PORT ??= https ? '443' : '80'
  const stdin = streams.stdin
  const source: AsyncIterable<Uint8Array | string> =
    Symbol.asyncIterator in stdin
      ? stdin
      : (async function* () {
          yield* stdin
        })()
  // RFC 3875 4.2: without CONTENT_LENGTH there is no body, so nothing is read from stdin.
  environ['wsgi.input'] = new RequestInput(bytesOnly(source), {
    length: rawLength === '' ? 0 : Number(rawLength),
    signal,
  })
  environ['wsgi.errors'] = new ErrorsStream(streams.stderr)
  environ['wsgi.version'] = [1, 0] as const
  environ['wsgi.url_scheme'] = https ? 'https' : 'http'
  environ['wsgi.multithread'] = false
  environ['wsgi.multiprocess'] = true
  environ['wsgi.run_once'] = true
  environ['wsgi.input_terminated'] = true
  environ['wsgi.file_wrapper'] = fileWrapper
  environ['gateway.signal'] = signal
  return environ as Environ
}

/** stdin may yield strings when someone called setEncoding on it; the body is bytes. */
async function* bytesOnly(source: AsyncIterable<unknown>): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    if (chunk instanceof Uint8Array) yield chunk
    else yield latin1ToBytes(String(chunk))
  }
}

/**
 * The host: writes the head as CGI header lines (`Status:` first), the body as it comes, each
 * chunk only after the previous one was handed to the OS. It never chunks (`canChunk` false):
 * framing is the web server's job.
 *
 * @example
 * ```ts
 * import { CgiHost, cgiEnviron, cgiVariables } from 'framework/gateway'
 *
 * const environ = cgiEnviron(cgiVariables(process.env), { stdin: process.stdin, stderr: process.stderr })
 * await new CgiHost(process.stdout).run(application, environ)
 * ```
 */
export class CgiHost extends BaseHost {
  protected readonly canChunk = false
  readonly #stdout: CgiOutput
  #failed: Error | undefined

  constructor(stdout: CgiOutput, options: BaseHostOptions = {}) {
    super(options)
    this.#stdout = stdout
  }

  /** True when the response was cut (the application failed after the head, or stdout broke). */
  get failed(): boolean {
    return this.#failed !== undefined
  }

  protected sendHead(head: ResponseHead): Promise<void> {
    // RFC 3875 6.3.3: the Status header carries the code and reason; the web server writes the
    // status line. Header lines end in CRLF (6.3: the server must accept it) and are latin-1.
    let text = `Status: ${head.status} ${head.reason}\r\n`
    for (const [name, value] of head.headers) text += `${name}: ${value}\r\n`
    return this.#send(latin1ToBytes(`${text}\r\n`))
  }

  protected write(chunk: Uint8Array): Promise<void> {
    return this.#send(chunk)
  }

  protected end(): Promise<void> {
    // An empty write's callback runs once every earlier byte was flushed.
    return this.#send(new Uint8Array(0))
  }

  protected abort(reason: unknown): void {
    // A CGI script cannot reset the client's connection; closing stdout early is all it has.
    // The process then exits non-zero (see runCgi), which the web server logs.
    this.#failed = reason instanceof Error ? reason : new Error(String(reason))
    this.#stdout.destroy?.(this.#failed)
  }

  #send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#failed) {
        reject(this.#failed)
        return
      }
      try {
        this.#stdout.write(bytes, (error) => {
          if (error) {
            this.#failed ??= error
            reject(error)
          } else resolve()
        })
      } catch (error) {
        this.#failed ??= error instanceof Error ? error : new Error(String(error))
        reject(error)
      }
    })
  }
}

/**
 * Serves one CGI request with `application`: builds the environ, runs the CgiHost, and resolves
 * to true when a whole response was written (false when it was cut or the web server hung up).
 * A malformed request (`GW-C02`) is answered `400 Bad Request` with the reason, an `Expect`
 * other than 100-continue `417 Expectation Failed` (the application is not called); a missing
 * REQUEST_METHOD (`GW-C01`) throws, as there is no web server to answer.
 *
 * @example
 * ```ts
 * import { runCgi } from 'framework/gateway'
 * import { application } from './project/wsgi.ts'
 *
 * const ok = await runCgi(application, {
 *   variables: process.env,
 *   stdin: process.stdin,
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 * })
 * process.exitCode = ok ? 0 : 1
 * ```
 */
export async function runCgi(application: Application, options: RunCgiOptions): Promise<boolean> {
  const variables = cgiVariables(options.variables)
  const controller = new AbortController()
  const abort = () => controller.abort()
  options.signal?.addEventListener('abort', abort, { once: true })
  if (options.signal?.aborted) abort()
  // The web server closed our stdout: the client is gone (or the server gave up on us).
  options.stdout.once?.('error', abort)
  options.stdout.once?.('close', abort)
  const host = new CgiHost(options.stdout, options)
  try {
    let environ: Environ
    let app = application
    try {
      environ = cgiEnviron(variables, options, controller.signal)
    } catch (error) {
      if (!(error instanceof CgiError) || error.code === 'GW-C01') throw error
      new ErrorsStream(options.stderr).write(`[gateway] ${error.message}\n`)
      environ = cgiEnviron({ ...variables, CONTENT_LENGTH: '' }, options, controller.signal)
      app = refuse('400 Bad Request', error.message)
    }
    const expect = environ.HTTP_EXPECT?.trim().toLowerCase()
    if (expect !== undefined && expect !== '100-continue' && app === application) {
      // RFC 9110 10.1.1: an expectation the server cannot meet gets 417; the web server passed
      // this one through, so the script is the one that must refuse it.
      app = refuse('417 Expectation Failed', `Expect: ${environ.HTTP_EXPECT} is not supported`)
    }
    await host.run(app, environ)
    return !host.failed && !controller.signal.aborted
  } finally {
    options.signal?.removeEventListener('abort', abort)
  }
}

function refuse(status: string, reason: string): Application {
  return (_environ, startResponse) => {
    startResponse(status, [['Content-Type', 'text/plain; charset=utf-8']])
    return [new TextEncoder().encode(`${status}: ${reason}\n`)]
  }
}
