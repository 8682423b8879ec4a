/**
 * docs/tutorial.md, run: every ```console block's `$ ` commands are executed in order in a
 * temporary folder (bash, with `framework` on PATH as a user who installed it has), and their
 * output compared with the lines shown under them; every ```LANG file=PATH block is written to
 * PATH, and every ```diff file=PATH block applied (its - lines replaced by its + lines). So the
 * tutorial and what the commands print cannot drift apart.
 *
 * Expected output: a line `...` stands for any number of lines; `...` inside a line for any text.
 * Colours are off (NO_COLOR) and trailing spaces ignored.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = resolve(import.meta.dirname, '../..')
const doc = readFileSync(join(repo, 'docs/tutorial.md'), 'utf8')

/** One step of the tutorial, in document order. */
type Step =
  | { kind: 'command'; line: number; command: string; expected: string[] }
  | { kind: 'file'; line: number; path: string; content: string }
  | { kind: 'diff'; line: number; path: string; remove: string; add: string }

/** The executable steps of a Markdown document (exported shape kept simple for the tests). */
function steps(markdown: string): Step[] {
  const out: Step[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!)
    if (!open) continue
    const [, lang, info] = open
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end] !== '```') end++
    const body = lines.slice(start, end)
    i = end
    const file = /(?:^|\s)file=(\S+)/.exec(info ?? '')?.[1]
    if (lang === 'console') {
      for (const [k, text] of body.entries()) {
        if (!text.startsWith('$ ')) continue
        const expected: string[] = []
        for (const next of body.slice(k + 1)) {
          if (next.startsWith('$ ')) break
          expected.push(next)
        }
        out.push({ kind: 'command', line: start + k + 1, command: text.slice(2), expected })
      }
    } else if (file && lang === 'diff') {
      const pick = (sign: string) =>
        body.filter((l) => l.startsWith(sign)).map((l) => l.slice(1)).join('\n')
      out.push({ kind: 'diff', line: start, path: file, remove: pick('-'), add: pick('+') })
    } else if (file) {
      out.push({ kind: 'file', line: start, path: file, content: `${body.join('\n')}\n` })
    }
  }
  return out
}

/** Whether `actual` lines match `expected` lines, with `...` wildcards. */
function matches(actual: string[], expected: string[]): boolean {
  const pattern = expected
    .map((line) =>
      line === '...'
        ? '(?:[^\\n]*\\n)*?'
        : `${line.trimEnd().split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\n]*')}\\n`,
    )
    .join('')
  return new RegExp(`^${pattern}$`).test(actual.map((l) => `${l.trimEnd()}\n`).join(''))
}

const root = mkdtempSync(join(tmpdir(), 'tutorial-'))
const bin = join(root, '.bin')
mkdirSync(bin)
symlinkSync(join(repo, 'bin/framework.js'), join(bin, 'framework'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

// npm under `npm test` exports npm_* settings that must not leak into the tutorial's npm.
const env: Record<string, string> = {
  ...(Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))) as Record<string, string>),
  PATH: `${bin}:${process.env['PATH']}`,
  NO_COLOR: '1',
  HOME: process.env['HOME'] ?? root,
}

describe('docs/tutorial.md', () => {
  const all = steps(doc)

  it('has runnable steps (the parser found the console and file blocks)', () => {
    expect(all.filter((s) => s.kind === 'command').length).toBeGreaterThan(10)
    expect(all.filter((s) => s.kind === 'file').length).toBeGreaterThan(3)
  })

  it('checks its expected output with ... wildcards (the matcher can fail)', () => {
    expect(matches(['added 3 packages in 2s'], ['added ... packages in ...'])).toBe(true)
    expect(matches(['a', 'b', 'c'], ['a', '...', 'c'])).toBe(true)
    expect(matches(['a', 'x'], ['a', 'b'])).toBe(false)
  })

  let cwd = root
  for (const step of all) {
    const title =
      step.kind === 'command'
        ? `line ${step.line}: $ ${step.command}`
        : `line ${step.line}: ${step.kind === 'file' ? 'write' : 'edit'} ${step.path}`
    it(title, () => {
      if (step.kind === 'file') {
        mkdirSync(dirname(join(cwd, step.path)), { recursive: true })
        writeFileSync(join(cwd, step.path), step.content)
        return
      }
      if (step.kind === 'diff') {
        const file = join(cwd, step.path)
        const text = readFileSync(file, 'utf8')
        expect(text, `the - lines of the diff at line ${step.line} are in ${step.path}`).toContain(step.remove)
        writeFileSync(file, text.replace(step.remove, step.add))
        return
      }
      const cd = /^cd (\S+)$/.exec(step.command)
      if (cd) {
        cwd = resolve(cwd, cd[1]!)
        return
      }
      const result = spawnSync('bash', ['-c', `${step.command} 2>&1`], {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 240_000,
      })
      const output = result.stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n$/, '')
      const actual = output === '' ? [] : output.split('\n')
      const expected = step.expected.length && step.expected.at(-1) === '' ? step.expected.slice(0, -1) : step.expected
      expect(matches(actual, expected), `output of ${step.command}:\n${output}`).toBe(true)
      expect(result.status, output).toBe(0)
    }, 300_000)
  }
})
