import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Pidfile, PidfileError } from '../../framework/server/pidfile.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function path(): string {
  const dir = mkdtempSync(join(tmpdir(), 'serve-pid-'))
  dirs.push(dir)
  return join(dir, 'serve.pid')
}

describe('Pidfile', () => {
  it('writes the PID and removes the file', () => {
    const file = path()
    const pidfile = new Pidfile(file, 12345)
    pidfile.create()
    expect(readFileSync(file, 'utf8')).toBe('12345\n')
    pidfile.remove()
    expect(existsSync(file)).toBe(false)
  })

  it('refuses to start when the file names a live process', () => {
    const file = path()
    writeFileSync(file, `${process.pid}\n`)
    expect(() => new Pidfile(file, 1).create()).toThrow(PidfileError)
    expect(() => new Pidfile(file, 1).create()).toThrow(
      new RegExp(`running process ${process.pid}`),
    )
  })

  it('replaces a stale file whose process is gone', () => {
    const file = path()
    writeFileSync(file, '999999999\n')
    new Pidfile(file, 777).create()
    expect(readFileSync(file, 'utf8')).toBe('777\n')
  })

  it('leaves a successor its file', () => {
    const file = path()
    writeFileSync(file, '555\n')
    new Pidfile(file, 777).remove()
    expect(readFileSync(file, 'utf8')).toBe('555\n')
  })
})
