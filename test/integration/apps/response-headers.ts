/**
 * @module An application whose responses take each of serve's paths, for the access log's
 * `%({name}o)s`: /fast answers with one body chunk (the host's common case), /stream with an
 * async iterable (the generic path), /cookies with a repeated header.
 */
import type { Application } from '../../../framework/gateway/index.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

export const application: Application = (environ, startResponse) => {
  const path = environ.PATH_INFO
  if (path === '/stream') {
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['X-Probe', 'stream'],
    ])
    return (async function* () {
      yield bytes('one ')
      yield bytes('two')
    })()
  }
  if (path === '/cookies') {
    startResponse('204 No Content', [
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ])
    return []
  }
  startResponse('200 OK', [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['X-Probe', 'fast'],
  ])
  return [bytes('fast')]
}
