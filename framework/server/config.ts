/**
 * @module serve's configuration: the typed `defineConfig` for serve.config.ts, the command-line
 * parser (read from SETTINGS, so no option is declared twice), `SERVE_CMD_ARGS`, and the
 * precedence: command line > SERVE_CMD_ARGS > per-setting environment variables (e.g.
 * WEB_CONCURRENCY) > config file > defaults.
 */
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Environ } from '../gateway/index.ts'
import {
  SETTINGS,
  SettingError,
  findSetting,
  resolveSettings,
  type PartialSettings,
  type ServeSettings,
  type SettingSpec,
} from './settings.ts'

/** What a primary-side hook receives. */
export interface ArbiterHookContext {
  /** The primary's PID. */
  pid: number
  settings: Readonly<ServeSettings>
}

/** What a per-worker hook receives. */
export interface WorkerHookContext extends ArbiterHookContext {
  /** The worker's stable slot number (1..N, reused by replacements). */
  workerId: number
  /** The worker's PID (undefined in pre_fork: it does not exist yet). */
  workerPid?: number
}

/** Server hooks, Gunicorn's names camelCased. Which process runs each is noted. */
export interface ServeHooks {
  /** Primary, before binding. */
  onStarting?(ctx: ArbiterHookContext): void | Promise<void>
  /** Primary, once every first worker reported ready. */
  whenReady?(ctx: ArbiterHookContext): void | Promise<void>
  /** Primary, just before a worker is forked. */
  preFork?(ctx: WorkerHookContext): void | Promise<void>
  /** Worker, after the fork, before the application is imported. */
  postFork?(ctx: WorkerHookContext): void | Promise<void>
  /** Primary, after a worker exited. */
  workerExit?(
    ctx: WorkerHookContext & { code: number | null; signal: string | null },
  ): void | Promise<void>
  /** Worker, before the application is called; may add environ keys. */
  preRequest?(environ: Environ): void
  /** Worker, after the response finished. */
  postRequest?(environ: Environ, status: number): void
  /** Primary, just before it exits. */
  onExit?(ctx: ArbiterHookContext): void | Promise<void>
}

/** What serve.config.ts exports as `config`. */
export type ServeConfig = PartialSettings & { hooks?: ServeHooks }

/**
 * Types a config file. Export the result as `config` (named: this project has no default exports).
 *
 * @example
 * ```ts
 * // serve.config.ts
 * import { defineConfig } from 'framework/server'
 * export const config = defineConfig({
 *   bind: ['unix:/run/mysite/serve.sock'],
 *   workers: 4,
 *   hooks: { whenReady: ({ pid }) => console.log('ready', pid) },
 * })
 * ```
 */
export function defineConfig(config: ServeConfig): ServeConfig {
  return config
}

/** A coded error for a command line that cannot be parsed. */
export class UsageError extends Error {
  readonly code = 'serve.E_USAGE'
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** A coded error for a config file that cannot be loaded. */
export class ConfigFileError extends Error {
  readonly code = 'serve.E_CONFIG_FILE'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConfigFileError'
  }
}

/**
 * Parses command-line arguments into a settings layer. `--flag value`, `--flag=value`, `-w 2`,
 * a bare `--flag` for booleans (and `--no-flag`), repeated list flags accumulate, and one
 * positional MODULE:ATTR.
 *
 * @example
 * ```ts
 * parseArgs(['-w', '2', '--bind', 'unix:/tmp/s.sock', 'app:application'])
 * // { workers: '2', bind: ['unix:/tmp/s.sock'], app: 'app:application' }
 * ```
 */
export function parseArgs(argv: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('-') || arg === '-') {
      if (out.app !== undefined) {
        throw new UsageError(
          `Unexpected argument ${JSON.stringify(arg)}: serve takes one MODULE:ATTR (already got ${JSON.stringify(out.app)}).`,
        )
      }
      out.app = arg
      continue
    }
    const eq = arg.indexOf('=')
    let flag = eq > 0 ? arg.slice(0, eq) : arg
    let inline = eq > 0 ? arg.slice(eq + 1) : undefined
    let negated = false
    if (flag.startsWith('--no-') && !findSetting(flag)) {
      flag = `--${flag.slice(5)}`
      negated = true
    }
    // Gunicorn spells it --limit-request-field_size; accept the dashed form too.
    const spec = findSetting(flag) ?? findSetting(flag.replace(/-size$/, '_size'))
    if (!spec) {
      throw new UsageError(
        `Unknown option ${JSON.stringify(flag)}: run \`serve --help\` for the list of options.`,
      )
    }
    if (spec.kind === 'boolean') {
      if (negated) inline = 'false'
      out[spec.name] = inline ?? true
      continue
    }
    if (negated)
      throw new UsageError(`${flag} is not a boolean option: --no-${flag.slice(2)} means nothing.`)
    const value = inline ?? argv[++i]
    if (value === undefined)
      throw new UsageError(
        `Option ${flag} needs a value, e.g. ${flag} ${String(exampleValue(spec))}.`,
      )
    if (spec.kind === 'list')
      out[spec.name] = [...((out[spec.name] as string[] | undefined) ?? []), value]
    else out[spec.name] = value
  }
  return out
}

function exampleValue(spec: SettingSpec<unknown>): unknown {
  return Array.isArray(spec.default) ? spec.default[0] : (spec.default ?? 'VALUE')
}

/**
 * Splits an argument string the way a POSIX shell would for plain words, single and double
 * quotes (no expansion), for `SERVE_CMD_ARGS`.
 *
 * @example
 * ```ts
 * splitArgs(`--workers 2 --name 'my site'`) // ['--workers', '2', '--name', 'my site']
 * ```
 */
export function splitArgs(line: string): string[] {
  const words: string[] = []
  let current: string | undefined
  let quote: '"' | "'" | undefined
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined
      else current += c
    } else if (c === '"' || c === "'") {
      quote = c
      current ??= ''
    } else if (/\s/.test(c)) {
      if (current !== undefined) words.push(current)
      current = undefined
    } else current = (current ?? '') + c
  }
  if (quote)
    throw new UsageError(`SERVE_CMD_ARGS has an unclosed ${quote} quote: ${JSON.stringify(line)}.`)
  if (current !== undefined) words.push(current)
  return words
}

/** The per-setting environment variables that are set, as a settings layer. */
function envLayer(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const spec of SETTINGS as readonly SettingSpec<unknown>[]) {
    if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '')
      out[spec.name] = env[spec.env]
  }
  return out
}

/**
 * Imports a config file and returns its `config` export (validated later by resolveSettings).
 *
 * @example
 * ```ts
 * const { hooks, ...layer } = await loadConfigFile('serve.config.ts')
 * ```
 */
export async function loadConfigFile(
  path: string,
  importModule: (file: string) => Promise<Record<string, unknown>> = async (file) =>
    (await import(pathToFileURL(file).href)) as Record<string, unknown>,
): Promise<ServeConfig> {
  let mod: Record<string, unknown>
  try {
    mod = await importModule(path)
  } catch (error) {
    throw new ConfigFileError(
      `Cannot load the config file ${JSON.stringify(path)}: ${(error as Error).message}. Fix the file or point --config elsewhere.`,
      { cause: error },
    )
  }
  const config = mod.config
  if (typeof config !== 'object' || config === null) {
    throw new ConfigFileError(
      `The config file ${JSON.stringify(path)} has no \`config\` export: write \`export const config = defineConfig({ ... })\`.`,
    )
  }
  return config as ServeConfig
}

/** What loadServeConfig returns. */
export interface LoadedConfig {
  settings: ServeSettings
  hooks: ServeHooks
  /** The absolute path of the config file read, if any. */
  configPath: string | undefined
}

/** Where loadServeConfig reads from; all injectable for tests. */
export interface ConfigSources {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

/**
 * Resolves the settings with the documented precedence: command line > SERVE_CMD_ARGS >
 * per-setting environment variables > config file > defaults. The config file is `--config`
 * (from the command line or SERVE_CMD_ARGS), else serve.config.ts in `cwd` when present.
 *
 * @example
 * ```ts
 * const { settings, hooks } = await loadServeConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() })
 * ```
 */
export async function loadServeConfig(sources: ConfigSources): Promise<LoadedConfig> {
  const cli = parseArgs(sources.argv)
  const cmdArgs = sources.env.SERVE_CMD_ARGS ? parseArgs(splitArgs(sources.env.SERVE_CMD_ARGS)) : {}
  const env = envLayer(sources.env)
  const explicit = (cli.config ?? cmdArgs.config) as string | undefined
  let configPath: string | undefined
  if (explicit) {
    configPath = isAbsolute(explicit) ? explicit : resolve(sources.cwd, explicit)
    if (!existsSync(configPath)) {
      throw new ConfigFileError(
        `The config file ${JSON.stringify(explicit)} does not exist (looked at ${configPath}).`,
      )
    }
  } else if (existsSync(resolve(sources.cwd, 'serve.config.ts'))) {
    configPath = resolve(sources.cwd, 'serve.config.ts')
  }
  const file: ServeConfig = configPath ? await loadConfigFile(configPath) : {}
  const { hooks = {}, ...fileLayer } = file
  for (const [name, hook] of Object.entries(hooks)) {
    if (typeof hook !== 'function') {
      throw new SettingError(
        `hooks.${name}`,
        `The hook ${JSON.stringify(name)} in ${JSON.stringify(configPath)} is not a function.`,
      )
    }
  }
  const settings = resolveSettings(fileLayer, env, cmdArgs, cli)
  if (configPath) settings.config = configPath
  return { settings, hooks, configPath }
}
