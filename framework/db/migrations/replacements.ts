/**
 * @module Squashed migrations (Django's `replaces`): a migration that stands for a run of others.
 * While none of the replaced ones is applied (a new database) or all are (an old one), the
 * squashed one is used and the replaced ones leave the graph; while only some are applied, the
 * replaced ones are used until they are all applied. Dependencies on the side that leaves are
 * pointed at the side that stays.
 */
import { migrationKey, type Migration, type MigrationKey } from './migration.ts'

const keyOf = (m: Migration): string => migrationKey(m.app, m.name)
const keyOfPair = ([app, name]: MigrationKey): string => migrationKey(app, name)

/** The migrations the graph should hold, given what is applied. */
export function applyReplacements(
  migrations: readonly Migration[],
  applied: ReadonlySet<string>,
): Migration[] {
  let current = [...migrations]
  for (const squashed of migrations.filter((m) => m.replaces.length)) {
    const replaced = squashed.replaces
      .map(keyOfPair)
      .filter((key) => current.some((m) => keyOf(m) === key))
    const someApplied = replaced.some((key) => applied.has(key))
    const allApplied = replaced.every((key) => applied.has(key))
    if (!someApplied || allApplied) {
      // The squashed migration stays: dependencies on a replaced one now point at it.
      const gone = new Set(replaced)
      current = current
        .filter((m) => !gone.has(keyOf(m)))
        .map((m) => redirect(m, gone, [squashed.app, squashed.name]))
    } else {
      // Part-way through the old ones: they stay; dependencies on the squashed one point at the last.
      const last = [...replaced].sort().at(-1)!
      const [app, name] = [last.slice(0, last.indexOf('.')), last.slice(last.indexOf('.') + 1)]
      current = current
        .filter((m) => m !== squashed)
        .map((m) => redirect(m, new Set([keyOf(squashed)]), [app, name]))
    }
  }
  return current
}

function redirect(migration: Migration, from: ReadonlySet<string>, to: MigrationKey): Migration {
  if (!migration.dependencies.some((dep) => from.has(keyOfPair(dep)))) return migration
  const dependencies: MigrationKey[] = []
  for (const dep of migration.dependencies) {
    const next = from.has(keyOfPair(dep)) ? to : dep
    if (keyOfPair(next) === keyOf(migration)) continue
    if (!dependencies.some((d) => keyOfPair(d) === keyOfPair(next))) dependencies.push(next)
  }
  return { ...migration, dependencies }
}

/** The applied set with each squashed migration whose replaced ones are all applied. */
export function withSquashedApplied(
  migrations: readonly Migration[],
  applied: ReadonlySet<string>,
): Set<string> {
  const out = new Set(applied)
  for (const squashed of migrations.filter((m) => m.replaces.length)) {
    if (squashed.replaces.every((pair) => applied.has(keyOfPair(pair)))) out.add(keyOf(squashed))
  }
  return out
}
