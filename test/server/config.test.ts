import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ConfigFileError,
  UsageError,
  loadServeConfig,
  parseArgs,
  splitArgs,
} from '../../framework/server/config.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function dirWithConfig(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'serve-config-'))
  dirs.push(dir)
  const index = resolve(import.meta.dirname, '../../framework/server/index.ts')
  writeFileSync(
    join(dir, 'serve.config.ts'),
    `import { defineConfig } from ${JSON.stringify(index)}\n${body}\n`,
  )
  return dir
}

describe('parseArgs', () => {
  it('reads long, short, inline and repeated flags and the application', () => {
    expect(
      parseArgs([
        '-w',
        '3',
        '--bind=unix:/tmp/a.sock',
        '-b',
        '127.0.0.1:9000',
        '--preload',
        'app:application',
      ]),
    ).toEqual({
      workers: '3',
      bind: ['unix:/tmp/a.sock', '127.0.0.1:9000'],
      preloadApp: true,
      app: 'app:application',
    })
  })

  it('accepts --no-FLAG for booleans', () => {
    expect(parseArgs(['--no-preload'])).toEqual({ preloadApp: 'false' })
  })

  it('refuses an unknown option with a hint', () => {
    expect(() => parseArgs(['--wrokers', '2'])).toThrow(UsageError)
    expect(() => parseArgs(['--wrokers', '2'])).toThrow(/Unknown option "--wrokers"/)
  })

  it('refuses a missing value and a second application', () => {
    expect(() => parseArgs(['--workers'])).toThrow(/needs a value/)
    expect(() => parseArgs(['a:app', 'b:app'])).toThrow(/one MODULE:ATTR/)
  })
})

describe('splitArgs', () => {
  it('splits like a shell for words and quotes', () => {
    expect(splitArgs(`--workers 2 --name 'my site' --bind "unix:/tmp/x y.sock"`)).toEqual([
      '--workers',
      '2',
      '--name',
      'my site',
      '--bind',
      'unix:/tmp/x y.sock',
    ])
  })
  it('refuses an unclosed quote', () => {
    expect(() => splitArgs(`--name 'oops`)).toThrow(/unclosed ' quote/)
  })
})

describe('loadServeConfig', () => {
  it('applies command line > SERVE_CMD_ARGS > env > config file > defaults', async () => {
    const cwd = dirWithConfig(
      `export const config = defineConfig({ workers: 2, timeout: 11, keepalive: 5, maxRequests: 7, forwardedAllowIps: '10.0.0.1' })`,
    )
    const { settings, configPath } = await loadServeConfig({
      cwd,
      argv: ['--timeout', '44', 'app:application'],
      env: {
        WEB_CONCURRENCY: '3',
        SERVE_CMD_ARGS: '--timeout 33 --keep-alive 9',
        FORWARDED_ALLOW_IPS: '10.0.0.2',
      },
    })
    expect(configPath).toBe(join(cwd, 'serve.config.ts'))
    expect(settings.timeout).toBe(44) // command line
    expect(settings.keepalive).toBe(9) // SERVE_CMD_ARGS
    expect(settings.workers).toBe(3) // WEB_CONCURRENCY
    expect(settings.forwardedAllowIps).toBe('10.0.0.2') // env
    expect(settings.maxRequests).toBe(7) // config file
    expect(settings.gracefulTimeout).toBe(30) // default
    expect(settings.app).toBe('app:application')
  })

  it('returns the hooks of the config file', async () => {
    const cwd = dirWithConfig(`export const config = defineConfig({ hooks: { whenReady() {} } })`)
    const { hooks } = await loadServeConfig({ cwd, argv: [], env: {} })
    expect(typeof hooks.whenReady).toBe('function')
  })

  it('refuses a config file without a config export', async () => {
    const cwd = dirWithConfig(`export const settings = {}`)
    await expect(loadServeConfig({ cwd, argv: [], env: {} })).rejects.toThrow(ConfigFileError)
  })

  it('refuses an explicit --config that does not exist', async () => {
    await expect(
      loadServeConfig({ cwd: tmpdir(), argv: ['--config', 'missing.config.ts'], env: {} }),
    ).rejects.toThrow(/does not exist/)
  })

  it('refuses a bad value from the config file, naming the setting', async () => {
    const cwd = dirWithConfig(`export const config = { workers: 0 }`)
    await expect(loadServeConfig({ cwd, argv: [], env: {} })).rejects.toThrow(/--workers got 0/)
  })
})
