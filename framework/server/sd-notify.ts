/**
 * @module systemd's readiness protocol (sd_notify): READY=1 once the workers are up, STOPPING=1
 * when shutting down, when `NOTIFY_SOCKET` is set.
 *
 * Why through the `systemd-notify` program: the protocol is a datagram on a unix socket, and
 * node:dgram has no unix-socket support. The message then comes from a child process, so the
 * unit needs `NotifyAccess=all` (docs/server.md shows it); `--pid` names the primary.
 */
import { spawn } from 'node:child_process'

/** Sends one sd_notify state string, e.g. `READY=1`. */
export type Notify = (state: string) => void

/**
 * A notifier for this environment: a no-op when NOTIFY_SOCKET is not set.
 *
 * @example
 * ```ts
 * const notify = createSdNotify(process.env, process.pid)
 * notify('READY=1')
 * ```
 */
export function createSdNotify(
  env: Readonly<Record<string, string | undefined>>,
  pid: number,
  onError: (message: string) => void = () => {},
): Notify {
  const socket = env.NOTIFY_SOCKET
  if (!socket) return () => {}
  return (state) => {
    const child = spawn('systemd-notify', [`--pid=${pid}`, state], {
      env: { ...env, NOTIFY_SOCKET: socket },
      stdio: 'ignore',
    })
    child.on('error', (error) =>
      onError(`sd_notify ${state} failed: ${error.message} (is systemd-notify installed?)`),
    )
    child.on('exit', (code) => {
      if (code !== 0) onError(`sd_notify ${state}: systemd-notify exited with ${code}`)
    })
  }
}
