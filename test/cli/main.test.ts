/**
 * The `framework` command line: dispatch through the table, help, errors as one line plus a
 * hint, exit codes; in process through main() with a collecting context, and for real through
 * bin/framework.js in a child process (tsx registration, CGI output, load errors).
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CommandError, parseCommandArgs } from '../../framework/cli/command.ts'
import type { Command, CommandContext } from '../../framework/cli/command.ts'
import { editDistance, nearestCommand } from '../../framework/cli/commands/help.ts'
import { commands, main } from '../../framework/cli/main.ts'

const repo = resolve(import.meta.dirname, '../..')

/** A context whose streams collect text, with an empty environment and stdin. */
function context(env: Record<string, string> = {}, stdin: Uint8Array[] = []) {
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') => ({
    write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void) {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1')
      callback?.()
      return true
    },
  })
  const ctx: CommandContext = {
    cwd: repo,
    env,
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin: (async function* () {
      yield* stdin
    })(),
  }
  return { ctx, out }
}

const failing: Command = {
  name: 'fail',
  summary: 'Always fails.',
  usage: 'framework fail',
  help: 'Fails with a CommandError or a bug.',
  async run(argv) {
    if (argv[0] === 'bug') throw new TypeError('not a command error')
    throw new CommandError('CLI-E03', 'the thing "x" is broken', { hint: 'fix x' })
  },
}

describe('main (the framework command)', () => {
  it('lists every command of the table with its summary for `framework help`', async () => {
    const { ctx, out } = context()
    expect(await main(['help'], ctx)).toBe(0)
    for (const command of commands) {
      expect(out.stdout).toMatch(
        new RegExp(`^  ${command.name} +${command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      )
    }
  })

  it("prints one command's usage for `framework help cgi` and for `framework cgi --help`", async () => {
    const a = context()
    const b = context()
    expect(await main(['help', 'cgi'], a.ctx)).toBe(0)
    expect(await main(['cgi', '--help'], b.ctx)).toBe(0)
    expect(a.out.stdout).toContain('usage: framework cgi MODULE[:ATTR]')
    expect(b.out.stdout).toBe(a.out.stdout)
  })

  it('suggests the nearest command for `framework help` of an unknown one', async () => {
    const { ctx, out } = context()
    expect(await main(['help', 'cgj'], ctx)).toBe(1)
    expect(out.stderr).toBe(
      'framework help: error: unknown command "cgj"\n' +
        "hint: did you mean 'framework cgi'? ('framework help' lists every command)\n",
    )
  })

  it('has a well-formed table: unique lowercase names, one-line summaries, usage naming the command', () => {
    const names = commands.map((command) => command.name)
    expect(new Set(names).size).toBe(names.length)
    for (const command of commands) {
      expect(command.name).toMatch(/^[a-z][a-z0-9-]*$/)
      expect(command.summary).not.toContain('\n')
      expect(command.usage.startsWith(`framework ${command.name}`)).toBe(true)
      expect(command.help.trim()).not.toBe('')
    }
  })

  it('exits 2 with the command list for a bare `framework`', async () => {
    const { ctx, out } = context()
    expect(await main([], ctx)).toBe(2)
    expect(out.stdout).toContain('usage: framework <command> [args]')
  })

  it('suggests the nearest command for an unknown one, and exits non-zero', async () => {
    const { ctx, out } = context()
    expect(await main(['hlep'], ctx)).toBe(1)
    expect(out.stderr).toBe(
      'framework: error: unknown command "hlep"\n' +
        "hint: did you mean 'framework help'? ('framework help' lists every command)\n",
    )
  })

  it('does not suggest anything for a word far from every command', async () => {
    const { ctx, out } = context()
    await main(['xyzzyplugh'], ctx)
    expect(out.stderr).not.toContain('did you mean')
  })

  it('prints a CommandError as `framework <cmd>: error: <reason>` and `hint: ...`', async () => {
    const { ctx, out } = context()
    expect(await main(['fail'], ctx, [failing])).toBe(1)
    expect(out.stderr).toBe('framework fail: error: the thing "x" is broken\nhint: fix x\n')
  })

  it('reports any other error as a bug, with its stack, exit 1', async () => {
    const { ctx, out } = context()
    expect(await main(['fail', 'bug'], ctx, [failing])).toBe(1)
    expect(out.stderr).toMatch(
      /^framework fail: error: unexpected failure \(a bug, please report it\)\nTypeError: not a command error\n\s+at /,
    )
  })

  it('exits 2 with a hint for an unknown option', async () => {
    const { ctx, out } = context()
    expect(await main(['cgi', '--nope', 'app.ts'], ctx)).toBe(2)
    expect(out.stderr).toMatch(/^framework cgi: error: Unknown option '--nope'/)
    expect(out.stderr).toContain("hint: see 'framework help cgi' for the options\n")
  })

  it('exits 2 when cgi is given no MODULE', async () => {
    const { ctx, out } = context({ REQUEST_METHOD: 'GET' })
    expect(await main(['cgi'], ctx)).toBe(2)
    expect(out.stderr).toContain('framework cgi: error: missing MODULE[:ATTR]')
  })

  it('serves one CGI request in process, from the env and stdin of the context', async () => {
    const { ctx, out } = context({
      REQUEST_METHOD: 'GET',
      SERVER_PROTOCOL: 'HTTP/1.1',
      PATH_INFO: '/',
    })
    expect(await main(['cgi', 'examples/hello_world.ts:processHttpRequest'], ctx)).toBe(0)
    expect(out.stdout).toMatch(/^Status: 200 OK\r\nContent-Type: text\/plain; charset=utf-8\r\n/)
    expect(out.stdout.endsWith('\r\n\r\nHello World')).toBe(true)
  })

  it('turns a load failure into a coded one-line error naming what exists', async () => {
    const { ctx, out } = context({ REQUEST_METHOD: 'GET' })
    expect(await main(['cgi', 'examples/hello_world.ts:application'], ctx)).toBe(1)
    expect(out.stderr).toContain('has no export "application"; it exports "processHttpRequest"')
    expect(out.stderr).toContain('[GW-L04]')
  })

  it('refuses to run cgi outside a web server (no REQUEST_METHOD), with a hint', async () => {
    const { ctx, out } = context({})
    expect(await main(['cgi', 'examples/hello_world.ts:processHttpRequest'], ctx)).toBe(1)
    expect(out.stderr).toMatch(/^framework cgi: error: REQUEST_METHOD is not set/)
    expect(out.stderr).toContain("hint: 'framework help cgi'")
  })
})

describe('nearestCommand and editDistance', () => {
  it('counts single-letter edits', () => {
    expect([
      editDistance('serv', 'serve'),
      editDistance('cgi', 'cgx'),
      editDistance('', 'cgi'),
    ]).toEqual([1, 1, 3])
  })

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('hlep', 'help')).toBe(1)
  })

  it('finds the closest name only within a third of its letters', () => {
    expect(nearestCommand('cgu', commands)).toBe('cgi')
    expect(nearestCommand('HELP', commands)).toBe('help')
    expect(nearestCommand('migrate-everything', commands)).toBeUndefined()
  })
})

describe('parseCommandArgs', () => {
  it('returns options and positionals', () => {
    const { values, positionals } = parseCommandArgs('x', ['a', '--quiet', 'b'], {
      quiet: { type: 'boolean' },
    })
    expect([values.quiet, positionals]).toEqual([true, ['a', 'b']])
  })

  it('throws a CLI-E02 CommandError naming the command for a missing option value', () => {
    expect(() => parseCommandArgs('x', ['--name'], { name: { type: 'string' } })).toThrow(
      expect.objectContaining({ code: 'CLI-E02', hint: "see 'framework help x' for the options" }),
    )
  })
})

/** Runs bin/framework.js for real; resolves with its exit code and output (bounded: 60 s). */
function runBin(
  args: string[],
  env: Record<string, string> = {},
  input = '',
  cwd = repo,
  bin = join(repo, 'bin/framework.js'),
) {
  return new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((done) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'buffer', timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? null : 0
        done({ code, stdout, stderr: stderr.toString() })
      },
    )
    child.stdin?.end(input)
  })
}

describe('bin/framework.js (a real process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'framework-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('registers tsx and runs `framework help` (exit 0)', async () => {
    const { code, stdout } = await runBin(['help'])
    expect(code).toBe(0)
    expect(stdout.toString()).toContain('Commands:')
  }, 60_000)

  it('answers a CGI request on stdout, reading the body from stdin up to CONTENT_LENGTH', async () => {
    // An application project is an ES module package, as this one is.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(
      join(dir, 'echo.ts'),
      'export async function application(environ: any, startResponse: any) {\n' +
        "  const body = await environ['wsgi.input'].read()\n" +
        "  startResponse('201 Created', [['Content-Type', 'application/octet-stream']])\n" +
        "  return [new TextEncoder().encode(environ.PATH_INFO + '|'), body]\n}\n",
    )
    const { code, stdout, stderr } = await runBin(
      ['cgi', join(dir, 'echo')],
      { REQUEST_METHOD: 'POST', SERVER_PROTOCOL: 'HTTP/1.1', PATH_INFO: '/p', CONTENT_LENGTH: '4' },
      'bodyEXTRA',
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const text = stdout.toString('latin1')
    expect(text).toMatch(
      /^Status: 201 Created\r\nContent-Type: application\/octet-stream\r\nDate: .+\r\n\r\n/,
    )
    expect(text.endsWith('\r\n\r\n/p|body')).toBe(true)
  }, 60_000)

  it("runs from a project that depends on the framework, whose app imports 'framework/gateway'", async () => {
    const project = join(dir, 'project')
    mkdirSync(join(project, 'node_modules'), { recursive: true })
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
    symlinkSync(repo, join(project, 'node_modules', 'framework'))
    writeFileSync(
      join(project, 'app.ts'),
      "import { validator } from 'framework/gateway'\n" +
        "import type { Application } from 'framework/gateway'\n" +
        'const inner: Application = (_environ, startResponse) => {\n' +
        "  startResponse('200 OK', [['Content-Type', 'text/plain']])\n" +
        "  return [new TextEncoder().encode('from a dependent project')]\n}\n" +
        'export const application = validator(inner)\n',
    )
    const { code, stdout, stderr } = await runBin(
      ['cgi', 'app'],
      { REQUEST_METHOD: 'GET', SERVER_PROTOCOL: 'HTTP/1.1', PATH_INFO: '/' },
      '',
      project,
      join(project, 'node_modules/framework/bin/framework.js'),
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.toString('latin1').endsWith('\r\n\r\nfrom a dependent project')).toBe(true)
  }, 60_000)

  it('exits 1 with the paths it tried when the module does not exist', async () => {
    const { code, stderr } = await runBin(['cgi', join(dir, 'missing')], { REQUEST_METHOD: 'GET' })
    expect(code).toBe(1)
    expect(stderr).toContain(`cannot find module "${join(dir, 'missing')}"`)
    expect(stderr).toContain(`  ${join(dir, 'missing.ts')}\n`)
    expect(stderr).toContain('[GW-L02]')
  }, 60_000)
})
