/**
 * @module Loading the application named `MODULE:ATTR`: MODULE is a file path with or without its
 * extension (`.ts` is loaded directly, through tsx), ATTR defaults to `application`.
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Application } from '../gateway/index.ts'

/** A coded error: the application could not be found or imported. */
export class AppLoadError extends Error {
  readonly code = 'serve.E_APP_LOAD'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AppLoadError'
  }
}

/**
 * Splits `MODULE:ATTR` and finds the module's file under `cwd`.
 *
 * @example
 * ```ts
 * resolveAppSpec('examples/hello_world:processHttpRequest', process.cwd())
 * // { file: '/srv/app/examples/hello_world.ts', attr: 'processHttpRequest' }
 * ```
 */
export function resolveAppSpec(spec: string, cwd: string): { file: string; attr: string } {
  // Why the last colon: a Windows-style or odd path may hold one; ATTR never does.
  const colon = spec.lastIndexOf(':')
  const modulePart = colon > 0 ? spec.slice(0, colon) : spec
  const attr = colon > 0 ? spec.slice(colon + 1) : 'application'
  if (!/^[A-Za-z_$][\w$]*$/.test(attr)) {
    throw new AppLoadError(
      `${JSON.stringify(attr)} in ${JSON.stringify(spec)} is not an export name: write MODULE:ATTR, e.g. project/wsgi:application.`,
    )
  }
  const base = isAbsolute(modulePart) ? modulePart : resolve(cwd, modulePart)
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.mts`,
    `${base}.js`,
    `${base}.mjs`,
    resolve(base, 'index.ts'),
  ]
  const file = candidates.find((c) => existsSync(c) && statSync(c).isFile())
  if (!file) {
    throw new AppLoadError(
      `No module for ${JSON.stringify(spec)}: looked for ${candidates.join(', ')}. Check the path (relative to ${cwd}, or --chdir).`,
    )
  }
  return { file, attr }
}

/**
 * Imports the module and returns its ATTR export, checked to be a function.
 *
 * @example
 * ```ts
 * const app = await loadApplication('project/wsgi:application', process.cwd())
 * ```
 */
export async function loadApplication(spec: string, cwd: string): Promise<Application> {
  const { file, attr } = resolveAppSpec(spec, cwd)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new AppLoadError(
      `Importing ${file} for ${JSON.stringify(spec)} failed: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const app = mod[attr]
  if (typeof app !== 'function') {
    const names = Object.keys(mod).join(', ') || 'none'
    throw new AppLoadError(
      `${file} has no function export ${JSON.stringify(attr)} (exports: ${names}): name the callable after the colon, e.g. ${spec.split(':')[0]}:application.`,
    )
  }
  return app as Application
}
