/**
 * Every exception becomes a response: odd thrown values, failures while turning the response
 * into bytes, and headers the gateway refuses. Run through the in-process host (callApplication).
 */
import { describe, expect, it } from 'vitest'
import { callApplication } from '../../framework/gateway/index.ts'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'
import { FileResponse, HttpResponse } from '../../framework/http/index.ts'
import { urlconf } from './fake-urlconf.ts'

const views = {
  '/': () => new HttpResponse('ok'),
  '/string/': () => {
    throw 'a bare string'
  },
  '/null/': async () => {
    throw null
  },
  '/reject/': () => Promise.reject(new RangeError('async failure')),
  '/gone-file/': () => new FileResponse('/nonexistent/dir/file.txt'),
  '/hop/': () => new HttpResponse('x', { headers: { Connection: 'close' } }),
  '/unsigned/': () => new HttpResponse('x').setSignedCookie('a', 'b'),
}

for (const debug of [false, true]) {
  const app = getGatewayApplication(
    defineSettings(
      {
        DEBUG: debug,
        SECRET_KEY: debug ? '' : 'k',
        ALLOWED_HOSTS: ['testserver'],
        ROOT_URLCONF: urlconf(views),
      },
      { env: {} },
    ),
  )

  describe(`the handler with DEBUG ${debug ? 'on' : 'off'}`, () => {
    for (const path of ['/string/', '/null/', '/reject/', '/gone-file/', '/hop/']) {
      it(`answers 500 for ${path} and serves the next request`, async () => {
        const res = await callApplication(app, { path })
        expect(res.status).toBe(500)
        expect(res.aborted).toBe(false)
        expect(res.errors).toContain('Internal Server Error')
        expect((await callApplication(app, { path: '/' })).text()).toBe('ok')
      })
    }
  })

  if (debug) {
    it('names a signed cookie that cannot be signed without SECRET_KEY', async () => {
      const res = await callApplication(app, { path: '/unsigned/' })
      expect(res.status).toBe(500)
      expect(res.text()).toContain('Cannot sign cookie &#34;a&#34;: SECRET_KEY is empty')
    })
  }
}
