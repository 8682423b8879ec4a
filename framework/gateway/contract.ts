/**
 * @module The gateway contract's types: what a server hands an application and what it gets back.
 *
 * This file is the TypeScript face of docs/gateway.md. It keeps PEP 3333's names (environ,
 * start_response, wsgi.input, ...) and changes only what asynchronous I/O forces. Nothing here
 * imports anything else of framework/: a server author needs this folder alone.
 */
import type { FileHandle } from 'node:fs/promises'

/**
 * An application: called once per request with a fresh environ and a startResponse callable.
 * It returns (or resolves to) the response body.
 *
 * @example
 * ```ts
 * import type { Application } from 'framework/gateway'
 *
 * export const application: Application = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']])
 *   return [new TextEncoder().encode('Hello World')]
 * }
 * ```
 */
export type Application = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>

/** A response header list: a real array of `[name, value]` pairs, in order, repeats allowed. */
export type ResponseHeaders = [string, string][]

/**
 * Begins the response. `status` is `"NNN Reason"`. A second call is an error unless `excInfo` is
 * given; with `excInfo` after headers were sent, it rethrows `excInfo`.
 * Returns the legacy imperative `write` callable.
 */
export type StartResponse = (status: string, headers: ResponseHeaders, excInfo?: unknown) => Write

/**
 * Legacy imperative output (PEP 3333's write()). The promise resolves once the server accepted
 * the chunk (backpressure); it rejects if the client went away.
 */
export type Write = (chunk: Uint8Array) => Promise<void>

/**
 * The response body: an iterable or async iterable of byte chunks, optionally with `close()`,
 * which the server calls exactly once when it is done with the body (normal end, error or
 * client disconnect). A string or a bare Uint8Array is not a body.
 */
export type Body = (Iterable<Uint8Array> | AsyncIterable<Uint8Array>) & {
  close?(): void | Promise<void>
}

/**
 * `wsgi.input`: the request body, asynchronous. Never reads past CONTENT_LENGTH (or past the
 * end of a chunked body); at the end every read resolves to an empty Uint8Array, every time.
 * Async iteration yields the raw chunks as they arrive.
 */
export interface GatewayInput extends AsyncIterable<Uint8Array> {
  /** Up to `size` bytes (all remaining bytes when `size` is omitted or negative). */
  read(size?: number): Promise<Uint8Array>
  /** One line including its trailing `\n`, or at most `size` bytes of it. */
  readline(size?: number): Promise<Uint8Array>
  /** Lines until the end, or until about `hint` bytes were read. */
  readlines(hint?: number): Promise<Uint8Array[]>
}

/** `wsgi.errors`: a text stream for error output. Accepts any text. */
export interface GatewayErrors {
  write(text: string): void
  writelines(texts: Iterable<string>): void
  flush(): void
}

/** What `wsgi.file_wrapper` accepts: an open file handle or a path, with an optional byte range. */
export interface FileWrapperSource {
  /** An open handle (the wrapper's body closes it) or a path to open. */
  file: FileHandle | string
  /** First byte to send (default 0). */
  start?: number
  /** Last byte to send, inclusive (default: the end of the file). */
  end?: number
}

/**
 * `wsgi.file_wrapper`: turns a file into a Body that the server may send by a faster path.
 * The returned body still iterates like any other, so middleware that wraps it keeps working.
 */
export type FileWrapper = (source: FileWrapperSource, blockSize?: number) => Body

/** The environ keys every server sets, with their types. */
export interface CgiEnviron {
  REQUEST_METHOD: string
  SCRIPT_NAME: string
  PATH_INFO: string
  QUERY_STRING: string
  CONTENT_TYPE?: string
  CONTENT_LENGTH?: string
  SERVER_NAME: string
  SERVER_PORT: string
  SERVER_PROTOCOL: string
  REMOTE_ADDR?: string
  REMOTE_PORT?: string
}

/** The `wsgi.*` keys (PEP 3333's names) and the `gateway.*` keys this spec adds. */
export interface WsgiEnviron {
  'wsgi.version': readonly [1, 0]
  'wsgi.url_scheme': 'http' | 'https'
  'wsgi.input': GatewayInput
  'wsgi.errors': GatewayErrors
  'wsgi.multithread': boolean
  'wsgi.multiprocess': boolean
  'wsgi.run_once': boolean
  'wsgi.input_terminated': true
  'wsgi.file_wrapper'?: FileWrapper
  /** Fires when the client goes away (or the server gives up on the request). */
  'gateway.signal': AbortSignal
  /** The client's address as a trusted proxy reported it (REMOTE_ADDR stays the peer). */
  'gateway.client_addr'?: string
}

/**
 * The request environment: a plain object, fresh per request. Strings hold only code units up
 * to 0xFF (bytes as latin-1). One `HTTP_*` key per request header. Servers and middleware add
 * keys under their own prefix (`serve.` for the bundled server).
 */
export type Environ = CgiEnviron &
  WsgiEnviron & {
    [header: `HTTP_${string}`]: string | undefined
    [key: string]: unknown
  }
