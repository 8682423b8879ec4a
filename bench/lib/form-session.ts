/**
 * @module W4's request: what a browser would hold after loading the form once (the CSRF cookie,
 * the session cookie, the masked token from the hidden input), replayed by every load request.
 */
import { request } from 'node:http'
import type { RequestSpec } from './load-generator.ts'

function get(url: string): Promise<{ status: number; cookies: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], body }),
      )
    })
      .on('error', reject)
      .end()
  })
}

/** GETs `path` on `base` and builds the POST that submits its form. */
export async function formPost(base: string, path: string): Promise<RequestSpec> {
  const page = await get(base + path)
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.body)?.[1]
  if (page.status !== 200 || !token) {
    throw new Error(
      `GET ${path} gave ${page.status} without a CSRF token field:\n${page.body.slice(0, 300)}`,
    )
  }
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ')
  if (!/csrftoken=/.test(cookie) || !/sessionid=/.test(cookie)) {
    throw new Error(
      `GET ${path} did not set both the csrftoken and sessionid cookies: ${JSON.stringify(page.cookies)}`,
    )
  }
  return {
    path,
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrfmiddlewaretoken=${encodeURIComponent(token)}&text=${encodeURIComponent('Hello, <World> & friends')}`,
  }
}
