/**
 * @module How the primary starts a generation of workers: which entry file, which node options
 * and which extra environment. With --precompile (the default) the application and the worker
 * are compiled to JavaScript first (precompile.ts), and workers run them with plain node and no
 * TypeScript loader; each HUP reload compiles again (only what changed).
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findApplicationFile } from '../gateway/index.ts'
import {
  PRECOMPILED_ENV,
  compiledFileFor,
  isTypeScriptSource,
  precompileProject,
  projectRootOf,
  type PrecompileResult,
} from './precompile.ts'
import type { ServeSettings } from './settings.ts'

/** What a worker is forked with. */
export interface WorkerLaunch {
  entry: string
  execArgv: string[]
  /** Added to the workers' environment. */
  env: Record<string, string>
  /** Set when the workers run precompiled code. */
  precompiled?: PrecompileResult
}

/** The framework's folder (framework/), compiled whole: it imports modules by computed path too. */
const frameworkRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * node's arguments without the TypeScript loader: `--import tsx`, `--import=file:///.../tsx/...`,
 * `--loader tsx`, `--require tsx/cjs` (and their values). Other options are kept.
 *
 * @example
 * ```ts
 * const tsx = 'file:///app/node_modules/tsx/dist/loader.mjs'
 * withoutTypeScriptLoader(['--import', tsx, '--max-old-space-size=512'])
 * // ['--max-old-space-size=512']
 * ```
 */
export function withoutTypeScriptLoader(execArgv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    if (/^--(import|require|loader|experimental-loader)$|^-r$/.test(flag)) {
      const value = inline ?? execArgv[i + 1] ?? ''
      if (inline === undefined) i++
      if (/\btsx\b/.test(value)) continue
      out.push(arg, ...(inline === undefined ? [value] : []))
      continue
    }
    out.push(arg)
  }
  return out
}

/** Whether node's arguments load a TypeScript loader (without one, no worker could run .ts). */
export function runsTypeScriptLoader(execArgv: readonly string[]): boolean {
  return withoutTypeScriptLoader(execArgv).length !== execArgv.length
}

/**
 * The launch for the next generation of workers. Without --precompile, or when the worker entry
 * is not TypeScript, or no TypeScript loader runs, it is `base` unchanged.
 *
 * @throws PrecompileError when a file does not compile (the message names it)
 */
export async function prepareWorkerLaunch(
  settings: ServeSettings,
  base: { entry: string; execArgv: string[] },
  cwd: string,
): Promise<WorkerLaunch> {
  const plain: WorkerLaunch = {
    entry: base.entry,
    execArgv: base.execArgv,
    env: { [PRECOMPILED_ENV]: '' },
  }
  if (!settings.precompile || !/\.m?ts$/.test(base.entry) || !runsTypeScriptLoader(base.execArgv))
    return plain
  const appFile = settings.app ? findApplicationFile(settings.app, cwd) : undefined
  // No application file: the worker reports that itself, the way it always has.
  if (!appFile) return plain
  const projectRoot = projectRootOf(appFile)
  const config = settings.config ? resolve(cwd, settings.config) : undefined
  const configFile = config && existsSync(config) ? [config] : []
  const result = await precompileProject(
    projectRoot,
    [base.entry, appFile, ...configFile],
    [projectRoot, frameworkRoot],
  )
  return {
    entry: compiledFileFor(result.cacheRoot, base.entry),
    // Source maps: stack traces (logs, the debug page) name the .ts files and lines, as under tsx.
    execArgv: [...withoutTypeScriptLoader(base.execArgv), '--enable-source-maps'],
    env: { [PRECOMPILED_ENV]: result.cacheRoot },
    precompiled: result,
  }
}

/**
 * How a worker imports the application's and the config file's modules: the compiled file when
 * the primary precompiled them, else the file itself.
 */
export async function importForWorker(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Record<string, unknown>> {
  const cacheRoot = env[PRECOMPILED_ENV]
  const compiled = cacheRoot && isTypeScriptSource(file) ? compiledFileFor(cacheRoot, file) : file
  return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>
}
