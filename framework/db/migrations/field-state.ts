/**
 * @module A field written in a migration file (`fields.char({ maxLength: 200 })`,
 * `fields.foreignKey(() => 'polls.Question', { onDelete: 'CASCADE' })`) to the FieldState that
 * model-state.ts derives from a declared model, by the same rules, so the two compare equal.
 */
import { snakeCase, type AnyField } from '../models/fields.ts'
import type { FieldState } from '../models/model-state.ts'
import { MigrationError } from './migration-error.ts'

/** What a migration's field thunk may return: a model label, or a model (for hand-written files). */
type Target = string | { readonly meta: { readonly label: string } }

const relationOptions = ['onDelete', 'relatedName', 'through']

function plain(value: unknown): unknown {
  if (typeof value === 'function') return { callable: value.name || 'anonymous' }
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') }
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

function targetLabel(thunk: unknown, where: string): string {
  let target: Target | undefined
  try {
    target = typeof thunk === 'function' ? (thunk as () => Target)() : undefined
  } catch (cause) {
    throw new MigrationError('migrations.E004', `${where}: its target thunk threw`, { cause })
  }
  if (typeof target === 'string' && target.includes('.')) return target
  if (target && typeof target === 'object' && typeof target.meta?.label === 'string')
    return target.meta.label
  throw new MigrationError(
    'migrations.E004',
    `${where}: a relation in a migration must name its model as 'app.Model', e.g. fields.foreignKey(() => 'polls.Question', { onDelete: 'CASCADE' })`,
  )
}

/**
 * The state of field `name` declared as `field` in a migration.
 *
 * @example
 * ```ts
 * fieldState('question', fields.foreignKey(() => 'polls.Question', { onDelete: 'CASCADE' }))
 * // { name: 'question', type: 'ForeignKey', column: 'question_id', options: {}, relation: { kind: 'ForeignKey', to: 'polls.Question', onDelete: 'CASCADE' } }
 * ```
 */
export function fieldState(name: string, field: AnyField, where = `field ${name}`): FieldState {
  if (!field || typeof field !== 'object' || typeof field.kind !== 'string') {
    throw new MigrationError(
      'migrations.E004',
      `${where} is not a field: declare it with fields.char(), fields.integer(), ...`,
    )
  }
  const o = field.options as Record<string, unknown>
  const isRelation = field.kind === 'ForeignKey' || field.kind === 'OneToOneField'
  const isMany = field.kind === 'ManyToManyField'
  const base = typeof o.dbColumn === 'string' ? o.dbColumn : snakeCase(name)
  const options = Object.fromEntries(
    Object.entries(o)
      .filter(([key]) => !relationOptions.includes(key))
      .map(([key, value]) => [
        key,
        key === 'validators'
          ? (value as { name?: string }[]).map((v) => v.name || 'anonymous')
          : plain(value),
      ]),
  )
  const state: FieldState = {
    name,
    type: field.kind,
    column: isMany ? null : isRelation && typeof o.dbColumn !== 'string' ? `${base}_id` : base,
    options,
  }
  if (!isRelation && !isMany) return state
  const to = targetLabel((field as unknown as { to?: unknown }).to, where)
  return {
    ...state,
    relation: {
      kind: field.kind as 'ForeignKey' | 'OneToOneField' | 'ManyToManyField',
      to,
      ...(typeof o.onDelete === 'string' ? { onDelete: o.onDelete } : {}),
      ...(typeof o.relatedName === 'string' ? { relatedName: o.relatedName } : {}),
      ...(o.through ? { through: targetLabel(o.through, `${where} (through)`) } : {}),
    },
  }
}

/** Compares two JSON-like values structurally, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const other = b as unknown[]
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]))
  }
  const left = Object.entries(a as object).filter(([, v]) => v !== undefined)
  const right = Object.entries(b as object).filter(([, v]) => v !== undefined)
  if (left.length !== right.length) return false
  const rightMap = new Map(right)
  return left.every(([key, value]) => rightMap.has(key) && deepEqual(value, rightMap.get(key)))
}
