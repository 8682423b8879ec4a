/**
 * `framework startproject NAME [DIR]`, through main() with collecting streams: the files it
 * writes and what they say (a fresh key, the framework dependency, this repository's compiler
 * options), the refusals (bad name, non-empty folder) that write nothing, and the dependency
 * spec for a checkout versus a registry install. The install-and-run flow is
 * test/integration/startproject-flow.test.ts.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from './project-fixture.ts'
import { appFiles } from '../../framework/cli/project-template/app-files.ts'
import { frameworkPackage } from '../../framework/cli/project-template/framework-location.ts'
import { projectFiles } from '../../framework/cli/project-template/project-files.ts'
import { generateSecretKey } from '../../framework/cli/project-template/secret-key.ts'

const repo = resolve(import.meta.dirname, '../..')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'startproject-'))
  dirs.push(dir)
  return dir
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8')
const keyOf = (settings: string) => /SECRET_KEY: '([^']*)'/.exec(settings)?.[1]

describe('framework startproject', () => {
  it('writes the project into ./NAME and prints the next commands', async () => {
    const cwd = tempDir()
    const result = await run(cwd, 'startproject', 'mysite')
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('  cd mysite\n  npm install && npm start')
    const dir = join(cwd, 'mysite')
    for (const path of [
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
      'README.md',
      '.gitignore',
      'project/settings.ts',
      'project/urls.ts',
      'project/wsgi.ts',
      'templates/base.html',
      'templates/home.html',
      'static/css/site.css',
      'migrations/.gitkeep',
      'test/home.test.ts',
    ]) {
      expect(existsSync(join(dir, path)), path).toBe(true)
    }
    expect(read(dir, 'project/wsgi.ts')).toContain(
      'export const application = getGatewayApplication(settings)',
    )
    expect(read(dir, 'project/wsgi.ts')).toMatch(/\nawait setup\(settings, .*\)\n\nexport const application/)
    expect(read(dir, 'test/home.test.ts')).toContain("import { Client } from 'framework/testing'")
  })

  it('gives each project a fresh 50-character SECRET_KEY', async () => {
    const cwd = tempDir()
    await run(cwd, 'startproject', 'one')
    await run(cwd, 'startproject', 'two')
    const a = keyOf(read(cwd, 'one/project/settings.ts'))
    const b = keyOf(read(cwd, 'two/project/settings.ts'))
    expect(a).toHaveLength(50)
    expect(b).toHaveLength(50)
    expect(a).not.toBe(b)
  })

  it('depends on this checkout through file:, with start and test scripts', async () => {
    const cwd = tempDir()
    await run(cwd, 'startproject', 'mysite')
    const pkg = JSON.parse(read(cwd, 'mysite/package.json'))
    expect(pkg.dependencies).toEqual({ framework: `file:${repo}` })
    expect(pkg.scripts.start).toBe('framework runserver')
    expect(pkg.scripts.test).toBe('framework test')
    expect(pkg.type).toBe('module')
    const readme = read(cwd, 'mysite/README.md')
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
    expect(readme).toContain(`"framework": "file:${repo}"`)
    expect(readme).toContain('"framework": "^0.1.0"')
  })

  it("uses this repository's compiler options in tsconfig.json", async () => {
    const cwd = tempDir()
    await run(cwd, 'startproject', 'mysite')
    const ours = JSON.parse(read(repo, 'tsconfig.json')).compilerOptions
    expect(JSON.parse(read(cwd, 'mysite/tsconfig.json')).compilerOptions).toEqual(ours)
  })

  it('writes into an explicit empty DIR', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'here'))
    const result = await run(cwd, 'startproject', 'mysite', 'here')
    expect(result.code).toBe(0)
    expect(existsSync(join(cwd, 'here/project/settings.ts'))).toBe(true)
  })

  it('refuses a name that is not an identifier with exit 2, one line and a hint, writing nothing', async () => {
    const cwd = tempDir()
    const result = await run(cwd, 'startproject', 'my-site')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'framework startproject: error: "my-site" is not a valid project name: it must be an identifier (letters, digits and _, not starting with a digit)\n' +
        'hint: for example: framework startproject mysite [DIR]\n',
    )
    expect(readdirSync(cwd)).toEqual([])
  })

  it('refuses a name that would shadow the framework package', async () => {
    const result = await run(tempDir(), 'startproject', 'framework')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^framework startproject: error: "framework" is not a valid project name: it would shadow/,
    )
  })

  it('refuses a non-empty DIR with exit 1, one line and a hint, leaving it untouched', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'busy'))
    writeFileSync(join(cwd, 'busy/notes.txt'), 'mine\n')
    const result = await run(cwd, 'startproject', 'mysite', 'busy')
    expect(result.code).toBe(1)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe(
      `framework startproject: error: "${join(cwd, 'busy')}" is not empty (it holds "notes.txt"); nothing was written`,
    )
    expect(lines[1]).toMatch(/^hint: choose an empty or new folder: framework startproject mysite /)
    expect(readdirSync(join(cwd, 'busy'))).toEqual(['notes.txt'])
  })

  it('asks for NAME when it is missing', async () => {
    const result = await run(tempDir(), 'startproject')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^framework startproject: error: missing NAME.*\nhint: framework startproject mysite/,
    )
  })
})

describe('frameworkPackage', () => {
  it('points a project made from a checkout at the checkout with file:', () => {
    expect(frameworkPackage()).toMatchObject({
      root: repo,
      name: 'framework',
      installed: false,
      dependency: `file:${repo}`,
    })
  })

  it('uses the registry version when the framework runs from node_modules', () => {
    const root = join(tempDir(), 'node_modules', 'framework')
    mkdirSync(root, { recursive: true })
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'framework', version: '1.2.3' }),
    )
    const pkg = frameworkPackage(root)
    expect(pkg).toMatchObject({ installed: true, dependency: '^1.2.3' })
    const readme = projectFiles({ name: 'site', secretKey: generateSecretKey(), framework: pkg })[
      'README.md'
    ]
    expect(readme).toContain('"framework": "^1.2.3"`, from the npm registry')
    expect(readme).toContain('"framework": "file:/path/to/the/checkout"')
  })
})

describe('the generated files', () => {
  it('import only subpaths the framework package exports (startproject and startapp)', () => {
    const files = {
      ...projectFiles({ name: 'site', secretKey: 'k', framework: frameworkPackage() }),
      ...appFiles('polls', 'framework'),
    }
    const specifiers = new Set(
      Object.values(files).flatMap((text) =>
        [...text.matchAll(/from '(framework[^']*)'/g)].map((m) => m[1]!),
      ),
    )
    const exported = Object.keys(JSON.parse(read(repo, 'package.json')).exports ?? {})
    const missing = [...specifiers]
      .map((s) => s.replace(/^framework/, '.'))
      .filter((s) => !exported.includes(s))
    // 'framework/testing' and 'framework/db' (models.ts's example) need "./testing" and "./db"
    // entries in package.json's exports.
    expect(missing).toEqual([])
  })
})
