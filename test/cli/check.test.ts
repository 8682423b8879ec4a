/**
 * `framework check [--deploy]`: the system checks on a project's settings, through main() with
 * collecting streams: the report with ids and hints, exit codes, --deploy's extra checks, and the
 * one-line failures for a settings error, a module that fails to load and a missing module.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatCheckReport, runChecks } from '../../framework/cli/commands/check.ts'
import { run } from './project-fixture.ts'
import { defineSettings, deployChecks, DEPLOY_CHECK_IDS } from '../../framework/conf/index.ts'

const repo = resolve(import.meta.dirname, '../..')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A project folder holding only project/settings.ts with `body` as defineSettings' argument. */
function project(body: string, raw?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'project'))
  writeFileSync(
    join(dir, 'project/settings.ts'),
    raw ??
      `import { defineSettings } from '${repo}/framework/conf/index.ts'
export const settings = defineSettings(${body} as never, { env: {} })
`,
  )
  return dir
}

const check = (cwd: string, ...argv: string[]) => run(cwd, 'check', ...argv)

const good = `{ DEBUG: true, SECRET_KEY: 'k', ROOT_URLCONF: 'project/urls.ts' }`
const hardened = {
  DEBUG: false,
  SECRET_KEY: 'q8#v!t0z^m3w(k1x-y5r+b7n@c2p%d9f)g4h&j6s*l0a_e1u=o',
  ALLOWED_HOSTS: ['example.com'],
  ROOT_URLCONF: 'project/urls.ts',
  SECURE_HSTS_SECONDS: 31_536_000,
  SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
  SECURE_SSL_REDIRECT: true,
  SESSION_COOKIE_SECURE: true,
  CSRF_COOKIE_SECURE: true,
}

describe('framework check', () => {
  it('reports no issues for a sound development project and exits 0', async () => {
    const result = await check(project(good))
    expect(result).toEqual({ code: 0, stdout: 'System check identified no issues.\n', stderr: '' })
  })

  it('leaves the production-only security checks to --deploy', async () => {
    const result = await check(project(good), '--deploy')
    expect(result.code).toBe(0)
    for (const id of [
      'security.W001',
      'security.W002',
      'security.W004',
      'security.W008',
      'security.W009',
      'security.W012',
      'security.W016',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^${id.replace('.', '\\.')}: `, 'm'))
    }
    expect(result.stdout).toMatch(/^\tHINT: Set SECURE_SSL_REDIRECT: true/m)
    expect(result.stdout).toMatch(/System check identified 7 issues\.\n$/)
  })

  it('passes --deploy for a hardened configuration', async () => {
    const result = await check(project(JSON.stringify(hardened)), '--deploy')
    expect(result).toEqual({ code: 0, stdout: 'System check identified no issues.\n', stderr: '' })
  })

  it('exits 1 on an error finding, with the report, a one-line reason and a hint', async () => {
    const result = await check(project(`{ DEBUG: true, SECRET_KEY: 'k' }`))
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('ERRORS:\nurls.E001: ROOT_URLCONF is not set\n')
    expect(result.stderr).toBe(
      'framework check: error: system check found 1 issue at level error or above (urls.E001)\n' +
        'hint: fix the settings the findings above name, then run framework check again\n',
    )
  })

  it('fails on warnings too with --fail-level warning', async () => {
    const result = await check(project(good), '--deploy', '--fail-level', 'warning')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^framework check: error: system check found 7 issues at level warning/,
    )
  })

  it('exits 1 with a one-line reason and a hint for a settings error', async () => {
    const result = await check(project(`{ DEBUG: true, ALLOWED_HOST: ['x'] }`))
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^framework check: error: settings error in project\/settings\.ts: Invalid settings: \[conf\.E001\] unknown setting "ALLOWED_HOST"/,
    )
    expect(lines[1]).toMatch(/^hint: fix the setting named above in project\/settings\.ts/)
  })

  it('exits 1 with a one-line reason and a hint when the settings module fails to load', async () => {
    const result = await check(
      project('', `import './missing-module.ts'\nexport const settings = {}\n`),
    )
    expect(result.code).toBe(1)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^framework check: error: cannot load project\/settings\.ts: .*missing-module/,
    )
    expect(lines[1]).toMatch(/^hint: fix the error/)
  })

  it('exits 1 and says where to run it when there is no settings module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-empty-'))
    dirs.push(dir)
    const result = await check(dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^framework check: error: settings module "project\/settings\.ts" not found/,
    )
    expect(result.stderr).toMatch(
      /\nhint: run the command from the project folder .* or pass --settings/,
    )
  })

  it('refuses an unknown --fail-level as a usage error', async () => {
    const result = await check(project(good), '--fail-level', 'info')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^framework check: error: --fail-level must be error or warning, got "info"\nhint: /,
    )
  })
})

describe('runChecks and formatCheckReport', () => {
  it('groups findings by level with their ids and hints, then counts them', () => {
    expect(
      formatCheckReport([
        { id: 'x.W001', level: 'warning', message: 'w', hint: 'do w' },
        { id: 'x.E001', level: 'error', message: 'e' },
      ]),
    ).toBe(
      'System check identified some issues:\n\nERRORS:\nx.E001: e\n\nWARNINGS:\nx.W001: w\n\tHINT: do w\n\nSystem check identified 2 issues.\n',
    )
  })

  it('keeps security.* findings out unless deploy is asked for', () => {
    const settings = defineSettings(
      { DEBUG: true, SECRET_KEY: 'k', ROOT_URLCONF: 'u.ts' },
      { env: {} },
    )
    expect(runChecks(settings).map((m) => m.id)).toEqual([])
    expect(runChecks(settings, { deploy: true }).every((m) => m.id.startsWith('security.'))).toBe(
      true,
    )
  })
})

describe('deployChecks', () => {
  const ids = (input: Record<string, unknown>) =>
    deployChecks()
      .run(defineSettings({ ...hardened, ...input }, { env: {} }))
      .map((m) => m.id)

  it('finds nothing in a hardened configuration', () => {
    expect(ids({})).toEqual([])
  })

  it('flags each insecure setting with its own id', () => {
    expect(ids({ SECURE_SSL_REDIRECT: false })).toEqual(['security.W008'])
    expect(ids({ SESSION_COOKIE_SECURE: false })).toEqual(['security.W012'])
    expect(ids({ SESSION_COOKIE_HTTPONLY: false })).toEqual(['security.W013'])
    expect(ids({ CSRF_COOKIE_SECURE: false })).toEqual(['security.W016'])
    expect(ids({ SECURE_HSTS_INCLUDE_SUBDOMAINS: false })).toEqual(['security.W005'])
    expect(ids({ ALLOWED_HOSTS: ['*'] })).toEqual(['security.W020'])
  })

  it('flags a guessable SECRET_KEY: a development marker or few distinct characters', () => {
    expect(
      ids({ SECRET_KEY: 'dev-insecure-key-change-me-in-production-0123456789abcdef' }),
    ).toEqual(['security.W009'])
    expect(ids({ SECRET_KEY: 'ab'.repeat(30) })).toEqual(['security.W009'])
  })

  it('documents a meaning for every id it can report', () => {
    expect(Object.keys(DEPLOY_CHECK_IDS).sort()).toEqual([
      'security.W005',
      'security.W006',
      'security.W008',
      'security.W009',
      'security.W012',
      'security.W013',
      'security.W016',
      'security.W019',
      'security.W020',
      'security.W022',
      'security.W023',
      'security.W024',
      'security.W025',
      'security.W030',
    ])
  })
})
