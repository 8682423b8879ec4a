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

/** Migrations: the `migrations` object of migration files, and the engine behind the commands. */
export { migrations } from './migrations/migrations-namespace.ts'
export type { Operation } from './migrations/operations/operation.ts'
export type { RunCodeContext, RunCodeFunction } from './migrations/operations/special-operations.ts'
export type { Migration, MigrationDefinition, MigrationKey } from './migrations/migration.ts'
export { MigrationError, migrationErrorCodes } from './migrations/migration-error.ts'
export { ProjectState } from './migrations/project-state.ts'
export { MigrationGraph } from './migrations/graph.ts'
export { loadMigrationGraph, loadMigrations, type MigrationSource } from './migrations/loader.ts'
export { autodetect, type AppChanges } from './migrations/autodetector.ts'
export {
  interactiveQuestioner,
  nonInteractiveQuestioner,
  parseDefaultValue,
  type Questioner,
  type QuestionerAnswers,
} from './migrations/questioner.ts'
export { writeMigration } from './migrations/writer.ts'
export {
  makeMigrations,
  type MakeMigrationsOptions,
  type WrittenMigration,
} from './migrations/make-migrations.ts'
export {
  migrate,
  showMigrations,
  type MigrateOptions,
  type MigrationStatus,
} from './migrations/migrate.ts'
export {
  collectMigrationSql,
  findMigration,
  stateAfter,
  type PlanStep,
} from './migrations/executor.ts'
export { MigrationRecorder, MIGRATIONS_TABLE } from './migrations/recorder.ts'
export { squashMigrations, type SquashedMigration } from './migrations/squash-migrations.ts'
export {
  createTestDatabase,
  migrateTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
} from './migrations/test-database.ts'
