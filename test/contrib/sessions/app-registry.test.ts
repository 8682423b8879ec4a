/**
 * The contrib apps as INSTALLED_APPS entries: resolved through package.json exports, labelled
 * `sessions` and `messages`, the Session model found for makemigrations.
 */
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadApps } from '../../../framework/db/index.ts'

const repo = resolve(import.meta.dirname, '../../..')

describe('the sessions and messages apps', () => {
  it('load with their labels, the sessions app with its Session model', async () => {
    const apps = await loadApps(['framework/contrib/sessions', 'framework/contrib/messages'], repo)
    expect(apps.all().map((app) => app.label)).toEqual(['sessions', 'messages'])
    expect(apps.get('sessions').models.map((model) => model.meta.label)).toEqual([
      'sessions.Session',
    ])
    expect(apps.get('messages').models).toEqual([])
  })

  it('resolve as package exports from a project that depends on the framework', () => {
    for (const name of ['sessions', 'csrf', 'messages']) {
      expect(import.meta.resolve(`framework/contrib/${name}`)).toMatch(
        new RegExp(`/framework/contrib/${name}/index\\.ts$`),
      )
    }
  })
})
