/**
 * Test helper for the contrib tests: an application from a map of views and settings, driven by
 * the real test Client, and a fresh SQLite file holding the sessions table.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineSettings, type SettingsInput } from '../../../framework/conf/index.ts'
import { getGatewayApplication } from '../../../framework/core/index.ts'
import { closeConnections, configureDatabases, createTables } from '../../../framework/db/index.ts'
import type { ViewFunction } from '../../../framework/http/index.ts'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import { Client } from '../../../framework/testing/index.ts'
import { urlconf } from '../../core/fake-urlconf.ts'

export const SECRET = 'k3y-for-tests-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG'

/** Settings with a urlconf of `views` (exact paths), DEBUG off, testserver allowed. */
export function testSettings(views: Record<string, ViewFunction>, settings: SettingsInput = {}) {
  return defineSettings(
    {
      DEBUG: false,
      SECRET_KEY: SECRET,
      ALLOWED_HOSTS: ['testserver'],
      ROOT_URLCONF: urlconf(views),
      ...settings,
    },
    { env: {} },
  )
}

/** A Client over the application built from `views` and `settings`. */
export function clientFor(
  views: Record<string, ViewFunction>,
  settings: SettingsInput = {},
): Client {
  return new Client(getGatewayApplication(testSettings(views, settings)))
}

/** A SQLite file in a temp dir with the sessions table; `dispose()` closes and removes it. */
export async function sessionDatabase(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sessions-test-'))
  await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
  await createTables([Session])
  return {
    dir,
    dispose: async () => {
      await closeConnections()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The attributes of the Set-Cookie header for `name`, or undefined. */
export function setCookie(
  headers: { getAll(name: string): string[] },
  name: string,
): string | undefined {
  return headers.getAll('Set-Cookie').find((value) => value.startsWith(`${name}=`))
}
