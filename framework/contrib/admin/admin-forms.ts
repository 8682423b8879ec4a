/**
 * @module The forms behind the add and change pages: a ModelForm (framework/forms) per model
 * admin, with foreign keys shown as a select of the related objects named by their admin, or,
 * for large tables and `rawIdFields`, as an id input (a select of 100,000 options helps nobody).
 */
import type { AnyModelClass } from '../../db/index.ts'
import {
  modelForm,
  widgets,
  type FieldMap,
  type ModelForm,
  type ModelFormClass,
} from '../../forms/index.ts'
import type { AdminSite } from './admin-site.ts'
import type { FieldInfo } from './model-info.ts'
import { isForeignKey } from './model-info.ts'

/** Above this many related rows a foreign key is edited as an id input instead of a select. */
export const RAW_ID_THRESHOLD = 200

const formClasses = new WeakMap<
  AnyModelClass,
  Map<string, ModelFormClass<AnyModelClass, FieldMap>>
>()

/** The ModelForm class editing `fields` of `model` (built once per field list). */
export function formClassFor(
  model: AnyModelClass,
  fields: readonly FieldInfo[],
): ModelFormClass<AnyModelClass, FieldMap> {
  const names = fields.map((field) => field.name)
  const key = names.join(',')
  let byKey = formClasses.get(model)
  if (!byKey) formClasses.set(model, (byKey = new Map()))
  let formClass = byKey.get(key)
  if (!formClass) {
    formClass = modelForm(model, { fields: names as never }) as unknown as ModelFormClass<
      AnyModelClass,
      FieldMap
    >
    byKey.set(key, formClass)
  }
  return formClass
}

/** How each foreign key of a form is edited: 'select' or 'raw'. */
export type ForeignKeyModes = ReadonlyMap<string, 'select' | 'raw'>

/** Decides select or raw id for each foreign key (one COUNT per foreign key not declared raw). */
export async function foreignKeyModes(
  fields: readonly FieldInfo[],
  declaredRaw: (field: FieldInfo) => boolean,
): Promise<ForeignKeyModes> {
  const modes = new Map<string, 'select' | 'raw'>()
  for (const field of fields) {
    if (!isForeignKey(field)) continue
    if (declaredRaw(field)) {
      modes.set(field.name, 'raw')
      continue
    }
    const target = field.relation!.target() as unknown as AnyModelClass
    const count = await target.objects.count()
    modes.set(field.name, count > RAW_ID_THRESHOLD ? 'raw' : 'select')
  }
  return modes
}

/**
 * Adjusts a form instance's foreign key fields: select options named by the related model's
 * admin, or an id input that loads no options (the field still checks the id exists).
 */
export function adaptForeignKeys(
  form: ModelForm,
  site: AdminSite,
  model: AnyModelClass,
  modes: ForeignKeyModes,
): void {
  const fields = form.fields as Record<string, FieldMap[string]>
  for (const [name, mode] of modes) {
    const current = fields[name]
    if (!current) continue
    const info = model.meta.byName.get(name)!
    const target = info.relation!.target() as unknown as AnyModelClass
    if (mode === 'raw') {
      fields[name] = current.with({ loadChoices: undefined }, { widget: widgets.number() })
    } else {
      fields[name] = current.with({
        loadChoices: async () => {
          const rows = (await target.objects.all().list()) as { pk: number | string }[]
          const options: [number | string, string][] = rows.map((row) => [
            row.pk,
            site.reprOf(target, row),
          ])
          return [['', '---------'], ...options]
        },
      })
    }
  }
}
