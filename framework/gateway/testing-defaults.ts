/**
 * @module setupTestingDefaults: fills an environ with every key the contract requires, with test
 * values, as wsgiref.util.setup_testing_defaults. Keys already present are kept.
 */
import type { Environ } from './contract.ts'
import { ErrorsStream } from './errors-stream.ts'
import { fileWrapper } from './file-wrapper.ts'
import { RequestInput } from './input.ts'

/**
 * Completes `environ` in place and returns it typed as an Environ: SERVER_NAME '127.0.0.1',
 * SERVER_PROTOCOL 'HTTP/1.1', HTTP_HOST, REQUEST_METHOD 'GET', SCRIPT_NAME '', PATH_INFO '/',
 * QUERY_STRING '', SERVER_PORT from the scheme, an empty wsgi.input (or CONTENT_LENGTH zero
 * bytes), an in-memory wsgi.errors (an `ErrorsStream`; read `.text`), the wsgi.* flags,
 * wsgi.file_wrapper and a fresh, never-aborted gateway.signal.
 *
 * @example
 * ```ts
 * import { setupTestingDefaults } from 'framework/gateway'
 *
 * const environ = setupTestingDefaults({ PATH_INFO: '/hello' })
 * await application(environ, startResponse)
 * ```
 */
export function setupTestingDefaults(environ: Record<string, unknown> = {}): Environ {
  const set = (key: string, value: () => unknown) => {
    if (environ[key] === undefined) environ[key] = value()
  }
  set('SERVER_NAME', () => '127.0.0.1')
  set('SERVER_PROTOCOL', () => 'HTTP/1.1')
  set('HTTP_HOST', () => environ.SERVER_NAME)
  set('REQUEST_METHOD', () => 'GET')
  if (environ.SCRIPT_NAME === undefined && environ.PATH_INFO === undefined) {
    environ.SCRIPT_NAME = ''
    environ.PATH_INFO = '/'
  }
  set('SCRIPT_NAME', () => '')
  set('PATH_INFO', () => '')
  set('QUERY_STRING', () => '')
  set('wsgi.version', () => [1, 0] as const)
  set('wsgi.run_once', () => false)
  set('wsgi.multithread', () => false)
  set('wsgi.multiprocess', () => false)
  set('wsgi.input_terminated', () => true)
  set('wsgi.input', () => new RequestInput(emptySource(), { length: 0 }))
  set('wsgi.errors', () => new ErrorsStream())
  set('wsgi.url_scheme', () => (environ.HTTPS === 'on' || environ.HTTPS === '1' ? 'https' : 'http'))
  set('wsgi.file_wrapper', () => fileWrapper)
  set('gateway.signal', () => new AbortController().signal)
  set('SERVER_PORT', () => (environ['wsgi.url_scheme'] === 'https' ? '443' : '80'))
  return environ as Environ
}

async function* emptySource(): AsyncGenerator<Uint8Array> {}
