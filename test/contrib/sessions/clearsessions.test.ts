/**
 * `framework clearsessions` through main(): expired rows go, live ones stay, and a database
 * without the sessions table gets one line and a hint.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run as runCli } from '../../cli/project-fixture.ts'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import { closeConnections, configureDatabases, createTables } from '../../../framework/db/index.ts'

const repo = resolve(import.meta.dirname, '../../..')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A project whose settings use a relative SQLite path (resolved against the project, not the process). */
function project(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'clearsessions-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'project'))
  writeFileSync(
    join(dir, 'project/settings.ts'),
    `import { defineSettings } from '${repo}/framework/conf/index.ts'
export const settings = defineSettings({ DEBUG: true, SECRET_KEY: 'k', DATABASES: { default: { URL: 'sqlite:db.sqlite3' } }${extra} }, { env: {} })
`,
  )
  return dir
}

const run = (cwd: string, ...argv: string[]) => runCli(cwd, 'clearsessions', ...argv)

describe('framework clearsessions', () => {
  it('deletes the expired sessions and keeps the live ones', async () => {
    const dir = project()
    await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
    await createTables([Session])
    const day = 86_400_000
    for (const [key, offset] of [
      ['a', -day],
      ['b', -1000],
      ['c', day],
    ] as const) {
      await Session.objects.create({
        sessionKey: key.repeat(32),
        sessionData: '{}',
        expireDate: new Date(Date.now() + offset),
      })
    }
    await closeConnections()
    const result = await run(dir)
    expect([result.code, result.stdout, result.stderr]).toEqual([
      0,
      'Deleted 2 expired sessions.\n',
      '',
    ])
    await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
    expect(await Session.objects.valuesList(['sessionKey'], { flat: true }).list()).toEqual([
      'c'.repeat(32),
    ])
    await closeConnections()
  })

  it('says to migrate when the sessions table does not exist', async () => {
    const result = await run(project())
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      "framework clearsessions: error: the database has no sessions table\nhint: add 'framework/contrib/sessions' to INSTALLED_APPS and run 'framework migrate'\n",
    )
  })

  it('deletes nothing with the signed_cookies engine (no server state)', async () => {
    const result = await run(project(", SESSION_ENGINE: 'signed_cookies'"))
    expect([result.code, result.stdout]).toEqual([0, 'Deleted 0 expired sessions.\n'])
  })

  it('refuses a stray argument with a usage error', async () => {
    const result = await run(project(), 'now')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^framework clearsessions: error: unexpected argument "now"\nhint: /,
    )
  })
})
