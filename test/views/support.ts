/**
 * Test helper for views/: settings over a temporary templates folder, and requests that carry
 * them as the handler does (request.state.settings).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { defineSettings, type Settings } from '../../framework/conf/index.ts'
import { HttpRequest, type HttpResponseBase } from '../../framework/http/index.ts'
import { makeEnviron, type EnvironInit } from '../http/make-environ.ts'

export function templateSite(files: Record<string, string>): {
  settings: Settings
  cleanup: () => void
} {
  const root = mkdtempSync(join(tmpdir(), 'views-'))
  for (const [rel, text] of Object.entries(files)) {
    const file = join(root, 'templates', rel)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  const settings = defineSettings({
    DEBUG: true,
    TEMPLATES: {
      DIRS: [join(root, 'templates')],
      APP_DIRS: false,
      CONTEXT_PROCESSORS: ['request', 'debug'],
    },
  })
  return { settings, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

export function makeRequest(settings: Settings | undefined, init: EnvironInit = {}): HttpRequest {
  const request = new HttpRequest(makeEnviron(init))
  if (settings) request.state['settings'] = settings
  return request
}

export async function bodyText(response: HttpResponseBase): Promise<string> {
  const environ = makeEnviron()
  const out = await response.toGateway(environ, {})
  const chunks: Uint8Array[] = []
  for await (const chunk of out.body as AsyncIterable<Uint8Array>) chunks.push(chunk)
  await out.body.close?.()
  return Buffer.concat(chunks).toString('utf8')
}
