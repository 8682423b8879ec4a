/**
 * @module MODULE[:ATTR] as docs/gateway.md's "Loading an application" section says: the last ':'
 * splits off an identifier, then the path, the path plus each extension, a folder's index, and the
 * dotted form; failing before the socket is bound, with the GW-L code and what was tried.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const extensions = ['.ts', '.mts', '.js', '.mjs', '.tsx', '.cts', '.cjs']
const identifier = /^[A-Za-z_$][\w$]*$/

export class LoadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options)
  }
}

export async function loadApplication(spec: string): Promise<Function> {
  const colon = spec.lastIndexOf(':')
  const after = colon >= 0 ? spec.slice(colon + 1) : ''
  // 'C:\\app' has no ATTR: what follows the drive letter's ':' is not an identifier.
  const hasAttr = colon > 0 && identifier.test(after)
  const modulePath = hasAttr ? spec.slice(0, colon) : spec
  const attr = hasAttr ? after : 'application'
  if (!modulePath || (colon >= 0 && !hasAttr && !/^[A-Za-z]:[\\/]/.test(spec)))
    throw new LoadError('GW-L01', `malformed application spec '${spec}'; expected MODULE[:ATTR]`)

  const tried: string[] = []
  const file =
    findFile(modulePath, tried) ??
    (modulePath.includes('.') ? findFile(modulePath.replaceAll('.', '/'), tried) : undefined)
  if (!file) throw new LoadError('GW-L02', `no file for '${modulePath}'; tried ${tried.join(', ')}`)

  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new LoadError('GW-L03', `importing ${file} threw: ${String(error)}`, { cause: error })
  }
  if (!(attr in module))
    throw new LoadError(
      'GW-L04',
      `${file} has no export '${attr}'; its exports: ${Object.keys(module).join(', ') || 'none'}`,
    )
  const app = module[attr]
  if (typeof app !== 'function')
    throw new LoadError('GW-L05', `${file}:${attr} is a ${typeof app}, not a function`)
  return app
}

function findFile(path: string, tried: string[]): string | undefined {
  const base = resolve(path)
  const candidates = [
    base,
    ...extensions.map((ext) => base + ext),
    ...extensions.map((ext) => resolve(base, `index${ext}`)),
  ]
  for (const candidate of candidates) {
    tried.push(candidate)
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}
