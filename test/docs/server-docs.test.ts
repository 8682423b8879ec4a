/**
 * docs/server.md against the code: the generated settings section is current, every setting and
 * every handled signal is documented.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SIGNAL_ACTIONS } from '../../framework/server/arbiter.ts'
import { withSettingsTable } from '../../framework/server/settings-doc.ts'
import { SETTINGS } from '../../framework/server/settings.ts'

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/server.md'), 'utf8')

describe('docs/server.md', () => {
  it('has the settings table generated from settings.ts (run `npx tsx framework/server/settings-doc.ts` when this fails)', () => {
    expect(doc).toBe(withSettingsTable(doc))
  })

  it('lists every setting with its flag', () => {
    const missing = SETTINGS.filter((s) => !doc.includes(`\`${s.flag}\``)).map((s) => s.flag)
    expect(missing).toEqual([])
  })

  it('has a row in the signals table for every signal the primary handles', () => {
    const missing = Object.keys(SIGNAL_ACTIONS)
      .map((s) => s.replace(/^SIG/, ''))
      .filter((name) => !new RegExp(`^\\| [^|]*\`${name}\``, 'm').test(doc))
    expect(missing).toEqual([])
  })

  it('carries the deployment guide: a socket-activated systemd unit and an Nginx site on a unix socket', () => {
    expect(doc).toMatch(/\[Socket\][\s\S]*ListenStream=\/run\/mysite\/serve\.sock/)
    expect(doc).toMatch(/Type=notify/)
    expect(doc).toMatch(/server unix:\/run\/mysite\/serve\.sock/)
    expect(doc).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/)
  })
})
