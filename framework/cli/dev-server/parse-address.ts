/**
 * @module runserver's `[addr:]port` argument, as Django accepts it: `8000`, `0.0.0.0:8000`,
 * `localhost:8000`, `[::1]:8000`.
 */
import { CommandError } from '../command.ts'

/** Where the development server listens. */
export interface DevAddress {
  host: string
  port: number
}

/** The default address: loopback only, as Django (a development server is not for a network). */
export const DEFAULT_DEV_ADDRESS: DevAddress = { host: '127.0.0.1', port: 8000 }

/**
 * Parses `[addr:]port`; throws a CLI-E02 CommandError quoting a malformed value.
 *
 * @example
 * ```ts
 * parseDevAddress('8001') // { host: '127.0.0.1', port: 8001 }
 * parseDevAddress('[::1]:0') // { host: '::1', port: 0 }
 * ```
 */
export function parseDevAddress(text: string | undefined): DevAddress {
  if (text === undefined) return { ...DEFAULT_DEV_ADDRESS }
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text)
  const port = match ? Number(match[3]) : NaN
  if (!match || port > 65535) {
    throw new CommandError(
      'CLI-E02',
      `${JSON.stringify(text)} is not a valid address: write PORT or ADDR:PORT with a port from 0 to 65535`,
      {
        hint: 'framework runserver 8000, framework runserver 0.0.0.0:8000 or framework runserver [::1]:8000',
      },
    )
  }
  return { host: match[1] ?? match[2] ?? DEFAULT_DEV_ADDRESS.host, port }
}

/** `http://host:port/` for the banner, with brackets around an IPv6 address. */
export function devUrl({ host, port }: DevAddress): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}
