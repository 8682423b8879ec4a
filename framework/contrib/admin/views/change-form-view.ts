/**
 * @module The add and change pages: the model's ModelForm (errors inline), read-only fields, and
 * the inlines' rows, saved together in one transaction and logged in the history. A user with
 * only the view permission sees the same page with every value as text and no buttons.
 */
import { atomic, type AnyModelClass } from '../../../db/index.ts'
import {
  HttpResponseRedirect,
  PermissionDenied,
  type HttpResponseBase,
} from '../../../http/index.ts'
import type { ModelForm } from '../../../forms/index.ts'
import { escapeHtml, safe, type SafeString } from '../../../templates/index.ts'
import { adaptForeignKeys, foreignKeyModes, formClassFor } from '../admin-forms.ts'
import { InlineRows } from '../inline-rows.ts'
import { logAction } from '../log-entries.ts'
import type { ModelAdmin } from '../model-admin.ts'
import {
  capfirst,
  displayValue,
  fieldLabel,
  isForeignKey,
  urlName,
  type FieldInfo,
} from '../model-info.ts'
import { modelPermissions, targetOf, type ModelPermissions } from '../permissions.ts'
import type { AdminRequest } from './admin-request.ts'
import { getObject, modelContext, requirePermission } from './lookup.ts'

/** One line of a fieldset as the template draws it. */
type FormLine =
  | {
      readonly kind: 'field'
      readonly html: SafeString
      readonly lookup: { url: string | undefined; repr: string } | undefined
    }
  | { readonly kind: 'readonly'; readonly label: string; readonly text: string }

/** An inline as the template draws it. */
interface InlineView {
  readonly title: string
  readonly prefix: string
  readonly headers: string[]
  readonly editable: boolean
  readonly canDelete: boolean
  readonly totalForms: number
  readonly initialForms: number
  readonly errors: string[]
  readonly rows: {
    readonly id: string
    readonly index: number
    readonly cells: { html: SafeString | undefined; text: string }[]
    readonly errors: string[]
    readonly deleteChecked: boolean
    readonly isNew: boolean
  }[]
}

interface InlineState {
  readonly rows: InlineRows | undefined
  readonly perms: ModelPermissions
  readonly readonlyRows: object[]
}

/** GET and POST /admin/<app>/<model>/add/ */
export function addView(
  request: AdminRequest,
  params: { appLabel: string; modelName: string },
): Promise<HttpResponseBase> {
  return formPage(request, params, undefined)
}

/** GET and POST /admin/<app>/<model>/<id>/change/ */
export function changeView(
  request: AdminRequest,
  params: { appLabel: string; modelName: string; objectId: string },
): Promise<HttpResponseBase> {
  return formPage(request, params, params.objectId)
}

async function formPage(
  request: AdminRequest,
  params: { appLabel: string; modelName: string },
  objectId: string | undefined,
): Promise<HttpResponseBase> {
  const { admin, perms } = await modelContext(request, params)
  const adding = objectId === undefined
  requirePermission(
    adding ? perms.add : perms.view,
    `${adding ? 'add' : 'view'} ${admin.verboseNamePlural}`,
  )
  const obj = adding ? undefined : await getObject(admin, objectId)
  const canSave = adding ? perms.add : perms.change
  const isPost = request.request.method === 'POST'
  if (isPost && !canSave)
    throw new PermissionDenied(`You do not have permission to change ${admin.verboseNamePlural}.`)

  const fieldsets = admin.fieldsets()
  const editable = canSave
    ? fieldsets.flatMap((set) => set.fields).filter((field) => !admin.isReadonly(field))
    : []
  const formClass = formClassFor(admin.model, editable)
  const modes = await foreignKeyModes(editable, (field) => admin.isRawId(field))
  const form = new formClass({
    ...(obj ? { instance: obj as never } : {}),
    ...(isPost ? { data: request.request.POST, files: request.request.FILES } : {}),
  })
  adaptForeignKeys(form, request.site, admin.model, modes)

  const inlines: InlineState[] = []
  for (const inline of admin.inlines) {
    const inlinePerms = await modelPermissions(
      request.user!,
      targetOf(inline.model),
      request.settings,
    )
    if (!inlinePerms.view) continue
    const editableInline = canSave && (inlinePerms.change || (adding && inlinePerms.add))
    const rows = editableInline
      ? await InlineRows.build(
          request.site,
          inline,
          obj,
          isPost ? request.request.POST : undefined,
          {
            add: inlinePerms.add,
            delete: inlinePerms.delete && !adding,
          },
        )
      : undefined
    const readonlyRows =
      rows || !obj
        ? []
        : ((await inline.model.objects
            .filter({ [inline.fk.attname]: (obj as { pk: unknown }).pk } as never)
            .orderBy('pk' as never)
            .list()) as object[])
    inlines.push({ rows, perms: inlinePerms, readonlyRows })
  }

  if (isPost) {
    let valid = await form.isValid()
    for (const state of inlines) if (state.rows && !(await state.rows.isValid())) valid = false
    if (valid) return save(request, admin, form, inlines, adding)
  }

  await form.prepare()
  for (const state of inlines) await state.rows?.prepare()
  const modelParams = { appLabel: admin.appLabel, modelName: admin.modelName }
  const objectRepr = obj ? admin.repr(obj) : ''
  const errorCount =
    (isPost ? Object.keys(form.errors).length : 0) +
    inlines.reduce((n, state) => {
      const rows = state.rows
      if (!rows) return n
      return (
        n +
        rows.errors.length +
        rows.rows.filter((r) => rows.wasValidated(r) && Object.keys(r.form.errors).length).length
      )
    }, 0)
  return request.render('admin/change_form.html', {
    title: adding
      ? `Add ${admin.verboseName}`
      : `${canSave ? 'Change' : 'View'} ${admin.verboseName}`,
    subtitle: objectRepr,
    admin,
    adding,
    canSave,
    perms,
    objectRepr,
    isMultipart: form.isMultipart(),
    nonFieldErrors: form.nonFieldErrors(),
    errorCount,
    fieldsets: await Promise.all(
      fieldsets.map(async (set) => ({
        name: set.name,
        description: set.description,
        lines: await Promise.all(
          set.fields.map((field) => line(request, admin, form, editable, field, obj, modes)),
        ),
      })),
    ),
    inlines: inlines.map((state, i) => inlineView(request, admin.inlines[i]!, state)),
    appName: capfirst(admin.appLabel),
    appUrl: request.url('app_list', { appLabel: admin.appLabel }),
    changelistUrl: perms.view ? request.url('changelist', modelParams) : undefined,
    modelTitle: capfirst(admin.verboseNamePlural),
    deleteUrl:
      !adding && perms.delete ? request.url('delete', { ...modelParams, objectId }) : undefined,
    historyUrl: !adding ? request.url('history', { ...modelParams, objectId }) : undefined,
    viewOnSiteUrl:
      obj && admin.model.meta.options.getAbsoluteUrl
        ? (obj as { getAbsoluteUrl(): string }).getAbsoluteUrl()
        : undefined,
  })
}

async function line(
  request: AdminRequest,
  admin: ModelAdmin,
  form: ModelForm,
  editable: readonly FieldInfo[],
  field: FieldInfo,
  obj: object | undefined,
  modes: ReadonlyMap<string, 'select' | 'raw'>,
): Promise<FormLine> {
  if (editable.includes(field)) {
    const bound = form.field(field.name as never)
    let lookup: { url: string | undefined; repr: string } | undefined
    if (modes.get(field.name) === 'raw') {
      const target = field.relation!.target() as unknown as AnyModelClass
      const targetAdmin = request.site.adminFor(target)
      const current = obj ? await related(obj, field) : undefined
      lookup = {
        url: targetAdmin
          ? request.url('changelist', {
              appLabel: targetAdmin.appLabel,
              modelName: targetAdmin.modelName,
            })
          : undefined,
        repr: current ? request.site.reprOf(target, current) : '',
      }
    }
    return { kind: 'field', html: bound.render(), lookup }
  }
  let text = '-'
  if (obj) {
    if (isForeignKey(field)) {
      const target = field.relation!.target() as unknown as AnyModelClass
      const current = await related(obj, field)
      text = current ? request.site.reprOf(target, current) : '-'
    } else if (field.relation?.kind === 'ManyToManyField') {
      const target = field.relation.target() as unknown as AnyModelClass
      const rows = await (
        (obj as Record<string, unknown>)[field.name] as { all(): { list(): Promise<object[]> } }
      )
        .all()
        .list()
      text = rows.map((row) => request.site.reprOf(target, row)).join(', ') || '-'
    } else {
      text = displayValue(field, obj as Record<string, unknown>, (model, o) =>
        request.site.reprOf(model, o),
      )
    }
  }
  return { kind: 'readonly', label: capfirst(fieldLabel(field)), text }
}

async function related(obj: object, field: FieldInfo): Promise<object | undefined> {
  if ((obj as Record<string, unknown>)[field.attname] == null) return undefined
  return (await (obj as { getRelated(name: string): Promise<unknown> }).getRelated(field.name)) as
    object | undefined
}

function inlineView(
  request: AdminRequest,
  inline: ModelAdmin['inlines'][number],
  state: InlineState,
): InlineView {
  const repr = (obj: object) => request.site.reprOf(inline.model, obj)
  if (!state.rows) {
    return {
      title: capfirst(inline.verboseNamePlural),
      prefix: inline.prefix,
      headers: [
        capfirst(inline.model.meta.verboseName),
        ...inline.fields.map((f) => capfirst(fieldLabel(f))),
      ],
      editable: false,
      canDelete: false,
      totalForms: 0,
      initialForms: 0,
      errors: [],
      rows: state.readonlyRows.map((obj, index) => ({
        id: String((obj as { pk: unknown }).pk),
        index,
        cells: [
          { html: undefined, text: repr(obj) },
          ...inline.fields.map((f) => ({
            html: undefined,
            text: displayValue(f, obj as Record<string, unknown>, (m, o) =>
              request.site.reprOf(m, o),
            ),
          })),
        ],
        errors: [],
        deleteChecked: false,
        isNew: false,
      })),
    }
  }
  const rows = state.rows
  return {
    title: capfirst(inline.verboseNamePlural),
    prefix: rows.prefix,
    headers: rows.headers,
    editable: true,
    canDelete: rows.inline.canDelete,
    totalForms: rows.totalForms,
    initialForms: rows.initialForms,
    errors: rows.errors,
    rows: rows.rows.map((row) => ({
      id: row.instance ? String((row.instance as { pk: unknown }).pk) : '',
      index: row.index,
      cells: rows.inline.fields.map((field) => {
        const bound = row.form.field(field.name as never)
        // Why a hidden label: the column header is visual; a screen reader needs one per input.
        const label = `${capfirst(fieldLabel(field))} (${row.instance ? `row ${row.index + 1}` : 'new row'})`
        const html =
          `<label class="visually-hidden" for="${escapeHtml(bound.idForLabel)}">${escapeHtml(label)}</label>` +
          `${bound.errorsHtml().toString()}${bound.widget().toString()}`
        return { html: safe(html), text: '' }
      }),
      errors: rows.wasValidated(row) ? row.form.nonFieldErrors() : [],
      deleteChecked: row.deleteChecked,
      isNew: !row.instance,
    })),
  }
}

async function save(
  request: AdminRequest,
  admin: ModelAdmin,
  form: ModelForm,
  inlines: InlineState[],
  adding: boolean,
): Promise<HttpResponseBase> {
  const changed = adding ? [] : form.changedData()
  const messages: string[] = []
  const fieldNames = changed.map((name) => {
    const info = admin.model.meta.byName.get(name)
    return info ? fieldLabel(info) : name
  })
  // The object, its inline rows and the history entry are written together or not at all.
  const saved = await atomic(async () => {
    const instance = (await form.save()) as object
    for (const state of inlines) {
      if (!state.rows) continue
      const result = await state.rows.save(instance)
      const name = state.rows.inline.model.meta.verboseName
      if (result.added.length) messages.push(`Added ${result.added.length} ${name}(s).`)
      if (result.changed.length) messages.push(`Changed ${result.changed.length} ${name}(s).`)
      if (result.deleted.length) messages.push(`Deleted ${result.deleted.length} ${name}(s).`)
    }
    const message = adding
      ? ['Added.', ...messages].join(' ')
      : [fieldNames.length ? `Changed ${fieldNames.join(', ')}.` : '', ...messages]
          .filter(Boolean)
          .join(' ') || 'No fields changed.'
    await logAction(request.user, admin, instance, adding ? 'addition' : 'change', message)
    return instance
  })

  const modelParams = { appLabel: admin.appLabel, modelName: urlName(admin.model) }
  const objectId = String((saved as { pk: unknown }).pk)
  const link = `${admin.verboseName} “${admin.repr(saved)}”`
  const post = request.request.POST
  if (post.has('_continue')) {
    request.message(
      `The ${link} was ${adding ? 'added' : 'changed'} successfully. You may edit it again below.`,
    )
    return request.redirect('change', { ...modelParams, objectId })
  }
  if (post.has('_addanother')) {
    request.message(
      `The ${link} was ${adding ? 'added' : 'changed'} successfully. You may add another ${admin.verboseName} below.`,
    )
    return request.redirect('add', modelParams)
  }
  request.message(`The ${link} was ${adding ? 'added' : 'changed'} successfully.`)
  const perms = await modelPermissions(request.user!, admin, request.settings)
  return perms.view
    ? request.redirect('changelist', modelParams)
    : new HttpResponseRedirect(request.url('index'))
}
