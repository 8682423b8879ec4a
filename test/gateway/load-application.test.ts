/**
 * loadApplication: `MODULE[:ATTR]` to an Application, resolved against a working directory, and
 * the coded errors that say what was tried and what exists. Modules are real files in a temp dir.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LoadApplicationError,
  candidatePaths,
  findApplicationFile,
  loadApplication,
  parseApplicationSpec,
} from '../../framework/gateway/index.ts'

let dir = ''

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'load-application-'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  const app = (name: string) =>
    `export function ${name}() { return [] }\nexport const label = '${name}'\n`
  writeFileSync(join(dir, 'wsgi.ts'), app('application'))
  writeFileSync(join(dir, 'other.ts'), app('handler'))
  mkdirSync(join(dir, 'project'))
  writeFileSync(join(dir, 'project', 'index.ts'), app('application'))
  writeFileSync(join(dir, 'project', 'wsgi.ts'), app('application'))
  writeFileSync(join(dir, 'broken.ts'), "throw new Error('broken at import')\n")
  writeFileSync(
    join(dir, 'values.ts'),
    'export const application = { not: "a function" }\nexport const port = 8000\n',
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function failure(spec: string): Promise<LoadApplicationError> {
  try {
    await loadApplication(spec, { cwd: dir })
  } catch (error) {
    if (error instanceof LoadApplicationError) return error
    throw error
  }
  throw new Error(`${spec} loaded, but it should have failed`)
}

describe('parseApplicationSpec', () => {
  it("defaults ATTR to 'application'", () => {
    expect(parseApplicationSpec('project/wsgi.ts')).toEqual({
      module: 'project/wsgi.ts',
      attribute: 'application',
    })
  })

  it('splits at the last colon', () => {
    expect(parseApplicationSpec('examples/hello_world.ts:processHttpRequest')).toEqual({
      module: 'examples/hello_world.ts',
      attribute: 'processHttpRequest',
    })
  })

  it('does not take a Windows drive letter for an attribute', () => {
    expect(parseApplicationSpec('C:\\srv\\app.ts')).toEqual({
      module: 'C:\\srv\\app.ts',
      attribute: 'application',
    })
  })

  it('rejects an empty module and a non-identifier attribute with GW-L01', () => {
    expect(() => parseApplicationSpec(':app')).toThrow(expect.objectContaining({ code: 'GW-L01' }))
    expect(() => parseApplicationSpec('app.ts:not-a-name')).toThrow(
      expect.objectContaining({ code: 'GW-L01' }),
    )
  })
})

describe('candidatePaths', () => {
  it('tries the path, then each extension, then a folder index, in the order docs/gateway.md gives', () => {
    expect(candidatePaths('app', '/srv').slice(0, 9)).toEqual([
      '/srv/app',
      '/srv/app.ts',
      '/srv/app.mts',
      '/srv/app.js',
      '/srv/app.mjs',
      '/srv/app.tsx',
      '/srv/app.cts',
      '/srv/app.cjs',
      '/srv/app/index.ts',
    ])
  })

  it('also tries a dotted name with dots as folders (project.wsgi)', () => {
    expect(candidatePaths('project.wsgi', '/srv')).toContain('/srv/project/wsgi.ts')
  })
})

describe('findApplicationFile', () => {
  it('is the file loadApplication would import, or undefined', () => {
    expect(findApplicationFile('wsgi', dir)).toBe(join(dir, 'wsgi.ts'))
    expect(findApplicationFile('project:application', dir)).toBe(join(dir, 'project', 'index.ts'))
    expect(findApplicationFile('project.wsgi:application', dir)).toBe(join(dir, 'project', 'wsgi.ts'))
    expect(findApplicationFile('missing:application', dir)).toBeUndefined()
  })
})

describe('loadApplication', () => {
  it('imports the file through options.importModule when given (serve passes its compiled copy)', async () => {
    const imported: string[] = []
    const app = await loadApplication('other:handler', {
      cwd: dir,
      importModule: async (file) => {
        imported.push(file)
        return { handler: () => [] }
      },
    })
    expect(imported).toEqual([join(dir, 'other.ts')])
    expect(typeof app).toBe('function')
  })


  it('loads a .ts module named with its extension, relative to cwd', async () => {
    const app = await loadApplication('wsgi.ts', { cwd: dir })
    expect(app.name).toBe('application')
  })

  it('loads a module named without its extension, and a named export', async () => {
    expect((await loadApplication('other:handler', { cwd: dir })).name).toBe('handler')
  })

  it("loads a folder's index.ts and a dotted module name", async () => {
    expect(typeof (await loadApplication('project', { cwd: dir }))).toBe('function')
    expect(typeof (await loadApplication('project.wsgi', { cwd: dir }))).toBe('function')
  })

  it('loads an absolute path whatever the cwd', async () => {
    expect(typeof (await loadApplication(join(dir, 'wsgi.ts'), { cwd: '/' }))).toBe('function')
  })

  it('fails with GW-L02 listing every path it tried', async () => {
    const error = await failure('nowhere:app')
    expect(error.code).toBe('GW-L02')
    for (const path of candidatePaths('nowhere', dir))
      expect(error.message).toContain(`  ${path}\n`)
  })

  it("fails with GW-L03 when importing throws, keeping the module's error as cause", async () => {
    const error = await failure('broken.ts')
    expect(error.code).toBe('GW-L03')
    expect(error.message).toContain('broken at import')
    expect((error.cause as Error).message).toBe('broken at import')
  })

  it('fails with GW-L04 naming the exports that exist', async () => {
    const error = await failure('other.ts:application')
    expect(error.code).toBe('GW-L04')
    expect(error.message).toContain('has no export "application"; it exports "handler", "label"')
  })

  it('fails with GW-L05 when the export is not a function, saying what it is', async () => {
    const error = await failure('values.ts')
    expect(error.code).toBe('GW-L05')
    expect(error.message).toContain('export "application" is an object, not a function')
    expect((await failure('values.ts:port')).message).toContain('is a number (8000)')
  })
})
