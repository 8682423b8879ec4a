/**
 * `framework createsuperuser` and `framework changepassword` as real processes on a project on
 * disk (migrated SQLite file): --noinput with the environment variables, the interactive
 * prompts on stdin (mismatch, validators, bypass), the one-line errors with a hint.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkPassword, Pbkdf2Sha256Hasher } from '../../../framework/contrib/auth/index.ts'
import { createProject, repo, type TestProject } from '../../db/migrations/project.ts'

let project: TestProject
const hashers = { PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 1000 })] }

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [join(repo, 'bin/framework.js'), ...args], {
    cwd: project.dir,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

function row(
  username: string,
): { password: string; is_superuser: number; is_staff: number; email: string } | undefined {
  const db = new Database(join(project.dir, 'db.sqlite3'), { readonly: true })
  try {
    return db
      .prepare('SELECT password, is_superuser, is_staff, email FROM auth_user WHERE username = ?')
      .get(username) as never
  } finally {
    db.close()
  }
}

beforeAll(() => {
  project = createProject(['shop'])
  project.write(
    'project/settings.ts',
    `import { defineSettings } from 'framework'
import { Pbkdf2Sha256Hasher } from 'framework/contrib/auth'
export const settings = defineSettings({
  DEBUG: true,
  SECRET_KEY: '${'k'.repeat(64)}',
  INSTALLED_APPS: ['framework/contrib/sessions', 'framework/contrib/auth', 'shop'],
  DATABASES: { default: { URL: 'sqlite:${join(project.dir, 'db.sqlite3')}' } },
  PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 1000 })],
  AUTH_PASSWORD_VALIDATORS: [{ NAME: 'MinimumLengthValidator' }, { NAME: 'CommonPasswordValidator' }],
}, { env: {} })
`,
  )
  project.write(
    'shop/models.ts',
    `import { defineModel, fields } from 'framework/db'
export const Shelf = defineModel('Shelf', { label: fields.char({ maxLength: 20 }) }, { appLabel: 'shop' })
`,
  )
  const made = cli(['makemigrations', 'shop', '--noinput'])
  expect(made.code, made.stderr).toBe(0)
  const migrated = cli(['migrate'])
  expect(migrated.code, migrated.stderr + migrated.stdout).toBe(0)
}, 120_000)

afterAll(() => project?.remove())

describe('framework migrate', () => {
  it("creates every installed model's default permissions once auth is migrated (post_migrate)", () => {
    const db = new Database(join(project.dir, 'db.sqlite3'), { readonly: true })
    try {
      const codenames = db
        .prepare("SELECT codename FROM auth_permission WHERE content_type = 'shop.shelf' ORDER BY codename")
        .pluck()
        .all()
      expect(codenames).toEqual(['add_shelf', 'change_shelf', 'delete_shelf', 'view_shelf'])
    } finally {
      db.close()
    }
  })
})

describe('framework createsuperuser', () => {
  it('--noinput reads FRAMEWORK_SUPERUSER_USERNAME, _EMAIL and _PASSWORD', async () => {
    const result = cli(['createsuperuser', '--noinput'], {
      env: {
        FRAMEWORK_SUPERUSER_USERNAME: 'admin',
        FRAMEWORK_SUPERUSER_EMAIL: 'admin@Example.COM',
        FRAMEWORK_SUPERUSER_PASSWORD: 'correct horse battery',
      },
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('Superuser created successfully.')
    const admin = row('admin')
    expect(admin).toMatchObject({ is_superuser: 1, is_staff: 1, email: 'admin@example.com' })
    expect(admin?.password).toMatch(/^pbkdf2_sha256\$1000\$/)
    expect((await checkPassword('correct horse battery', admin?.password, hashers)).valid).toBe(
      true,
    )
  })

  it('creates the default permissions of every installed model', () => {
    const db = new Database(join(project.dir, 'db.sqlite3'), { readonly: true })
    try {
      const codenames = db
        .prepare(
          "SELECT codename FROM auth_permission WHERE content_type = 'shop.shelf' ORDER BY codename",
        )
        .pluck()
        .all()
      expect(codenames).toEqual(['add_shelf', 'change_shelf', 'delete_shelf', 'view_shelf'])
    } finally {
      db.close()
    }
  })

  it('refuses a taken username in one line with a hint', () => {
    const result = cli(['createsuperuser', '--noinput', '--username', 'admin'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^framework createsuperuser: error: That username is already taken\. \("admin"\)\nhint: /,
    )
  })

  it('--noinput without a username says which variable to set', () => {
    const result = cli(['createsuperuser', '--noinput'], {
      env: { FRAMEWORK_SUPERUSER_USERNAME: '' },
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('FRAMEWORK_SUPERUSER_USERNAME')
  })

  it('asks on stdin: a mismatch and a refused password are asked again, then the user is created', async () => {
    const input = [
      'ops',
      'ops@example.com',
      'one thing',
      'another thing',
      'password',
      'password',
      'n',
      'a long enough secret',
      'a long enough secret',
      '',
    ].join('\n')
    const result = cli(['createsuperuser'], { input })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain("Error: Your passwords didn't match.")
    expect(result.stderr).toContain('This password is too common.')
    expect(result.stdout).toContain('Bypass password validation and create user anyway? [y/N]')
    expect((await checkPassword('a long enough secret', row('ops')?.password, hashers)).valid).toBe(
      true,
    )
  })

  it('stops with an error when stdin ends before a password', () => {
    const result = cli(['createsuperuser'], { input: 'nobody\n\n' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no password given (stdin ended)')
    expect(row('nobody')).toBeUndefined()
  })
})

describe('framework changepassword', () => {
  it('changes the password after two matching, valid entries', async () => {
    const result = cli(['changepassword', 'admin'], {
      input: 'short\nshort\nnew admin secret\nnew admin secret\n',
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toContain('too short')
    expect(result.stdout).toContain("Password changed successfully for user 'admin'")
    expect((await checkPassword('new admin secret', row('admin')?.password, hashers)).valid).toBe(
      true,
    )
  })

  it('gives up after three failures and leaves the password alone', async () => {
    const before = row('admin')?.password
    const result = cli(['changepassword', 'admin'], { input: 'a\nb\nc\nd\ne\nf\n' })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('too many failures')
    expect(row('admin')?.password).toBe(before)
  })

  it('--noinput takes FRAMEWORK_PASSWORD and validates it', async () => {
    const weak = cli(['changepassword', 'admin', '--noinput'], {
      env: { FRAMEWORK_PASSWORD: 'password' },
    })
    expect(weak.code).toBe(1)
    expect(weak.stderr).toContain('password refused')
    const ok = cli(['changepassword', 'admin', '--noinput'], {
      env: { FRAMEWORK_PASSWORD: 'from the environment' },
    })
    expect(ok.code, ok.stderr).toBe(0)
    expect(
      (await checkPassword('from the environment', row('admin')?.password, hashers)).valid,
    ).toBe(true)
  })

  it('names an unknown user', () => {
    const result = cli(['changepassword', 'ghost'], { input: '' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/user "ghost" does not exist\nhint: /)
  })
})
