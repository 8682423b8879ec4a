/**
 * @module The environ a `serve` worker builds for what wrk sends (`GET PATH`, Host, User-Agent,
 * Accept), for the in-process micro-benchmarks that call an application without a server.
 */
import type { Environ } from '../../framework/gateway/index.ts'

const emptyInput = { read: async () => new Uint8Array(0) }
const errors = { write() {}, flush() {} }

/** A fresh environ for `GET path` with no body. */
export function wrkEnviron(path: string): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: path,
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': emptyInput,
    'wsgi.errors': errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    HTTP_HOST: '127.0.0.1:8000',
    HTTP_USER_AGENT: 'wrk',
    HTTP_ACCEPT: '*/*',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '5555',
  } as unknown as Environ
}
