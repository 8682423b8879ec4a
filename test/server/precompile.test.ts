/**
 * precompile.ts: a TypeScript tree compiled to a cache that plain `node` (no loader) runs with
 * the same meaning as the source: imports between .ts files, JSON beside them, packages (one
 * exporting .ts), import.meta of the source, files reached only by a computed path; only changed
 * files compiled again; an error names the file and line.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PrecompileError,
  cacheRootFor,
  precompile,
  precompiledPath,
  projectRootOf,
  typeScriptFilesUnder,
} from '../../framework/server/precompile.ts'
import { runsTypeScriptLoader, withoutTypeScriptLoader } from '../../framework/server/worker-launch.ts'
import { projectModuleUrl } from '../../framework/conf/index.ts'

let root: string
let cacheRoot: string

function write(file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true })
  writeFileSync(join(root, file), text)
}

/** Runs a compiled file with plain node: no tsx, no loader of any kind. */
function runCompiled(source: string, env: NodeJS.ProcessEnv = {}): unknown {
  const out = execFileSync(process.execPath, [precompiledPath(cacheRoot, join(root, source))], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  })
  return JSON.parse(out)
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'precompile-'))
  cacheRoot = join(root, 'node_modules/.cache/serve/test')
  write('package.json', JSON.stringify({ name: 'site', type: 'module' }))
  write(
    'node_modules/ts-pkg/package.json',
    JSON.stringify({ name: 'ts-pkg', type: 'module', exports: { '.': './src/index.ts' } }),
  )
  write('node_modules/ts-pkg/src/index.ts', "export const fromTsPackage: string = 'ts-pkg'\n")
  write(
    'node_modules/js-pkg/package.json',
    JSON.stringify({ name: 'js-pkg', type: 'module', exports: './index.js' }),
  )
  write('node_modules/js-pkg/index.js', "export const fromJsPackage = 'js-pkg'\n")
  write('project/data.json', '{"answer": 42}\n')
  write(
    'project/lib/util.ts',
    'export interface Point { x: number }\nexport function double(p: Point): number { return p.x * 2 }\n',
  )
  // TypeScript's convention: './helper.js' in the source names helper.ts.
  write('project/lib/helper.ts', 'export const helper = (): string => "helper"\n')
  write(
    'project/app.ts',
    [
      "import { double, type Point } from './lib/util.ts'",
      "import { helper } from './lib/helper.js'",
      "import data from './data.json' with { type: 'json' }",
      "import { fromTsPackage } from 'ts-pkg'",
      "import { fromJsPackage } from 'js-pkg'",
      "import { fileURLToPath } from 'node:url'",
      'const point: Point = { x: 21 }',
      'class Named {}',
      'const lazy = await import("./lib/util.ts")',
      'console.log(JSON.stringify({',
      '  double: double(point), helper: helper(), answer: data.answer, fromTsPackage, fromJsPackage,',
      '  url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename,',
      "  fromUrl: fileURLToPath(new URL('.', import.meta.url)),",
      '  sameModule: lazy.double === double, className: Named.name,',
      '}))',
      '',
    ].join('\n'),
  )
  // Reached by no import: only the folder scan compiles it (INSTALLED_APPS models are like this).
  write('project/polls/models.ts', 'export const model: string = "Question"\n')
  write('project/test/skip.d.ts', 'export declare const nothing: number\n')
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('precompile', () => {
  it('compiles a tree that plain node runs with the meaning of the source', async () => {
    const result = await precompile({
      entries: [join(root, 'project/app.ts')],
      roots: [join(root, 'project')],
      cacheRoot,
    })
    // app, util, helper, models, and the package's index.ts; the .d.ts is not a module to compile.
    expect(result.files).toBe(5)
    expect(result.compiled).toBe(5)
    expect(runCompiled('project/app.ts')).toEqual({
      double: 42,
      helper: 'helper',
      answer: 42,
      fromTsPackage: 'ts-pkg',
      fromJsPackage: 'js-pkg',
      url: pathToFileURL(join(root, 'project/app.ts')).href,
      dirname: join(root, 'project'),
      filename: join(root, 'project/app.ts'),
      fromUrl: `${join(root, 'project')}/`,
      sameModule: true,
      className: 'Named',
    })
    expect(readFileSync(precompiledPath(cacheRoot, join(root, 'project/polls/models.ts')), 'utf8')).toContain(
      '"Question"',
    )
  })

  it('compiles again only the files that changed', async () => {
    const options = { entries: [join(root, 'project/app.ts')], roots: [join(root, 'project')], cacheRoot }
    expect((await precompile(options)).compiled).toBe(0)
    write(
      'project/lib/util.ts',
      'export interface Point { x: number }\nexport function double(p: Point): number { return p.x * 3 }\n',
    )
    // A different mtime for sure, whatever the file system's resolution.
    utimesSync(join(root, 'project/lib/util.ts'), new Date(), new Date(Date.now() + 5_000))
    const again = await precompile(options)
    expect(again.compiled).toBe(1)
    expect((runCompiled('project/app.ts') as { double: number }).double).toBe(63)
  })

  it('names the file, line and column of a syntax error, and how to avoid compiling', async () => {
    write('project/broken.ts', 'export const ok = 1\nexport const bad: number = (\n')
    const error = await precompile({
      entries: [join(root, 'project/broken.ts')],
      roots: [],
      cacheRoot,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PrecompileError)
    expect((error as Error).message).toMatch(
      new RegExp(`${join(root, 'project/broken.ts').replaceAll('/', '\\/')}:3:1: .*--no-precompile`),
    )
    rmSync(join(root, 'project/broken.ts'))
  })

  it('compiles a package linked into node_modules once, under its real path, whichever path names it', async () => {
    // As `npm install ../framework` links the framework: a symlink to a folder elsewhere.
    const outside = mkdtempSync(join(tmpdir(), 'precompile-linked-'))
    try {
      mkdirSync(join(outside, 'src'))
      writeFileSync(
        join(outside, 'package.json'),
        JSON.stringify({ name: 'linked-pkg', type: 'module', exports: { '.': './src/index.ts' } }),
      )
      writeFileSync(join(outside, 'src/index.ts'), 'export const token: object = {}\n')
      symlinkSync(outside, join(root, 'node_modules/linked-pkg'), 'dir')
      write(
        'project/linked.ts',
        [
          "import { token } from 'linked-pkg'",
          'const again = await import(process.env.LINKED_URL!)',
          'console.log(JSON.stringify({ same: again.token === token }))',
          '',
        ].join('\n'),
      )
      await precompile({ entries: [join(root, 'project/linked.ts')], roots: [], cacheRoot })
      // The framework imports INSTALLED_APPS by path, and that path may go through the symlink.
      const throughLink = join(root, 'node_modules/linked-pkg/src/index.ts')
      const url = projectModuleUrl(throughLink, { FRAMEWORK_PRECOMPILED: cacheRoot })
      expect(url).toBe(pathToFileURL(precompiledPath(cacheRoot, join(outside, 'src/index.ts'))).href)
      expect(runCompiled('project/linked.ts', { LINKED_URL: url })).toEqual({ same: true })
    } finally {
      rmSync(join(root, 'node_modules/linked-pkg'), { force: true })
      rmSync(join(root, 'project/linked.ts'), { force: true })
      rmSync(outside, { recursive: true, force: true })
    }
  })

  it('finds the project root and its TypeScript files, skipping node_modules and declarations', () => {
    expect(projectRootOf(join(root, 'project/polls/models.ts'))).toBe(root)
    const files = typeScriptFilesUnder(root).map((f) => f.slice(root.length + 1)).sort()
    expect(files).toEqual([
      'project/app.ts',
      'project/lib/helper.ts',
      'project/lib/util.ts',
      'project/polls/models.ts',
    ])
  })
})

describe('withoutTypeScriptLoader', () => {
  it('drops tsx in each spelling and keeps every other option', () => {
    const tsxUrl = 'file:///srv/app/node_modules/tsx/dist/esm/index.mjs'
    expect(
      withoutTypeScriptLoader([
        '--import',
        tsxUrl,
        '--max-old-space-size=512',
        '--import=tsx',
        '--require',
        'tsx/cjs',
        '--loader',
        'tsx',
        '--import',
        './instrument.mjs',
        '--enable-source-maps',
      ]),
    ).toEqual(['--max-old-space-size=512', '--import', './instrument.mjs', '--enable-source-maps'])
    expect(runsTypeScriptLoader(['--import', tsxUrl])).toBe(true)
    expect(runsTypeScriptLoader(['--import', './instrument.mjs', '--inspect'])).toBe(false)
  })
})

describe('cacheRootFor', () => {
  it("is in the project's node_modules/.cache when there is a node_modules folder", () => {
    const at = cacheRootFor(root, '0.28.2')
    expect(at.startsWith(join(root, 'node_modules/.cache/serve/esbuild-0.28.2-node'))).toBe(true)
  })

  it('is a private folder of the user in the temporary folder otherwise, never one others may write', () => {
    const temporary = mkdtempSync(join(tmpdir(), 'precompile-tmp-'))
    const bare = mkdtempSync(join(tmpdir(), 'precompile-bare-'))
    try {
      const mine = join(temporary, `serve-precompiled-${process.getuid?.() ?? 'user'}`)
      const first = cacheRootFor(bare, '1', temporary)
      expect(first.startsWith(`${mine}/`)).toBe(true)
      expect(statSync(mine).mode & 0o777).toBe(0o700)
      // Someone made it writable for others: workers would run what they put there.
      chmodSync(mine, 0o777)
      const second = cacheRootFor(bare, '1', temporary)
      expect(second.startsWith(`${mine}/`)).toBe(false)
      expect(second.startsWith(join(temporary, 'serve-precompiled-'))).toBe(true)
    } finally {
      rmSync(temporary, { recursive: true, force: true })
      rmSync(bare, { recursive: true, force: true })
    }
  })
})
