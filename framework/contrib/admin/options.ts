/**
 * @module What `site.register(Model, options)` accepts (Django's ModelAdmin attributes, in
 * camelCase), and the inline and action declarations that go in it.
 */
import type { AnyModelClass } from '../../db/index.ts'
import type { HttpRequest, HttpResponseBase } from '../../http/index.ts'

/** A model's field names, as declared (plus `id` when the model declares no primary key). */
export type FieldName<M extends AnyModelClass> = Extract<keyof M['fields'], string> | 'id'

/** An instance of a model, as the admin hands it to callbacks. */
export type ObjectOf<M extends AnyModelClass> = InstanceType<M>

/**
 * A computed column of the change list (Django's callable in list_display).
 *
 * @example
 * ```ts
 * const recent = column<typeof Question>('Published recently?', (q) => q.pubDate > weekAgo(), {
 *   boolean: true,
 *   orderField: 'pubDate',
 * })
 * ```
 */
export interface ListColumn<M extends AnyModelClass = AnyModelClass> {
  readonly label: string
  readonly value: (obj: ObjectOf<M>) => unknown
  /** Shown as a yes/no icon. */
  readonly boolean?: boolean
  /** The field its header sorts by; without one the header does not sort. */
  readonly orderField?: string
}

/** Builds a ListColumn with its object type inferred from the model. */
export function column<M extends AnyModelClass>(
  label: string,
  value: (obj: ObjectOf<M>) => unknown,
  options: { boolean?: boolean; orderField?: string } = {},
): ListColumn<M> {
  return { label, value, ...options }
}

/** A group of fields on the add and change forms. */
export interface Fieldset<M extends AnyModelClass = AnyModelClass> {
  readonly name?: string
  readonly fields: readonly FieldName<M>[]
  readonly description?: string
}

/** What an action receives. */
export interface ActionContext<M extends AnyModelClass = AnyModelClass> {
  readonly request: HttpRequest
  /** The selected objects (already filtered by what the user may see). */
  readonly objects: readonly ObjectOf<M>[]
  readonly model: M
}

/**
 * A change-list action on the selected rows (Django's admin actions). Return nothing to go back
 * to the list with a message, a string to use as that message, or a response of your own.
 *
 * @example
 * ```ts
 * const markPublished = action<typeof Article>('Mark as published', async ({ objects }) => {
 *   for (const article of objects) { article.status = 'p'; await article.save() }
 *   return `${objects.length} article(s) published.`
 * }, { permissions: ['change'] })
 * ```
 */
export interface AdminAction<M extends AnyModelClass = AnyModelClass> {
  /** The value of the action select; unique per model admin. */
  readonly name: string
  readonly description: string
  /** The permissions a user needs to see and run it (default: change). */
  readonly permissions?: readonly Permission[]
  readonly run: (
    context: ActionContext<M>,
  ) => Promise<void | string | HttpResponseBase> | void | string | HttpResponseBase
}

/** Builds an AdminAction; the name is derived from the description unless given. */
export function action<M extends AnyModelClass>(
  description: string,
  run: AdminAction<M>['run'],
  options: { name?: string; permissions?: readonly Permission[] } = {},
): AdminAction<M> {
  const name =
    options.name ??
    description
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
  return {
    name,
    description,
    run,
    ...(options.permissions ? { permissions: options.permissions } : {}),
  }
}

/** The four model permissions Django creates for every model. */
export type Permission = 'view' | 'add' | 'change' | 'delete'

/**
 * Related rows edited inside the parent's form (Django's TabularInline).
 *
 * @example
 * ```ts
 * site.register(Question, { inlines: [inline(Choice, { extra: 3 })] })
 * ```
 */
export interface InlineOptions<M extends AnyModelClass = AnyModelClass> {
  readonly model: M
  /** The foreign key to the parent, when the model has more than one. */
  readonly fkName?: FieldName<M>
  /** Empty forms shown for new rows (default 3). */
  readonly extra?: number
  /** Most rows the inline accepts (default 1000). */
  readonly maxNum?: number
  readonly fields?: readonly FieldName<M>[]
  /** Whether rows can be removed with a "Delete" box (default true). */
  readonly canDelete?: boolean
  readonly verboseNamePlural?: string
}

/**
 * Declares an inline with its model's field names checked by the compiler. The result is
 * widened to any model, so inlines of different models fit in one list.
 */
export function inline<M extends AnyModelClass>(
  model: M,
  options: Omit<InlineOptions<M>, 'model'> = {},
): InlineOptions {
  return { model, ...options } as unknown as InlineOptions
}

/** Options of `site.register()` (Django's ModelAdmin). Every one is optional. */
export interface ModelAdminOptions<M extends AnyModelClass = AnyModelClass> {
  /** Change list columns: field names or computed columns (default: the object's repr). */
  readonly listDisplay?: readonly (FieldName<M> | '__str__' | ListColumn<M>)[]
  /** Which columns link to the change form (default: the first). */
  readonly listDisplayLinks?: readonly (FieldName<M> | '__str__')[]
  /** Sidebar filters: boolean, choices, date and foreign key fields. */
  readonly listFilter?: readonly FieldName<M>[]
  /** Fields the search box looks in (icontains), relations with `__`: `'question__questionText'`. */
  readonly searchFields?: readonly string[]
  /** Default change list order (default: the model's Meta ordering, then `-pk`). */
  readonly ordering?: readonly string[]
  /** Rows per change list page (default 100). */
  readonly listPerPage?: number
  /** Fields shown but not editable on the change form. */
  readonly readonlyFields?: readonly FieldName<M>[]
  /** Fields on the forms, in order (default: every editable field). */
  readonly fields?: readonly FieldName<M>[]
  readonly fieldsets?: readonly Fieldset<M>[]
  readonly exclude?: readonly FieldName<M>[]
  /** Foreign keys edited as an id input with a search link instead of a select. */
  readonly rawIdFields?: readonly FieldName<M>[]
  readonly inlines?: readonly InlineOptions[]
  /** Actions offered on the change list, besides "Delete selected". */
  readonly actions?: readonly AdminAction<M>[]
  /** Whether "Delete selected" is offered (default true). */
  readonly deleteSelected?: boolean
  /** How an object is named in lists, titles and the history (Django's `__str__`). */
  readonly repr?: (obj: ObjectOf<M>) => string
}
