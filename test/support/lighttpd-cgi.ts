/**
 * @module startLighttpdCgi: a real lighttpd (Debian's) in front of `framework cgi MODULE:ATTR`,
 * for the CGI integration tests. lighttpd cannot listen on port 0, so a free port is found by
 * binding and releasing a node socket, and the start is retried when another process took it in
 * between (EADDRINUSE).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')

/** A running lighttpd serving one application as CGI under `/app.cgi`. */
export interface LighttpdCgi {
  /** `http://127.0.0.1:PORT/app.cgi`: the application's root (SCRIPT_NAME is `/app.cgi`). */
  url: string
  port: number
  /** lighttpd's PID (stopped by stop(), never by name). */
  pid: number
  /** lighttpd's error log so far (CGI stderr lands here too). */
  errorLog(): string
  /** SIGTERM to lighttpd's PID, SIGKILL after 3 s, then removes the temp dir. */
  stop(): Promise<void>
}

/** Options of startLighttpdCgi. */
export interface LighttpdCgiOptions {
  /** Absolute path of the application module. */
  modulePath: string
  /** The export to run (default `application`). */
  exportName?: string
  /** Extra lighttpd.conf lines. */
  extraConfig?: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', done)
  })
  const address = server.address()
  await new Promise<void>((done) => server.close(() => done()))
  if (address === null || typeof address === 'string') throw new Error('no port from node:net')
  return address.port
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.setTimeout(500)
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
    socket.once('timeout', () => {
      socket.destroy()
      done(false)
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => child.once('exit', () => done()))
}

/** Writes the CGI script and lighttpd.conf into `dir` for `port`. */
function writeSite(dir: string, port: number, options: LighttpdCgiOptions): string {
  const target = `${options.modulePath}:${options.exportName ?? 'application'}`
  // lighttpd gives a CGI child only the CGI variables (no PATH), so node is named by full path.
  const script = `#!/bin/sh\nexec '${process.execPath}' '${repo}/bin/framework.js' cgi '${target}'\n`
  writeFileSync(join(dir, 'app.cgi'), script)
  chmodSync(join(dir, 'app.cgi'), 0o755)
  const conf = [
    `server.document-root = "${dir}"`,
    `server.bind = "127.0.0.1"`,
    `server.port = ${port}`,
    `server.errorlog = "${join(dir, 'error.log')}"`,
    `server.modules = ("mod_cgi")`,
    // Stream the CGI output to the client as it is produced, without buffering it to disk.
    `server.stream-response-body = 2`,
    `cgi.assign = (".cgi" => "")`,
    options.extraConfig ?? '',
  ].join('\n')
  const path = join(dir, 'lighttpd.conf')
  writeFileSync(path, conf + '\n')
  return path
}

/**
 * Starts lighttpd -D with mod_cgi running `bin/framework.js cgi MODULE:ATTR`, waits until its
 * port accepts connections (at most 10 s), and returns how to reach and stop it.
 *
 * @example
 * ```ts
 * const site = await startLighttpdCgi({ modulePath: '/repo/examples/hello_world.ts', exportName: 'processHttpRequest' })
 * const response = await fetch(site.url + '/')
 * await site.stop()
 * ```
 */
export async function startLighttpdCgi(options: LighttpdCgiOptions): Promise<LighttpdCgi> {
  const dir = mkdtempSync(join(tmpdir(), 'lighttpd-cgi-'))
  let lastError = ''
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort()
    const conf = writeSite(dir, port, options)
    const child = spawn('lighttpd', ['-D', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const errorLog = () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8')
      } catch {
        return ''
      }
    }
    const deadline = Date.now() + 10_000
    let up = false
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await canConnect(port)) {
        up = true
        break
      }
      await new Promise((done) => setTimeout(done, 50))
    }
    if (up && child.pid !== undefined) {
      const pid = child.pid
      return {
        url: `http://127.0.0.1:${port}/app.cgi`,
        port,
        pid,
        errorLog,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            process.kill(pid, 'SIGTERM')
            const timer = setTimeout(
              () => child.exitCode === null && process.kill(pid, 'SIGKILL'),
              3000,
            )
            await exited(child)
            clearTimeout(timer)
          }
          rmSync(dir, { recursive: true, force: true })
        },
      }
    }
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL')
    }
    await exited(child)
    lastError = `${stderr}${errorLog()}`
    // Another process took the port between our probe and lighttpd's bind: try another one.
    if (!/address already in use/i.test(lastError)) break
  }
  rmSync(dir, { recursive: true, force: true })
  throw new Error(
    `lighttpd did not start: ${lastError.trim() || 'no output (timed out after 10 s)'}`,
  )
}
