/**
 * @module HttpRequest: the view's picture of a request, built lazily from the environ.
 *
 * Nothing is parsed until asked for: a view that never reads GET never pays for (or fails on)
 * a malformed query string. The body is read once and cached.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Environ } from '../gateway/index.ts'
import { parseCookies } from './cookies.ts'
import { RequestHeaders } from './headers.ts'
import { BadRequest, DisallowedHost, RequestDataTooBig, TooManyFieldsSent } from './http-errors.ts'
import { MultipartParser, parseHeaderParams } from './multipart-parser.ts'
import { QueryDict } from './query-dict.ts'
import { BadSignature, unsign } from './signing.ts'
import { FileDict, UploadedFile } from './uploaded-file.ts'

/** The settings a request needs; core/ fills them from conf/'s Settings. */
export interface RequestOptions {
  allowedHosts?: readonly string[]
  debug?: boolean
  secretKey?: string
  /** DATA_UPLOAD_MAX_MEMORY_SIZE; null disables. */
  dataUploadMaxMemorySize?: number | null
  /** DATA_UPLOAD_MAX_NUMBER_FIELDS; null disables. */
  dataUploadMaxNumberFields?: number | null
  fileUploadMaxMemorySize?: number
  fileUploadTempDir?: string
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const READ_SIZE = 64 * 1024

/**
 * An HTTP request. Views receive it; middleware may add properties through `state`.
 *
 * @example
 * ```ts
 * export function search(request: HttpRequest) {
 *   const q = request.GET.get('q', '')
 *   return new HttpResponse(`You searched for ${q}`)
 * }
 * ```
 */
export class HttpRequest {
  /** The environ, untouched (Django's META). */
  readonly META: Environ
  /** Per-request storage for middleware (user, session, csrf token...). */
  readonly state: Record<string, unknown> = {}
  readonly #options: RequestOptions
  #path: string | undefined
  #pathInfo: string | undefined
  #get: QueryDict | undefined
  #cookies: Record<string, string> | undefined
  #headers: RequestHeaders | undefined
  #body: Promise<Uint8Array> | undefined
  // Made on first use: most requests (every GET) never read POST or FILES.
  #post: QueryDict | undefined
  #files: FileDict | undefined
  #parsed: Promise<void> | undefined
  #tempDir: string | undefined
  /** Set by the handler once resolved: the route that matched. */
  resolverMatch: unknown

  constructor(environ: Environ, options: RequestOptions = {}) {
    this.META = environ
    this.#options = options
  }

  /** The method, upper-case. */
  get method(): string {
    const method = this.META.REQUEST_METHOD
    // The methods clients send are upper-case already; toUpperCase() is a runtime call.
    return isUpperAscii(method) ? method : method.toUpperCase()
  }

  /** SCRIPT_NAME decoded as UTF-8: the mount point. */
  get scriptName(): string {
    return decodePathBytes(this.META.SCRIPT_NAME ?? '')
  }

  /** PATH_INFO decoded as UTF-8 (the environ holds it as latin-1 bytes); invalid UTF-8 is a 400. */
  get pathInfo(): string {
    this.#pathInfo ??= decodePathBytes(this.META.PATH_INFO || '/')
    return this.#pathInfo
  }

  /** The full path: scriptName + pathInfo. */
  get path(): string {
    this.#path ??= `${this.scriptName.replace(/\/$/, '')}${this.pathInfo}`
    return this.#path
  }

  /** The path with the query string, as the client sent it (percent-encoded). */
  getFullPath(): string {
    const qs = this.META.QUERY_STRING
    return qs ? `${escapeUriPath(this.path)}?${qs}` : escapeUriPath(this.path)
  }

  /** `'http'` or `'https'`. */
  get scheme(): 'http' | 'https' {
    return this.META['wsgi.url_scheme']
  }

  /** The query string's fields. */
  get GET(): QueryDict {
    this.#get ??= QueryDict.parse(this.META.QUERY_STRING ?? '', {
      maxFields: this.#options.dataUploadMaxNumberFields,
    })
    return this.#get
  }

  /** Form fields of a urlencoded or multipart body; empty until `parseBody()` ran. */
  get POST(): QueryDict {
    this.#post ??= new QueryDict()
    return this.#post
  }

  /** Uploaded files of a multipart body; empty until `parseBody()` ran. */
  get FILES(): FileDict {
    this.#files ??= new FileDict()
    return this.#files
  }

  /** The cookies. */
  get COOKIES(): Record<string, string> {
    this.#cookies ??= parseCookies(this.META.HTTP_COOKIE)
    return this.#cookies
  }

  /** The headers, case-insensitive. */
  get headers(): RequestHeaders {
    this.#headers ??= new RequestHeaders(this.META)
    return this.#headers
  }

  /** The media type without parameters, lower-case (`''` when absent). */
  get contentType(): string {
    const header = this.META.CONTENT_TYPE
    // Most requests (every GET) have none: no split, trim and lower-casing for them.
    if (!header) return ''
    return header.split(';')[0]?.trim().toLowerCase() ?? ''
  }

  /** True over HTTPS. */
  isSecure(): boolean {
    return this.META['wsgi.url_scheme'] === 'https'
  }

  /**
   * The host (and port when not the default), checked against ALLOWED_HOSTS.
   * Throws DisallowedHost (400) otherwise.
   */
  getHost(): string {
    const host = this.rawHost()
    const allowed = this.#options.allowedHosts ?? []
    const effective = allowed.length === 0 && this.#options.debug ? DEBUG_ALLOWED_HOSTS : allowed
    if (!isAllowedHost(host, effective)) throw new DisallowedHost(host)
    return host
  }

  /** The Host header (or SERVER_NAME:SERVER_PORT) without any check. */
  rawHost(): string {
    const header = this.META.HTTP_HOST
    if (header) return header.toLowerCase()
    const port = this.META.SERVER_PORT
    const defaultPort = this.isSecure() ? '443' : '80'
    return `${this.META.SERVER_NAME}${port && port !== defaultPort ? `:${port}` : ''}`.toLowerCase()
  }

  /**
   * An absolute URI for `location` (default: this request's full path).
   *
   * @example
   * ```ts
   * request.buildAbsoluteUri('/login/') // 'https://example.com/login/'
   * ```
   */
  buildAbsoluteUri(location?: string): string {
    const base = `${this.isSecure() ? 'https' : 'http'}://${this.getHost()}${this.getFullPath()}`
    return location === undefined ? base : new URL(location, base).toString()
  }

  /**
   * A cookie set with `response.setSignedCookie()`, or `fallback` when missing or tampered.
   *
   * @example
   * ```ts
   * const uid = request.getSignedCookie('uid', { salt: 'uid' })
   * ```
   */
  getSignedCookie(
    name: string,
    options: { salt?: string; fallback?: string } = {},
  ): string | undefined {
    const raw = this.COOKIES[name]
    if (raw === undefined || !this.#options.secretKey) return options.fallback
    try {
      return unsign(raw, this.#options.secretKey, `cookie:${name}${options.salt ?? ''}`)
    } catch (error) {
      if (error instanceof BadSignature) return options.fallback
      throw error
    }
  }

  /**
   * The raw body, read once (limited by DATA_UPLOAD_MAX_MEMORY_SIZE: 413 past it).
   *
   * @example
   * ```ts
   * const bytes = await request.body()
   * ```
   */
  body(): Promise<Uint8Array> {
    this.#body ??= this.#readBody()
    return this.#body
  }

  /** The body decoded with its charset (UTF-8 by default); undecodable text is a 400. */
  async text(): Promise<string> {
    const charset =
      parseHeaderParams(this.META.CONTENT_TYPE ?? '').charset?.toLowerCase() ?? 'utf-8'
    let decoder: InstanceType<typeof TextDecoder>
    try {
      decoder = new TextDecoder(charset, { fatal: true })
    } catch {
      throw new BadRequest(
        `Unknown charset ${JSON.stringify(charset)} in Content-Type; send UTF-8.`,
        'http.bad_charset',
      )
    }
    const bytes = await this.body()
    try {
      return decoder.decode(bytes)
    } catch (error) {
      throw new BadRequest(`The request body is not valid ${charset}.`, 'http.invalid_utf8', {
        cause: error,
      })
    }
  }

  /** The body parsed as JSON; invalid JSON is a 400 naming the parse error. */
  async json(): Promise<unknown> {
    const text = await this.text()
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new BadRequest(
        `The request body is not valid JSON: ${(error as Error).message}`,
        'http.invalid_json',
        { cause: error },
      )
    }
  }

  /**
   * Fills POST (and FILES) from a urlencoded or multipart body. The handler calls it before the
   * view for those content types; calling it again does nothing.
   */
  parseBody(): Promise<void> {
    this.#parsed ??= this.#parseBody()
    return this.#parsed
  }

  /** Deletes the temporary upload files. The handler calls it after the response. */
  async cleanup(): Promise<void> {
    if (this.#tempDir) await rm(this.#tempDir, { recursive: true, force: true })
    this.#tempDir = undefined
  }

  /** True when uploads went to temporary files that `cleanup()` must remove. */
  get hasTemporaryFiles(): boolean {
    return this.#tempDir !== undefined
  }

  /** True once `parseBody()` was called: only from then on can uploads reach temporary files. */
  get bodyParseStarted(): boolean {
    return this.#parsed !== undefined
  }

  async #readBody(): Promise<Uint8Array> {
    const limit = this.#options.dataUploadMaxMemorySize ?? null
    const declared = Number(this.META.CONTENT_LENGTH || '0')
    if (limit !== null && Number.isFinite(declared) && declared > limit)
      throw new RequestDataTooBig(limit)
    const chunks: Uint8Array[] = []
    let total = 0
    for (;;) {
      const chunk = await this.META['wsgi.input'].read(READ_SIZE)
      if (chunk.byteLength === 0) break
      total += chunk.byteLength
      // Chunked bodies have no CONTENT_LENGTH: count as we go.
      if (limit !== null && total > limit) throw new RequestDataTooBig(limit)
      chunks.push(chunk)
    }
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : new Uint8Array(Buffer.concat(chunks))
  }

  async #parseBody(): Promise<void> {
    if (this.contentType === 'application/x-www-form-urlencoded') {
      const bytes = await this.body()
      this.#post = QueryDict.parse(Buffer.from(bytes).toString('latin1'), {
        maxFields: this.#options.dataUploadMaxNumberFields,
      })
    } else if (this.contentType === 'multipart/form-data') {
      await this.#parseMultipart()
    }
  }

  async #parseMultipart(): Promise<void> {
    const boundary = parseHeaderParams(this.META.CONTENT_TYPE ?? '').boundary
    if (!boundary) {
      throw new BadRequest(
        'multipart/form-data without a boundary parameter in Content-Type.',
        'http.multipart_invalid',
      )
    }
    const parser = new MultipartParser(boundary)
    const maxFields = this.#options.dataUploadMaxNumberFields ?? null
    const maxData = this.#options.dataUploadMaxMemorySize ?? null
    const fileMemory = this.#options.fileUploadMaxMemorySize ?? 2_621_440
    const fields: [string, string][] = []
    let fieldBytes = 0
    let current:
      | { kind: 'skip'; name: string }
      | { kind: 'field'; name: string; chunks: Uint8Array[] }
      | {
          kind: 'file'
          name: string
          filename: string
          contentType: string
          chunks: Uint8Array[]
          size: number
          handle?: FileHandle
          path?: string
        }
      | undefined
    const finishPart = async (): Promise<void> => {
      if (!current) return
      if (current.kind === 'skip') {
        current = undefined
        return
      }
      if (current.kind === 'field') {
        try {
          fields.push([current.name, utf8.decode(Buffer.concat(current.chunks))])
        } catch (error) {
          throw new BadRequest(
            `Field ${JSON.stringify(current.name)} is not valid UTF-8.`,
            'http.invalid_utf8',
            { cause: error },
          )
        }
      } else {
        await current.handle?.close()
        this.FILES.add(
          new UploadedFile({
            fieldName: current.name,
            filename: current.filename,
            contentType: current.contentType,
            size: current.size,
            ...(current.path
              ? { temporaryPath: current.path }
              : { memory: new Uint8Array(Buffer.concat(current.chunks)) }),
          }),
        )
      }
      current = undefined
    }
    const handle = async (events: ReturnType<MultipartParser['write']>): Promise<void> => {
      for (const event of events) {
        if (event.type === 'part') {
          if (maxFields !== null && fields.length + this.FILES.size >= maxFields)
            throw new TooManyFieldsSent(maxFields)
          // An empty file input arrives as filename="" with no content: no file (as in Django).
          current =
            event.filename === ''
              ? { kind: 'skip', name: event.name }
              : event.filename === undefined
                ? { kind: 'field', name: event.name, chunks: [] }
                : {
                    kind: 'file',
                    name: event.name,
                    filename: event.filename,
                    contentType: event.contentType,
                    chunks: [],
                    size: 0,
                  }
        } else if (event.type === 'data' && current && current.kind !== 'skip') {
          if (current.kind === 'field') {
            fieldBytes += event.chunk.byteLength
            if (maxData !== null && fieldBytes > maxData) throw new RequestDataTooBig(maxData)
            current.chunks.push(event.chunk)
          } else {
            current.size += event.chunk.byteLength
            if (current.handle) {
              await current.handle.write(event.chunk)
            } else {
              current.chunks.push(event.chunk)
              if (current.size > fileMemory) {
                // Past the threshold: move what we have to a temp file and keep streaming there.
                this.#tempDir ??= await mkdtemp(
                  join(this.#options.fileUploadTempDir ?? tmpdir(), 'upload-'),
                )
                current.path = join(
                  this.#tempDir,
                  `${this.FILES.size}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
                )
                current.handle = await open(current.path, 'w')
                for (const c of current.chunks) await current.handle.write(c)
                current.chunks = []
              }
            }
          }
        } else if (event.type === 'partEnd') {
          await finishPart()
        }
      }
    }
    try {
      for (;;) {
        const chunk = await this.META['wsgi.input'].read(READ_SIZE)
        if (chunk.byteLength === 0) break
        await handle(parser.write(chunk))
      }
      await handle(parser.end())
    } catch (error) {
      if (current?.kind === 'file') await current.handle?.close()
      throw error
    }
    this.#post = new QueryDict(fields)
  }
}

/**
 * Percent-encodes a decoded path for use in a URL, keeping `/` and the sub-delimiters a path may
 * hold literally (Django's escape_uri_path), so `%`, `?` and `#` in a segment stay data.
 */
function escapeUriPath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/%(3A|40|26|2B|24|2C|3D|3B)/gi, (m) =>
        decodeURIComponent(m),
      ),
    )
    .join('/')
}

/** Decodes a latin-1 "byte string" from the environ as UTF-8; a 400 when it is not UTF-8. */
// Most paths are ASCII, where latin-1 and UTF-8 agree: no Buffer and no decoder (W1's profile
// showed this decode at 1.3% of the worker's time; docs/benchmarks.md).
const ASCII_ONLY = /^[\x00-\x7f]*$/

function decodePathBytes(latin1: string): string {
  if (ASCII_ONLY.test(latin1)) return latin1
  try {
    return utf8.decode(Buffer.from(latin1, 'latin1'))
  } catch (error) {
    throw new BadRequest(
      `The request path ${JSON.stringify(latin1.slice(0, 80))} is not valid UTF-8 once percent-decoded; encode paths as UTF-8.`,
      'http.invalid_path',
      { cause: error },
    )
  }
}

/** What an empty ALLOWED_HOSTS allows in DEBUG (Django's list). */
const DEBUG_ALLOWED_HOSTS: readonly string[] = Object.freeze(['.localhost', '127.0.0.1', '[::1]'])

/**
 * Verdicts of validateHost per frozen host list (settings are frozen, so the same host gets the
 * same answer): every request checks its Host, and nearly all send the same one or two. Capped
 * so that clients sending made-up hosts cannot grow it.
 */
const hostVerdicts = new WeakMap<readonly string[], Map<string, boolean>>()
const HOST_VERDICTS_CAP = 64

function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  if (!Object.isFrozen(allowed)) return validateHost(host, allowed)
  let verdicts = hostVerdicts.get(allowed)
  if (verdicts === undefined) hostVerdicts.set(allowed, (verdicts = new Map()))
  let verdict = verdicts.get(host)
  if (verdict === undefined) {
    verdict = validateHost(host, allowed)
    if (verdicts.size >= HOST_VERDICTS_CAP) verdicts.clear()
    verdicts.set(host, verdict)
  }
  return verdict
}

const hostPattern = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::(\d{1,5}))?$/

/**
 * Whether `host` (with an optional port) matches one of `allowed`: exact, `.example.com` for the
 * domain and its subdomains, or `*`.
 *
 * @example
 * ```ts
 * validateHost('www.example.com', ['.example.com']) // true
 * ```
 */
export function validateHost(host: string, allowed: readonly string[]): boolean {
  const m = hostPattern.exec(host.toLowerCase())
  if (!m) return false
  const domain = (m[1] ?? '').replace(/\.$/, '')
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase()
    if (p === '*') return true
    if (p.startsWith('.')) return domain === p.slice(1) || domain.endsWith(p)
    return domain === p
  })
}

/** True when `text` holds no lower-case ASCII letter (so upper-casing would not change it). */
function isUpperAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if ((code >= 97 && code <= 122) || code > 127) return false
  }
  return true
}
