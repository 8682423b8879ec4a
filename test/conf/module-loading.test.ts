/**
 * importProjectModule / projectModuleUrl: a project module imported by path is the file itself,
 * or, when the process runs precompiled code (FRAMEWORK_PRECOMPILED), its compiled file at the
 * place framework/server/precompile.ts writes it; a file missing there is a clear error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importProjectModule, projectModuleUrl } from '../../framework/conf/index.ts'
import { precompiledPath } from '../../framework/server/precompile.ts'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'module-loading-'))
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('projectModuleUrl', () => {
  it('is the file itself when the process does not run precompiled code', () => {
    const file = join(root, 'project/urls.ts')
    expect(projectModuleUrl(file, {})).toBe(pathToFileURL(file).href)
    expect(projectModuleUrl(file, { FRAMEWORK_PRECOMPILED: '' })).toBe(pathToFileURL(file).href)
  })

  it('is the compiled file, where precompile.ts puts it, when FRAMEWORK_PRECOMPILED is set', () => {
    const cacheRoot = join(root, 'cache')
    const file = join(root, 'project/urls.ts')
    const compiled = precompiledPath(cacheRoot, file)
    mkdirSync(dirname(compiled), { recursive: true })
    writeFileSync(compiled, 'export const compiled = true\n')
    expect(projectModuleUrl(file, { FRAMEWORK_PRECOMPILED: cacheRoot })).toBe(
      pathToFileURL(compiled).href,
    )
    // JavaScript needs no compiling: it is imported as it is.
    const js = join(root, 'project/plain.js')
    expect(projectModuleUrl(js, { FRAMEWORK_PRECOMPILED: cacheRoot })).toBe(pathToFileURL(js).href)
  })

  it('says what to do when a TypeScript file was not precompiled', () => {
    expect(() =>
      projectModuleUrl(join(root, 'elsewhere/models.ts'), { FRAMEWORK_PRECOMPILED: join(root, 'cache') }),
    ).toThrow(/was not precompiled: .*--no-precompile/)
  })
})

describe('importProjectModule', () => {
  it('imports a module by path, a query string loading it afresh', async () => {
    const file = join(root, 'counter.mjs')
    writeFileSync(file, 'export const value = 1\n')
    expect((await importProjectModule(file)).value).toBe(1)
    writeFileSync(file, 'export const value = 2\n')
    expect((await importProjectModule(file)).value).toBe(1)
    expect((await importProjectModule(file, '?v=2')).value).toBe(2)
  })
})
