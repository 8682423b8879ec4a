/**
 * `serve` compiles the application in the primary and its workers run it with plain node (no
 * tsx): a framework project whose ROOT_URLCONF is a path answers, stack traces name the .ts
 * source, a HUP reload serves an edited file, a file that does not compile fails the start with
 * exit 3 (or is refused by a reload while the old workers serve on), and --no-precompile keeps
 * tsx in the workers.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { get, nodeArgs, repoRoot, serveMain, startServe, until, type ServeRun } from './serve-harness.ts'

interface Report {
  message: string
  execArgv: string[]
  entry: string
  precompiled: string
  frame: string
}

let site: string

function writeMessage(text: string, offsetMs: number): void {
  const file = join(site, 'message.ts')
  writeFileSync(file, text)
  // A distinct mtime whatever the file system's resolution: the cache compares it.
  const when = new Date(Date.now() + offsetMs)
  utimesSync(file, when, when)
}

async function report(run: ServeRun): Promise<Report> {
  const res = await get(`${run.url}/`, { headers: { Host: '127.0.0.1' } })
  expect(res.status).toBe(200)
  return JSON.parse(res.body) as Report
}

beforeAll(() => {
  // A project of its own (package.json, no node_modules): the cache then goes to the temp folder.
  site = mkdtempSync(join(tmpdir(), 'precompiled-site-'))
  const fw = (path: string): string => JSON.stringify(join(repoRoot, 'framework', path))
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'site', type: 'module' }))
  writeFileSync(
    join(site, 'app.ts'),
    `import { getGatewayApplication } from ${fw('core/index.ts')}
import { defineSettings } from ${fw('conf/index.ts')}
export const application = getGatewayApplication(
  defineSettings(
    { DEBUG: false, SECRET_KEY: 'precompile-test', ALLOWED_HOSTS: ['127.0.0.1'], ROOT_URLCONF: 'urls.ts', MIDDLEWARE: [] },
    { env: {} },
  ),
)
`,
  )
  // Imported by path at the first request (framework/conf/module-loading.ts), not statically.
  writeFileSync(
    join(site, 'urls.ts'),
    `import { path } from ${fw('urls/index.ts')}
import { HttpResponse } from ${fw('http/index.ts')}
import { message } from './message.ts'

function whereAmI(): string {
  return (new Error('here').stack ?? '').split('\\n')[1] ?? ''
}

export const urlpatterns = [
  path('', () => new HttpResponse(JSON.stringify({
    message,
    execArgv: process.execArgv,
    entry: process.argv[1],
    precompiled: process.env.FRAMEWORK_PRECOMPILED ?? '',
    frame: whereAmI(),
  }))),
]
`,
  )
  writeMessage("export const message: string = 'one'\n", -10_000)
})

afterAll(() => rmSync(site, { recursive: true, force: true }))

describe('serve --precompile (the default)', () => {
  let run: ServeRun

  beforeAll(async () => {
    run = await startServe(['-b', '127.0.0.1:0', '-w', '1'], { cwd: site, app: 'app.ts' })
  }, 60_000)

  afterAll(async () => {
    await run?.stop('SIGTERM')
  })

  it('runs the workers on compiled JavaScript with plain node, stack traces naming the .ts source', async () => {
    expect(run.log()).toMatch(/Precompiled \d+ of \d+ TypeScript files in \d+ ms/)
    const seen = await report(run)
    expect(seen.message).toBe('one')
    expect(seen.execArgv.join(' ')).not.toMatch(/tsx/)
    expect(seen.execArgv).toContain('--enable-source-maps')
    expect(seen.precompiled).not.toBe('')
    expect(seen.entry.startsWith(seen.precompiled)).toBe(true)
    expect(seen.entry).toMatch(/framework\/server\/worker-main\.mjs$/)
    // Source maps: the frame is the .ts file, line 6 (where `new Error` is), not the cache's .mjs.
    expect(seen.frame).toContain(`${join(site, 'urls.ts')}:6:`)
  })

  it('serves an edited file after a HUP reload, compiling only what changed', async () => {
    writeMessage("export const message: string = 'two'\n", 0)
    const from = run.log().length
    run.proc.kill('SIGHUP')
    await run.waitForLog(/Precompiled 1 of \d+ TypeScript files/, 20_000, from)
    await until(async () => (await report(run)).message === 'two', 20_000, 'the edited message')
  })

  it('keeps the running workers when a reload brings a file that does not compile', async () => {
    writeMessage("export const message: string = ('three'\n", 10_000)
    const from = run.log().length
    run.proc.kill('SIGHUP')
    const [line] = await run.waitForLog(/Reload: the application did not compile.*/, 20_000, from)
    expect(line).toContain(`${join(site, 'message.ts')}:2:`)
    expect((await report(run)).message).toBe('two')
    writeMessage("export const message: string = 'two'\n", 20_000)
  })
})

describe('serve with a file that does not compile', () => {
  it('exits 3 at start and names the file, line and column', async () => {
    writeMessage("export const message: string = ('broken'\n", 30_000)
    const child = spawn(process.execPath, nodeArgs(serveMain, ['--bind', '127.0.0.1:0', 'app.ts']), {
      cwd: site,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await new Promise((r) => child.once('exit', r))
    clearTimeout(timer)
    writeMessage("export const message: string = 'one'\n", 40_000)
    expect(code).toBe(3)
    expect(out).toContain(`${join(site, 'message.ts')}:2:1:`)
    expect(out).toContain('--no-precompile')
  }, 40_000)
})

describe('serve --no-precompile', () => {
  it('loads the application through tsx in each worker', async () => {
    const run = await startServe(['-b', '127.0.0.1:0', '-w', '1', '--no-precompile'], {
      cwd: site,
      app: 'app.ts',
    })
    try {
      const seen = await report(run)
      expect(seen.execArgv.join(' ')).toMatch(/tsx/)
      expect(seen.precompiled).toBe('')
      expect(seen.entry).toMatch(/framework\/server\/worker-main\.ts$/)
      expect(run.log()).not.toMatch(/Precompiled/)
    } finally {
      await run.stop('SIGTERM')
    }
  }, 60_000)
})
