/**
 * The autodetector is a pure function of two states and a questioner: each kind of model change
 * becomes the operation Django would write, renames only when confirmed, one-off defaults only
 * when needed, and a change that does not touch the schema or the state writes nothing.
 */
import { describe, expect, it } from 'vitest'
import {
  autodetect,
  fields,
  nonInteractiveQuestioner,
  ProjectState,
  type AnyModelClass,
  defineModel,
} from '../../../framework/db/index.ts'
import type { AnyField } from '../../../framework/db/models/fields.ts'
import {
  createdModelState,
  type CreateModelOptions,
} from '../../../framework/db/migrations/operations/model-operations.ts'

function state(...models: [string, Record<string, AnyField>, CreateModelOptions?][]): ProjectState {
  return new ProjectState(
    models.map(([label, declared, options]) => {
      const [app, name] = label.split('.') as [string, string]
      return createdModelState(app, name, { id: fields.auto(), ...declared }, options)
    }),
  )
}

async function ops(
  from: ProjectState,
  to: ProjectState,
  answers: Parameters<typeof nonInteractiveQuestioner>[0] = {},
): Promise<string[]> {
  const changes = await autodetect(from, to, nonInteractiveQuestioner(answers))
  return [...changes.values()].flatMap((c) =>
    c.operations.map((op) => `${op.factory}: ${op.describe()}`),
  )
}

const title = fields.char({ maxLength: 100 })

describe('autodetect', () => {
  it('creates new models, each after the models of its app it points at', async () => {
    const to = state(
      ['shop.Item', { shelf: fields.foreignKey(() => 'shop.Shelf', { onDelete: 'CASCADE' }) }],
      ['shop.Shelf', { label: title }],
    )
    expect(await ops(new ProjectState(), to)).toEqual([
      'createModel: Create model Shelf',
      'createModel: Create model Item',
    ])
  })

  it('finds nothing when the states are equal, and ignores validators (code, not schema)', async () => {
    const a = state([
      'shop.Shelf',
      { label: fields.char({ maxLength: 9, validators: [function notEmpty() {}] }) },
    ])
    const b = state(['shop.Shelf', { label: fields.char({ maxLength: 9 }) }])
    expect(await ops(a, b)).toEqual([])
  })

  it('adds a field with a default without asking, and asks for a non-null one without', async () => {
    const from = state(['shop.Shelf', { label: title }])
    const withDefault = state([
      'shop.Shelf',
      { label: title, size: fields.integer({ default: 3 }) },
    ])
    expect(await ops(from, withDefault)).toEqual(['addField: Add field size to Shelf'])
    const without = state(['shop.Shelf', { label: title, code: fields.char({ maxLength: 5 }) }])
    await expect(ops(from, without)).rejects.toMatchObject({
      code: 'migrations.E006',
      hint: expect.stringMatching(/--default code=VALUE/),
    })
    const changes = await autodetect(
      from,
      without,
      nonInteractiveQuestioner({ defaults: new Map([['Shelf.code', 'none']]) }),
    )
    expect(changes.get('shop')!.operations[0]!.args).toMatchObject({
      name: 'code',
      oneOffDefault: 'none',
    })
  })

  it('renames a field only when the questioner confirms, else removes and adds', async () => {
    const from = state(['shop.Shelf', { label: title }])
    const to = state(['shop.Shelf', { name: title }])
    expect(await ops(from, to, { rename: 'yes' })).toEqual([
      'renameField: Rename field label on Shelf to name',
    ])
    await expect(ops(from, to, { rename: 'no' })).rejects.toMatchObject({ code: 'migrations.E006' })
    expect(await ops(from, to, { rename: 'no', defaults: new Map([['name', '']]) })).toEqual([
      'removeField: Remove field label from Shelf',
      'addField: Add field name to Shelf',
    ])
  })

  it('renames a model with the same fields when confirmed', async () => {
    const from = state(['shop.Shelf', { label: title }])
    const to = state(['shop.Rack', { label: title }])
    expect(await ops(from, to, { rename: 'yes' })).toEqual([
      'renameModel: Rename model Shelf to Rack',
    ])
    expect(await ops(from, to, { rename: 'no' })).toEqual([
      'createModel: Create model Rack',
      'deleteModel: Delete model Shelf',
    ])
  })

  it('alters a changed field, and asks for a value when a nullable field becomes non-null', async () => {
    const from = state(['shop.Shelf', { label: fields.char({ maxLength: 10, null: true }) }])
    const to = state(['shop.Shelf', { label: fields.char({ maxLength: 10 }) }])
    await expect(ops(from, to)).rejects.toMatchObject({ code: 'migrations.E006' })
    const changes = await autodetect(
      from,
      to,
      nonInteractiveQuestioner({ defaults: new Map([['label', '?']]) }),
    )
    expect(
      changes.get('shop')!.operations.map((op) => [op.factory, op.args.oneOffDefault]),
    ).toEqual([['alterField', '?']])
  })

  it('writes table, options, unique together, index and constraint changes as their own operations', async () => {
    const from = state([
      'shop.Shelf',
      { label: title, size: fields.integer() },
      { indexes: [{ name: 'old_idx', fields: ['size'] }] },
    ])
    const to = state([
      'shop.Shelf',
      { label: title, size: fields.integer() },
      {
        dbTable: 'shelves',
        ordering: ['label'],
        uniqueTogether: [['label', 'size']],
        indexes: [{ name: 'size_idx', fields: ['size'] }],
        constraints: [{ type: 'check', name: 'size_positive', check: 'size > 0' }],
      },
    ])
    expect(await ops(from, to)).toEqual([
      'alterModelTable: Rename table for Shelf to shelves',
      'renameIndex: Rename index old_idx on Shelf to size_idx',
      'alterUniqueTogether: Alter unique_together for Shelf (1 constraint(s))',
      'addConstraint: Create constraint size_positive on Shelf',
      'alterModelOptions: Change Meta options on Shelf',
    ])
  })

  it('removes the indexes that use a field before the field, and deletes models last', async () => {
    const from = state(
      ['shop.Shelf', { label: title, size: fields.integer() }, { indexes: [{ fields: ['size'] }] }],
      ['shop.Bin', { shelf: fields.foreignKey(() => 'shop.Shelf', { onDelete: 'CASCADE' }) }],
    )
    const to = state(['shop.Shelf', { label: title }])
    expect(await ops(from, to)).toEqual([
      'removeIndex: Remove index on size from Shelf',
      'removeField: Remove field size from Shelf',
      'deleteModel: Delete model Bin',
    ])
  })

  it('reports the models of other apps its operations point at, for the dependencies', async () => {
    const to = state(
      ['people.Author', { name: title }],
      ['books.Book', { author: fields.foreignKey(() => 'people.Author', { onDelete: 'PROTECT' }) }],
    )
    const changes = await autodetect(
      new ProjectState(to.appModels('people')),
      to,
      nonInteractiveQuestioner(),
    )
    expect([...changes.keys()]).toEqual(['books'])
    expect([...changes.get('books')!.references]).toEqual(['people.Author'])
  })

  it('diffs the state a declared model gives (defineModel) with the one its migration builds', async () => {
    const Post: AnyModelClass = defineModel(
      'Post',
      {
        title,
        tags: fields.manyToMany(() => Post),
        when: fields.dateTime({ default: Date.now as never }),
      },
      { appLabel: 'autodetect_blog', ordering: ['-when'] },
    )
    const declared = new ProjectState([Post.toState()])
    const changes = await autodetect(new ProjectState(), declared, nonInteractiveQuestioner())
    const replayed = new ProjectState()
    for (const operation of changes.get('autodetect_blog')!.operations)
      operation.stateForwards('autodetect_blog', replayed)
    expect(await ops(replayed, declared)).toEqual([])
  })
})

describe('autodetect ordering with an explicit through model', () => {
  it('creates the models before the through model that points at both', async () => {
    const to = state(
      [
        'club.Member',
        {
          person: fields.foreignKey(() => 'club.Person', { onDelete: 'CASCADE' }),
          group: fields.foreignKey(() => 'club.Group', { onDelete: 'CASCADE' }),
        },
      ],
      [
        'club.Group',
        {
          name: title,
          members: fields.manyToMany(() => 'club.Person', { through: () => 'club.Member' }),
        },
      ],
      ['club.Person', { name: title }],
    )
    expect(await ops(new ProjectState(), to)).toEqual([
      'createModel: Create model Group',
      'createModel: Create model Person',
      'createModel: Create model Member',
    ])
  })
})
