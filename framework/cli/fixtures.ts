/**
 * @module JSON fixtures in Django's format, `[{ "model": "polls.question", "pk": 1, "fields": {...} }]`:
 * choosing the models a `dumpdata` argument names, turning rows into entries and entries back
 * into the values a model takes. Field names are the model's (camelCase); a foreign key holds the
 * target's primary key, a many-to-many field the list of them, a datetime an ISO 8601 string and
 * binary data base64.
 */
import type { AnyModelClass, AppRegistry } from '../db/index.ts'
import { CommandError } from './command.ts'

/** One fixture entry. */
export interface FixtureEntry {
  model: string
  pk: unknown
  fields: Record<string, unknown>
}

type FieldMeta = AnyModelClass['meta']['fields'][number]

/** `polls.question`: Django's lower-case model label. */
export function fixtureLabel(model: AnyModelClass): string {
  return `${model.meta.appLabel}.${model.meta.modelName.toLowerCase()}`
}

/**
 * The models `labels` name (`polls`, `polls.Question`, any case for the model), or every model of
 * every app when there are none; ordered so a foreign key's target comes before its holder.
 */
export function selectModels(apps: AppRegistry, labels: readonly string[]): AnyModelClass[] {
  const all = apps.models() as unknown as AnyModelClass[]
  const chosen = new Set<AnyModelClass>()
  for (const label of labels) {
    const [appLabel = '', modelName] = label.split('.', 2)
    if (!apps.has(appLabel)) {
      throw new CommandError('CLI-E03', `unknown app ${JSON.stringify(appLabel)} in ${JSON.stringify(label)}`, {
        hint: `installed apps: ${apps.all().map((app) => app.label).join(', ') || 'none'} (add it to INSTALLED_APPS if it is yours)`,
      })
    }
    const models = apps.get(appLabel).models as unknown as AnyModelClass[]
    if (modelName === undefined) {
      models.forEach((model) => chosen.add(model))
      continue
    }
    const model = models.find((m) => m.meta.modelName.toLowerCase() === modelName.toLowerCase())
    if (!model) {
      throw new CommandError('CLI-E03', `app ${JSON.stringify(appLabel)} has no model ${JSON.stringify(modelName)}`, {
        hint: `its models: ${models.map((m) => m.meta.modelName).join(', ') || 'none'}`,
      })
    }
    chosen.add(model)
  }
  return dependencyOrder(labels.length ? [...chosen] : all)
}

/** Targets of foreign keys before the models that hold them (self-references ignored). */
export function dependencyOrder(models: readonly AnyModelClass[]): AnyModelClass[] {
  const done = new Set<AnyModelClass>()
  const ordered: AnyModelClass[] = []
  const visit = (model: AnyModelClass, path: Set<AnyModelClass>) => {
    if (done.has(model) || path.has(model)) return
    path.add(model)
    for (const field of model.meta.fields) {
      if (field.relation && field.relation.kind !== 'ManyToManyField') {
        const target = field.relation.target() as unknown as AnyModelClass
        if (target !== model && models.includes(target)) visit(target, path)
      }
    }
    done.add(model)
    ordered.push(model)
  }
  for (const model of models) visit(model, new Set())
  return ordered
}

/** Every row of `model` as fixture entries, by primary key. */
export async function dumpModel(model: AnyModelClass, using: string): Promise<FixtureEntry[]> {
  const meta = model.meta
  const entries: FixtureEntry[] = []
  const rows = (await model.objects.using(using).orderBy(meta.pk.name).list()) as unknown as Record<string, unknown>[]
  for (const row of rows) {
    const fields: Record<string, unknown> = {}
    for (const field of meta.fields) {
      if (field.primaryKey) continue
      if (field.relation?.kind === 'ManyToManyField') {
        const manager = row[field.name] as { all(): { valuesList(f: string[], o: { flat: true }): { list(): Promise<unknown[]> } } }
        const targetPk = field.relation.target().meta.pk.name
        fields[field.name] = await manager.all().valuesList([targetPk], { flat: true }).list()
        continue
      }
      fields[field.name] = toJson(field, row[field.attname])
    }
    entries.push({ model: fixtureLabel(model), pk: row[meta.pk.attname], fields })
  }
  return entries
}

function toJson(field: FieldMeta, value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  return field.kind === 'JSONField' ? value : (value ?? null)
}

/** One entry, checked and turned into the values a model takes; `where` names it in errors. */
export interface ParsedEntry {
  model: AnyModelClass
  pk: unknown
  values: Record<string, unknown>
  manyToMany: [string, unknown[]][]
  where: string
}

/**
 * Checks the shape of a fixture file's content and resolves each entry's model and fields.
 * Throws a CommandError that names the entry (file and index) and the problem.
 */
export function parseFixture(content: unknown, file: string, apps: AppRegistry): ParsedEntry[] {
  if (!Array.isArray(content)) {
    throw new CommandError('CLI-E03', `${file} is not a fixture: the top level must be a JSON array`, {
      hint: 'write [{ "model": "app.model", "pk": 1, "fields": { ... } }] (framework dumpdata makes one)',
    })
  }
  return content.map((raw, index) => parseEntry(raw, `${file}, entry ${index}`, apps))
}

function parseEntry(raw: unknown, where: string, apps: AppRegistry): ParsedEntry {
  const fail = (message: string, hint: string) =>
    new CommandError('CLI-E03', `${where}: ${message}`, { hint })
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw fail('not an object', 'each entry is { "model": "app.model", "pk": ..., "fields": { ... } }')
  }
  const entry = raw as Record<string, unknown>
  if (typeof entry['model'] !== 'string' || !entry['model'].includes('.')) {
    throw fail('"model" must be a string "app_label.modelname"', 'e.g. "model": "polls.question"')
  }
  const [appLabel = '', modelName = ''] = entry['model'].split('.', 2)
  if (!apps.has(appLabel)) {
    throw fail(`unknown app ${JSON.stringify(appLabel)}`, `installed apps: ${apps.all().map((a) => a.label).join(', ')}`)
  }
  const model = (apps.get(appLabel).models as unknown as AnyModelClass[]).find(
    (m) => m.meta.modelName.toLowerCase() === modelName.toLowerCase(),
  )
  if (!model) throw fail(`app ${JSON.stringify(appLabel)} has no model ${JSON.stringify(modelName)}`, 'check the "model" of the entry')
  const fields = entry['fields'] ?? {}
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw fail('"fields" must be an object', 'e.g. "fields": { "questionText": "Hi" }')
  }
  const values: Record<string, unknown> = {}
  const manyToMany: [string, unknown[]][] = []
  for (const [name, value] of Object.entries(fields)) {
    const field = model.meta.byName.get(name)
    if (!field || field.primaryKey) {
      throw fail(`${model.meta.modelName} has no field ${JSON.stringify(name)}`, `its fields: ${model.meta.fields.filter((f) => !f.primaryKey).map((f) => f.name).join(', ')}`)
    }
    if (field.relation?.kind === 'ManyToManyField') {
      if (!Array.isArray(value)) throw fail(`${name} must be a list of primary keys`, `e.g. "${name}": [1, 2]`)
      manyToMany.push([name, value])
      continue
    }
    values[field.attname] = fromJson(field, value, () => fail(`${name}: ${JSON.stringify(value)} is not a valid ${field.kind}`, 'dates as ISO 8601 strings, binary data as base64'))
  }
  if (entry['pk'] !== undefined && entry['pk'] !== null) values[model.meta.pk.attname] = entry['pk']
  return { model, pk: entry['pk'], values, manyToMany, where }
}

function fromJson(field: FieldMeta, value: unknown, invalid: () => Error): unknown {
  if (value === null || field.kind === 'JSONField') return value
  if (field.kind === 'DateTimeField') {
    const date = typeof value === 'string' ? new Date(value) : undefined
    if (!date || Number.isNaN(date.getTime())) throw invalid()
    return date
  }
  if (field.kind === 'BinaryField') {
    if (typeof value !== 'string') throw invalid()
    return Buffer.from(value, 'base64')
  }
  if (typeof value === 'object') throw invalid()
  return value
}
