/**
 * docs/csrf.md, docs/security.md and docs/sessions.md against the code: every CSRF failure code
 * and every security check id is documented, and no dead one is listed.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CSRF_FAILURE_CODES } from '../../../framework/contrib/csrf/index.ts'
import { BUILTIN_CHECK_IDS, DEPLOY_CHECK_IDS } from '../../../framework/conf/index.ts'

const docs = resolve(import.meta.dirname, '../../../docs')
const read = (name: string) => readFileSync(resolve(docs, name), 'utf8')

describe('the CSRF, security and sessions docs', () => {
  it('docs/csrf.md lists every failure code, and only those', () => {
    const doc = read('csrf.md')
    const listed = new Set([...doc.matchAll(/`(csrf\.[a-z_]+)`/g)].map((m) => m[1] ?? ''))
    const known = new Set([
      ...Object.keys(CSRF_FAILURE_CODES),
      'csrf.no_session',
      'csrf.no_settings',
    ])
    expect([...known].filter((code) => !listed.has(code))).toEqual([])
    expect([...listed].filter((code) => !known.has(code))).toEqual([])
  })

  it('docs/security.md lists every security check id, and only those', () => {
    const doc = read('security.md')
    const known = [...Object.keys(BUILTIN_CHECK_IDS), ...Object.keys(DEPLOY_CHECK_IDS)].filter(
      (id) => id.startsWith('security.'),
    )
    const listed = [...doc.matchAll(/`(security\.W\d+)`/g)].map((m) => m[1] ?? '')
    expect(known.filter((id) => !listed.includes(id))).toEqual([])
    expect(listed.filter((id) => !known.includes(id))).toEqual([])
  })

  it('docs/sessions.md names every coded error of the sessions app', () => {
    const doc = read('sessions.md')
    for (const code of [
      'sessions.not_json',
      'sessions.bad_expiry',
      'sessions.interrupted',
      'sessions.no_secret_key',
      'sessions.no_table',
      'messages.not_installed',
      'messages.no_session',
    ]) {
      expect(doc).toContain(`\`${code}\``)
    }
  })
})
