/**
 * serve's configuration and operations end to end: config-file hooks in the right processes,
 * --check-config, --print-config, --preload failing fast, --reload on a file change,
 * --max-worker-memory, sd_notify, and `framework serve`.
 */
import { spawn } from 'node:child_process'
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  utimesSync,
} from 'node:fs'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { requireProgram } from '../support/require-program.ts'
import {
  get,
  nodeArgs,
  repoRoot,
  serveMain,
  startServe,
  testApp,
  until,
  workerPids,
  type ServeRun,
} from './serve-harness.ts'

const runs: ServeRun[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'serve-config-it-'))
  dirs.push(dir)
  return dir
}

/** Runs serve to completion (bounded) and returns its exit code and output. */
function runToExit(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; file?: string } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs(options.file ?? serveMain, args), {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
  })
}

describe('serve configuration and operations', () => {
  it('runs every hook of the config file, each in its process', async () => {
    const dir = tempDir()
    const record = join(dir, 'hooks.log')
    const index = join(repoRoot, 'framework/server/index.ts')
    writeFileSync(
      join(dir, 'serve.config.ts'),
      `import { appendFileSync } from 'node:fs'
import { defineConfig } from ${JSON.stringify(index)}
const note = (what: string) => appendFileSync(${JSON.stringify(record)}, what + ' ' + process.pid + '\\n')
export const config = defineConfig({
  workers: 1,
  bind: ['127.0.0.1:0'],
  hooks: {
    onStarting: () => note('onStarting'),
    whenReady: () => note('whenReady'),
    preFork: () => note('preFork'),
    postFork: () => note('postFork'),
    preRequest: (environ) => { note('preRequest'); environ['hooked'] = true },
    postRequest: (_environ, status) => note('postRequest:' + status),
    workerExit: () => note('workerExit'),
    onExit: () => note('onExit'),
  },
})
`,
    )
    const run = await startServe([], { cwd: dir, app: `${testApp}:application` })
    runs.push(run)
    expect((await get(`${run.url}/`)).status).toBe(200)
    expect((await run.stop()).code).toBe(0)
    const lines = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string])
    // One server: a config file compiled as CommonJS once made main.ts start a second one.
    expect(lines.filter(([h]) => h === 'onStarting')).toHaveLength(1)
    const pidOf = (hook: string) => lines.find(([h]) => h === hook)?.[1]
    const primary = String(run.pid)
    for (const hook of ['onStarting', 'whenReady', 'preFork', 'workerExit', 'onExit'])
      expect(pidOf(hook), hook).toBe(primary)
    const worker = pidOf('postFork')
    expect(worker).toBeDefined()
    expect(worker).not.toBe(primary)
    expect(pidOf('preRequest')).toBe(worker)
    expect(pidOf('postRequest:200')).toBe(worker)
    expect(lines.map(([h]) => h).at(-1)).toBe('onExit')
  })

  it('--check-config exits 0 for a good setup and 1 naming the culprit for a bad one', async () => {
    const good = await runToExit([
      '--check-config',
      '--workers',
      '3',
      'examples/hello_world:processHttpRequest',
    ])
    expect(good.code).toBe(0)
    expect(good.out).toMatch(
      /Configuration OK: examples\/hello_world:processHttpRequest, 3 worker\(s\)/,
    )
    const bad = await runToExit(['--check-config', 'examples/hello_world:nothing'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/has no export "nothing"; it exports "processHttpRequest"/)
    const badSetting = await runToExit([
      '--check-config',
      '--timeout',
      'soon',
      'examples/hello_world',
    ])
    expect(badSetting.code).toBe(2)
    expect(badSetting.err).toMatch(/--timeout got "soon"/)
  })

  it('--print-config prints the resolved settings as JSON', async () => {
    const result = await runToExit(['--print-config', '-w', '5', 'app:application'], {
      env: { SERVE_CMD_ARGS: '--timeout 12' },
    })
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.out) as Record<string, unknown>
    expect(printed).toMatchObject({ workers: 5, timeout: 12, app: 'app:application' })
  })

  it('--preload fails fast in the primary when the application does not import', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'broken.ts'), 'throw new Error("broken at import")\n')
    const result = await runToExit(['--preload', '--bind', '127.0.0.1:0', join(dir, 'broken.ts')])
    expect(result.code).toBe(3)
    expect(result.err).toMatch(/broken at import/)
    expect(result.err).not.toMatch(/Booting worker/)
  })

  it('--reload rolls the workers when a source file changes', async () => {
    const dir = tempDir()
    copyFileSync(testApp, join(dir, 'app.ts'))
    writeFileSync(
      join(dir, 'app.ts'),
      readFileSync(testApp, 'utf8').replaceAll(
        "'../../../framework/gateway/index.ts'",
        JSON.stringify(join(repoRoot, 'framework/gateway/index.ts')),
      ),
    )
    const run = await startServe(['--bind', '127.0.0.1:0', '--reload', '--chdir', dir], {
      app: 'app.ts:application',
    })
    runs.push(run)
    const before = workerPids(run.log())
    await new Promise((r) => setTimeout(r, 500))
    const now = new Date()
    utimesSync(join(dir, 'app.ts'), now, now)
    writeFileSync(join(dir, 'app.ts'), readFileSync(join(dir, 'app.ts'), 'utf8') + '\n// touched\n')
    await run.waitForLog(/Reload: app\.ts changed/, 10_000)
    await until(
      () => workerPids(run.log()).length === 1 && !before.includes(workerPids(run.log())[0]!),
      20_000,
      'a new worker',
    )
    expect((await get(`${run.url}/`)).status).toBe(200)
  })

  it('recycles a worker over --max-worker-memory and keeps serving', async () => {
    const run = await startServe([
      '--bind',
      '127.0.0.1:0',
      '--max-worker-memory',
      '1',
      '--timeout',
      '2',
    ])
    runs.push(run)
    await run.waitForLog(/retiring: RSS \d+ MiB over --max-worker-memory 1/, 15_000)
    expect((await get(`${run.url}/`)).status).toBe(200)
  })

  const python = requireProgram('python3', 'apt-get install python3')
  const notifyProgram = requireProgram('systemd-notify', 'apt-get install systemd')
  it.skipIf(!python.available || !notifyProgram.available)(
    `sends READY=1 and STOPPING=1 to NOTIFY_SOCKET ${python.reason}${notifyProgram.reason}`,
    async () => {
      const dir = tempDir()
      const sock = join(dir, 'notify.sock')
      const received = join(dir, 'received.txt')
      // A unix datagram receiver (node:dgram has none): python3 plays systemd's notify socket.
      const receiver = spawn(
        'python3',
        [
          '-c',
          [
            'import socket, sys',
            's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])',
            "print('bound', flush=True)",
            's.settimeout(60)',
            'while True:',
            '    data = s.recv(4096)',
            "    open(sys.argv[2], 'a').write(data.decode() + '\\n')",
          ].join('\n'),
          sock,
          received,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      try {
        await new Promise((r) => receiver.stdout!.once('data', r))
        const run = await startServe(['--bind', '127.0.0.1:0'], { env: { NOTIFY_SOCKET: sock } })
        runs.push(run)
        const read = () => (existsSync(received) ? readFileSync(received, 'utf8') : '')
        await until(() => read().includes('READY=1'), 10_000, 'READY=1')
        await run.stop()
        await until(() => read().includes('STOPPING=1'), 10_000, 'STOPPING=1')
      } finally {
        receiver.kill('SIGKILL')
      }
    },
  )

  it('is the same command as `framework serve`', async () => {
    const result = await runToExit(['serve', '--print-config', '-w', '2', 'app'], {
      file: join(repoRoot, 'framework/cli/main.ts'),
    })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.out)).toMatchObject({ workers: 2, app: 'app' })
  })
})
