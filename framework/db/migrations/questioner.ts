/**
 * @module The questions makemigrations asks (Django's MigrationQuestioner): is this a rename, and
 * what value do existing rows get for a new non-null field. The autodetector receives one, so it
 * stays a pure function of two states; the command line builds it from flags and stdin.
 */
import { MigrationError } from './migration-error.ts'

/** The questions the autodetector may ask. */
export interface Questioner {
  /** Was model `oldName` renamed to `newName` (same fields)? */
  askRenameModel(app: string, oldName: string, newName: string): Promise<boolean>
  /** Was `model.oldName` renamed to `newName` (same definition)? */
  askRenameField(model: string, oldName: string, newName: string): Promise<boolean>
  /** The value existing rows get for a new non-null field without a default. */
  askNotNullAddition(model: string, field: string): Promise<unknown>
  /** The value NULLs become when a nullable field becomes non-null. */
  askNotNullAlteration(model: string, field: string): Promise<unknown>
}

/** How a non-interactive run answers. */
export interface QuestionerAnswers {
  /** Renames: `yes` accepts every one detected, `no` (the default) treats them as remove + add. */
  readonly rename?: 'yes' | 'no'
  /** One-off defaults by `field` or `Model.field`. */
  readonly defaults?: ReadonlyMap<string, unknown>
}

/** Parses a `--default` value: JSON when it parses (`0`, `true`, `"x"`, `null`), else the text. */
export function parseDefaultValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function lookupDefault(answers: QuestionerAnswers, model: string, field: string): unknown {
  const short = model.split('.').pop()!
  for (const key of [`${model}.${field}`, `${short}.${field}`, field])
    if (answers.defaults?.has(key)) return answers.defaults.get(key)
  return undefined
}

function missingDefault(model: string, field: string, what: string): MigrationError {
  return new MigrationError(
    'migrations.E006',
    `${what} ${model}.${field} is not null and has no default, so existing rows need a value`,
    {
      hint: `give the field a default in the model, make it null: true, or pass --default ${field}=VALUE (JSON or text)`,
    },
  )
}

/**
 * A questioner that answers from flags (`--noinput`, `--rename`, `--default`).
 *
 * @example
 * ```ts
 * nonInteractiveQuestioner({ rename: 'yes', defaults: new Map([['votes', 0]]) })
 * ```
 */
export function nonInteractiveQuestioner(answers: QuestionerAnswers = {}): Questioner {
  const value = (model: string, field: string, what: string): Promise<unknown> => {
    const found = lookupDefault(answers, model, field)
    return found === undefined
      ? Promise.reject(missingDefault(model, field, what))
      : Promise.resolve(found)
  }
  return {
    askRenameModel: async () => answers.rename === 'yes',
    askRenameField: async () => answers.rename === 'yes',
    askNotNullAddition: (model, field) => value(model, field, 'New field'),
    askNotNullAlteration: (model, field) => value(model, field, 'Field'),
  }
}

/** Reads lines from a text stream, one per question. */
export function lineReader(
  input: AsyncIterable<Uint8Array | string>,
): () => Promise<string | undefined> {
  // Why lazy: a run that asks nothing must not start reading the terminal.
  let iterator: AsyncIterator<Uint8Array | string> | undefined
  let buffer = ''
  let ended = false
  return async () => {
    for (;;) {
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        return line.replace(/\r$/, '')
      }
      if (ended) {
        if (!buffer) return undefined
        const rest = buffer
        buffer = ''
        return rest
      }
      iterator ??= input[Symbol.asyncIterator]()
      const next = await iterator.next()
      if (next.done) ended = true
      else
        buffer +=
          typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('utf8')
    }
  }
}

/**
 * A questioner that asks on `output` and reads answers from `input` (the command's stdin);
 * flags given anyway answer first, so `--rename yes` works in an interactive run too.
 */
export function interactiveQuestioner(
  input: AsyncIterable<Uint8Array | string>,
  output: { write(text: string): unknown },
  answers: QuestionerAnswers = {},
): Questioner {
  const readLine = lineReader(input)
  const confirm = async (question: string): Promise<boolean> => {
    if (answers.rename) return answers.rename === 'yes'
    for (;;) {
      output.write(`${question} [y/N] `)
      const line = await readLine()
      if (line === undefined) return false
      const answer = line.trim().toLowerCase()
      if (answer === '' || answer === 'n' || answer === 'no') return false
      if (answer === 'y' || answer === 'yes') return true
      output.write('Please answer y or n.\n')
    }
  }
  const value = async (model: string, field: string, what: string): Promise<unknown> => {
    const given = lookupDefault(answers, model, field)
    if (given !== undefined) return given
    output.write(
      `${what} ${model}.${field} is not null and has no default; existing rows need a value.\n` +
        `Type a one-off value as JSON or text (e.g. 0, true, "draft"), or an empty line to stop: `,
    )
    const line = await readLine()
    if (line === undefined || line.trim() === '') throw missingDefault(model, field, what)
    return parseDefaultValue(line.trim())
  }
  return {
    askRenameModel: (app, oldName, newName) =>
      confirm(`Was the model ${app}.${oldName} renamed to ${newName}?`),
    askRenameField: (model, oldName, newName) =>
      confirm(`Was ${model}.${oldName} renamed to ${model}.${newName}?`),
    askNotNullAddition: (model, field) => value(model, field, 'New field'),
    askNotNullAlteration: (model, field) => value(model, field, 'Field'),
  }
}
