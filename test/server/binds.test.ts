import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BindError,
  formatBind,
  openListener,
  parseBind,
  systemdBinds,
} from '../../framework/server/binds.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('parseBind', () => {
  it('reads HOST:PORT, [IPv6]:PORT, unix:PATH and fd://N', () => {
    expect(parseBind('127.0.0.1:8000')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8000 })
    expect(parseBind('[::1]:9000')).toEqual({ kind: 'tcp', host: '::1', port: 9000 })
    expect(parseBind('unix:/run/x.sock')).toEqual({ kind: 'unix', path: '/run/x.sock' })
    expect(parseBind('fd://3')).toEqual({ kind: 'fd', fd: 3 })
  })

  it('defaults a bare host to port 8000 and an empty host to all interfaces', () => {
    expect(parseBind('localhost')).toEqual({ kind: 'tcp', host: 'localhost', port: 8000 })
    expect(parseBind(':8080')).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 })
  })

  it('refuses malformed binds with a coded error', () => {
    for (const bad of ['unix:', 'fd://x', '1.2.3.4:99999', '::1:80']) {
      expect(() => parseBind(bad), bad).toThrow(BindError)
    }
  })

  it('formats binds back', () => {
    expect(formatBind(parseBind('[::1]:80'))).toBe('[::1]:80')
    expect(formatBind(parseBind('unix:/a'))).toBe('unix:/a')
  })
})

describe('systemdBinds', () => {
  it('takes fds 3.. when LISTEN_PID names this process', () => {
    expect(systemdBinds({ LISTEN_FDS: '2', LISTEN_PID: '42' }, 42)).toEqual([
      { kind: 'fd', fd: 3 },
      { kind: 'fd', fd: 4 },
    ])
  })
  it('ignores sockets meant for another process, and no activation at all', () => {
    expect(systemdBinds({ LISTEN_FDS: '1', LISTEN_PID: '41' }, 42)).toEqual([])
    expect(systemdBinds({}, 42)).toEqual([])
  })
})

describe('openListener', () => {
  it('listens on an ephemeral TCP port and reports the real one', async () => {
    const listener = await openListener(parseBind('127.0.0.1:0'), { mode: 0o660 })
    expect(listener.address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(listener.address).not.toBe('127.0.0.1:0')
    await listener.close()
  })

  it('listens on [::1] when IPv6 loopback exists', async () => {
    let listener
    try {
      listener = await openListener(parseBind('[::1]:0'), { mode: 0o660 })
    } catch (error) {
      // A machine without IPv6 loopback: the error must still be the coded one.
      expect((error as BindError).code).toBe('serve.E_BIND_FAILED')
      return
    }
    expect(listener.address).toMatch(/^\[::1\]:\d+$/)
    await listener.close()
  })

  it('creates a unix socket with the mode, and unlinks it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-binds-'))
    dirs.push(dir)
    const path = join(dir, 's.sock')
    const listener = await openListener({ kind: 'unix', path }, { mode: 0o640 })
    expect(statSync(path).mode & 0o777).toBe(0o640)
    await listener.close()
    expect(existsSync(path)).toBe(false)
  })

  it('refuses a unix socket a live server answers on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-binds-'))
    dirs.push(dir)
    const path = join(dir, 'busy.sock')
    const first = await openListener({ kind: 'unix', path }, { mode: 0o600 })
    first.server.on('connection', (s) => s.destroy())
    await expect(openListener({ kind: 'unix', path }, { mode: 0o600 })).rejects.toThrow(
      /in use by a running server/,
    )
    // and the live socket was not removed
    await new Promise<void>((resolve, reject) =>
      createConnection({ path }).once('connect', resolve).once('error', reject),
    )
    await first.close()
  })

  it('names the address when the port is taken', async () => {
    const first = await openListener(parseBind('127.0.0.1:0'), { mode: 0o660 })
    await expect(openListener(parseBind(first.address), { mode: 0o660 })).rejects.toThrow(
      /Cannot listen on 127\.0\.0\.1:\d+/,
    )
    await first.close()
  })
})
