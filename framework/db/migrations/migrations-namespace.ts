/**
 * @module The `migrations` object migration files use: `migrations.define()` and one factory per
 * operation, under Django's operation names in camelCase.
 */
import { callable, define } from './migration.ts'
import { addField, alterField, removeField, renameField } from './operations/field-operations.ts'
import {
  addConstraint,
  addIndex,
  removeConstraint,
  removeIndex,
  renameIndex,
} from './operations/index-operations.ts'
import {
  alterModelOptions,
  alterModelTable,
  alterUniqueTogether,
  createModel,
  deleteModel,
  renameModel,
} from './operations/model-operations.ts'
import { noop, runCode, runSql } from './operations/special-operations.ts'

/**
 * Everything a migration file needs besides `fields`.
 *
 * @example
 * ```ts
 * import { fields, migrations } from 'framework/db'
 *
 * export default migrations.define({
 *   dependencies: [['polls', '0001_initial']],
 *   operations: [
 *     migrations.addField({ model: 'Choice', name: 'votes', field: fields.integer({ default: 0 }) }),
 *   ],
 * })
 * ```
 */
export const migrations = {
  define,
  createModel,
  deleteModel,
  renameModel,
  alterModelTable,
  alterModelOptions,
  alterUniqueTogether,
  addField,
  removeField,
  alterField,
  renameField,
  addIndex,
  removeIndex,
  renameIndex,
  addConstraint,
  removeConstraint,
  runSql,
  runCode,
  noop,
  callable,
} as const
