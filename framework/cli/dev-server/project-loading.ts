/**
 * @module Loading a project's settings module for the project commands (runserver, check), with
 * every failure turned into one line and a hint: a settings error (ImproperlyConfigured) says
 * which setting; a module that fails to import says which file and why.
 */
import { existsSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Settings } from '../../conf/index.ts'

/** The default settings module and application, relative to the project folder. */
export const DEFAULT_SETTINGS = 'project/settings.ts'
export const DEFAULT_APPLICATION = 'project/wsgi.ts:application'

/** A load failure as the commands print it. */
export interface LoadFailure {
  /** `settings` (ImproperlyConfigured), `import` (the module threw or does not parse), `missing`. */
  kind: 'settings' | 'import' | 'missing'
  /** One line: what failed and why. */
  message: string
  /** What to do about it. */
  hint: string
  /** The full error text (stack), for the error page and for --traceback. */
  detail: string
}

/** The error thrown by loadSettings(), carrying its LoadFailure. */
export class ProjectLoadError extends Error {
  override name = 'ProjectLoadError'
  readonly failure: LoadFailure
  constructor(failure: LoadFailure, options?: { cause?: unknown }) {
    super(failure.message, options)
    this.failure = failure
  }
}

/** Joins a multi-line message into one line (`Invalid settings:\n  [x] y` → `Invalid settings: [x] y`). */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
}

/**
 * Describes why loading `file` (the settings module or the application) failed.
 *
 * @example
 * ```ts
 * describeLoadFailure(error, 'project/settings.ts').message
 * // 'project/settings.ts: Invalid settings: [conf.E001] unknown setting "ALLOWED_HOST": ...'
 * ```
 */
export function describeLoadFailure(error: unknown, file: string): LoadFailure {
  const err = error instanceof Error ? error : new Error(String(error))
  const code = (err as { code?: unknown }).code
  const detail = err.stack ?? err.message
  // ImproperlyConfigured may come from another copy of the framework (a linked checkout), so
  // recognise it by name and code rather than by instanceof.
  if (
    err.name === 'ImproperlyConfigured' ||
    (typeof code === 'string' && code.startsWith('conf.'))
  ) {
    return {
      kind: 'settings',
      message: `settings error in ${file}: ${oneLine(err.message)}`,
      hint: `fix the setting named above in ${file} (docs/settings.md lists every setting), or the environment variable that overrides it`,
      detail,
    }
  }
  if (typeof code === 'string' && code.startsWith('GW-L0') && code !== 'GW-L03') {
    return {
      kind: 'missing',
      message: oneLine(err.message),
      hint: `pass --app MODULE:ATTR (default ${DEFAULT_APPLICATION}) or fix the module`,
      detail,
    }
  }
  const cause = (err as { cause?: unknown }).cause
  const root = code === 'GW-L03' && cause instanceof Error ? cause : err
  const where = errorLocation(root)
  return {
    kind: 'import',
    message: `cannot load ${file}: ${root.name}: ${oneLine(root.message)}`,
    hint: where
      ? `fix the error at ${where} (then run again, or save it while runserver is running)`
      : `fix the error in ${file} or a module it imports (then run again, or save it while runserver is running)`,
    detail: root.stack ?? detail,
  }
}

/**
 * Where the user's code failed: a compiler's `path:line:col` in the message (esbuild's syntax
 * errors), else the first stack frame outside node_modules and node's internals.
 */
function errorLocation(error: Error): string | undefined {
  const compiled = /(\/[^\s:]+\.[cm]?[jt]sx?):(\d+):(\d+)/.exec(error.message)
  if (compiled) return `${compiled[1]}:${compiled[2]}:${compiled[3]}`
  for (const match of (error.stack ?? '').matchAll(
    /\n\s+at .*?\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)/g,
  )) {
    const path = match[1]?.replace(/^file:\/\//, '') ?? ''
    if (!path.includes('/node_modules/')) return `${path}:${match[2]}:${match[3]}`
  }
  return undefined
}

/**
 * Imports the settings module (its `settings` export) from `cwd`.
 *
 * @throws ProjectLoadError with a LoadFailure that names the file and the fix
 *
 * @example
 * ```ts
 * const settings = await loadSettings(process.cwd(), 'project/settings.ts')
 * ```
 */
export async function loadSettings(cwd: string, module = DEFAULT_SETTINGS): Promise<Settings> {
  const file = isAbsolute(module) ? module : resolve(cwd, module)
  const shown = relative(cwd, file) || file
  if (!existsSync(file)) {
    throw new ProjectLoadError({
      kind: 'missing',
      message: `settings module ${JSON.stringify(shown)} not found (looked at ${file})`,
      hint: `run the command from the project folder (the one holding ${DEFAULT_SETTINGS}), or pass --settings path/to/settings.ts`,
      detail: '',
    })
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new ProjectLoadError(describeLoadFailure(error, shown), { cause: error })
  }
  const settings = mod['settings']
  if (typeof settings !== 'object' || settings === null || !('INSTALLED_APPS' in settings)) {
    throw new ProjectLoadError({
      kind: 'settings',
      message: `${shown} has no 'settings' export made by defineSettings()`,
      hint: 'export const settings = defineSettings({ ... }) in that module',
      detail: '',
    })
  }
  return settings as Settings
}
