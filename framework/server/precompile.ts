/**
 * @module Compiling the application's TypeScript to JavaScript once, in the primary, so that
 * workers run it with plain `node`: no module-hooks thread, no compiler in each worker.
 *
 * Why: on Node 20 a TypeScript loader (tsx) runs module hooks in a thread of its own with its own
 * V8 heap, about 32 MiB per worker that is idle once the application has loaded (docs/server.md,
 * "Memory of an idle worker"). Python caches bytecode in __pycache__; this is the same idea: the
 * output lives in a cache directory and is rebuilt only for files that changed.
 *
 * The cache mirrors absolute paths (`<cache>/work/app/project/urls.ts` is compiled to
 * `<cache>/work/app/project/urls.mjs`), and each compiled file keeps what the source would see:
 * - imports of TypeScript files (relative, absolute, or a package whose exports point at .ts, as
 *   this framework's do) are rewritten to the compiled file's URL, and those files compiled too;
 * - other relative imports (JSON, .js) point at the original file;
 * - package imports stay as written, and resolve as from the source because each mirrored
 *   folder whose original has a node_modules folder gets a symlink to it;
 * - `import.meta.url`, `.filename` and `.dirname` are the source's, so paths computed from them
 *   (templates, migrations, BASE_DIR) are the project's own.
 * Files imported by a computed path (INSTALLED_APPS models, ROOT_URLCONF, migrations) cannot be
 * found by following imports: every TypeScript file under the project's root is compiled too,
 * and framework/conf/module-loading.ts maps such imports to the cache in the worker.
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BuildFailure, Plugin, PluginBuild } from 'esbuild'

/** Extensions compiled, and the one the compiled file gets (ESM whatever the package type). */
const sourceExtension = /\.(m?ts|tsx)$/
const compiledExtension = '.mjs'

/** Bumped when what compileFile() emits changes, so older cache entries are not reused. */
const cacheFormat = 1

/**
 * The environment variable that tells a worker where the compiled files are
 * (framework/conf/module-loading.ts reads it too).
 */
export const PRECOMPILED_ENV = 'FRAMEWORK_PRECOMPILED'

/** Raised when a file does not compile; the message names the file, line and column. */
export class PrecompileError extends Error {
  override name = 'PrecompileError'
}

/**
 * The compiled counterpart of a source file in the cache rooted at `cacheRoot`.
 *
 * @example
 * ```ts
 * precompiledPath('/srv/app/node_modules/.cache/serve', '/srv/app/project/urls.ts')
 * // '/srv/app/node_modules/.cache/serve/srv/app/project/urls.mjs'
 * ```
 */
export function precompiledPath(cacheRoot: string, file: string): string {
  return join(cacheRoot, resolve(file)).replace(sourceExtension, compiledExtension)
}

/**
 * A source file's real path (symlinks resolved), as node names a module it loads: a framework
 * linked into node_modules (`npm install ../framework`) is one module whichever path names it.
 * A path that does not exist is returned resolved but otherwise as is.
 */
export function realSourcePath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return resolve(file)
  }
}

/**
 * The compiled counterpart of any path naming a source file (a symlinked one included): what a
 * process running the compiled code imports for `file`.
 */
export function compiledFileFor(cacheRoot: string, file: string): string {
  return precompiledPath(cacheRoot, realSourcePath(file))
}

/** Whether `file` is a TypeScript source this module compiles. */
export function isTypeScriptSource(file: string): boolean {
  return sourceExtension.test(file) && !/\.d\.m?ts$/.test(file)
}

/**
 * The project's root for a file: the nearest folder above it that holds a package.json, or
 * the file's own folder when there is none.
 */
export function projectRootOf(file: string): string {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return dirname(resolve(file))
  }
}

/** Whether this process may create files in `dir` (creating it if need be). */
function usable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * A cache folder of this user's in the temporary folder. Why the checks: anyone may create
 * files there, and workers run what the cache holds, so a folder that another user owns or may
 * write to is not used (a fresh private one is made instead).
 */
function privateTemporaryFolder(temporary: string): string {
  const uid = process.getuid?.()
  const dir = join(temporary, `serve-precompiled-${uid ?? 'user'}`)
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const stat = lstatSync(dir)
  if (stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0)
    return dir
  return mkdtempSync(join(temporary, 'serve-precompiled-'))
}

/**
 * The cache folder for a project, created if need be: `node_modules/.cache/serve` of the
 * project (as npm's tools do) when this process may write there, else a private folder of this
 * user's in the temporary folder (a deployment whose code is read-only to the service's user).
 * The esbuild and node versions and the output's format are part of the path, so a change of
 * any compiles afresh.
 */
export function cacheRootFor(
  projectRoot: string,
  compilerVersion: string,
  temporary: string = tmpdir(),
): string {
  const inProject = join(projectRoot, 'node_modules', '.cache', 'serve')
  const base =
    existsSync(join(projectRoot, 'node_modules')) && usable(inProject)
      ? inProject
      : privateTemporaryFolder(temporary)
  return join(base, `esbuild-${compilerVersion}-node${process.versions.node}-f${cacheFormat}`)
}

/** Every TypeScript file under `root`, skipping node_modules and hidden folders. */
export function typeScriptFilesUnder(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile() && isTypeScriptSource(entry.name)) out.push(full)
    }
  }
  walk(resolve(root))
  return out
}

/** What {@link precompile} needs. */
export interface PrecompileOptions {
  /** Files that must be compiled, with everything they import (the worker's entry, the app). */
  entries: readonly string[]
  /** Folders whose TypeScript files are all compiled (for imports by computed path). */
  roots: readonly string[]
  /** Where compiled files go (see {@link cacheRootFor}). */
  cacheRoot: string
}

/** What {@link precompile} did. */
export interface PrecompileResult {
  cacheRoot: string
  /** Source files found up to date or compiled. */
  files: number
  /** Source files compiled this time (the others were up to date). */
  compiled: number
  /** Wall time, in milliseconds. */
  ms: number
}

/** The stamp at the end of each compiled file: what it was compiled from, and what it imports. */
interface Stamp {
  mtimeMs: number
  size: number
  imports: string[]
}

const stampPrefix = '//# precompiled '

function readStamp(compiled: string): Stamp | undefined {
  let text: string
  try {
    text = readFileSync(compiled, 'utf8')
  } catch {
    return undefined
  }
  const at = text.lastIndexOf(stampPrefix)
  if (at < 0) return undefined
  try {
    return JSON.parse(text.slice(at + stampPrefix.length)) as Stamp
  } catch {
    return undefined
  }
}

/** Writes through a temporary file and a rename: a reader sees a whole file, old or new. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, file)
}

/** The real path of the TypeScript file a bare or relative specifier names, else undefined. */
function typeScriptTarget(path: string): string | undefined {
  if (isTypeScriptSource(path) && existsSync(path)) return realSourcePath(path)
  // TypeScript's own convention: `./x.js` in the source means `./x.ts`.
  const swapped = path.replace(/\.(m?)js$/, (_, m: string) => `.${m}ts`)
  if (swapped !== path && !existsSync(path) && existsSync(swapped)) return realSourcePath(swapped)
  return undefined
}

/**
 * An esbuild plugin that leaves every import external, rewriting those that name TypeScript
 * files to their compiled URL and recording them in `imports`.
 */
function rewriteImports(cacheRoot: string, imports: Set<string>): Plugin {
  return {
    name: 'serve-precompile-imports',
    setup(build: PluginBuild) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        const inner = (args.pluginData as { inner?: boolean } | undefined)?.inner
        if (args.kind === 'entry-point' || inner) return undefined
        const specifier = args.path
        if (specifier.startsWith('node:')) return { path: specifier, external: true }
        if (specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:')) {
          const absolute = specifier.startsWith('file:')
            ? fileURLToPath(specifier)
            : resolve(args.resolveDir, specifier)
          const target = typeScriptTarget(absolute)
          if (target) {
            imports.add(target)
            return { path: pathToFileURL(precompiledPath(cacheRoot, target)).href, external: true }
          }
          return { path: pathToFileURL(absolute).href, external: true }
        }
        // A package: kept as written, unless it resolves to TypeScript (a package exporting .ts).
        const found = await build.resolve(specifier, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { inner: true },
        })
        const target = found.errors.length === 0 ? typeScriptTarget(found.path) : undefined
        if (target) {
          imports.add(target)
          return { path: pathToFileURL(precompiledPath(cacheRoot, target)).href, external: true }
        }
        return { path: specifier, external: true }
      })
    },
  }
}

/** Compiles one file; returns the TypeScript files it imports. */
async function compileFile(
  esbuild: typeof import('esbuild'),
  cacheRoot: string,
  source: string,
  stat: { mtimeMs: number; size: number },
): Promise<string[]> {
  const imports = new Set<string>()
  const url = pathToFileURL(source).href
  const outfile = precompiledPath(cacheRoot, source)
  let result
  try {
    result = await esbuild.build({
      entryPoints: [source],
      outfile,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      // For the node that runs the primary (workers run the same binary), as tsx does; esbuild's
      // table drops `with { type: 'json' }` for every node target, which node >= 20.10 needs.
      target: `node${process.versions.node}`,
      supported: { 'import-attributes': true },
      // As tsx compiles: function and class names stay what the source says. Without it,
      // bundling renames some classes (CsrfViewMiddleware became CsrfViewMiddleware2: 60 of
      // the framework's 3,326 exported functions, classes and methods changed name).
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      define: {
        'import.meta.url': JSON.stringify(url),
        'import.meta.filename': JSON.stringify(source),
        'import.meta.dirname': JSON.stringify(dirname(source)),
      },
      plugins: [rewriteImports(cacheRoot, imports)],
    })
  } catch (error) {
    const first = (error as Partial<BuildFailure>).errors?.[0]
    const at = first?.location
    const where = at ? `${resolve(at.file)}:${at.line}:${at.column + 1}` : source
    throw new PrecompileError(
      `${where}: ${first?.text ?? (error as Error).message}. ` +
        'Fix the file, or start serve with --no-precompile to load it through tsx.',
      { cause: error },
    )
  }
  const stamp: Stamp = { mtimeMs: stat.mtimeMs, size: stat.size, imports: [...imports] }
  for (const output of result.outputFiles) {
    if (output.path.endsWith('.map')) writeAtomically(output.path, output.contents)
    else writeAtomically(output.path, `${output.text}${stampPrefix}${JSON.stringify(stamp)}\n`)
  }
  return stamp.imports
}

/**
 * Gives each mirrored folder a `node_modules` symlink where its original has one, so that a
 * package import in a compiled file resolves to the package the source would get.
 */
function linkNodeModules(cacheRoot: string, sources: Iterable<string>): void {
  const done = new Set<string>()
  for (const source of sources) {
    for (let dir = dirname(source); !done.has(dir); dir = dirname(dir)) {
      done.add(dir)
      const original = join(dir, 'node_modules')
      const mirrored = join(cacheRoot, dir, 'node_modules')
      if (existsSync(original) && !existsSync(mirrored)) {
        mkdirSync(dirname(mirrored), { recursive: true })
        try {
          symlinkSync(original, mirrored, 'dir')
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        }
      }
      if (dirname(dir) === dir) break
    }
  }
}

/**
 * Compiles the entries, everything they import, and every TypeScript file under the roots, into
 * the cache; files whose source did not change since (same mtime and size) are kept.
 *
 * @throws PrecompileError naming the file and position that did not compile
 *
 * @example
 * ```ts
 * const cacheRoot = cacheRootFor(projectRoot, esbuild.version)
 * const entries = [workerMain, appFile]
 * const result = await precompile({ entries, roots: [projectRoot], cacheRoot })
 * fork(precompiledPath(result.cacheRoot, workerMain), { execArgv: [] })
 * ```
 */
export async function precompile(options: PrecompileOptions): Promise<PrecompileResult> {
  const started = performance.now()
  const esbuild = await import('esbuild')
  const { cacheRoot } = options
  const seen = new Set<string>()
  let compiled = 0
  let wave = [...options.entries, ...options.roots.flatMap(typeScriptFilesUnder)].map(
    realSourcePath,
  )
  while (wave.length > 0) {
    const next: string[] = []
    const todo = wave.filter((file) => !seen.has(file) && (seen.add(file), true))
    // Bounded concurrency: esbuild compiles in its own process; this only caps open requests.
    for (let i = 0; i < todo.length; i += 32) {
      await Promise.all(
        todo.slice(i, i + 32).map(async (source) => {
          const stat = statSync(source)
          const stamp = readStamp(precompiledPath(cacheRoot, source))
          if (stamp && stamp.mtimeMs === stat.mtimeMs && stamp.size === stat.size) {
            next.push(...stamp.imports)
            return
          }
          next.push(...(await compileFile(esbuild, cacheRoot, source, stat)))
          compiled++
        }),
      )
    }
    wave = next
  }
  linkNodeModules(cacheRoot, seen)
  return { cacheRoot, files: seen.size, compiled, ms: Math.round(performance.now() - started) }
}

/**
 * {@link precompile} into the project's cache ({@link cacheRootFor}), then stops esbuild's
 * service: it compiles in a child process of its own (about 12 MiB) that would otherwise stay
 * beside the caller until it exits; the next call starts it again. What serve's primary runs
 * before each generation of workers, and the bench before it starts its Node peers.
 *
 * @throws PrecompileError naming the file and position that did not compile
 */
export async function precompileProject(
  projectRoot: string,
  entries: readonly string[],
  roots: readonly string[],
): Promise<PrecompileResult> {
  const esbuild = await import('esbuild')
  try {
    return await precompile({
      entries,
      roots,
      cacheRoot: cacheRootFor(projectRoot, esbuild.version),
    })
  } finally {
    await esbuild.stop()
  }
}
