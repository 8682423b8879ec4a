/**
 * @module The migration graph: every migration of every app, linked by dependencies. Answers
 * which migrations come first (a stable topological order), the leaves of an app, and the plans
 * to go forwards to a target or back past one.
 */
import type { Migration } from './migration.ts'
import { migrationKey } from './migration.ts'
import { MigrationError } from './migration-error.ts'

/** The dependency graph of loaded migrations. */
export class MigrationGraph {
  readonly #nodes = new Map<string, Migration>()
  readonly #children = new Map<string, Set<string>>()
  readonly #order: Migration[]

  constructor(migrations: readonly Migration[]) {
    for (const migration of migrations) {
      this.#nodes.set(migrationKey(migration.app, migration.name), migration)
      this.#children.set(migrationKey(migration.app, migration.name), new Set())
    }
    for (const migration of migrations) {
      for (const [app, name] of migration.dependencies) {
        const key = migrationKey(app, name)
        if (!this.#nodes.has(key)) {
          throw new MigrationError(
            'migrations.E002',
            `Migration ${migration.app}.${migration.name} depends on ${key}, which does not exist`,
            {
              hint: `check the dependencies in ${migration.file || 'the migration'}, or add the missing app to INSTALLED_APPS`,
            },
          )
        }
        this.#children.get(key)!.add(migrationKey(migration.app, migration.name))
      }
    }
    this.#order = this.#sort()
  }

  /** Every migration, each after its dependencies; ties broken by app then name, so stable. */
  order(): readonly Migration[] {
    return this.#order
  }

  has(key: string): boolean {
    return this.#nodes.has(key)
  }

  get(key: string): Migration | undefined {
    return this.#nodes.get(key)
  }

  /** The migrations of one app, by name. */
  appMigrations(app: string): Migration[] {
    return this.#order.filter((m) => m.app === app).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The app's migrations no other migration of the app depends on (normally one). */
  leaves(app: string): Migration[] {
    return this.appMigrations(app).filter(
      (m) =>
        ![...this.#children.get(migrationKey(m.app, m.name))!].some(
          (child) => this.#nodes.get(child)!.app === app,
        ),
    )
  }

  /** The single leaf of an app, or undefined when it has no migrations; two leaves are an error. */
  leaf(app: string): Migration | undefined {
    const leaves = this.leaves(app)
    if (leaves.length > 1) {
      throw new MigrationError(
        'migrations.E003',
        `App ${app} has ${leaves.length} leaf migrations (${leaves.map((m) => m.name).join(', ')}): two branches of its history were made in parallel`,
        {
          hint: `make the later one depend on the other (edit its dependencies), then run the command again`,
        },
      )
    }
    return leaves[0]
  }

  /** `key` and everything it depends on, dependencies first. */
  ancestors(key: string): Migration[] {
    const wanted = new Set<string>()
    const visit = (k: string): void => {
      if (wanted.has(k)) return
      wanted.add(k)
      for (const [app, name] of this.#nodes.get(k)!.dependencies) visit(migrationKey(app, name))
    }
    visit(key)
    return this.#order.filter((m) => wanted.has(migrationKey(m.app, m.name)))
  }

  /** `key` and everything that depends on it, in dependency order. */
  descendants(key: string): Migration[] {
    const wanted = new Set<string>()
    const visit = (k: string): void => {
      if (wanted.has(k)) return
      wanted.add(k)
      for (const child of this.#children.get(k)!) visit(child)
    }
    visit(key)
    return this.#order.filter((m) => wanted.has(migrationKey(m.app, m.name)))
  }

  #sort(): Migration[] {
    const done = new Set<string>()
    const visiting = new Set<string>()
    const out: Migration[] = []
    const visit = (key: string, path: string[]): void => {
      if (done.has(key)) return
      if (visiting.has(key)) {
        throw new MigrationError(
          'migrations.E003',
          `Migration dependencies form a cycle: ${[...path, key].join(' -> ')}`,
          {
            hint: 'remove one of those dependencies',
          },
        )
      }
      visiting.add(key)
      const node = this.#nodes.get(key)!
      const deps = [...node.dependencies].map(([a, n]) => migrationKey(a, n)).sort()
      for (const dep of deps) visit(dep, [...path, key])
      visiting.delete(key)
      done.add(key)
      out.push(node)
    }
    for (const key of [...this.#nodes.keys()].sort()) visit(key, [])
    return out
  }
}
