/**
 * `framework runserver`: the development server as a real process (bin/framework.js) over a small
 * project in a temporary folder: the banner and its production warning, request lines, static
 * files, reload on a view change within 2 s, the load-error page after a syntax error and the
 * recovery when it is fixed, and the one-line failures (port in use, settings error, a module
 * that fails to load). Plus the pure helpers (address parsing, log lines, colour choice).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CommandError } from '../../framework/cli/command.ts'
import { devUrl, parseDevAddress } from '../../framework/cli/dev-server/parse-address.ts'
import { formatRequestLine, wantsColour } from '../../framework/cli/dev-server/request-log.ts'
import { watchSources } from '../../framework/cli/dev-server/source-watcher.ts'

const repo = resolve(import.meta.dirname, '../..')
const bin = join(repo, 'bin/framework.js')
const dirs: string[] = []
const running = new Set<ChildProcess>()

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function view(text: string): string {
  return `import { HttpResponse } from '${repo}/framework/index.ts'
export function home() {
  return new HttpResponse(${JSON.stringify(text)})
}
`
}

/** A minimal project importing the framework from this checkout by absolute path. */
function makeProject(overrides: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'runserver-'))
  dirs.push(dir)
  const files: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'project/settings.ts': `import { defineSettings } from '${repo}/framework/conf/index.ts'
export const settings = defineSettings({
  DEBUG: true,
  SECRET_KEY: 'runserver-test-key',
  ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
  ROOT_URLCONF: 'project/urls.ts',
  STATICFILES_DIRS: ['static'],
}, { env: {} })
`,
    'project/urls.ts': `import { path } from '${repo}/framework/index.ts'
import { home } from './views.ts'
export const urlpatterns = [path('', home, { name: 'home' })]
`,
    'project/views.ts': view('version one'),
    'project/wsgi.ts': `import { getGatewayApplication } from '${repo}/framework/index.ts'
import { settings } from './settings.ts'
export const application = getGatewayApplication(settings)
`,
    'static/css/site.css': 'body { color: teal; }\n',
    ...overrides,
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

function runserver(cwd: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, 'runserver', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Polls `probe` every 50 ms until it returns a value, or fails after `ms`. */
async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function started(run: Run): Promise<string> {
  return until(`the banner (stdout: ${run.stdout()} stderr: ${run.stderr()})`, 30_000, () => {
    if (run.child.exitCode !== null) throw new Error(`runserver exited: ${run.stderr()}`)
    return /Starting development server at (http:\/\/\S+\/)/.exec(run.stdout())?.[1]
  })
}

async function get(url: string): Promise<{ status: number; text: string; type: string }> {
  // A new connection each time (no keep-alive pool), as a fresh browser request after a reload.
  const response = await fetch(url, {
    headers: { Connection: 'close' },
    signal: AbortSignal.timeout(5000),
  })
  return {
    status: response.status,
    text: await response.text(),
    type: response.headers.get('content-type') ?? '',
  }
}

async function stop(run: Run): Promise<number | null> {
  run.child.kill('SIGTERM')
  return Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))])
}

describe('runserver (a real process)', () => {
  it('serves the project, warns it is not for production, and logs one line per request', async () => {
    const run = runserver(makeProject(), ['127.0.0.1:0', '--noreload'])
    const url = await started(run)
    expect(run.stdout()).toContain(
      'WARNING: This is a development server. Do not use it in a production setting.',
    )
    const page = await get(url)
    expect(page).toMatchObject({ status: 200, text: 'version one' })
    const missing = await get(`${url}nowhere/`)
    expect(missing.status).toBe(404)
    const lines = await until('two request lines', 5000, () => {
      const found = run.stdout().match(/^\[\d\d:\d\d:\d\d\] GET \S+ \d{3} \d+\.\dms$/gm)
      return found && found.length >= 2 ? found : undefined
    })
    expect(lines[0]).toMatch(/ GET \/ 200 /)
    expect(lines[1]).toMatch(/ GET \/nowhere\/ 404 /)
    expect(run.stdout()).not.toContain('\x1b[')
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('colours the request line by status when FORCE_COLOR is set', async () => {
    const run = runserver(makeProject(), ['127.0.0.1:0', '--noreload'], { FORCE_COLOR: '1' })
    const url = await started(run)
    await get(`${url}nowhere/`)
    await until('a yellow 404 line', 5000, () =>
      run.stdout().includes('\x1b[33m[') ? true : undefined,
    )
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('serves static files from STATICFILES_DIRS when DEBUG', async () => {
    const run = runserver(makeProject(), ['127.0.0.1:0', '--noreload'])
    const url = await started(run)
    const css = await get(`${url}static/css/site.css`)
    expect(css).toMatchObject({ status: 200, text: 'body { color: teal; }\n' })
    expect(css.type).toMatch(/^text\/css/)
    expect((await get(`${url}static/..%2fproject/settings.ts`)).status).toBe(404)
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('answers with the edited view within 2 s of the edit', async () => {
    const dir = makeProject()
    const run = runserver(dir, ['127.0.0.1:0'])
    const url = await started(run)
    expect((await get(url)).text).toBe('version one')
    // Let the warm spare process get ready, as it is while someone reads their editor.
    await new Promise((r) => setTimeout(r, 3000))
    const edited = Date.now()
    writeFileSync(join(dir, 'project/views.ts'), view('version two'))
    await until('the new response', 2000, async () =>
      (await get(url)).text === 'version two' ? true : undefined,
    )
    expect(Date.now() - edited).toBeLessThan(2000)
    expect(run.stdout()).toContain('project/views.ts changed, reloading.')
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('shows the load-error page after a syntax error, and recovers when it is fixed', async () => {
    const dir = makeProject()
    const run = runserver(dir, ['127.0.0.1:0'])
    const url = await started(run)
    const pid = run.child.pid
    await new Promise((r) => setTimeout(r, 3000))
    writeFileSync(join(dir, 'project/views.ts'), 'export function home( {\n')
    const broken = await until('the load-error page', 5000, async () => {
      const page = await get(url)
      return page.status === 500 ? page : undefined
    })
    expect(broken.text).toContain('The project failed to load')
    expect(broken.text).toContain('project/views.ts')
    await until('the error on stderr', 5000, () =>
      run.stderr().includes('Serving the load-error page') ? true : undefined,
    )
    await new Promise((r) => setTimeout(r, 3000))
    const fixed = Date.now()
    writeFileSync(join(dir, 'project/views.ts'), view('fixed'))
    await until('the fixed response', 2000, async () =>
      (await get(url)).text === 'fixed' ? true : undefined,
    )
    expect(Date.now() - fixed).toBeLessThan(2000)
    expect(run.child.pid).toBe(pid)
    expect(run.child.exitCode).toBeNull()
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('prints the system check findings with their level and id at start', async () => {
    const dir = makeProject({
      'project/settings.ts': `import { defineSettings } from '${repo}/framework/conf/index.ts'
export const settings = defineSettings({
  DEBUG: true,
  ALLOWED_HOSTS: ['127.0.0.1'],
  INSTALLED_APPS: ['no_such_app'],
  ROOT_URLCONF: 'project/urls.ts',
}, { env: {} })
`,
    })
    const run = runserver(dir, ['127.0.0.1:0', '--noreload'])
    await started(run)
    expect(run.stderr()).toMatch(/^system check error: apps\.E001: .*"no_such_app"/m)
    expect(await stop(run)).toBe(0)
  }, 60_000)

  it('exits 1 with a one-line reason and a hint when the port is in use', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as { port: number }).port
    try {
      const run = runserver(makeProject(), [`127.0.0.1:${port}`])
      expect(
        await Promise.race([
          run.exited,
          new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
        ]),
      ).toBe(1)
      expect(run.stderr()).toBe(
        `framework runserver: error: port ${port} on 127.0.0.1 is already in use (127.0.0.1:${port})\n` +
          `hint: stop the other server (see: ss -ltnp 'sport = :${port}'), or choose another port: framework runserver 127.0.0.1:8000\n`,
      )
    } finally {
      blocker.close()
    }
  }, 60_000)

  it('exits 1 with a one-line reason and a hint for a settings error', async () => {
    const dir = makeProject({
      'project/settings.ts': `import { defineSettings } from '${repo}/framework/conf/index.ts'
export const settings = defineSettings({ DEBUG: true, ALLOWED_HOST: ['x'] } as never, { env: {} })
`,
    })
    const run = runserver(dir, ['127.0.0.1:0'])
    expect(
      await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]),
    ).toBe(1)
    const lines = run.stderr().trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^framework runserver: error: settings error in project\/settings\.ts: .*"ALLOWED_HOST"/,
    )
    expect(lines[1]).toMatch(/^hint: fix the setting named above in project\/settings\.ts/)
  }, 60_000)

  it('exits 1 with a one-line reason and a hint when the application module fails to load', async () => {
    const dir = makeProject({ 'project/wsgi.ts': 'export const application = (\n' })
    const run = runserver(dir, ['127.0.0.1:0'])
    expect(
      await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]),
    ).toBe(1)
    const lines = run.stderr().trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^framework runserver: error: cannot load project\/wsgi\.ts: /)
    expect(lines[1]).toContain(`hint: fix the error at ${join(dir, 'project/wsgi.ts')}:2`)
  }, 60_000)
})

describe('parseDevAddress', () => {
  it('defaults to 127.0.0.1:8000', () => {
    expect(parseDevAddress(undefined)).toEqual({ host: '127.0.0.1', port: 8000 })
  })

  it('accepts PORT, HOST:PORT and [IPv6]:PORT', () => {
    expect(parseDevAddress('8001')).toEqual({ host: '127.0.0.1', port: 8001 })
    expect(parseDevAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 })
    expect(parseDevAddress('[::1]:0')).toEqual({ host: '::1', port: 0 })
    expect(devUrl({ host: '::1', port: 8000 })).toBe('http://[::1]:8000/')
  })

  it('refuses a malformed address with a usage error that quotes it', () => {
    for (const bad of ['abc:', '70000', 'host:port', ':8000']) {
      const error = (() => {
        try {
          parseDevAddress(bad)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(CommandError)
      expect((error as CommandError).exitCode).toBe(2)
      expect((error as CommandError).message).toContain(JSON.stringify(bad))
    }
  })
})

describe('formatRequestLine and wantsColour', () => {
  const at = new Date(2026, 0, 1, 9, 5, 7)

  it('writes time, method, path, status and milliseconds', () => {
    expect(
      formatRequestLine({ method: 'POST', path: '/vote/?x=1', status: 302, ms: 12.345, at }, false),
    ).toBe('[09:05:07] POST /vote/?x=1 302 12.3ms')
  })

  it('colours by status class: green, cyan, yellow, bold red', () => {
    const colour = (status: number) => {
      const line = formatRequestLine({ method: 'GET', path: '/', status, ms: 1, at }, true)
      expect(line.endsWith('\x1b[0m')).toBe(true)
      return line.split('[09:05:07]')[0]
    }
    expect([200, 301, 404, 500].map(colour)).toEqual([
      '\x1b[32m',
      '\x1b[36m',
      '\x1b[33m',
      '\x1b[1;31m',
    ])
  })

  it('colours a TTY unless NO_COLOR, and anything when FORCE_COLOR', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true)
    expect(wantsColour({ isTTY: false }, {})).toBe(false)
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(wantsColour({}, { FORCE_COLOR: '1' })).toBe(true)
    expect(wantsColour({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false)
  })
})

describe('watchSources', () => {
  function tree(): string {
    const dir = mkdtempSync(join(tmpdir(), 'watch-'))
    dirs.push(dir)
    for (const sub of ['project', 'node_modules/dep', '.git'])
      mkdirSync(join(dir, sub), { recursive: true })
    return dir
  }

  it('reports one changed source file per burst, relative to the root', async () => {
    const dir = tree()
    const seen: string[] = []
    const watcher = watchSources(dir, (file) => seen.push(file), 100)
    try {
      writeFileSync(join(dir, 'project/views.ts'), 'a')
      writeFileSync(join(dir, 'project/views.ts'), 'b')
      writeFileSync(join(dir, 'project/urls.ts'), 'c')
      await until('a change report', 3000, () => (seen.length ? true : undefined))
      await new Promise((r) => setTimeout(r, 300))
      expect(seen).toEqual(['project/views.ts'])
    } finally {
      watcher.close()
    }
  })

  it('ignores node_modules, hidden folders and files that are not sources', async () => {
    const dir = tree()
    const seen: string[] = []
    const watcher = watchSources(dir, (file) => seen.push(file), 50)
    try {
      expect(watcher.dirs.map((d) => d.slice(dir.length))).toEqual(['', '/project'])
      writeFileSync(join(dir, 'node_modules/dep/index.ts'), 'x')
      writeFileSync(join(dir, '.git/index.ts'), 'x')
      writeFileSync(join(dir, 'db.sqlite3'), 'x')
      await new Promise((r) => setTimeout(r, 400))
      expect(seen).toEqual([])
    } finally {
      watcher.close()
    }
  })

  it('watches a folder created after it started', async () => {
    const dir = tree()
    const seen: string[] = []
    const watcher = watchSources(dir, (file) => seen.push(file), 50)
    try {
      mkdirSync(join(dir, 'polls'))
      await until('the new folder watched', 3000, () =>
        watcher.dirs.includes(join(dir, 'polls')) ? true : undefined,
      )
      writeFileSync(join(dir, 'polls/models.ts'), 'x')
      await until('the new file reported', 3000, () =>
        seen.includes('polls/models.ts') ? true : undefined,
      )
    } finally {
      watcher.close()
    }
  })
})
