/**
 * The onDelete rules on both backends: CASCADE, PROTECT (ProtectedError, nothing deleted),
 * RESTRICT (RestrictedError, unless the referencing rows are deleted by the same cascade),
 * SET_NULL, SET_DEFAULT, DO_NOTHING (the database's foreign key objects), and delete signals.
 */
import { expect, it } from 'vitest'
import {
  IntegrityError,
  ProtectedError,
  RestrictedError,
  postDelete,
  preDelete,
} from '../../framework/db/index.ts'
import {
  CascadeChild,
  DoNothingChild,
  HeldByRestrict,
  Holder,
  Parent,
  ProtectChild,
  RestrictChild,
  SetDefaultChild,
  SetNullChild,
  ruleModels,
} from './models.ts'
import { describeEachBackend } from './backends.ts'

describeEachBackend('onDelete', ruleModels, () => {
  it('CASCADE deletes the children and counts them', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    await CascadeChild.objects.create({ parent })
    await CascadeChild.objects.create({ parent })
    expect(await parent.delete()).toBe(3)
    expect(await CascadeChild.objects.count()).toBe(0)
    expect(parent.pk).toBeUndefined()
  })

  it('PROTECT raises ProtectedError and deletes nothing', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    await CascadeChild.objects.create({ parent })
    const guard = await ProtectChild.objects.create({ parent })
    const error = await parent.delete().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtectedError)
    expect(error).toMatchObject({ code: 'db.E004', protectedObjects: [guard.id] })
    expect((error as Error).message).toMatch(/ProtectChild\.parent/)
    expect(await Parent.objects.count()).toBe(1)
    expect(await CascadeChild.objects.count()).toBe(1)
  })

  it('RESTRICT raises RestrictedError for rows outside the delete', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    await RestrictChild.objects.create({ parent })
    await expect(Parent.objects.filter({ pk: parent.pk }).delete()).rejects.toBeInstanceOf(
      RestrictedError,
    )
    expect(await Parent.objects.count()).toBe(1)
  })

  it('RESTRICT allows the delete when the same cascade removes the referencing rows', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    const holder = await Holder.objects.create({ parent })
    await HeldByRestrict.objects.create({ holder, parent })
    await parent.delete()
    expect(await HeldByRestrict.objects.count()).toBe(0)
    expect(await Holder.objects.count()).toBe(0)
  })

  it('SET_NULL and SET_DEFAULT rewrite the foreign key', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    const a = await SetNullChild.objects.create({ parent })
    const b = await SetDefaultChild.objects.create({ parent })
    await parent.delete()
    await a.refreshFromDb()
    await b.refreshFromDb()
    expect(a.parentId).toBeNull()
    expect(b.parentId).toBeNull()
  })

  it('DO_NOTHING leaves the row, so the database foreign key raises IntegrityError', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    await DoNothingChild.objects.create({ parent })
    await expect(parent.delete()).rejects.toBeInstanceOf(IntegrityError)
    expect(await Parent.objects.count()).toBe(1)
  })

  it('sends preDelete and postDelete for each deleted row, cascaded ones too', async () => {
    const parent = await Parent.objects.create({ name: 'p' })
    await CascadeChild.objects.create({ parent })
    const seen: string[] = []
    const stopPre = preDelete.connect(({ instance }) => {
      seen.push(`pre ${(instance.constructor as unknown as { modelName: string }).modelName}`)
    })
    const stopPost = postDelete.connect(
      ({ instance }) => {
        seen.push(`post ${(instance.constructor as unknown as { modelName: string }).modelName}`)
      },
      { sender: Parent },
    )
    try {
      await parent.delete()
    } finally {
      stopPre()
      stopPost()
    }
    expect(seen).toEqual(['pre CascadeChild', 'pre Parent', 'post Parent'])
  })
})
