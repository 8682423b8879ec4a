/**
 * @module The migration writer: operations to a TypeScript file a person can read and edit,
 * in the repository's style (two spaces, single quotes, no semicolons, trailing commas), using
 * only the public `framework/db` entry.
 */
import type { AnyField, FieldKind } from '../models/fields.ts'
import type { MigrationKey } from './migration.ts'
import type { Operation } from './operations/operation.ts'

/** `fields.<factory>` for each kind. */
const factories: Record<FieldKind, string> = {
  AutoField: 'auto',
  BigAutoField: 'bigAuto',
  CharField: 'char',
  TextField: 'text',
  IntegerField: 'integer',
  BigIntegerField: 'bigInteger',
  SmallIntegerField: 'smallInteger',
  FloatField: 'float',
  DecimalField: 'decimal',
  BooleanField: 'boolean',
  DateField: 'date',
  DateTimeField: 'dateTime',
  TimeField: 'time',
  DurationField: 'duration',
  UUIDField: 'uuid',
  JSONField: 'json',
  EmailField: 'email',
  URLField: 'url',
  SlugField: 'slug',
  BinaryField: 'binary',
  ForeignKey: 'foreignKey',
  OneToOneField: 'oneToOne',
  ManyToManyField: 'manyToMany',
}

/** Options the factory sets by itself, left out so the file reads as the model was written. */
const implied: Partial<Record<FieldKind, Record<string, unknown>>> = {
  AutoField: { primaryKey: true },
  BigAutoField: { primaryKey: true },
  OneToOneField: { unique: true },
  EmailField: { maxLength: 254 },
  URLField: { maxLength: 200 },
  SlugField: { maxLength: 50, dbIndex: true },
}

const WIDTH = 100
/** A column that makes every value fit: nested values of a one-line candidate stay on one line. */
const INLINE = Number.NEGATIVE_INFINITY

/** Source text the renderer copies as is. */
class Code {
  constructor(readonly text: string) {}
}

function isField(value: unknown): value is AnyField & { to?: () => unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    (value as { kind: string }).kind in factories &&
    typeof (value as { options?: unknown }).options === 'object'
  )
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isField(value)
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quoteString(name)
}

function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

function renderField(
  field: AnyField & { to?: () => unknown },
  indent: string,
  column: number,
): string {
  const kind = field.kind as FieldKind
  const skip = implied[kind] ?? {}
  const options = Object.fromEntries(
    Object.entries(field.options as Record<string, unknown>)
      .filter(
        ([name, value]) =>
          value !== undefined && name !== 'validators' && !(name in skip && skip[name] === value),
      )
      .map(([name, value]) =>
        // Why: a through model is a thunk in the model; in a migration it names the model by label.
        name === 'through' && typeof value === 'function'
          ? [name, new Code(`() => ${quoteString(String((value as () => unknown)()))}`)]
          : typeof value === 'function'
            ? [name, { callable: (value as { name?: string }).name || 'anonymous' }]
            : [name, value],
      ),
  )
  let head = `fields.${factories[kind]}(`
  if (field.to)
    head += `() => ${quoteString(String(field.to()))}${Object.keys(options).length ? ', ' : ''}`
  if (!Object.keys(options).length) return `${head})`
  return `${head}${render(options, indent, column + head.length, 1)})`
}

/**
 * A value as TypeScript source, starting at `column` of a line indented by `indent`: on one line
 * when it fits in 100 columns (with `closing` characters after it), else one entry per line.
 */
export function render(value: unknown, indent = '', column = indent.length, closing = 1): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'string') return quoteString(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Code) return value.text
  if (typeof value === 'function') return String(value)
  if (isField(value)) return renderField(value, indent, column)
  const inner = `${indent}  `
  const fits = (text: string): boolean =>
    !text.includes('\n') && column + text.length + closing <= WIDTH
  if (Array.isArray(value)) {
    const inline = `[${value.map((item) => render(item, inner, INLINE)).join(', ')}]`
    // Prettier's rule: a list of several lists (or objects) of several entries gets a line each.
    const grid =
      value.length > 1 &&
      value.every((item) =>
        Array.isArray(item)
          ? Array.isArray(value[0]) && item.length > 1
          : isRecord(item) && isRecord(value[0]) && Object.keys(item).length > 1,
      )
    if (!grid && fits(inline)) return inline
    const items = value.map((item) => render(item, inner, inner.length, 1))
    return `[\n${items.map((item) => `${inner}${item},`).join('\n')}\n${indent}]`
  }
  const record = value as Record<string, unknown>
  if ('callable' in record && Object.keys(record).length === 1)
    return `migrations.callable(${quoteString(String(record.callable))})`
  const present = Object.entries(record).filter(([, v]) => v !== undefined)
  if (!present.length) return '{}'
  const inline = `{ ${present.map(([k, v]) => `${key(k)}: ${render(v, inner, INLINE, 0)}`).join(', ')} }`
  if (fits(inline)) return inline
  const entries = present.map(([k, v]) => {
    const label = `${key(k)}: `
    return `${inner}${label}${render(v, inner, inner.length + label.length, 1)},`
  })
  return `{\n${entries.join('\n')}\n${indent}}`
}

/** One operation as `migrations.<factory>({ ... })`, starting on a line indented by `indent`. */
export function renderOperation(operation: Operation, indent = '    '): string {
  const head = `migrations.${operation.factory}(`
  return `${head}${render(operation.args, indent, indent.length + head.length, 2)})`
}

/**
 * The text of a migration file.
 *
 * @example
 * ```ts
 * writeMigration({ dependencies: [['polls', '0001_initial']], operations: [op] })
 * ```
 */
export function writeMigration(migration: {
  dependencies: readonly MigrationKey[]
  operations: readonly Operation[]
  replaces?: readonly MigrationKey[]
  importFrom?: string
  comment?: string
}): string {
  const usesFields = migration.operations.some((op) => /\bfields\./.test(renderOperation(op)))
  const names = usesFields ? 'fields, migrations' : 'migrations'
  const lines = [
    `/**`,
    ` * ${migration.comment ?? 'Generated by `framework makemigrations`. Edit it as you need: it is yours now.'}`,
    ` */`,
    `import { ${names} } from '${migration.importFrom ?? 'framework/db'}'`,
    ``,
    `export default migrations.define({`,
    ...(migration.replaces?.length
      ? [`  replaces: ${render(migration.replaces, '  ', '  replaces: '.length, 1)},`]
      : []),
    `  dependencies: ${render(migration.dependencies, '  ', '  dependencies: '.length, 1)},`,
  ]
  if (migration.operations.length) {
    lines.push(`  operations: [`)
    for (const operation of migration.operations) lines.push(`    ${renderOperation(operation)},`)
    lines.push(`  ],`)
  } else {
    lines.push(
      `  operations: [`,
      `    // A data migration, e.g.:`,
      `    // migrations.runSql({ sql: "UPDATE polls_choice SET votes = 0", reverseSql: [] }),`,
      `    // migrations.runCode({ code: async ({ db }) => { ... }, reverseCode: migrations.noop }),`,
      `  ],`,
    )
  }
  lines.push(`})`, ``)
  return lines.join('\n')
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

/** The part of a migration's name one operation suggests (Django's migration_name_fragment). */
function fragment(operation: Operation): string {
  const a = operation.args as Record<string, string>
  switch (operation.factory) {
    case 'createModel':
      return snake(a.name!)
    case 'deleteModel':
      return `delete_${snake(a.name!)}`
    case 'renameModel':
      return `rename_${snake(a.oldName!)}_${snake(a.newName!)}`
    case 'addField':
      return `${snake(a.model!)}_${snake(a.name!)}`
    case 'removeField':
      return `remove_${snake(a.model!)}_${snake(a.name!)}`
    case 'alterField':
      return `alter_${snake(a.model!)}_${snake(a.name!)}`
    case 'renameField':
      return `rename_${snake(a.oldName!)}_${snake(a.model!)}_${snake(a.newName!)}`
    case 'alterModelTable':
      return `alter_${snake(a.name!)}_table`
    case 'alterModelOptions':
      return `alter_${snake(a.name!)}_options`
    case 'alterUniqueTogether':
      return `alter_${snake(a.name!)}_unique_together`
    case 'addIndex':
    case 'removeIndex': {
      const index = (operation.args as { index: { name?: string; fields: string[] } }).index
      const what = index.name
        ? snake(index.name)
        : `${snake(a.model!)}_${index.fields.map((f) => snake(f.replace(/^-/, ''))).join('_')}`
      return operation.factory === 'addIndex' ? what : `remove_${what}`
    }
    case 'renameIndex':
      return `rename_${snake(a.oldName!)}_${snake(a.newName!)}`
    case 'addConstraint':
    case 'removeConstraint': {
      const name = snake((operation.args as { constraint: { name: string } }).constraint.name)
      return operation.factory === 'addConstraint' ? name : `remove_${name}`
    }
    default:
      return 'auto'
  }
}

/**
 * A migration's name from what it does (`initial` for an app's first; else the fragments of its
 * operations joined, or `auto_<date>` when that would be too long).
 *
 * @example
 * ```ts
 * suggestName([addField({ model: 'Choice', name: 'votes', ... })], false) // 'choice_votes'
 * ```
 */
export function suggestName(
  operations: readonly Operation[],
  initial: boolean,
  now = new Date(),
): string {
  if (initial) return 'initial'
  const name = operations
    .map(fragment)
    .join('_')
    .replace(/[^a-z0-9_]/g, '_')
  if (name && name.length <= 52 && !name.includes('auto')) return name
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '_')
  return `auto_${stamp}`
}
