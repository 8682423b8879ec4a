/**
 * @module The zod schema of a model's writable fields, for forms and API input: types, max
 * lengths, choices, null/blank, defaults making a field optional. Foreign keys take the id.
 */
import { z } from 'zod'
import type { FieldMeta, ModelMeta } from './model-meta.ts'

function base(field: FieldMeta): z.ZodType {
  const o = field.options
  switch (field.kind) {
    case 'CharField':
    case 'TextField':
    case 'SlugField': {
      let schema = z.string()
      if (typeof o.maxLength === 'number') schema = schema.max(o.maxLength)
      if (field.kind === 'SlugField') schema = schema.regex(/^[-a-zA-Z0-9_]*$/)
      return schema
    }
    case 'EmailField':
      return z.email().max(Number(o.maxLength ?? 254))
    case 'URLField':
      return z.url().max(Number(o.maxLength ?? 200))
    case 'UUIDField':
      return z.uuid()
    case 'IntegerField':
    case 'BigIntegerField':
    case 'SmallIntegerField':
    case 'ForeignKey':
    case 'OneToOneField':
    case 'AutoField':
    case 'BigAutoField':
      return z.number().int()
    case 'FloatField':
    case 'DurationField':
      return z.number()
    case 'DecimalField':
      return z.string().regex(/^-?\d+(\.\d+)?$/)
    case 'BooleanField':
      return z.boolean()
    case 'DateField':
      return z.iso.date()
    case 'DateTimeField':
      return z.coerce.date()
    case 'TimeField':
      return z.iso.time()
    case 'JSONField':
      return z.json()
    case 'BinaryField':
      return z.instanceof(Uint8Array)
    case 'ManyToManyField':
      return z.array(z.number().int())
  }
}

/**
 * Builds the schema (keys are field names; foreign keys use `<name>Id`).
 *
 * @example
 * ```ts
 * const result = Question.zodSchema().safeParse({ questionText: 'Hi', pubDate: '2024-01-01T00:00:00Z' })
 * ```
 */
export function zodSchemaFor(meta: ModelMeta): z.ZodObject {
  const shape: Record<string, z.ZodType> = {}
  for (const field of meta.fields) {
    if (field.primaryKey && (field.kind === 'AutoField' || field.kind === 'BigAutoField')) continue
    let schema = base(field)
    const choices = field.options.choices as readonly (readonly [unknown, string])[] | undefined
    if (choices)
      schema = schema.refine(
        (value) => choices.some(([choice]) => choice === value),
        'Select a valid choice.',
      )
    if (field.nullable) schema = schema.nullable()
    const optional =
      field.nullable ||
      field.options.blank ||
      field.options.default !== undefined ||
      field.options.autoNow ||
      field.options.autoNowAdd ||
      field.kind === 'ManyToManyField'
    shape[
      field.relation && field.relation.kind !== 'ManyToManyField' ? field.attname : field.name
    ] = optional ? schema.optional() : schema
  }
  return z.object(shape)
}
