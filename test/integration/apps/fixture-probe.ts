/**
 * @module The application the fixture tests run under `serve`: it appends what it saw to the file
 * named by PROBE_LOG, one JSON line when called ('head') and one after reading the whole body
 * ('complete'), then answers 200 with the same record. Reading goes through wsgi.input, so a body
 * error found by the parser makes the read fail and no 'complete' line is written.
 */
import { appendFileSync } from 'node:fs'
import type { Application, Environ } from '../../../framework/gateway/index.ts'

const log = process.env.PROBE_LOG

function headers(environ: Environ): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(environ)) {
    if ((key.startsWith('HTTP_') || key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') && typeof value === 'string') {
      out[key] = value
    }
  }
  return out
}

/** The probe. */
export const application: Application = async (environ, startResponse) => {
  const seen = {
    method: environ.REQUEST_METHOD,
    path: environ.PATH_INFO,
    query: environ.QUERY_STRING,
    headers: headers(environ),
    forwarded: {
      scheme: environ['wsgi.url_scheme'],
      client: environ['gateway.client_addr'] ?? null,
      remote: environ.REMOTE_ADDR ?? null,
    },
  }
  if (log) appendFileSync(log, `${JSON.stringify({ phase: 'head', ...seen })}\n`)
  const body = Buffer.from(await environ['wsgi.input'].read()).toString('latin1')
  if (log) appendFileSync(log, `${JSON.stringify({ phase: 'complete', ...seen, body })}\n`)
  startResponse('200 OK', [['Content-Type', 'application/json']])
  return [Buffer.from(JSON.stringify({ ...seen, body }), 'latin1')]
}
