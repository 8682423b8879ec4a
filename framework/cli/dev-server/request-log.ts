/**
 * @module runserver's access log: one line per request (time, method, path, status, duration),
 * coloured by status class when the output is a terminal.
 */

/** What one log line says. */
export interface RequestLogEntry {
  method: string
  path: string
  status: number
  /** Milliseconds from the request to the end of the response. */
  ms: number
  /** When the request ended (default now). */
  at?: Date
}

// SGR colours as Django's runserver uses them: success plain green, redirects cyan, client
// errors yellow, server errors bold red.
function colourOf(status: number): string {
  if (status >= 500) return '\x1b[1;31m'
  if (status >= 400) return '\x1b[33m'
  if (status >= 300) return '\x1b[36m'
  return '\x1b[32m'
}

/**
 * Formats one request line; with `colour`, wraps it in the ANSI colour of its status class.
 *
 * @example
 * ```ts
 * formatRequestLine({ method: 'GET', path: '/', status: 200, ms: 3.2 }, false)
 * // '[20:41:07] GET / 200 3.2ms'
 * ```
 */
export function formatRequestLine(entry: RequestLogEntry, colour: boolean): string {
  const at = (entry.at ?? new Date()).toTimeString().slice(0, 8)
  const line = `[${at}] ${entry.method} ${entry.path} ${entry.status} ${entry.ms.toFixed(1)}ms`
  return colour ? `${colourOf(entry.status)}${line}\x1b[0m` : line
}

/**
 * Whether to colour output written to `stream`: a TTY, unless NO_COLOR is set; FORCE_COLOR
 * (non-empty, not `0`) forces it (https://no-color.org, https://force-color.org).
 *
 * @example
 * ```ts
 * wantsColour(process.stdout, process.env) // true in a terminal
 * ```
 */
export function wantsColour(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env['NO_COLOR']) return false
  const force = env['FORCE_COLOR']
  if (force !== undefined && force !== '') return force !== '0'
  return stream.isTTY === true
}
