/**
 * The files makemigrations writes: for a history touching every operation and field kind, each
 * file read back (imported as a project would) rebuilds exactly the state it was made from,
 * and the whole folder passes `tsc --noEmit` with the repository's strict settings.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  autodetect,
  fields,
  loadMigrations,
  nonInteractiveQuestioner,
  ProjectState,
  writeMigration,
  type MigrationKey,
} from '../../../framework/db/index.ts'
import type { AnyField } from '../../../framework/db/models/fields.ts'
import { stateAfter } from '../../../framework/db/migrations/executor.ts'
import { MigrationGraph } from '../../../framework/db/migrations/graph.ts'
import {
  createdModelState,
  type CreateModelOptions,
} from '../../../framework/db/migrations/operations/model-operations.ts'
import { createProject, repo } from './project.ts'

type Model = [string, Record<string, AnyField>, CreateModelOptions?]

function state(...models: Model[]): ProjectState {
  return new ProjectState(
    models.map(([name, declared, options]) =>
      createdModelState('kit', name, { id: fields.auto(), ...declared }, options),
    ),
  )
}

function now(): Date {
  return new Date()
}

const everyKind = {
  title: fields.char({ maxLength: 80, verboseName: 'title', helpText: "it's shown" }),
  body: fields.text({ blank: true }),
  count: fields.integer({ default: 0 }),
  big: fields.bigInteger({ null: true }),
  small: fields.smallInteger({
    choices: [
      [1, 'one'],
      [2, 'two'],
    ],
  }),
  ratio: fields.float({ null: true }),
  price: fields.decimal({ maxDigits: 8, decimalPlaces: 2, default: '0.00' }),
  done: fields.boolean({ default: false }),
  day: fields.date({ null: true }),
  at: fields.dateTime({ default: now }),
  time: fields.time({ null: true }),
  took: fields.duration({ null: true }),
  uid: fields.uuid({ unique: true }),
  data: fields.json({ default: { a: [1, 'x'] } }),
  mail: fields.email(),
  site: fields.url({ maxLength: 300 }),
  slug: fields.slug(),
  blob: fields.binary({ null: true }),
}

const { blob: _blob, ...withoutBlob } = everyKind

/** Each entry is the models after one change; the first creates them. */
const history: ProjectState[] = [
  state(['Box', { label: fields.char({ maxLength: 20 }) }], ['Thing', everyKind]),
  state(
    ['Box', { label: fields.char({ maxLength: 20 }) }],
    [
      'Thing',
      {
        ...everyKind,
        box: fields.foreignKey(() => 'kit.Box', {
          onDelete: 'SET_NULL',
          null: true,
          relatedName: 'things',
        }),
      },
    ],
    [
      'Pair',
      {
        left: fields.oneToOne(() => 'kit.Thing', { onDelete: 'CASCADE' }),
        peers: fields.manyToMany(() => 'kit.Pair', { blank: true }),
      },
    ],
  ),
  state(
    ['Crate', { label: fields.char({ maxLength: 20 }) }],
    [
      'Thing',
      {
        ...everyKind,
        box: fields.foreignKey(() => 'kit.Crate', {
          onDelete: 'SET_NULL',
          null: true,
          relatedName: 'things',
        }),
      },
    ],
    [
      'Pair',
      {
        left: fields.oneToOne(() => 'kit.Thing', { onDelete: 'CASCADE' }),
        peers: fields.manyToMany(() => 'kit.Pair', { blank: true }),
      },
    ],
  ),
  state(
    [
      'Crate',
      { name: fields.char({ maxLength: 20 }), code: fields.char({ maxLength: 5 }) },
      {
        dbTable: 'crates',
        ordering: ['-name'],
        uniqueTogether: [['name', 'code']],
        verboseName: 'shipping crate',
      },
    ],
    [
      'Thing',
      {
        ...everyKind,
        box: fields.foreignKey(() => 'kit.Crate', {
          onDelete: 'SET_NULL',
          null: true,
          relatedName: 'things',
        }),
      },
      {
        indexes: [{ name: 'thing_title_idx', fields: ['title', '-count'] }],
        constraints: [{ type: 'check', name: 'count_positive', check: 'count >= 0' }],
      },
    ],
    [
      'Pair',
      {
        left: fields.oneToOne(() => 'kit.Thing', { onDelete: 'CASCADE' }),
        peers: fields.manyToMany(() => 'kit.Pair', { blank: true }),
      },
    ],
  ),
  state(
    [
      'Crate',
      { name: fields.char({ maxLength: 20 }), code: fields.char({ maxLength: 5 }) },
      {
        dbTable: 'crates',
        ordering: ['-name'],
        uniqueTogether: [['name', 'code']],
        verboseName: 'shipping crate',
      },
    ],
    [
      'Thing',
      {
        ...withoutBlob,
        title: fields.char({ maxLength: 120 }),
        box: fields.foreignKey(() => 'kit.Crate', {
          onDelete: 'SET_NULL',
          null: true,
          relatedName: 'things',
        }),
      },
      {
        indexes: [{ name: 'thing_label_idx', fields: ['title', '-count'] }],
        constraints: [{ type: 'unique', name: 'one_slug', fields: ['slug'] }],
      },
    ],
  ),
]

describe('generated migration files', () => {
  const project = createProject(['kit'])
  afterAll(() => project.remove())

  it('read back into the state they were made from, and pass tsc --noEmit', async () => {
    const questioner = nonInteractiveQuestioner({
      rename: 'yes',
      defaults: new Map<string, unknown>([
        ['name', 'unnamed'],
        ['code', 'X'],
      ]),
    })
    let previous = new ProjectState()
    const names: string[] = []
    for (const [index, target] of history.entries()) {
      const changes = await autodetect(previous, target, questioner)
      const operations = changes.get('kit')!.operations
      expect(operations.length).toBeGreaterThan(0)
      const dependencies: MigrationKey[] = names.length ? [['kit', names.at(-1)!]] : []
      const name = `${String(index + 1).padStart(4, '0')}_step`
      project.write(`kit/migrations/${name}.ts`, writeMigration({ dependencies, operations }))
      names.push(name)
      const loaded = await loadMigrations([
        { label: 'kit', migrationsPath: join(project.dir, 'kit/migrations') },
      ])
      const replayed = stateAfter(new MigrationGraph(loaded))
      const left = await autodetect(replayed, target, questioner)
      expect(
        [...left.values()].flatMap((c) => c.operations.map((op) => op.describe())),
        `after ${name}`,
      ).toEqual([])
      previous = target
    }
    project.write(
      'kit/migrations/0006_data.ts',
      writeMigration({ dependencies: [['kit', '0005_step']], operations: [] }),
    )
    const all = names
      .map((name) => readFileSync(join(project.dir, `kit/migrations/${name}.ts`), 'utf8'))
      .join('\n')
    for (const factory of [
      'createModel',
      'renameModel',
      'renameField',
      'addField',
      'alterField',
      'removeField',
      'deleteModel',
      'alterModelTable',
      'alterModelOptions',
      'alterUniqueTogether',
      'addIndex',
      'renameIndex',
      'addConstraint',
      'removeConstraint',
    ])
      expect(all, factory).toContain(`migrations.${factory}(`)
    expect(all).toContain("default: migrations.callable('now')")
    expect(all.split('\n').filter((line) => line.length > 100)).toEqual([])

    project.write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          allowImportingTsExtensions: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(repo, 'node_modules/@types')],
        },
        include: ['kit/migrations/*.ts'],
      }),
    )
    const tsc = join(repo, 'node_modules/typescript/bin/tsc')
    let output = ''
    try {
      output = execFileSync(process.execPath, [tsc, '--noEmit', '-p', project.dir], {
        encoding: 'utf8',
        cwd: project.dir,
      })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output.split('\n').filter((line) => line.startsWith('kit/'))).toEqual([])
  }, 180_000)
})
