/**
 * @module Where the running framework lives, and how a new project should depend on it: through
 * the registry (`^0.1.0`) when the framework itself was installed into a node_modules folder,
 * else through a `file:` reference to this checkout.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What startproject needs to know about the framework package it runs from. */
export interface FrameworkPackage {
  /** The folder holding the framework's package.json. */
  root: string
  /** The package name (`framework`). */
  name: string
  /** Its version, e.g. `0.1.0`. */
  version: string
  /** The dependency spec a new project writes: `file:/path/to/checkout` or `^0.1.0`. */
  dependency: string
  /** True when the framework runs from a node_modules folder (installed from a registry). */
  installed: boolean
  /** Version ranges of the tools a project uses (vitest, typescript, @types/node), as we test with. */
  toolVersions: Record<'vitest' | 'typescript' | '@types/node', string>
}

/**
 * Describes the framework package this code runs from. `root` is for tests (a fake location).
 *
 * @example
 * ```ts
 * import { frameworkPackage } from './framework-location.ts'
 *
 * frameworkPackage().dependency // 'file:/home/ada/framework' in a checkout, '^0.1.0' when installed
 * ```
 */
export function frameworkPackage(
  root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..'),
): FrameworkPackage {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    name?: string
    version?: string
    devDependencies?: Record<string, string>
  }
  const name = pkg.name ?? 'framework'
  const version = pkg.version ?? '0.0.0'
  // Why the path and not a flag: a registry install always lands in some node_modules/ folder,
  // while a checkout (git clone, or `npm link`'s target) never does.
  const installed = root.split(sep).includes('node_modules')
  const dev = pkg.devDependencies ?? {}
  return {
    root,
    name,
    version,
    dependency: installed ? `^${version}` : `file:${root}`,
    installed,
    toolVersions: {
      vitest: dev['vitest'] ?? '^4.1.0',
      typescript: dev['typescript'] ?? '~5.9.0',
      '@types/node': dev['@types/node'] ?? '^20',
    },
  }
}
