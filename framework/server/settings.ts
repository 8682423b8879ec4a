/**
 * @module Every `serve` option, declared once: name, command-line flag, environment variable,
 * validator, default and description. The command-line parser (config.ts), config-file loading,
 * `--check-config`, `--print-config` and the settings table of docs/server.md all read this list.
 *
 * Why one table and not a class per option (Gunicorn's config.py): a plain array is easy to
 * iterate for docs and parsing, and the `ServeSettings` type is derived from it, so adding an
 * option is one record here and nothing else. Names follow Gunicorn's (camelCased) where
 * Gunicorn has the option.
 */

/** The kinds of value a setting holds; the command-line parser and the docs read it. */
export type SettingKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'mode'

/** A coded error for a setting whose value is unusable: names the setting and the fix. */
export class SettingError extends Error {
  readonly code = 'serve.E_SETTING'
  readonly setting: string
  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SettingError'
    this.setting = setting
  }
}

/** One option's declaration. `T` is the resolved value's type. */
export interface SettingSpec<T> {
  /** The key in serve.config.ts and in the resolved settings (camelCase Gunicorn name). */
  readonly name: string
  /** The long command-line flag, e.g. `--workers`. */
  readonly flag: string
  /** A one-letter alias, e.g. `-w`. */
  readonly short?: string
  /** An environment variable read as a default (below SERVE_CMD_ARGS and the command line). */
  readonly env?: string
  readonly kind: SettingKind
  /** The default, as shown in the docs. */
  readonly default: T
  /** Section heading in docs/server.md. */
  readonly section: string
  readonly description: string
  /** Validates a value from any source (string from argv/env, typed value from the config file). */
  readonly parse: (raw: unknown) => T
}

function fail(flag: string, raw: unknown, expected: string): never {
  throw new SettingError(
    flag,
    `${flag} got ${JSON.stringify(raw)}: expected ${expected}. Fix the command line, the environment or serve.config.ts.`,
  )
}

function integer(flag: string, min: number): (raw: unknown) => number {
  return (raw) => {
    const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      fail(flag, raw, `an integer >= ${min}`)
    }
    return value
  }
}

function decimal(flag: string, min: number): (raw: unknown) => number {
  return (raw) => {
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      fail(flag, raw, `a number >= ${min}`)
    }
    return value
  }
}

const truthy = new Set(['1', 'true', 'yes', 'on'])
const falsy = new Set(['0', 'false', 'no', 'off'])

function boolean(flag: string): (raw: unknown) => boolean {
  return (raw) => {
    if (typeof raw === 'boolean') return raw
    if (typeof raw === 'string' && truthy.has(raw.trim().toLowerCase())) return true
    if (typeof raw === 'string' && falsy.has(raw.trim().toLowerCase())) return false
    return fail(flag, raw, 'a boolean (true/false, 1/0, yes/no, on/off)')
  }
}

function text(flag: string, allowed?: readonly string[]): (raw: unknown) => string {
  return (raw) => {
    if (typeof raw !== 'string') fail(flag, raw, 'a string')
    if (allowed && !allowed.includes(raw)) fail(flag, raw, `one of ${allowed.join(', ')}`)
    return raw
  }
}

function optionalText(flag: string): (raw: unknown) => string | undefined {
  return (raw) => {
    if (raw === undefined || raw === null || raw === '') return undefined
    return text(flag)(raw)
  }
}

function list(flag: string): (raw: unknown) => string[] {
  return (raw) => {
    if (typeof raw === 'string') return [raw]
    if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return [...raw]
    return fail(flag, raw, 'a string or a list of strings')
  }
}

function mode(flag: string): (raw: unknown) => number {
  return (raw) => {
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 0o777) return raw
    if (typeof raw === 'string' && /^0?o?[0-7]{1,3}$/.test(raw.trim())) {
      return parseInt(raw.trim().replace(/^0?o?/, '') || '0', 8)
    }
    return fail(flag, raw, 'an octal file mode such as 660 or 0o660')
  }
}

/** The access log format Gunicorn uses by default (Apache combined, plus nothing else). */
export const DEFAULT_ACCESS_LOG_FORMAT =
  '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'

/**
 * All options, in the order of docs/server.md. `as const satisfies` keeps each record's value
 * type so `ServeSettings` can be derived.
 *
 * @example
 * ```ts
 * for (const spec of SETTINGS) console.log(spec.flag, spec.default)
 * ```
 */
export const SETTINGS = [
  {
    name: 'config',
    flag: '--config',
    short: '-c',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Config file',
    description:
      'Path of the config file (a module exporting `config = defineConfig({...})`). serve.config.ts in the working directory is loaded when present.',
    parse: optionalText('--config'),
  },
  {
    name: 'checkConfig',
    flag: '--check-config',
    kind: 'boolean',
    default: false,
    section: 'Config file',
    description:
      'Resolve and validate the settings, import the application, then exit (0 when all is well).',
    parse: boolean('--check-config'),
  },
  {
    name: 'printConfig',
    flag: '--print-config',
    kind: 'boolean',
    default: false,
    section: 'Config file',
    description: 'Print the resolved settings as JSON, then exit.',
    parse: boolean('--print-config'),
  },
  {
    name: 'bind',
    flag: '--bind',
    short: '-b',
    kind: 'list',
    default: ['127.0.0.1:8000'] as string[],
    section: 'Server socket',
    description:
      'Where to listen; repeat for several: `HOST:PORT`, `[::1]:PORT`, `unix:PATH`, `fd://N`. Under systemd socket activation (LISTEN_FDS) the inherited sockets are used instead.',
    parse: list('--bind'),
  },
  {
    name: 'bindMode',
    flag: '--bind-mode',
    kind: 'mode',
    default: 0o660,
    section: 'Server socket',
    description: 'File mode of `unix:` sockets (octal), so e.g. the Nginx group can connect.',
    parse: mode('--bind-mode'),
  },
  {
    name: 'certfile',
    flag: '--certfile',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Server socket',
    description: 'PEM certificate chain: serve TLS directly.',
    parse: optionalText('--certfile'),
  },
  {
    name: 'keyfile',
    flag: '--keyfile',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Server socket',
    description: 'PEM private key for --certfile.',
    parse: optionalText('--keyfile'),
  },
  {
    name: 'workers',
    flag: '--workers',
    short: '-w',
    env: 'WEB_CONCURRENCY',
    kind: 'integer',
    default: 1,
    section: 'Worker processes',
    description: 'Number of worker processes.',
    parse: integer('--workers', 1),
  },
  {
    name: 'timeout',
    flag: '--timeout',
    short: '-t',
    kind: 'number',
    default: 30,
    section: 'Worker processes',
    description:
      "Seconds without a heartbeat (the worker's event loop ticks every timeout/4) before the primary kills and replaces the worker. 0 disables.",
    parse: decimal('--timeout', 0),
  },
  {
    name: 'gracefulTimeout',
    flag: '--graceful-timeout',
    kind: 'number',
    default: 30,
    section: 'Worker processes',
    description:
      'Seconds a stopping worker may spend finishing in-flight requests before it is killed.',
    parse: decimal('--graceful-timeout', 0),
  },
  {
    name: 'requestTimeout',
    flag: '--request-timeout',
    kind: 'number',
    default: 0,
    section: 'Worker processes',
    description:
      'Seconds one request may run: then gateway.signal is aborted and 503 is sent if nothing was sent yet; the worker lives on. 0 disables.',
    parse: decimal('--request-timeout', 0),
  },
  {
    name: 'maxRequests',
    flag: '--max-requests',
    kind: 'integer',
    default: 0,
    section: 'Worker processes',
    description:
      'Recycle a worker after this many requests (its replacement starts first). 0 disables.',
    parse: integer('--max-requests', 0),
  },
  {
    name: 'maxRequestsJitter',
    flag: '--max-requests-jitter',
    kind: 'integer',
    default: 0,
    section: 'Worker processes',
    description:
      "Add a random 0..N to each worker's --max-requests so workers do not all recycle at once.",
    parse: integer('--max-requests-jitter', 0),
  },
  {
    name: 'maxWorkerMemory',
    flag: '--max-worker-memory',
    kind: 'integer',
    default: 0,
    section: 'Worker processes',
    description:
      'Recycle a worker whose RSS stays above this many MiB for two heartbeats in a row. 0 disables.',
    parse: integer('--max-worker-memory', 0),
  },
  {
    name: 'preloadApp',
    flag: '--preload',
    kind: 'boolean',
    default: false,
    section: 'Worker processes',
    description:
      'Import the application once in the primary before forking, to fail fast. Node cannot share memory by fork: each worker still imports it.',
    parse: boolean('--preload'),
  },
  {
    name: 'reload',
    flag: '--reload',
    kind: 'boolean',
    default: false,
    section: 'Worker processes',
    description:
      'Development: restart the workers when a file under the working directory changes.',
    parse: boolean('--reload'),
  },
  {
    name: 'precompile',
    flag: '--precompile',
    kind: 'boolean',
    default: true,
    section: 'Worker processes',
    description:
      "Compile the application's TypeScript to JavaScript in the primary (cached, only changed files again) so workers run it without a TypeScript loader: about 35 MiB less per worker on Node 20. --no-precompile loads it through tsx in each worker.",
    parse: boolean('--precompile'),
  },
  {
    name: 'keepalive',
    flag: '--keep-alive',
    kind: 'number',
    default: 75,
    section: 'HTTP',
    description:
      'Seconds an idle keep-alive connection stays open; above the 60 s of common load balancers so they, not we, close idle connections.',
    parse: decimal('--keep-alive', 0),
  },
  {
    name: 'headerTimeout',
    flag: '--header-timeout',
    kind: 'number',
    default: 30,
    section: 'HTTP',
    description: 'Seconds to receive a request head (slow-client protection).',
    parse: decimal('--header-timeout', 0),
  },
  {
    name: 'readTimeout',
    flag: '--read-timeout',
    kind: 'number',
    default: 300,
    section: 'HTTP',
    description:
      'Seconds to receive a whole request, body included (slow-client protection). 0 disables.',
    parse: decimal('--read-timeout', 0),
  },
  {
    name: 'limitRequestLine',
    flag: '--limit-request-line',
    kind: 'integer',
    default: 4094,
    section: 'HTTP',
    description: 'Longest request line in bytes (414 above it). 0 means no limit.',
    parse: integer('--limit-request-line', 0),
  },
  {
    name: 'limitRequestFields',
    flag: '--limit-request-fields',
    kind: 'integer',
    default: 100,
    section: 'HTTP',
    description: 'Most header fields in a request (431 above it).',
    parse: integer('--limit-request-fields', 0),
  },
  {
    name: 'limitRequestFieldSize',
    flag: '--limit-request-field_size',
    kind: 'integer',
    default: 8190,
    section: 'HTTP',
    description: 'Longest header field in bytes (431 above it).',
    parse: integer('--limit-request-field_size', 0),
  },
  {
    name: 'limitRequestBody',
    flag: '--limit-request-body',
    kind: 'integer',
    default: 0,
    section: 'HTTP',
    description: 'Largest request body in bytes (413 above it). 0 means no cap.',
    parse: integer('--limit-request-body', 0),
  },
  {
    name: 'requireHostHeader',
    flag: '--require-host-header',
    kind: 'boolean',
    default: true,
    section: 'HTTP',
    description:
      'Answer 400 to an HTTP/1.1 request without Host (RFC 9112 section 3.2). Gunicorn accepts them; turn off to do the same.',
    parse: boolean('--require-host-header'),
  },
  {
    name: 'forwardedAllowIps',
    flag: '--forwarded-allow-ips',
    env: 'FORWARDED_ALLOW_IPS',
    kind: 'string',
    default: '127.0.0.1,::1',
    section: 'Proxies',
    description:
      'Peers (IPs, CIDRs or `*`, comma-separated) whose Forwarded / X-Forwarded-* headers and PROXY preambles are believed. Unix-socket peers are always trusted.',
    parse: text('--forwarded-allow-ips'),
  },
  {
    name: 'proxyProtocol',
    flag: '--proxy-protocol',
    kind: 'boolean',
    default: false,
    section: 'Proxies',
    description: 'Expect a PROXY protocol v1/v2 preamble from trusted peers.',
    parse: boolean('--proxy-protocol'),
  },
  {
    name: 'accesslog',
    flag: '--access-logfile',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Logging',
    description: 'Access log file; `-` is stdout. Off when unset.',
    parse: optionalText('--access-logfile'),
  },
  {
    name: 'accessLogFormat',
    flag: '--access-logformat',
    kind: 'string',
    default: DEFAULT_ACCESS_LOG_FORMAT,
    section: 'Logging',
    description: "Access log line with Gunicorn's atoms, or `json` for one JSON object per line.",
    parse: text('--access-logformat'),
  },
  {
    name: 'errorlog',
    flag: '--error-logfile',
    kind: 'string',
    default: '-',
    section: 'Logging',
    description: 'Error log file; `-` is stderr. Reopened on SIGUSR2 (for logrotate).',
    parse: text('--error-logfile'),
  },
  {
    name: 'loglevel',
    flag: '--log-level',
    kind: 'string',
    default: 'info',
    section: 'Logging',
    description: 'One of debug, info, warning, error, critical.',
    parse: text('--log-level', ['debug', 'info', 'warning', 'error', 'critical']),
  },
  {
    name: 'requestIdHeader',
    flag: '--request-id-header',
    kind: 'string',
    default: 'X-Request-Id',
    section: 'Logging',
    description:
      'Request header whose value is kept as the request id (one is made when absent); empty turns request ids off.',
    parse: text('--request-id-header'),
  },
  {
    name: 'requestIdEcho',
    flag: '--request-id-echo',
    kind: 'boolean',
    default: false,
    section: 'Logging',
    description:
      'Also send the request id back on the response, under --request-id-header (unless the application set that header). Off by default, as in Envoy: the proxy in front usually does it.',
    parse: boolean('--request-id-echo'),
  },
  {
    name: 'metricsBind',
    flag: '--metrics-bind',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Logging',
    description:
      'Where the primary serves `GET /metrics` (Prometheus text, added up over all workers): HOST:PORT or unix:PATH. Off when unset; keep it off the public interface.',
    parse: optionalText('--metrics-bind'),
  },
  {
    name: 'controlSocket',
    flag: '--control-socket',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Process',
    description: 'Unix socket path answering JSON commands: status, stats, add, remove, reload.',
    parse: optionalText('--control-socket'),
  },
  {
    name: 'chdir',
    flag: '--chdir',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Process',
    description: 'Change to this directory before loading the application.',
    parse: optionalText('--chdir'),
  },
  {
    name: 'pidfile',
    flag: '--pid',
    short: '-p',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Process',
    description: "Write the primary's PID to this file (removed on exit).",
    parse: optionalText('--pid'),
  },
  {
    name: 'procName',
    flag: '--name',
    short: '-n',
    kind: 'string',
    default: 'serve',
    section: 'Process',
    description: 'process.title prefix of the primary and workers (seen in ps and top).',
    parse: text('--name'),
  },
  {
    name: 'user',
    flag: '--user',
    short: '-u',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Process',
    description: 'Workers switch to this user (name or uid); only when started as root.',
    parse: optionalText('--user'),
  },
  {
    name: 'group',
    flag: '--group',
    short: '-g',
    kind: 'string',
    default: undefined as string | undefined,
    section: 'Process',
    description: 'Workers switch to this group (name or gid); only when started as root.',
    parse: optionalText('--group'),
  },
] as const satisfies readonly SettingSpec<unknown>[]

type Spec = (typeof SETTINGS)[number]

/**
 * The resolved settings: one key per declared option, plus the application (`MODULE:ATTR`).
 *
 * @example
 * ```ts
 * const s: ServeSettings = resolveSettings({ app: 'app:application' })
 * s.workers // 1
 * ```
 */
export type ServeSettings = { -readonly [S in Spec as S['name']]: ReturnType<S['parse']> } & {
  /** `MODULE:ATTR`; ATTR defaults to `application`. */
  app: string | undefined
}

/** A partial set of settings, as a config file or an override layer gives them. */
export type PartialSettings = Partial<ServeSettings>

/**
 * Looks a setting up by name or flag.
 *
 * @example
 * ```ts
 * findSetting('--workers')?.name // 'workers'
 * ```
 */
export function findSetting(nameOrFlag: string): SettingSpec<unknown> | undefined {
  return (SETTINGS as readonly SettingSpec<unknown>[]).find(
    (s) => s.name === nameOrFlag || s.flag === nameOrFlag || s.short === nameOrFlag,
  )
}

/**
 * Builds the full settings from layers, last wins; each value is validated by its setting's
 * parser, and an unknown key is an error naming it.
 *
 * @example
 * ```ts
 * resolveSettings({ workers: 2 }, { workers: '4' }).workers // 4
 * ```
 */
export function resolveSettings(...layers: readonly Record<string, unknown>[]): ServeSettings {
  const out: Record<string, unknown> = { app: undefined }
  for (const spec of SETTINGS as readonly SettingSpec<unknown>[]) {
    out[spec.name] = Array.isArray(spec.default) ? [...spec.default] : spec.default
  }
  for (const layer of layers) {
    for (const [key, raw] of Object.entries(layer)) {
      if (raw === undefined) continue
      if (key === 'app') {
        if (typeof raw !== 'string' || raw === '') {
          throw new SettingError(
            'app',
            `The application ${JSON.stringify(raw)} is not MODULE:ATTR: write e.g. "project/wsgi:application".`,
          )
        }
        out.app = raw
        continue
      }
      if (key === 'hooks') continue
      const spec = findSetting(key)
      if (!spec || spec.name !== key) {
        throw new SettingError(
          key,
          `Unknown serve setting ${JSON.stringify(key)}: see docs/server.md for the list (names are camelCase, e.g. maxRequests).`,
        )
      }
      out[key] = spec.parse(raw)
    }
  }
  return out as ServeSettings
}
