/**
 * AUTH_USER_MODEL: a project's own user model (email as the username, no groups) works with
 * createUser, authenticate, the login view, request.user and the reset tokens.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  closeConnections,
  configureDatabases,
  createTables,
  defineModel,
  fields,
} from '../../../framework/db/index.ts'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import {
  authenticate,
  createUser,
  getUserModel,
  hasPerm,
  usernameField,
} from '../../../framework/contrib/auth/index.ts'
import { authClient, authSettings, logIn } from './support.ts'

const Customer = defineModel(
  'Customer',
  {
    email: fields.email({ unique: true }),
    password: fields.char({ maxLength: 128 }),
    lastLogin: fields.dateTime({ null: true, blank: true }),
    isActive: fields.boolean({ default: true }),
    fullName: fields.char({ maxLength: 100, blank: true }),
  },
  { appLabel: 'accounts' },
)

const settings = authSettings({ AUTH_USER_MODEL: 'accounts.Customer' })
let dir = ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth-swap-'))
  await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
  await createTables([Session, Customer])
  await createUser(
    { email: 'grace@example.com', password: 'cobol compiler 1959', fullName: 'Grace' },
    settings,
  )
})
afterAll(async () => {
  await closeConnections()
  rmSync(dir, { recursive: true, force: true })
})

describe('a swapped-in user model', () => {
  it('is the model getUserModel() returns, with email as the username field', () => {
    expect(getUserModel(settings)).toBe(Customer)
    expect(usernameField(Customer)).toBe('email')
  })

  it('authenticates by email and hashes with PASSWORD_HASHERS', async () => {
    const user = await authenticate(
      { username: 'grace@example.com', password: 'cobol compiler 1959' },
      settings,
    )
    expect(user?.getUsername()).toBe('grace@example.com')
    expect(user?.password).toMatch(/^pbkdf2_sha256\$1000\$/)
    expect(
      await authenticate({ username: 'grace@example.com', password: 'nope' }, settings),
    ).toBeUndefined()
  })

  it('logs in through LoginView and is request.user', async () => {
    const client = authClient(settings)
    const response = await logIn(client, 'grace@example.com', 'cobol compiler 1959')
    expect(response.status).toBe(302)
    expect((await client.get('/whoami/')).text).toBe('hello grace@example.com')
  })

  it('has no permissions when the model has no permission fields', async () => {
    const user = await authenticate(
      { username: 'grace@example.com', password: 'cobol compiler 1959' },
      settings,
    )
    expect(await hasPerm(user as never, 'auth.view_group', settings)).toBe(false)
  })

  it('names the missing field when a model cannot be a user model', () => {
    defineModel('Visitor', { name: fields.char({ maxLength: 10 }) }, { appLabel: 'accounts' })
    expect(() => getUserModel({ AUTH_USER_MODEL: 'accounts.Visitor' })).toThrow(
      /has no field "password"/,
    )
    expect(() => getUserModel({ AUTH_USER_MODEL: 'accounts.Nobody' })).toThrow(
      /not a defined model/,
    )
  })
})
