/**
 * @module An inline on the change form: the parent's related rows (choices inside a question),
 * one ModelForm per row plus blank extra rows, with Django's field names so the HTML is what
 * Django's admin posts: `choice_set-TOTAL_FORMS`, `choice_set-INITIAL_FORMS`,
 * `choice_set-0-id`, `choice_set-0-choiceText`, `choice_set-0-DELETE`.
 *
 * A submitted row id is looked up among the parent's own rows only, so a form cannot edit or
 * delete another parent's children by changing an id.
 */
import type { AnyModelClass } from '../../db/index.ts'
import type { QueryDict } from '../../http/index.ts'
import type { ModelForm } from '../../forms/index.ts'
import { adaptForeignKeys, foreignKeyModes, formClassFor } from './admin-forms.ts'
import type { AdminSite } from './admin-site.ts'
import type { ResolvedInline } from './model-admin.ts'
import { capfirst, fieldLabel } from './model-info.ts'

/** One row of an inline. */
export interface InlineRow {
  readonly form: ModelForm
  /** The existing child this row edits, or undefined for a new one. */
  readonly instance: object | undefined
  readonly index: number
  readonly deleteChecked: boolean
}

/** The rows of one inline, bound or not. */
export class InlineRows {
  readonly inline: ResolvedInline
  readonly rows: InlineRow[] = []
  /** Errors about the inline as a whole (a row id that is not the parent's, too many rows). */
  readonly errors: string[] = []
  readonly #data: QueryDict | undefined
  readonly #validated = new WeakSet<ModelForm>()

  private constructor(inline: ResolvedInline, data: QueryDict | undefined) {
    this.inline = inline
    this.#data = data
  }

  /** The HTML name prefix of the rows. */
  get prefix(): string {
    return this.inline.prefix
  }

  /** Column headers: the fields' labels. */
  get headers(): string[] {
    return this.inline.fields.map((field) => capfirst(fieldLabel(field)))
  }

  get totalForms(): number {
    return this.rows.length
  }

  get initialForms(): number {
    return this.rows.filter((row) => row.instance).length
  }

  /**
   * Builds the rows: the parent's existing children (none when adding), then `extra` blank
   * rows; with `data`, the submitted rows instead (counted by the management fields, capped).
   */
  static async build(
    site: AdminSite,
    resolved: ResolvedInline,
    parent: object | undefined,
    data: QueryDict | undefined,
    allowed: { add: boolean; delete: boolean } = { add: true, delete: true },
  ): Promise<InlineRows> {
    // Without add permission no blank rows; without delete permission no Delete boxes.
    const inline: ResolvedInline = {
      ...resolved,
      extra: allowed.add ? resolved.extra : 0,
      canDelete: resolved.canDelete && allowed.delete,
    }
    const out = new InlineRows(inline, data)
    const child = inline.model
    const existing = parent
      ? ((await child.objects
          .filter({ [inline.fk.attname]: (parent as { pk: unknown }).pk } as never)
          .orderBy('pk' as never)
          .list()) as object[])
      : []
    const formClass = formClassFor(child, inline.fields)
    const modes = await foreignKeyModes(inline.fields, () => false)
    const make = (index: number, instance: object | undefined): ModelForm => {
      const form = new formClass({
        prefix: `${inline.prefix}-${index}`,
        ...(instance ? { instance: instance as never } : {}),
        ...(data ? { data } : {}),
        useRequiredAttribute: instance !== undefined,
      })
      adaptForeignKeys(form, site, child as AnyModelClass, modes)
      return form
    }
    if (!data) {
      existing.forEach((instance, index) =>
        out.rows.push({ form: make(index, instance), instance, index, deleteChecked: false }),
      )
      const extra = Math.max(0, Math.min(inline.extra, inline.maxNum - existing.length))
      for (let i = 0; i < extra; i++) {
        const index = existing.length + i
        out.rows.push({
          form: make(index, undefined),
          instance: undefined,
          index,
          deleteChecked: false,
        })
      }
      return out
    }
    const count = (name: string): number => {
      const text = (data.get(`${inline.prefix}-${name}`) ?? '').trim()
      return /^\d{1,6}$/.test(text) ? Number(text) : -1
    }
    const total = count('TOTAL_FORMS')
    const initial = count('INITIAL_FORMS')
    if (total < 0 || initial < 0 || initial > total) {
      out.errors.push('ManagementForm data is missing or has been tampered with.')
      return out
    }
    if (!allowed.add && total > initial) {
      out.errors.push(`You do not have permission to add ${inline.verboseNamePlural}.`)
      return out
    }
    if (total - initial + existing.length > inline.maxNum) {
      out.errors.push(`Please submit at most ${inline.maxNum} ${inline.verboseNamePlural}.`)
      return out
    }
    const byPk = new Map(
      existing.map((instance) => [String((instance as { pk: unknown }).pk), instance]),
    )
    const used = new Set<string>()
    for (let index = 0; index < total; index++) {
      let instance: object | undefined
      if (index < initial) {
        const id = (data.get(`${inline.prefix}-${index}-id`) ?? '').trim()
        instance = byPk.get(id)
        if (!instance || used.has(id)) {
          out.errors.push(
            `Row ${index + 1} of ${inline.verboseNamePlural} refers to an item that is not part of this object (it may have been deleted).`,
          )
          continue
        }
        used.add(id)
      }
      const deleteChecked =
        inline.canDelete &&
        ['on', 'true', '1'].includes(data.get(`${inline.prefix}-${index}-DELETE`) ?? '')
      out.rows.push({ form: make(index, instance), instance, index, deleteChecked })
    }
    return out
  }

  /** Loads the select options of every row (before rendering). */
  async prepare(): Promise<void> {
    for (const row of this.rows) await row.form.prepare()
  }

  /** A blank extra row the user left alone: neither validated nor saved (as Django). */
  #skipped(row: InlineRow): boolean {
    return !row.instance && (!row.form.hasChanged() || row.deleteChecked)
  }

  /** Validates every row that will be saved. */
  async isValid(): Promise<boolean> {
    let ok = this.errors.length === 0
    for (const row of this.rows) {
      if (this.#skipped(row) || row.deleteChecked) continue
      // The foreign key is set on save; the child's own checks see the parent's key then.
      this.#validated.add(row.form)
      if (!(await row.form.isValid())) ok = false
    }
    return ok
  }

  /** Whether a row was validated (blank extra rows are not), so its errors can be read. */
  wasValidated(row: InlineRow): boolean {
    return this.#validated.has(row.form)
  }

  /** Saves the rows for `parent`; returns what changed, for the history message. */
  async save(parent: object): Promise<{ added: string[]; changed: string[]; deleted: string[] }> {
    const result = { added: [] as string[], changed: [] as string[], deleted: [] as string[] }
    const parentPk = (parent as { pk: unknown }).pk
    for (const row of this.rows) {
      if (this.#skipped(row)) continue
      if (row.deleteChecked && row.instance) {
        await (row.instance as { delete(): Promise<number> }).delete()
        result.deleted.push(String((row.instance as { pk: unknown }).pk))
        continue
      }
      if (row.instance && !row.form.hasChanged()) continue
      const instance = (await row.form.save({ commit: false })) as Record<string, unknown>
      instance[this.inline.fk.attname] = parentPk
      await (instance as unknown as { save(): Promise<void> }).save()
      await row.form.saveM2m()
      ;(row.instance ? result.changed : result.added).push(String(instance['pk']))
    }
    return result
  }
}
