/**
 * @module Nginx (Debian's package) in front of `serve` on a unix socket, TLS on Nginx's side:
 * a request through Nginx reaches the application with the client's scheme (https) and address
 * as the trusted proxy headers say, while the same headers sent straight to serve's TCP bind by
 * an untrusted peer change nothing. Nginx runs with a generated config in a temp dir
 * (`-p prefix -c conf -g 'daemon off;'`) and is stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findProgram, requireProgram } from '../support/require-program.ts'
import { freePort, startServe, type ServeChild } from '../support/serve-child.ts'

const nginx = requireProgram('nginx', 'apt-get install -y nginx')
const openssl = requireProgram('openssl', 'apt-get install -y openssl')
const app = resolve(import.meta.dirname, 'apps/echo-environ.ts')

type Seen = Record<string, string | null>

function get(
  via: 'https' | 'http',
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; seen: Seen }> {
  const request = via === 'https' ? httpsRequest : httpRequest
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/who', headers: { Host: 'shop.example', ...headers }, rejectUnauthorized: false, timeout: 5000 },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => {
          try {
            done({ status: res.statusCode ?? 0, seen: JSON.parse(body) as Seen })
          } catch {
            fail(new Error(`not JSON (status ${res.statusCode}): ${body}`))
          }
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')))
    req.on('error', fail)
    req.end()
  })
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing listens on ${port} after ${ms} ms`)
}

describe.skipIf(!nginx.available || !openssl.available)(`serve behind Nginx on a unix socket ${nginx.reason}${openssl.reason}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-nginx-'))
  const socket = join(dir, 'serve.sock')
  let serve: ServeChild | undefined
  let proxy: ChildProcess | undefined
  let nginxPort = 0
  let directPort = 0

  beforeAll(async () => {
    nginxPort = await freePort()
    directPort = await freePort()
    // Trust nothing over TCP (not even loopback): only the unix-socket peer, Nginx, is trusted.
    serve = await startServe(
      [`${app}:application`, '--bind', `unix:${socket}`, '--bind', `127.0.0.1:${directPort}`, '--bind-mode', '666', '--forwarded-allow-ips', '192.0.2.1', '--graceful-timeout', '3'],
      { port: directPort },
    )
    execFileSync(findProgram('openssl')!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=shop.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 20_000 })
    const root = typeof process.getuid === 'function' && process.getuid() === 0
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${root ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream serve { server unix:${socket}; }
  server {
    listen 127.0.0.1:${nginxPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass http://serve;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`,
    )
    proxy = spawn(findProgram('nginx')!, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' })
    await waitForPort(nginxPort, 10_000)
  }, 60_000)

  afterAll(async () => {
    if (proxy?.pid && proxy.exitCode === null) {
      const exited = new Promise((r) => proxy!.once('exit', r))
      proxy.kill('SIGQUIT')
      const timer = setTimeout(() => proxy!.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    await serve?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 30_000)

  it('gives the app the client scheme and address that Nginx reports, keeping REMOTE_ADDR the peer', async () => {
    const { status, seen } = await get('https', nginxPort, {})
    expect(status).toBe(200)
    expect(seen['wsgi.url_scheme']).toBe('https')
    expect(seen['gateway.client_addr']).toBe('127.0.0.1')
    expect(seen.HTTP_HOST).toBe('shop.example')
    // The peer is Nginx on a unix socket: no IP address.
    expect(seen.REMOTE_ADDR === null || seen.REMOTE_ADDR === '' || seen.REMOTE_ADDR === 'unix').toBe(true)
  })

  it('takes the right-most untrusted hop, so a client cannot forge its address through Nginx', async () => {
    const { seen } = await get('https', nginxPort, { 'X-Forwarded-For': '6.6.6.6' })
    expect(seen.HTTP_X_FORWARDED_FOR).toBe('6.6.6.6, 127.0.0.1')
    expect(seen['gateway.client_addr']).toBe('127.0.0.1')
  })

  it('ignores the same headers sent straight to the TCP bind by an untrusted peer', async () => {
    const { status, seen } = await get('http', directPort, { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https' })
    expect(status).toBe(200)
    expect(seen['wsgi.url_scheme']).toBe('http')
    expect(seen['gateway.client_addr']).toBeNull()
    expect(seen.REMOTE_ADDR).toBe('127.0.0.1')
    // Still visible as plain headers, just not believed.
    expect(seen.HTTP_X_FORWARDED_PROTO).toBe('https')
  })

  it('left Nginx error-free', () => {
    expect(readFileSync(join(dir, 'error.log'), 'utf8')).not.toMatch(/\[(error|crit|alert|emerg)\]/)
  })
})
