/**
 * @module A model's serialisable state: what `makemigrations` compares with the last migration.
 * Plain JSON (no functions): a callable default becomes `{ callable: name }`, validators are
 * listed by name, relation targets by label. Field order is declaration order.
 */
import { resolveTarget, type ModelRuntime } from './model-meta.ts'

/** One field in a model's state. */
export interface FieldState {
  readonly name: string
  readonly type: string
  /** The column (null for many-to-many). */
  readonly column: string | null
  readonly options: Readonly<Record<string, unknown>>
  readonly relation?: {
    readonly kind: 'ForeignKey' | 'OneToOneField' | 'ManyToManyField'
    /** `app.Model` of the target. */
    readonly to: string
    readonly onDelete?: string
    readonly relatedName?: string
    /** `app.Model` of an explicit through model, or the auto-created table name. */
    readonly through?: string
  }
}

/** A model's state. */
export interface ModelState {
  readonly appLabel: string
  readonly name: string
  readonly dbTable: string
  readonly autoCreated: boolean
  readonly fields: readonly FieldState[]
  readonly options: {
    readonly ordering: readonly string[]
    readonly uniqueTogether: readonly (readonly string[])[]
    readonly verboseName: string
  }
  readonly indexes: readonly { readonly name?: string; readonly fields: readonly string[] }[]
  readonly constraints: readonly Readonly<Record<string, unknown>>[]
}

function plain(value: unknown): unknown {
  if (typeof value === 'function') return { callable: value.name || 'anonymous' }
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

/**
 * The state of one model, as JSON-safe data.
 *
 * @example
 * ```ts
 * const state = Question.toState() // { appLabel: 'polls', name: 'Question', dbTable: 'polls_question', fields: [...] }
 * ```
 */
export function modelState(model: ModelRuntime): ModelState {
  const meta = model.meta
  return {
    appLabel: meta.appLabel,
    name: meta.modelName,
    dbTable: meta.dbTable,
    autoCreated: meta.options.autoCreated === true,
    fields: meta.fields.map((field) => {
      const options = Object.fromEntries(
        Object.entries(field.options)
          .filter(([key]) => !['onDelete', 'relatedName', 'through'].includes(key))
          .map(([key, value]) => [
            key,
            key === 'validators'
              ? (value as Function[]).map((v) => v.name || 'anonymous')
              : plain(value),
          ]),
      )
      let relation: FieldState['relation']
      if (field.relation) {
        let to = '?'
        try {
          to = resolveTarget(model, field).meta.label
        } catch {
          // Why: a target not declared yet is reported as '?' rather than failing toState().
        }
        relation = {
          kind: field.relation.kind,
          to,
          ...(field.relation.onDelete ? { onDelete: field.relation.onDelete } : {}),
          ...(field.relation.relatedName ? { relatedName: field.relation.relatedName } : {}),
          ...(field.relation.through ? { through: throughLabel(field.relation.through) } : {}),
        }
      }
      return {
        name: field.name,
        type: field.kind,
        column: field.column ?? null,
        options,
        ...(relation ? { relation } : {}),
      }
    }),
    options: {
      ordering: [...meta.ordering],
      uniqueTogether: meta.uniqueTogether.map((g) => [...g]),
      verboseName: meta.verboseName,
    },
    indexes: meta.indexes.map((index) => ({
      ...(index.name ? { name: index.name } : {}),
      fields: [...index.fields],
    })),
    constraints: meta.constraints.map((constraint) => plain(constraint) as Record<string, unknown>),
  }
}

function throughLabel(through: () => ModelRuntime): string {
  try {
    return through().meta.label
  } catch {
    return '?'
  }
}
