/**
 * @module The ORM's errors. Each carries a stable `code` (`db.E001`...) listed in docs/orm.md, and
 * a message that names the culprit and says how to fix it.
 */

/** Base class of every error the ORM throws; `code` is stable across releases. */
export class DatabaseError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * `get()` found no row. Each model also exposes it as `Model.DoesNotExist` for `instanceof`.
 *
 * @example
 * ```ts
 * try { await Question.objects.get({ id: 99 }) } catch (e) { if (e instanceof DoesNotExist) ... }
 * ```
 */
export class DoesNotExist extends DatabaseError {
  constructor(message: string) {
    super('db.E001', message)
  }
}

/** `get()` found more than one row. */
export class MultipleObjectsReturned extends DatabaseError {
  constructor(message: string) {
    super('db.E002', message)
  }
}

/**
 * A constraint failed in the database. `constraint` is the constraint's name on both backends
 * (SQLite does not report names for every kind, so the ORM names them itself: see docs/orm.md).
 */
export class IntegrityError extends DatabaseError {
  readonly constraint: string | undefined
  constructor(message: string, constraint: string | undefined, cause?: unknown) {
    super('db.E003', message, { cause })
    this.constraint = constraint
  }
}

/** A delete was refused because a `PROTECT` foreign key still references the row. */
export class ProtectedError extends DatabaseError {
  readonly protectedObjects: readonly unknown[]
  constructor(message: string, protectedObjects: readonly unknown[]) {
    super('db.E004', message)
    this.protectedObjects = protectedObjects
  }
}

/** A delete was refused because a `RESTRICT` foreign key still references the row. */
export class RestrictedError extends DatabaseError {
  readonly restrictedObjects: readonly unknown[]
  constructor(message: string, restrictedObjects: readonly unknown[]) {
    super('db.E005', message)
    this.restrictedObjects = restrictedObjects
  }
}

/** A field name, lookup or relation path that the model does not have. */
export class FieldError extends DatabaseError {
  constructor(message: string) {
    super('db.E006', message)
  }
}

/** `fullClean()` found invalid values; `errors` maps field names to messages. */
export class ValidationError extends DatabaseError {
  readonly errors: Record<string, string[]>
  constructor(errors: Record<string, string[]>) {
    const summary = Object.entries(errors)
      .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
      .join('; ')
    super('db.E007', `Validation failed: ${summary}`)
    this.errors = errors
  }
}

/** A DATABASES entry or alias the ORM cannot use. */
export class ConnectionError extends DatabaseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db.E008', message, options)
  }
}

/** A model declaration the ORM cannot use (bad option, unknown related model...). */
export class ModelDefinitionError extends DatabaseError {
  constructor(message: string) {
    super('db.E009', message)
  }
}

/** Misuse of the QuerySet API (negative slice, update after slicing, ...). */
export class QuerySetError extends DatabaseError {
  constructor(message: string) {
    super('db.E010', message)
  }
}

/** A transaction API misuse (savepoint outside atomic, ...). */
export class TransactionError extends DatabaseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('db.E011', message, options)
  }
}
