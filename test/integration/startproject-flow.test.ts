/**
 * The new user's first hour, for real, in an empty temporary folder: `framework startproject
 * mysite`, then the generated README's two commands. `npm install` (the framework through its
 * `file:` reference to this checkout; the tools from npm's cache when it has them, so it works
 * offline on a machine that installed this repository), `npm test` (the project's own test
 * passes), `npm start` (the development server answers the start page and its stylesheet). Then
 * `framework startapp polls`, whose generated test passes too, a model and a page, and that page
 * under `serve` (its worker on the project and the linked framework, precompiled).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = resolve(import.meta.dirname, '../..')
const root = mkdtempSync(join(tmpdir(), 'startproject-flow-'))
const site = join(root, 'mysite')
const started: ChildProcess[] = []

// npm run under `npm test` exports npm_* settings (prefix, cache, ...) that must not leak into
// the new project's own npm commands.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
) as Record<string, string>

afterAll(() => {
  for (const child of started) {
    // Each was started detached: its PID is its process group (npm, sh, framework, children).
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  rmSync(root, { recursive: true, force: true })
})

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end, killed (and failed) after `ms`. */
function exec(command: string, args: string[], cwd: string, ms: number): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    started.push(child)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
      fail(new Error(`${command} ${args.join(' ')} took over ${ms} ms\n${stdout}\n${stderr}`))
    }, ms)
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

describe('startproject flow (startproject, npm install, npm test, npm start)', () => {
  it('creates mysite in an empty folder', async () => {
    const result = await exec(
      process.execPath,
      [join(repo, 'bin/framework.js'), 'startproject', 'mysite'],
      root,
      60_000,
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const readme = readFileSync(join(site, 'README.md'), 'utf8')
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
  }, 90_000)

  it('installs with `npm install`, the framework linked from this checkout', async () => {
    const result = await exec(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund'],
      site,
      240_000,
    )
    expect(result.code, result.stderr).toBe(0)
    const lock = JSON.parse(readFileSync(join(site, 'package-lock.json'), 'utf8'))
    expect(lock.packages['node_modules/framework']).toMatchObject({ link: true })
  }, 300_000)

  it('passes its own test with `npm test`', async () => {
    const result = await exec('npm', ['test'], site, 120_000)
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
    expect(result.stdout).toMatch(/Tests\s+.*1 passed/)
  }, 150_000)

  it('answers its start page and stylesheet under `npm start`', async () => {
    const server = spawn('npm', ['start', '--', '127.0.0.1:0'], {
      cwd: site,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    started.push(server)
    let stdout = ''
    let stderr = ''
    server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const deadline = Date.now() + 60_000
    let url: string | undefined
    while (!url) {
      url = /Starting development server at (http:\/\/\S+\/)/.exec(stdout)?.[1]
      if (server.exitCode !== null)
        throw new Error(`npm start exited ${server.exitCode}: ${stderr}`)
      if (Date.now() > deadline) throw new Error(`no banner within 60 s: ${stdout}\n${stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const page = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('mysite: the install worked')
    const css = await fetch(`${url}static/css/site.css`, { signal: AbortSignal.timeout(10_000) })
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    await css.text()
    const exited = new Promise((r) => server.once('exit', r))
    process.kill(-server.pid!, 'SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    expect(server.exitCode !== null || server.signalCode !== null).toBe(true)
  }, 120_000)

  it('adds an app with `framework startapp polls` whose generated test passes', async () => {
    const made = await exec(
      join(site, 'node_modules/.bin/framework'),
      ['startapp', 'polls'],
      site,
      60_000,
    )
    expect(made.code, made.stderr).toBe(0)
    expect(made.stdout).toContain('add "polls" to INSTALLED_APPS')
    const settingsFile = join(site, 'project/settings.ts')
    writeFileSync(
      settingsFile,
      readFileSync(settingsFile, 'utf8').replace('INSTALLED_APPS: []', "INSTALLED_APPS: ['polls']"),
    )
    const checked = await exec(join(site, 'node_modules/.bin/framework'), ['check'], site, 60_000)
    expect(checked).toMatchObject({ code: 0, stdout: 'System check identified no issues.\n' })
    const tested = await exec('npm', ['test'], site, 120_000)
    expect(tested.code, `${tested.stdout}\n${tested.stderr}`).toBe(0)
    expect(tested.stdout).toMatch(/Tests\s+.*2 passed/)
  }, 240_000)

  it('shows a row on a page after a model, makemigrations, migrate, a view and a URL', async () => {
    const framework = join(site, 'node_modules/.bin/framework')
    writeFileSync(
      join(site, 'polls/models.ts'),
      `import { defineModel, fields } from 'framework/db'
export const Question = defineModel('Question', {
  questionText: fields.char({ maxLength: 200 }),
  pubDate: fields.dateTime(),
}, { appLabel: 'polls' })
`,
    )
    const made = await exec(framework, ['makemigrations', 'polls'], site, 60_000)
    expect(made.code, made.stderr).toBe(0)
    expect(made.stdout).toContain('polls/migrations/0001_initial.ts')
    const migrated = await exec(framework, ['migrate'], site, 60_000)
    expect(migrated.code, `${migrated.stdout}\n${migrated.stderr}`).toBe(0)
    const created = await exec(
      framework,
      ['shell', '-c', "await Question.objects.create({ questionText: 'Row from the flow test', pubDate: new Date() })"],
      site,
      60_000,
    )
    expect(created.code, created.stderr).toBe(0)
    writeFileSync(
      join(site, 'polls/views.ts'),
      `import { render, type HttpRequest } from 'framework'
import { Question } from './models.ts'
export async function index(request: HttpRequest) {
  return render(request, 'polls/index.html', { title: 'Polls', questions: await Question.objects.list() })
}
`,
    )
    writeFileSync(
      join(site, 'polls/templates/polls/index.html'),
      `<h1><%= it.title %></h1>
<ul><% for (const q of it.questions) { %><li><%= q.questionText %></li><% } %></ul>
`,
    )
    const urlsFile = join(site, 'project/urls.ts')
    writeFileSync(
      urlsFile,
      readFileSync(urlsFile, 'utf8')
        .replace("import { path, TemplateView } from 'framework'", "import { include, path, TemplateView } from 'framework'\nimport { urlpatterns as pollsUrls } from '../polls/urls.ts'")
        .replace('export const urlpatterns = [', "export const urlpatterns = [\n  path('polls/', include(pollsUrls, { namespace: 'polls' })),"),
    )
    const shown = await exec(
      framework,
      ['shell', '-c', `const { Client } = await import('framework/testing')
const { application } = await import('${site}/project/wsgi.ts')
const response = await new Client(application).get('/polls/')
console.log(response.status, response.text.includes('<li>Row from the flow test</li>'))`],
      site,
      60_000,
    )
    expect([shown.code, shown.stdout, shown.stderr]).toEqual([0, '200 true\n', ''])
  }, 240_000)

  it('serves the page with `serve`, its worker on the precompiled project and linked framework', async () => {
    const server = spawn(
      join(site, 'node_modules/.bin/serve'),
      ['project/wsgi.ts', '--bind', '127.0.0.1:0', '--workers', '1'],
      { cwd: site, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
    started.push(server)
    let log = ''
    server.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const deadline = Date.now() + 60_000
    while (!/Server ready/.test(log)) {
      if (server.exitCode !== null) throw new Error(`serve exited ${server.exitCode}: ${log}`)
      if (Date.now() > deadline) throw new Error(`serve did not start: ${log}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    // The framework is linked into node_modules (a symlink to this checkout): compiled too.
    expect(log).toMatch(/Precompiled \d+ of \d+ TypeScript files/)
    const url = /Listening at: (http:\/\/\S+)/.exec(log)![1]!
    const page = await fetch(`${url}/polls/`, { signal: AbortSignal.timeout(10_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<li>Row from the flow test</li>')
    const exited = new Promise((r) => server.once('exit', r))
    process.kill(server.pid!, 'SIGTERM')
    expect(await exited).toBe(0)
  }, 120_000)
})
