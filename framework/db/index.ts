/**
 * @module framework/db: models declared once (row, kysely table, zod schema and migration state
 * derived from one declaration), Django's QuerySet over kysely, transactions, signals, SQLite
 * and PostgreSQL backends. Imports only framework/conf.
 */

/** Models and fields. */
export {
  defineModel,
  throughModels,
  type Model,
  type AnyModelClass,
} from './models/define-model.ts'
export {
  fields,
  snakeCase,
  type Field,
  type FieldKind,
  type OnDelete,
  type Validator,
  type JsonValue,
} from './models/fields.ts'
export {
  getModel,
  allModels,
  type ModelOptions,
  type ConstraintSpec,
  type IndexSpec,
} from './models/model-meta.ts'
export { modelState, type ModelState, type FieldState } from './models/model-state.ts'
export type {
  CreateInput,
  FieldsOf,
  FilterArgs,
  Instance,
  InstanceOf,
  KyselyTable,
  LookupKey,
  OrderKey,
  RowOf,
} from './models/types.ts'

/** Queries. */
export { QuerySet, type FilterInput, type KyselyDatabaseOf } from './query/query-set.ts'
export { RelatedManager, ManyRelatedManager } from './query/related-managers.ts'
export {
  F,
  Q,
  Count,
  Sum,
  Avg,
  Min,
  Max,
  Aggregate,
  Expression,
  QObject,
} from './query/expressions.ts'

/** Connections and transactions. */
export {
  configureDatabases,
  getConnection,
  closeConnections,
  Connection,
  type DatabasesConfig,
} from './connection/connections.ts'
export { parseDatabaseUrl } from './connection/parse-database-url.ts'
export { onQuery, type QueryEvent } from './connection/query-events.ts'
export {
  atomic,
  atomicFunction,
  onCommit,
  inAtomicBlock,
  type AtomicOptions,
} from './transaction/atomic.ts'

/** Schema (used by tests and the migrations executor). */
export {
  SchemaEditor,
  createTables,
  dropTables,
  type StateResolver,
} from './schema/schema-editor.ts'

/** Signals. */
export { Signal, preSave, postSave, preDelete, postDelete } from './signals.ts'

/** Errors. */
export {
  DatabaseError,
  DoesNotExist,
  MultipleObjectsReturned,
  IntegrityError,
  ProtectedError,
  RestrictedError,
  FieldError,
  ValidationError,
  ConnectionError,
  ModelDefinitionError,
  QuerySetError,
  TransactionError,
} from './errors.ts'

/** Test helpers (re-exported by framework/testing). */
export { assertNumQueries, captureQueries } from './testing/query-counter.ts'

/** Installed apps and startup. */
export { setup, getApps } from './apps/setup.ts'
export { AppRegistry, loadApps, type AppConfig } from './apps/registry.ts'
export { resolveApp, type AppLocation } from '../conf/index.ts'
