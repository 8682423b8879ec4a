/**
 * @module ModelAdmin: one registered model with its options checked and defaults filled in, and
 * the per-model decisions the views ask about (columns, repr, form fields, actions).
 */
import type { AnyModelClass } from '../../db/index.ts'
import { AdminError } from './admin-error.ts'
import {
  capfirst,
  editableFields,
  fieldLabel,
  fieldNamed,
  isForeignKey,
  urlName,
  verboseName,
  verboseNamePlural,
  type FieldInfo,
} from './model-info.ts'
import type {
  AdminAction,
  Fieldset,
  InlineOptions,
  ListColumn,
  ModelAdminOptions,
  Permission,
} from './options.ts'

/** One change list column, resolved. */
export interface ResolvedColumn {
  /** The listDisplay entry's name (`questionText`, `__str__`, or `column1` for a computed one). */
  readonly name: string
  readonly label: string
  readonly field: FieldInfo | undefined
  readonly computed: ListColumn | undefined
  /** The ordering key its header sorts by, when sortable. */
  readonly orderField: string | undefined
  readonly boolean: boolean
  readonly link: boolean
}

/** An inline, resolved: the child model and the foreign key to the parent. */
export interface ResolvedInline {
  readonly options: InlineOptions
  readonly model: AnyModelClass
  readonly fk: FieldInfo
  /** Form prefix of its rows (`choice_set`). */
  readonly prefix: string
  readonly fields: readonly FieldInfo[]
  readonly extra: number
  readonly maxNum: number
  readonly canDelete: boolean
  readonly verboseNamePlural: string
}

/** The admin of one model. */
export class ModelAdmin<M extends AnyModelClass = AnyModelClass> {
  readonly model: M
  readonly options: ModelAdminOptions<M>
  readonly appLabel: string
  /** Lower-case model name, the URL segment. */
  readonly modelName: string
  readonly verboseName: string
  readonly verboseNamePlural: string
  readonly columns: readonly ResolvedColumn[]
  readonly listPerPage: number
  readonly inlines: readonly ResolvedInline[]
  readonly actions: readonly AdminAction<M>[]

  constructor(model: M, options: ModelAdminOptions<M> = {}) {
    this.model = model
    this.options = options
    this.appLabel = model.meta.appLabel
    this.modelName = urlName(model)
    this.verboseName = verboseName(model)
    this.verboseNamePlural = verboseNamePlural(model)
    this.#checkFieldNames()
    this.columns = this.#resolveColumns()
    this.listPerPage = options.listPerPage ?? 100
    if (!Number.isInteger(this.listPerPage) || this.listPerPage < 1) {
      throw new AdminError(
        'admin.E003',
        `${model.meta.label}: listPerPage must be a positive integer, got ${String(options.listPerPage)}.`,
      )
    }
    this.inlines = (options.inlines ?? []).map((inline) => this.#resolveInline(inline))
    this.actions = this.#resolveActions()
  }

  /** How an object is named (the `repr` option, else `Question object (7)` as Django). */
  repr(obj: object): string {
    if (this.options.repr) return String(this.options.repr(obj as InstanceType<M>))
    return reprDefault(this.model, obj)
  }

  /** The fields the add and change forms show, in order, grouped by fieldset. */
  fieldsets(): {
    name: string | undefined
    description: string | undefined
    fields: FieldInfo[]
  }[] {
    const named = (names: readonly string[]): FieldInfo[] =>
      names.map((name) => fieldNamed(this.model, name)!).filter(Boolean)
    if (this.options.fieldsets) {
      return this.options.fieldsets.map((set: Fieldset<M>) => ({
        name: set.name,
        description: set.description,
        fields: named(set.fields),
      }))
    }
    const readonly = new Set<string>(this.options.readonlyFields ?? [])
    const excluded = new Set<string>(this.options.exclude ?? [])
    const list = this.options.fields
      ? named(this.options.fields)
      : [
          ...editableFields(this.model).filter(
            (field) => !excluded.has(field.name) && !readonly.has(field.name),
          ),
          ...named([...readonly]),
        ]
    return [{ name: undefined, description: undefined, fields: list }]
  }

  /** Whether a field is read-only on the forms. */
  isReadonly(field: FieldInfo): boolean {
    return (
      (this.options.readonlyFields ?? []).includes(field.name as never) ||
      !editableFields(this.model).includes(field)
    )
  }

  /** Whether a foreign key is edited as a raw id input (declared, or decided by table size). */
  isRawId(field: FieldInfo): boolean {
    return (this.options.rawIdFields ?? []).includes(field.name as never)
  }

  /** The actions a user with `can` may run. */
  actionsFor(can: (permission: Permission) => boolean): AdminAction<M>[] {
    return this.actions.filter((act) => (act.permissions ?? ['change']).every(can))
  }

  #checkFieldNames(): void {
    const label = this.model.meta.label
    const known = [...this.model.meta.byName.keys()]
    const check = (option: string, names: readonly unknown[] | undefined): void => {
      for (const name of names ?? []) {
        if (typeof name !== 'string' || name === '__str__') continue
        if (!this.model.meta.byName.has(name)) {
          throw new AdminError(
            'admin.E001',
            `${label}: ${option} names ${JSON.stringify(name)}, which is not a field of ${label} (fields: ${known.join(', ')}).`,
          )
        }
      }
    }
    check('listDisplay', this.options.listDisplay)
    check('listDisplayLinks', this.options.listDisplayLinks)
    check('listFilter', this.options.listFilter)
    check('readonlyFields', this.options.readonlyFields)
    check('fields', this.options.fields)
    check('exclude', this.options.exclude)
    check('rawIdFields', this.options.rawIdFields)
    for (const set of this.options.fieldsets ?? []) check('fieldsets', set.fields)
    for (const name of this.options.listFilter ?? []) {
      const field = fieldNamed(this.model, name)!
      const filterable =
        field.kind === 'BooleanField' ||
        field.kind === 'DateField' ||
        field.kind === 'DateTimeField' ||
        isForeignKey(field) ||
        field.options['choices'] !== undefined
      if (!filterable) {
        throw new AdminError(
          'admin.E002',
          `${label}: listFilter ${JSON.stringify(name)} is a ${field.kind} without choices; filters work on booleans, choices, dates and foreign keys.`,
        )
      }
    }
    for (const path of this.options.searchFields ?? []) {
      const first = path.split('__')[0] ?? ''
      if (!this.model.meta.byName.has(first)) {
        throw new AdminError(
          'admin.E001',
          `${label}: searchFields names ${JSON.stringify(path)}, whose first part ${JSON.stringify(first)} is not a field of ${label} (fields: ${known.join(', ')}).`,
        )
      }
    }
  }

  #resolveColumns(): ResolvedColumn[] {
    const entries = this.options.listDisplay ?? ['__str__']
    const links = new Set<string>(this.options.listDisplayLinks ?? [])
    return entries.map((entry, index) => {
      const link = links.size ? typeof entry === 'string' && links.has(entry) : index === 0
      if (typeof entry !== 'string') {
        return {
          name: `column${index}`,
          label: entry.label,
          field: undefined,
          computed: entry as ListColumn,
          orderField: entry.orderField,
          boolean: entry.boolean === true,
          link,
        }
      }
      if (entry === '__str__') {
        return {
          name: entry,
          label: capfirst(this.verboseName),
          field: undefined,
          computed: undefined,
          orderField: undefined,
          boolean: false,
          link,
        }
      }
      const field = fieldNamed(this.model, entry)!
      return {
        name: entry,
        label: capfirst(fieldLabel(field)),
        field,
        computed: undefined,
        orderField: field.relation?.kind === 'ManyToManyField' ? undefined : entry,
        boolean: field.kind === 'BooleanField',
        link,
      }
    })
  }

  #resolveInline(inline: InlineOptions): ResolvedInline {
    const child = inline.model
    const label = `${this.model.meta.label} inline ${child.meta.label}`
    const fks = child.meta.fields.filter(
      (field) =>
        isForeignKey(field) &&
        field.relation!.target() === (this.model as unknown) &&
        (inline.fkName === undefined || field.name === inline.fkName),
    )
    if (fks.length !== 1) {
      throw new AdminError(
        'admin.E004',
        fks.length === 0
          ? `${label}: ${child.meta.label} has no foreign key to ${this.model.meta.label}${inline.fkName ? ` named ${JSON.stringify(inline.fkName)}` : ''}.`
          : `${label}: ${child.meta.label} has several foreign keys to ${this.model.meta.label}; say which with fkName.`,
      )
    }
    const fk = fks[0]!
    const wanted = inline.fields
      ? inline.fields.map((name) => {
          const field = fieldNamed(child, name)
          if (!field)
            throw new AdminError(
              'admin.E001',
              `${label}: fields names ${JSON.stringify(name)}, which is not a field of ${child.meta.label}.`,
            )
          return field
        })
      : editableFields(child).filter((field) => field !== fk)
    return {
      options: inline,
      model: child,
      fk,
      prefix: `${urlName(child)}_set`,
      fields: wanted.filter((field) => field !== fk && field.relation?.kind !== 'ManyToManyField'),
      extra: inline.extra ?? 3,
      maxNum: inline.maxNum ?? 1000,
      canDelete: inline.canDelete ?? true,
      verboseNamePlural: inline.verboseNamePlural ?? verboseNamePlural(child),
    }
  }

  #resolveActions(): AdminAction<M>[] {
    const actions = [...(this.options.actions ?? [])]
    const names = new Set<string>()
    for (const act of actions) {
      if (names.has(act.name) || act.name === 'delete_selected') {
        throw new AdminError(
          'admin.E005',
          `${this.model.meta.label}: two actions are named ${JSON.stringify(act.name)} (delete_selected is the built-in one); give each a unique name.`,
        )
      }
      names.add(act.name)
    }
    return actions
  }
}

/** Django's default `__str__`: `Question object (7)`. */
export function reprDefault(model: AnyModelClass, obj: object): string {
  const pk = (obj as { pk?: unknown }).pk
  return `${model.meta.modelName} object (${String(pk)})`
}
